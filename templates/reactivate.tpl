{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/customers">Customers</a> › <a href="{{CUSTOMER_URL}}">{{CUSTOMER_NAME}}</a> › Reactivate</nav>
<h1>Reactivate {{CUSTOMER_NAME}} (<code>{{CUSTOMER_ID}}</code>)?</h1>
{{#ALREADY_ACTIVE}}
<div class="alert alert-info" role="status"><p>This customer is already active; there is nothing to reactivate. <a href="{{CUSTOMER_URL}}">Back to the customer</a>.</p></div>
{{/ALREADY_ACTIVE}}
{{#DEACTIVATION}}
<section class="panel" aria-labelledby="deact-title">
  <h2 id="deact-title">Deactivation record</h2>
  <dl class="facts">
    <dt>When</dt><dd>{{DEACT_AT}}</dd>
    <dt>By</dt><dd>{{DEACT_BY}}</dd>
    <dt>Reason</dt><dd>{{DEACT_REASON}}</dd>
    <dt>Note</dt><dd>{{DEACT_NOTE}}</dd>
  </dl>
  <p>Reactivating makes the customer active again: they reappear in the default lists and can place orders. The deactivation stays in the audit log.</p>
</section>
{{/DEACTIVATION}}
<section class="panel" aria-labelledby="keep-title">
  <h2 id="keep-title">The record</h2>
  {{>RETENTION_TABLE}}
</section>
{{#READ_ONLY}}<p class="notice">Your role can look but not reactivate customers.</p>{{/READ_ONLY}}
{{#FORM}}
<form class="panel" method="post" action="{{ACTION_URL}}">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="note">Note <span class="sub">(optional, up to 500 characters)</span></label>
    <textarea id="note" name="note" maxlength="500" rows="3"></textarea>
  </div>
  <div class="buttons">
    <button type="submit">Reactivate {{CUSTOMER_NAME}}</button>
    <a href="{{CUSTOMER_URL}}">Cancel</a>
  </div>
</form>
{{/FORM}}
