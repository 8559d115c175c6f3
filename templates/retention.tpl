{{%AUTOESCAPE context="HTML"}}
<h1>Retention</h1>
<p class="lead">What the records of inactive customers preserve, for finance, audit and compliance.</p>
{{#POLICY_LINK}}<p><a class="button secondary" href="/retention/policy">Retention policy…</a></p>{{/POLICY_LINK}}
<section class="panel" aria-labelledby="totals-title">
  <h2 id="totals-title">All inactive customers</h2>
  <dl class="facts totals">
    <dt>Inactive customers</dt><dd>{{T_CUSTOMERS}}</dd>
    <dt>Orders kept</dt><dd>{{T_ORDERS}}</dd>
    <dt>Subscriptions kept</dt><dd>{{T_SUBS}}</dd>
    <dt>Payments kept</dt><dd>{{T_PAYMENTS}} ({{T_COLLECTED}} collected)</dd>
    <dt>Addresses kept</dt><dd>{{T_ADDRESSES}}</dd>
  </dl>
</section>
<section class="panel" aria-labelledby="charts-title" id="charts">
  <h2 id="charts-title">At a glance</h2>
  <h3 id="deact-chart-title">Deactivations per month, by reason</h3>
  {{#NO_DEACT_CHART}}<p class="empty">No deactivations yet.</p>{{/NO_DEACT_CHART}}
  {{#DEACT_CHART}}
  <div class="chart-stack">
    {{>CHART_DEACT}}
    <table class="list compact" id="deact-chart-table" aria-labelledby="deact-chart-title"><thead><tr><th scope="col">Month</th>{{#R_HEAD}}<th scope="col" class="num">{{R_LABEL}}</th>{{/R_HEAD}}<th scope="col" class="num">All</th></tr></thead>
    <tbody>{{#DC_ROW}}<tr><th scope="row">{{DC_MONTH}}</th>{{#DC_CELL}}<td class="num" data-label="{{DC_LABEL}}">{{DC_N}}</td>{{/DC_CELL}}<td class="num" data-label="All">{{DC_TOTAL}}</td></tr>{{/DC_ROW}}</tbody></table>
  </div>
  {{/DEACT_CHART}}
  <h3 id="erase-chart-title">Personal data erased per month</h3>
  {{#NO_ERASE_CHART}}<p class="empty">No personal data erased yet.</p>{{/NO_ERASE_CHART}}
  {{#ERASE_CHART}}
  <div class="chart-pair">
    {{>CHART_ERASE}}
    <table class="list compact" id="erase-chart-table" aria-labelledby="erase-chart-title"><thead><tr><th scope="col">Month</th><th scope="col" class="num">Customers erased</th></tr></thead>
    <tbody>{{#EC_ROW}}<tr><th scope="row">{{EC_MONTH}}</th><td class="num" data-label="Customers erased">{{EC_N}}</td></tr>{{/EC_ROW}}</tbody></table>
  </div>
  {{/ERASE_CHART}}
  <h3 id="kept-chart-title">Records kept, by kind</h3>
  <div class="chart-pair">
    {{>CHART_KEPT}}
    <table class="list compact" id="kept-chart-table" aria-labelledby="kept-chart-title"><thead><tr><th scope="col">Kind</th><th scope="col" class="num">Kept</th></tr></thead>
    <tbody>{{#KC_ROW}}<tr><th scope="row">{{KC_KIND}}</th><td class="num" data-label="Kept">{{KC_N}}</td></tr>{{/KC_ROW}}</tbody></table>
  </div>
</section>
<section class="panel" aria-labelledby="reason-title">
  <h2 id="reason-title">By reason</h2>
  <table class="list"><thead><tr><th scope="col">Reason</th><th scope="col" class="num">Customers</th><th scope="col" class="num">Orders kept</th></tr></thead>
  <tbody>{{#BY_REASON}}<tr><th scope="row">{{REASON}}</th><td class="num" data-label="Customers">{{CUSTOMERS}}</td><td class="num" data-label="Orders kept">{{ORDERS}}</td></tr>{{/BY_REASON}}</tbody></table>
</section>
<section class="panel" aria-labelledby="month-title">
  <h2 id="month-title">By month of deactivation</h2>
  {{#NO_GROUPS}}<p class="empty">No inactive customers yet.</p>{{/NO_GROUPS}}
  {{#HAS_GROUPS}}
  <table class="list"><thead><tr><th scope="col">Month</th><th scope="col">Reason</th><th scope="col" class="num">Customers</th><th scope="col" class="num">Orders kept</th></tr></thead>
  <tbody>{{#BY_MONTH}}<tr><td data-label="Month">{{MONTH}}</td><td data-label="Reason">{{REASON}}</td><td class="num" data-label="Customers">{{CUSTOMERS}}</td><td class="num" data-label="Orders kept">{{ORDERS}}</td></tr>{{/BY_MONTH}}</tbody></table>
  {{/HAS_GROUPS}}
</section>
