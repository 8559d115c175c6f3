{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/customers">Customers</a> › <a href="{{CUSTOMER_URL}}">{{CUSTOMER_NAME}}</a> › <a href="{{CHECKLIST_URL}}">Deactivate</a> › {{CRUMB}}</nav>
<h1>{{HEADING}}</h1>
<p class="lead">{{LEAD}}</p>
{{#REFUSED}}
<div class="alert alert-danger" role="alert">
  <h2>{{REFUSED_TITLE}}</h2>
  <p><code>{{CODE}}</code>: {{MESSAGE}}</p>
  <p><a href="{{CHECKLIST_URL}}">Back to the deactivation checklist</a></p>
</div>
{{/REFUSED}}
{{#PLAN}}
<section class="panel" aria-labelledby="plan-title">
  <h2 id="plan-title">What will change</h2>
  <ul class="changes plan">{{#CHANGE}}<li><span class="change-field">{{FIELD}}</span>: {{#OLD}}<del>{{OLD_VALUE}}</del> → {{/OLD}}{{#NEW}}<ins>{{NEW_VALUE}}</ins>{{/NEW}}{{#CLEARED}}<span class="empty">(none)</span>{{/CLEARED}}</li>{{/CHANGE}}</ul>
  {{#EXTRA}}<p class="notice">{{TEXT}}</p>{{/EXTRA}}
  <p class="sub">Nothing else changes. The record and everything about it stay, and the attempt is written to the audit log.</p>
</section>
{{/PLAN}}
{{#READ_ONLY}}<p class="notice">Your role can look but not change records.</p>{{/READ_ONLY}}
{{#FORM}}
<form class="panel" method="post" action="{{ACTION_URL}}">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  {{#FIELD_ERROR}}<p class="field-error" id="form-error" role="alert" tabindex="-1">{{ERROR}}</p>{{/FIELD_ERROR}}
  {{#ORDER_FIELDS}}
  <div class="field">
    <label for="reason_text">Reason <span class="sub">(optional, up to 1000 characters)</span></label>
    <textarea id="reason_text" name="reason_text" maxlength="1000" rows="3">{{REASON_TEXT}}</textarea>
  </div>
  {{/ORDER_FIELDS}}
  {{#CANCEL_FIELDS}}
  <fieldset>
    <legend>Reason <span class="required">(required)</span></legend>
    {{#CANCEL_REASON}}<div class="choice">
      <input type="radio" id="cancel-{{OPTION_VALUE}}" name="cancel_reason" value="{{OPTION_VALUE}}" required {{#OPTION_SELECTED}}checked{{/OPTION_SELECTED}}>
      <label for="cancel-{{OPTION_VALUE}}">{{OPTION_LABEL}}</label>
    </div>{{/CANCEL_REASON}}
  </fieldset>
  {{/CANCEL_FIELDS}}
  {{#EARLY_FIELDS}}
  <div class="field">
    <label for="condition">Condition of the device <span class="required">(required)</span></label>
    <select id="condition" name="condition" required><option value="">Choose…</option>{{#CONDITION_OPTION}}<option value="{{OPTION_VALUE}}" {{#OPTION_SELECTED}}selected{{/OPTION_SELECTED}}>{{OPTION_LABEL}}</option>{{/CONDITION_OPTION}}</select>
  </div>
  <div class="field">
    <label for="fee">Early return fee <span class="sub">(optional, {{CURRENCY}}; a pending payment is made for it)</span></label>
    <input id="fee" name="fee" inputmode="decimal" pattern="[0-9]{1,7}([.][0-9]{1,2})?" value="{{FEE}}">
  </div>
  <div class="field">
    <label for="reason_text">Reason <span class="required">(required)</span></label>
    <textarea id="reason_text" name="reason_text" maxlength="1000" rows="2" required>{{REASON_TEXT}}</textarea>
  </div>
  {{/EARLY_FIELDS}}
  {{#DEVICE_FIELDS}}
  <fieldset>
    <legend>What happened to the device <span class="required">(required)</span></legend>
    {{#DEVICE_STATUS}}<div class="choice">
      <input type="radio" id="device-{{OPTION_VALUE}}" name="device_status" value="{{OPTION_VALUE}}" required {{#OPTION_SELECTED}}checked{{/OPTION_SELECTED}}>
      <label for="device-{{OPTION_VALUE}}">{{OPTION_LABEL}}</label>
    </div>{{/DEVICE_STATUS}}
  </fieldset>
  <div class="field">
    <label for="returned_on">Returned on <span class="sub">(for a return)</span></label>
    <input type="date" id="returned_on" name="returned_on" value="{{RETURNED_ON}}">
  </div>
  <div class="field">
    <label for="condition">Condition <span class="sub">(for a return, optional)</span></label>
    <select id="condition" name="condition"><option value="">Not recorded</option>{{#CONDITION_OPTION}}<option value="{{OPTION_VALUE}}" {{#OPTION_SELECTED}}selected{{/OPTION_SELECTED}}>{{OPTION_LABEL}}</option>{{/CONDITION_OPTION}}</select>
  </div>
  {{/DEVICE_FIELDS}}
  <div class="field">
    <label for="notes">Notes <span class="sub">(optional, up to 1000 characters)</span></label>
    <textarea id="notes" name="notes" maxlength="1000" rows="3">{{NOTES}}</textarea>
  </div>
  <div class="buttons">
    <button type="submit" class="danger">{{SUBMIT}}</button>
    <a href="{{CHECKLIST_URL}}">Back to the checklist</a>
  </div>
</form>
{{/FORM}}
