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
