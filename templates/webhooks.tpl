{{%AUTOESCAPE context="HTML"}}
<h1>Webhooks</h1>
<p class="lead">Endpoints of your systems that Custodian tells about every completed change (a deactivation, a cancelled order, an ended subscription, …): an HTTP POST of the event, signed with the endpoint's secret, sent at least once and in order per customer, retried with growing pauses when it fails.</p>
{{#READ_ONLY}}<p class="notice" id="webhooks-read-only">Only an admin can add or change endpoints; you can look at them and their delivery logs.</p>{{/READ_ONLY}}
<section class="panel" aria-labelledby="endpoints-title">
  <h2 id="endpoints-title">Endpoints</h2>
  {{#NO_ENDPOINTS}}<p class="empty" id="no-endpoints">No webhook endpoints yet.</p>{{/NO_ENDPOINTS}}
  {{#HAS_ENDPOINTS}}
  <div class="table-wrap">
  <table class="list" id="endpoints">
    <caption class="sr-only">Webhook endpoints, newest first</caption>
    <thead><tr><th scope="col">Endpoint</th><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th><th scope="col" class="num">Pending</th><th scope="col" class="num">Delivered</th><th scope="col" class="num">Failed</th></tr></thead>
    <tbody>{{#ENDPOINT}}<tr id="endpoint-{{WHK_ID}}">
      <td data-label="Endpoint"><a href="{{ENDPOINT_URL}}"><code>{{WHK_ID}}</code></a></td>
      <td data-label="URL"><code class="webhook-url">{{URL}}</code></td>
      <td data-label="Events">{{#ALL_EVENTS}}All events{{/ALL_EVENTS}}{{#EVENT}}<code>{{EVENT_NAME}}</code> {{/EVENT}}</td>
      <td data-label="State">{{#ENABLED}}<span class="badge badge-active">enabled</span>{{/ENABLED}}{{#DISABLED}}<span class="badge badge-inactive">disabled</span>{{/DISABLED}}</td>
      <td data-label="Pending" class="num">{{PENDING}}</td>
      <td data-label="Delivered" class="num">{{DELIVERED}}</td>
      <td data-label="Failed" class="num">{{FAILED}}</td>
    </tr>{{/ENDPOINT}}</tbody>
  </table>
  </div>
  {{/HAS_ENDPOINTS}}
</section>
{{#FORM}}
<form class="panel" method="post" action="/webhooks" aria-labelledby="new-title">
  <h2 id="new-title">New endpoint</h2>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="url">URL <span class="required">(required)</span> <span class="sub">(http:// or https://, up to 500 characters)</span></label>
    <input id="url" name="url" type="url" required maxlength="500" spellcheck="false" placeholder="https://example.com/custodian-events">
  </div>
  <fieldset>
    <legend>Events <span class="required">(at least one)</span></legend>
    <div class="choice"><input type="checkbox" id="event-all" name="event" value="*" {{#ALL_CHECKED}}checked{{/ALL_CHECKED}}><label for="event-all">All events <span class="sub">(also those added later)</span></label></div>
    {{#EVENT_CHOICE}}<div class="choice"><input type="checkbox" id="event-{{EVENT_INDEX}}" name="event" value="{{EVENT_NAME}}" {{#EVENT_CHECKED}}checked{{/EVENT_CHECKED}}><label for="event-{{EVENT_INDEX}}"><code>{{EVENT_NAME}}</code></label></div>{{/EVENT_CHOICE}}
  </fieldset>
  <div class="choice"><input type="checkbox" id="enabled" name="enabled" value="1" checked><label for="enabled">Enabled: send events to it from now on</label></div>
  <p class="sub">The next page shows the endpoint's signing secret, once.</p>
  <div class="buttons"><button type="submit">Create endpoint</button></div>
</form>
{{/FORM}}
