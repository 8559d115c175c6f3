{{%AUTOESCAPE context="HTML"}}
<h1>Audit log</h1>
<form class="filters" method="get" action="/audit">
  <div class="field"><label for="actor">Who</label><input id="actor" name="actor" value="{{F_ACTOR}}" maxlength="100"></div>
  <div class="field"><label for="action">Action</label><select id="action" name="action"><option value="">Any</option>{{#ACTION_OPTION}}<option value="{{OPTION_VALUE}}" {{#OPTION_SELECTED}}selected{{/OPTION_SELECTED}}>{{OPTION_LABEL}}</option>{{/ACTION_OPTION}}</select></div>
  <div class="field"><label for="outcome">Outcome</label><input id="outcome" name="outcome" value="{{F_OUTCOME}}" maxlength="64" placeholder="ok or an error code"></div>
  <div class="field"><label for="customer">Customer id</label><input id="customer" name="customer" value="{{F_CUSTOMER}}" maxlength="40" placeholder="cus_…"></div>
  <div class="field"><label for="from">From</label><input id="from" name="from" type="date" value="{{F_FROM}}"></div>
  <div class="field"><label for="to">To</label><input id="to" name="to" type="date" value="{{F_TO}}"></div>
  <button type="submit">Filter</button>
  <a class="button secondary" href="{{CSV_URL}}" download>Download CSV</a>
</form>
{{#EMPTY}}<p class="empty">No audit entries match.</p>{{/EMPTY}}
{{#HAS_ROWS}}
<div class="table-wrap">
<table class="list">
  <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Via</th><th scope="col">Customer</th><th scope="col">Reason</th><th scope="col">Note</th><th scope="col">Outcome</th><th scope="col">Request</th><th scope="col">Changes</th></tr></thead>
  <tbody>
  {{#ROW}}<tr><td data-label="When">{{DATE}}</td><td data-label="Who">{{ACTOR}}</td><td data-label="Action">{{ACTION}}</td><td data-label="Via">{{CHANNEL}}{{#RUN}} run {{RUN_ID}}{{/RUN}}</td>
    <td data-label="Customer">{{#CUSTOMER_LINK}}<a href="{{SUBJECT_URL}}"><code>{{SUBJECT}}</code></a>{{/CUSTOMER_LINK}}{{#SUBJECT_ONLY}}<code>{{SUBJECT}}</code>{{/SUBJECT_ONLY}}</td>
    <td data-label="Reason">{{REASON}}</td><td data-label="Note">{{NOTE}}</td>
    <td data-label="Outcome">{{#OUTCOME_OK}}<span class="badge badge-ok">ok</span>{{/OUTCOME_OK}}{{#OUTCOME_REFUSED}}<span class="badge badge-refused">{{OUTCOME}}</span>{{/OUTCOME_REFUSED}}</td>
    <td data-label="Request"><code class="sub">{{REQUEST_ID}}</code></td>
    <td data-label="Changes">{{#CHANGES}}<ul class="changes">{{#CHANGE}}<li><span class="change-field">{{CHANGE_FIELD}}</span>: {{#OLD}}<del>{{CHANGE_OLD}}</del>{{/OLD}}{{#OLD_EMPTY}}<span class="empty">(empty)</span>{{/OLD_EMPTY}} → {{#NEW}}<ins>{{CHANGE_NEW}}</ins>{{/NEW}}{{#NEW_EMPTY}}<span class="empty">(empty)</span>{{/NEW_EMPTY}}</li>{{/CHANGE}}</ul>{{/CHANGES}}</td></tr>{{/ROW}}
  </tbody>
</table>
</div>
{{/HAS_ROWS}}
<nav class="pager" aria-label="Pages">{{#FIRST}}<a href="{{FIRST_URL}}">« Newest</a>{{/FIRST}} {{#NEXT}}<a href="{{NEXT_URL}}" rel="next">Older »</a>{{/NEXT}}</nav>
