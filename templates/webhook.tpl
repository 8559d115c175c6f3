{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/webhooks">Webhooks</a> › {{WHK_ID}}</nav>
<h1>Webhook endpoint <code>{{WHK_ID}}</code> {{#ENABLED}}<span class="badge badge-active" id="endpoint-state">enabled</span>{{/ENABLED}}{{#DISABLED}}<span class="badge badge-inactive" id="endpoint-state">disabled</span>{{/DISABLED}}</h1>
{{#READ_ONLY}}<p class="notice" id="webhook-read-only">Only an admin can change this endpoint, send it a test event or redeliver an event.</p>{{/READ_ONLY}}
<section class="panel" aria-labelledby="endpoint-title">
  <h2 id="endpoint-title">The endpoint</h2>
  <dl class="facts">
    <dt>URL</dt><dd><code class="webhook-url" id="endpoint-url">{{URL}}</code></dd>
    <dt>Events</dt><dd id="endpoint-events">{{#ALL_EVENTS}}All events{{/ALL_EVENTS}}{{#EVENT}}<code>{{EVENT_NAME}}</code> {{/EVENT}}</dd>
    <dt>Created</dt><dd>{{CREATED_AT}} by {{CREATED_BY}}</dd>
    <dt>Changed</dt><dd>{{UPDATED_AT}}</dd>
  </dl>
  {{#TEST}}<form method="post" action="{{TEST_URL}}">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <div class="buttons"><button type="submit" class="secondary">Send a test event</button> <span class="sub">A <code>webhook.test</code> event, to this endpoint only.</span></div>
  </form>{{/TEST}}
</section>
<section class="panel" aria-labelledby="deliveries-title" id="deliveries">
  <h2 id="deliveries-title">Delivery log</h2>
  <p class="sub">Newest first, 50 to a page. A failed attempt is tried again after a growing pause; after the last one the delivery is failed.</p>
  {{#NO_DELIVERIES}}<p class="empty" id="no-deliveries">No deliveries yet.</p>{{/NO_DELIVERIES}}
  {{#HAS_DELIVERIES}}
  <div class="table-wrap">
  <table class="list" id="delivery-log">
    <caption class="sr-only">Deliveries to this endpoint, newest first</caption>
    <thead><tr><th scope="col">Event</th><th scope="col">Customer</th><th scope="col">State</th><th scope="col" class="num">Attempts</th><th scope="col">Last answer</th><th scope="col">Next attempt</th><th scope="col">Delivered</th></tr></thead>
    <tbody>{{#DELIVERY}}<tr id="delivery-{{DELIVERY_ID}}" data-state="{{STATE}}">
      <td data-label="Event"><code>{{EVENT}}</code> <code class="sub">{{EVENT_ID}}</code> <span class="sub">{{CREATED_AT}}</span></td>
      <td data-label="Customer">{{#CUSTOMER}}<a href="{{CUSTOMER_URL}}"><code>{{CUSTOMER_ID}}</code></a>{{/CUSTOMER}}{{#NO_CUSTOMER}}<span class="sub">none</span>{{/NO_CUSTOMER}}</td>
      <td data-label="State"><span class="badge badge-{{BADGE}}">{{STATE}}</span>{{#REDELIVER}}
        <form method="post" action="{{REDELIVER_URL}}">
          <input type="hidden" name="csrf" value="{{CSRF}}">
          <input type="hidden" name="delivery" value="{{DELIVERY_ID}}">
          <button type="submit" class="secondary" aria-label="Redeliver {{EVENT_ID}}">Redeliver</button>
        </form>{{/REDELIVER}}</td>
      <td data-label="Attempts" class="num">{{ATTEMPTS}}</td>
      <td data-label="Last answer">{{#NOT_TRIED}}<span class="sub">not tried yet</span>{{/NOT_TRIED}}{{#CODE}}HTTP {{LAST_CODE}}{{/CODE}}{{#NO_CODE}}<span class="sub">no HTTP answer</span>{{/NO_CODE}}{{#MS}} <span class="sub">{{LAST_MS}} ms</span>{{/MS}}{{#RESPONSE}}<br> <code class="sub webhook-response">{{LAST_RESPONSE}}</code>{{/RESPONSE}}</td>
      <td data-label="Next attempt">{{#NEXT}}{{NEXT_AT}}{{/NEXT}}</td>
      <td data-label="Delivered">{{#DELIVERED}}{{DELIVERED_AT}}{{/DELIVERED}}</td>
    </tr>{{/DELIVERY}}</tbody>
  </table>
  </div>
  {{/HAS_DELIVERIES}}
  {{#PAGER}}<nav class="pager" aria-label="Delivery log pages">{{#NEWEST}}<a href="{{NEWEST_URL}}">« Newest</a>{{/NEWEST}} {{#OLDER}}<a href="{{OLDER_URL}}" rel="next">Older »</a>{{/OLDER}}</nav>{{/PAGER}}
</section>
{{#EDIT}}
<form class="panel" method="post" action="{{ACTION_URL}}" aria-labelledby="edit-title">
  <h2 id="edit-title">Change the endpoint</h2>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="url">URL <span class="required">(required)</span> <span class="sub">(http:// or https://, up to 500 characters)</span></label>
    <input id="url" name="url" type="url" required maxlength="500" spellcheck="false" value="{{URL}}">
  </div>
  <fieldset>
    <legend>Events <span class="required">(at least one)</span></legend>
    <div class="choice"><input type="checkbox" id="event-all" name="event" value="*" {{#ALL_CHECKED}}checked{{/ALL_CHECKED}}><label for="event-all">All events <span class="sub">(also those added later)</span></label></div>
    {{#EVENT_CHOICE}}<div class="choice"><input type="checkbox" id="event-{{EVENT_INDEX}}" name="event" value="{{EVENT_NAME}}" {{#EVENT_CHECKED}}checked{{/EVENT_CHECKED}}><label for="event-{{EVENT_INDEX}}"><code>{{EVENT_NAME}}</code></label></div>{{/EVENT_CHOICE}}
  </fieldset>
  <div class="choice"><input type="checkbox" id="enabled" name="enabled" value="1" {{#ENABLED_CHECKED}}checked{{/ENABLED_CHECKED}}><label for="enabled">Enabled: send events to it</label></div>
  <p class="sub">The secret stays the same.</p>
  <div class="buttons"><button type="submit">Save the endpoint</button></div>
</form>
{{/EDIT}}
