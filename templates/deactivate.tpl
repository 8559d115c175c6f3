{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/customers">Customers</a> › <a href="{{CUSTOMER_URL}}">{{CUSTOMER_NAME}}</a> › Deactivate</nav>
<h1>Deactivate {{CUSTOMER_NAME}} (<code>{{CUSTOMER_ID}}</code>)?</h1>
<p class="lead">Deactivation is a soft delete: the customer becomes <strong>inactive</strong>, disappears from the default lists and can place no new orders. Every record below is kept for finance, audit and compliance, and the customer can be reactivated at any time.</p>
{{#REFUSED}}
<div class="alert alert-danger" role="alert">
  <h2>Refused: nothing was changed</h2>
  <p>Checked again under lock just now, the customer still has:</p>
  <ul>{{#REFUSED_CODE}}<li><code>{{CODE}}</code></li>{{/REFUSED_CODE}}</ul>
</div>
{{/REFUSED}}
{{#ALREADY_INACTIVE}}
<div class="alert alert-info" role="status"><p>This customer is already inactive; there is nothing to deactivate. <a href="{{RETENTION_URL}}">See what the record keeps</a> or <a href="{{REACTIVATE_URL}}">reactivate</a>.</p></div>
{{/ALREADY_INACTIVE}}
<section class="panel" aria-labelledby="checks-title">
  <h2 id="checks-title">Prerequisites</h2>
  <ol class="checklist">
  {{#CHECK}}
    <li class="{{#CHECK_PASSED}}passed{{/CHECK_PASSED}}{{#CHECK_FAILED}}failed{{/CHECK_FAILED}}">
      <span class="mark" aria-hidden="true">{{#CHECK_PASSED}}✓{{/CHECK_PASSED}}{{#CHECK_FAILED}}✗{{/CHECK_FAILED}}</span>
      <strong>{{CHECK_TITLE}}</strong>
      {{#CHECK_PASSED}}<span class="sr-only">passed</span>{{/CHECK_PASSED}}
      {{#CHECK_FAILED}}<span class="sr-only">failed</span> — <code>{{CHECK_CODE}}</code>: {{BLOCKING_COUNT}} {{BLOCKING_KIND}}
        <p class="solution">{{SOLUTION}}</p>
        <ul class="blockers">{{#BLOCKER}}<li><a href="{{BLOCKER_URL}}"><code>{{BLOCKER_ID}}</code></a> <span class="badge badge-{{BLOCKER_STATUS}}">{{BLOCKER_STATUS}}</span> {{BLOCKER_LABEL}}{{#BLOCKER_ACTION}} <a class="act" href="{{ACT_URL}}" aria-label="{{ACT_LABEL}} {{ACT_ID}}">{{ACT_LABEL}}</a>{{/BLOCKER_ACTION}}</li>{{/BLOCKER}}
        {{#MORE_BLOCKERS}}<li>… and {{MORE}} more</li>{{/MORE_BLOCKERS}}</ul>
      {{/CHECK_FAILED}}
    </li>
  {{/CHECK}}
  </ol>
</section>
<section class="panel" aria-labelledby="keep-title">
  <h2 id="keep-title">What will be preserved</h2>
  {{>RETENTION_TABLE}}
</section>
{{#READ_ONLY}}<p class="notice">Your role can look but not deactivate customers.</p>{{/READ_ONLY}}
{{#FORM}}
<form class="panel danger-zone" method="post" action="{{ACTION_URL}}">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <fieldset>
    <legend>Reason <span class="required">(required)</span></legend>
    {{#REASON_ERROR}}<p class="field-error" id="reason-error" role="alert">{{ERROR}}</p>{{/REASON_ERROR}}
    {{#REASON}}<div class="choice">
      <input type="radio" id="reason-{{REASON_CODE}}" name="reason" value="{{REASON_CODE}}" required {{#REASON_CHECKED}}checked{{/REASON_CHECKED}}>
      <label for="reason-{{REASON_CODE}}"><strong>{{REASON_LABEL}}</strong> <span class="sub">{{REASON_HINT}}</span></label>
    </div>{{/REASON}}
  </fieldset>
  <div class="field">
    <label for="note">Note <span class="sub">(optional, up to 500 characters)</span></label>
    <textarea id="note" name="note" maxlength="500" rows="3">{{NOTE}}</textarea>
  </div>
  {{#SUBMIT_DISABLED}}<p class="blocked-why" id="blocked-why">Deactivation is blocked until every prerequisite above passes. Resolve the items marked ✗ first.</p>{{/SUBMIT_DISABLED}}
  <div class="buttons">
    <button type="submit" class="danger" {{#SUBMIT_DISABLED}}disabled aria-describedby="blocked-why"{{/SUBMIT_DISABLED}}>Deactivate {{CUSTOMER_NAME}}</button>
    <a href="{{CUSTOMER_URL}}">Cancel</a>
  </div>
</form>
{{/FORM}}
{{! ---- close when clear (closure requests): its own block ---- }}
{{#CLOSURE_FORM}}
<form class="panel closure-form" id="closure" method="post" action="{{CLOSURE_URL}}" aria-labelledby="closure-title">
  <h2 id="closure-title">Close when clear</h2>
  <p>Instead of waiting, file a closure request: the customer is deactivated by itself, as you, as soon as every prerequisite above passes (each blocker that clears is noticed within a second).</p>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="closure-reason">Reason for closing when clear <span class="required">(required)</span></label>
    <select id="closure-reason" name="reason" required><option value="">Choose…</option>{{#REASON}}<option value="{{REASON_CODE}}">{{REASON_LABEL}}</option>{{/REASON}}</select>
  </div>
  <div class="field">
    <label for="closure-note">Comment <span class="sub">(optional, up to 500 characters; kept with the deactivation)</span></label>
    <textarea id="closure-note" name="note" maxlength="500" rows="2"></textarea>
  </div>
  <div class="choice">
    <input type="checkbox" id="closure-cancel-now" name="cancel_now" value="1">
    <label for="closure-cancel-now"><strong>Cancel what can be cancelled now</strong> <span class="sub">orders in flight with no rentals yet, and subscriptions whose term has ended</span></label>
  </div>
  <div class="buttons">
    <button type="submit">Close when clear</button>
  </div>
</form>
{{/CLOSURE_FORM}}
{{#PENDING_CLOSURE}}
<section class="panel closure-pending" id="closure" aria-labelledby="closure-title">
  <h2 id="closure-title">Closure requested: closes when clear</h2>
  <p>Closure request <code id="closure-id">{{CLOSURE_ID}}</code>, filed {{CLOSURE_AT}} by {{CLOSURE_BY}} · reason: <strong>{{CLOSURE_REASON}}</strong>. The customer is deactivated by itself, as {{CLOSURE_BY}}, as soon as nothing blocks it.</p>
  <p>Waiting for:</p>
  <ul class="closure-waiting">{{#WAITING}}<li><code>{{WAITING_CODE}}</code> {{WAITING_TITLE}}</li>{{/WAITING}}{{#NOTHING_BLOCKS}}<li>nothing: it completes within seconds</li>{{/NOTHING_BLOCKS}}</ul>
  {{#CHECKED}}<p class="sub">Last checked {{CHECKED_AT}}.</p>{{/CHECKED}}
  {{#WITHDRAW_FORM}}<form method="post" action="{{WITHDRAW_URL}}"><input type="hidden" name="csrf" value="{{CSRF}}"><button type="submit" class="secondary">Withdraw the closure request</button></form>{{/WITHDRAW_FORM}}
</section>
{{/PENDING_CLOSURE}}
{{! ---- end of close when clear ---- }}
