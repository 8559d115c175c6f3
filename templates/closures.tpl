{{%AUTOESCAPE context="HTML"}}
<h1>Closure requests</h1>
<p class="lead">Deactivations filed with "Close when clear": each waits for its customer's blockers to clear and then runs by itself, as the person who filed it. What happened since (a reactivation after completion, new orders) is worked out as this page is shown.</p>
<form class="filters" method="get" action="/closures">
  <div class="field"><label for="state">State</label><select id="state" name="state">{{#STATE_OPTION}}<option value="{{OPTION_VALUE}}" {{#OPTION_SELECTED}}selected{{/OPTION_SELECTED}}>{{OPTION_LABEL}}</option>{{/STATE_OPTION}}</select></div>
  <div class="buttons"><button type="submit" class="secondary">Filter</button></div>
</form>
{{#NONE}}<p class="empty" id="no-closures">No closure requests match.</p>{{/NONE}}
<table class="list" id="closures">
  <caption class="sr-only">Closure requests, newest first</caption>
  <thead><tr><th scope="col">Request</th><th scope="col">Customer</th><th scope="col">State</th><th scope="col">Requested</th><th scope="col">Reason</th><th scope="col">Since the request</th></tr></thead>
  <tbody>{{#ITEM}}<tr id="closure-{{CLOSURE_ID}}" data-state="{{STATE}}">
    <td data-label="Request"><code>{{CLOSURE_ID}}</code></td>
    <td data-label="Customer"><a href="{{CUSTOMER_URL}}"><code>{{CUSTOMER_ID}}</code></a> {{NAME}} <span class="sub">{{EMAIL}}</span></td>
    <td data-label="State"><span class="badge badge-{{STATE}}">{{STATE}}</span>
      {{#PENDING}}<span class="closure-waiting">waiting for {{#WAITING}}<code>{{WAITING_CODE}}</code> {{/WAITING}}{{#NOTHING_BLOCKS}}nothing (completing){{/NOTHING_BLOCKS}}</span>{{#CHECKED}} <span class="sub">checked {{CHECKED_AT}}</span>{{/CHECKED}}{{/PENDING}}
      {{#DONE}}<span class="sub">deactivated {{DONE_AT}}</span>{{/DONE}}
      {{#WITHDRAWN}}<span class="sub">withdrawn {{WITHDRAWN_AT}} by {{WITHDRAWN_BY}}</span>{{/WITHDRAWN}}</td>
    <td data-label="Requested">{{REQUESTED_AT}} by {{REQUESTED_BY}} <span class="sub">via {{VIA}}</span></td>
    <td data-label="Reason">{{REASON}} <span class="sub">{{NOTE}}</span></td>
    <td data-label="Since the request">{{#REACTIVATED}}<span class="since-reactivated">reactivated {{REACTIVATED_AT}}</span> {{/REACTIVATED}}{{#ORDERS_SINCE}}<span class="since-orders">{{ORDERS}} new order(s) placed</span>{{/ORDERS_SINCE}}{{#NOTHING_SINCE}}<span class="sub">nothing</span>{{/NOTHING_SINCE}}</td>
  </tr>{{/ITEM}}</tbody>
</table>
<nav class="pager" aria-label="Pages">{{#FIRST}}<a href="{{FIRST_URL}}">« Newest</a>{{/FIRST}} {{#NEXT}}<a href="{{NEXT_URL}}" rel="next">Older »</a>{{/NEXT}}</nav>
