{{%AUTOESCAPE context="HTML"}}
<h1>Status</h1>
<p class="lead">What this installation's processes have done since the supervisor started, and the work waiting in the database: the figures of <code>/metrics</code>, which a monitoring system scrapes from the app hosts (README "Watching Custodian").</p>
{{#METRICS_OFF}}<p class="notice" id="metrics-off">Counting is off on this host (<code>metrics = 0</code> in its configuration): there are no request figures.</p>{{/METRICS_OFF}}
{{#METRICS_ON}}
<section class="panel" aria-labelledby="processes-title">
  <h2 id="processes-title">Processes</h2>
  <p class="sub">Since {{SINCE}}, on the host that answered this page.</p>
  <dl class="facts" id="processes">
    <dt>Workers busy</dt><dd id="workers-busy">{{WORKERS_BUSY}}</dd>
    <dt>Workers idle</dt><dd id="workers-idle">{{WORKERS_IDLE}}</dd>
    <dt>Job workers</dt><dd id="job-workers">{{JOB_WORKERS}}</dd>
    <dt>Restarts (workers / job workers)</dt><dd id="restarts">{{RESTARTS_WORKER}} / {{RESTARTS_JOBS}}</dd>
    <dt>Listen queue (waiting / limit)</dt><dd id="listen-queue">{{QUEUED}} / {{QUEUE_MAX}}</dd>
  </dl>
</section>
<section class="panel" aria-labelledby="db-title">
  <h2 id="db-title">Database</h2>
  <dl class="facts" id="db-events">
    <dt>Retries</dt><dd id="db-retries">{{DB_RETRIES}}</dd>
    <dt>Deadlocks</dt><dd id="db-deadlocks">{{DB_DEADLOCKS}}</dd>
    <dt>Lock wait timeouts</dt><dd id="db-lock-timeouts">{{DB_LOCK_TIMEOUTS}}</dd>
    <dt>Reconnects</dt><dd id="db-reconnects">{{DB_RECONNECTS}}</dd>
    <dt>Statements with no database</dt><dd id="db-unavailable">{{DB_UNAVAILABLE}}</dd>
  </dl>
</section>
<section class="panel" aria-labelledby="routes-title">
  <h2 id="routes-title">Requests by route</h2>
  {{#NO_ROUTES}}<p class="empty">No request answered yet.</p>{{/NO_ROUTES}}
  {{#HAS_ROUTES}}
  <p class="sub"><span id="total-requests">{{TOTAL_REQUESTS}}</span> requests. Times are from the request's start to its answer handed to nginx; the 95th percentile is the upper bound of its latency bucket.</p>
  <div class="table-wrap">
  <table class="list" id="routes">
    <caption class="sr-only">Requests by route</caption>
    <thead><tr><th scope="col">Route</th><th scope="col" class="num">Requests</th><th scope="col" class="num">2xx</th><th scope="col" class="num">3xx</th><th scope="col" class="num">4xx</th><th scope="col" class="num">5xx</th><th scope="col" class="num">Mean ms</th><th scope="col" class="num">95th pct. ms</th><th scope="col" class="num">Statements / request</th><th scope="col" class="num">Database ms / request</th></tr></thead>
    <tbody>{{#ROUTE}}<tr id="route-{{ROUTE_NAME}}">
      <th scope="row" data-label="Route"><code>{{ROUTE_NAME}}</code></th>
      <td data-label="Requests" class="num">{{REQUESTS}}</td>
      <td data-label="2xx" class="num">{{S2XX}}</td>
      <td data-label="3xx" class="num">{{S3XX}}</td>
      <td data-label="4xx" class="num">{{S4XX}}</td>
      <td data-label="5xx" class="num">{{S5XX}}</td>
      <td data-label="Mean ms" class="num">{{MEAN_MS}}</td>
      <td data-label="95th pct. ms" class="num">{{P95_MS}}</td>
      <td data-label="Statements / request" class="num">{{STATEMENTS}}</td>
      <td data-label="Database ms / request" class="num">{{DB_MS}}</td>
    </tr>{{/ROUTE}}</tbody>
  </table>
  </div>
  {{/HAS_ROUTES}}
</section>
<section class="panel" aria-labelledby="outcomes-title">
  <h2 id="outcomes-title">Changes by outcome</h2>
  {{#NO_OUTCOMES}}<p class="empty">No change asked yet.</p>{{/NO_OUTCOMES}}
  {{#HAS_OUTCOMES}}
  <div class="table-wrap">
  <table class="list" id="outcomes">
    <caption class="sr-only">Changes asked of customers and their records, by action and outcome</caption>
    <thead><tr><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col" class="num">Count</th></tr></thead>
    <tbody>{{#OUTCOME}}<tr><td data-label="Action"><code>{{ACTION}}</code></td><td data-label="Outcome"><code>{{CODE}}</code></td><td data-label="Count" class="num">{{COUNT}}</td></tr>{{/OUTCOME}}</tbody>
  </table>
  </div>
  {{/HAS_OUTCOMES}}
</section>
{{/METRICS_ON}}
<section class="panel" aria-labelledby="work-title">
  <h2 id="work-title">Work in the database</h2>
  {{#DB_DOWN}}<p class="notice" id="db-down">The database did not answer: these figures are missing.</p>{{/DB_DOWN}}
  {{#DB_UP}}
  <div class="table-wrap">
  <table class="list" id="work">
    <caption class="sr-only">Bulk runs and webhook deliveries, across every tenant</caption>
    <thead><tr><th scope="col">What</th><th scope="col">State</th><th scope="col" class="num">Number</th></tr></thead>
    <tbody>{{#GAUGE}}<tr><td data-label="What">{{GROUP}}</td><td data-label="State">{{STATE}}</td><td data-label="Number" class="num">{{N}}</td></tr>{{/GAUGE}}</tbody>
  </table>
  </div>
  {{/DB_UP}}
</section>
