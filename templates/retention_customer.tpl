{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/customers">Customers</a> › <a href="{{CUSTOMER_URL}}">{{CUSTOMER_NAME}}</a> › Retention</nav>
<h1>{{CUSTOMER_NAME}} <span class="badge badge-{{STATUS}}">{{STATUS}}</span></h1>
<p class="sub"><code class="id">{{CUSTOMER_ID}}</code></p>
{{#ERASED}}
<section class="panel erased" id="erased" aria-labelledby="erased-title">
  <h2 id="erased-title">Personal data erased</h2>
  <p>Personal data erased on {{ERASED_AT}} by {{ERASED_BY}}{{#FINANCIAL}}; financial records kept until {{FINANCIAL_UNTIL}}{{/FINANCIAL}}.</p>
</section>
{{/ERASED}}
{{#TIMELINE}}
<section class="panel" aria-labelledby="timeline-title" id="timeline">
  <h2 id="timeline-title">Timeline</h2>
  <ol class="timeline">{{#EVENT}}<li{{#FUTURE}} class="future"{{/FUTURE}}><span class="when">{{WHEN}}</span> {{WHAT}}{{#FUTURE}} <span class="sub">(to come)</span>{{/FUTURE}}</li>{{/EVENT}}</ol>
  {{#ACTIVE_NOTE}}<p class="sub">The customer is active: its records are kept, and the retention periods start at a deactivation.</p>{{/ACTIVE_NOTE}}
</section>
{{/TIMELINE}}
{{#DEACTIVATION}}
<section class="panel deactivated" aria-labelledby="deact-title">
  <h2 id="deact-title">Deactivation record</h2>
  <dl class="facts">
    <dt>When</dt><dd>{{DEACT_AT}}</dd>
    <dt>By</dt><dd>{{DEACT_BY}}</dd>
    <dt>Reason</dt><dd>{{DEACT_REASON}}</dd>
    <dt>Note</dt><dd>{{DEACT_NOTE}}</dd>
  </dl>
  {{#CAN_REACTIVATE}}<p><a class="button" href="{{REACTIVATE_URL}}">Reactivate…</a></p>{{/CAN_REACTIVATE}}
</section>
{{/DEACTIVATION}}
<section class="panel" aria-labelledby="keep-title">
  <h2 id="keep-title">Data retention</h2>
  {{>RETENTION_TABLE}}
  <p class="sub">Soft deletion keeps every record for financial reporting, auditing and compliance.</p>
</section>
<p><a href="{{CUSTOMER_URL}}">Back to the customer</a></p>
