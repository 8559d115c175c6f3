{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/customers">Customers</a> › <a href="{{CUSTOMER_URL}}">{{CUSTOMER_NAME}}</a> › Erase personal data</nav>
<h1>Erase the personal data of {{CUSTOMER_NAME}} (<code>{{CUSTOMER_ID}}</code>)?</h1>
<p class="lead">Erasure cannot be undone: the customer can never be reactivated or edited again. Its orders, payments and history stay, under its id.</p>
{{#REFUSED}}
<div class="alert alert-danger" role="alert" id="refused">
  <h2>The erasure was refused; nothing changed</h2>
  <ul>{{#REFUSED_CODE}}<li><code>{{CODE}}</code>: {{MESSAGE}}</li>{{/REFUSED_CODE}}</ul>
</div>
{{/REFUSED}}
{{#ERASED}}
<div class="alert alert-info" role="status"><p>Personal data erased on {{ERASED_AT}} by {{ERASED_BY}}; financial records kept until {{FINANCIAL_UNTIL}}. There is nothing left to erase. <a href="{{CUSTOMER_URL}}">Back to the customer</a>.</p></div>
{{/ERASED}}
{{#PLAN}}
<section class="panel" aria-labelledby="erased-title">
  <h2 id="erased-title">What will be erased</h2>
  <ul class="plan" id="erase-list">
    <li>First and last name, e-mail (replaced by <code>{{PLACEHOLDER}}</code>, which cannot be delivered), phone, company and custom fields</li>
    <li>The deactivation's note</li>
    <li>Addresses ({{ADDRESSES}}): the street, building, district, contact name and company{{#DROP_LOCATION}}, and the city, region, postal code and country{{/DROP_LOCATION}}</li>
    <li>Notes ({{NOTES}}): their text (the date, kind and author stay)</li>
    <li>Audit rows with a note or recorded changes ({{AUDIT_TEXTS}}): the note and the changes</li>
    <li>The notes of its closure requests</li>
  </ul>
</section>
<section class="panel" aria-labelledby="kept-title">
  <h2 id="kept-title">What is kept</h2>
  <ul class="plan" id="keep-list">
    <li>The customer's id <code>{{CUSTOMER_ID}}</code>, its status and dates</li>
    <li>Orders ({{ORDERS}}) with their lines, subscriptions ({{SUBSCRIPTIONS}}), payments ({{PAYMENTS}}), every amount and date, and the devices</li>
    <li>Audit rows ({{AUDIT_ROWS}}): who did what, and when</li>
    {{#KEEP_LOCATION}}<li>The city, region, postal code and country of the addresses (tax reporting)</li>{{/KEEP_LOCATION}}
    <li>Financial records are kept until {{FINANCIAL_UNTIL}} ({{FINANCIAL_YEARS}} years after the deactivation)</li>
  </ul>
</section>
<section class="panel" aria-labelledby="rules-title">
  <h2 id="rules-title">Checks</h2>
  <ol class="checklist" id="erase-checks">
  {{#CHECK}}
    <li class="{{#CHECK_PASSED}}passed{{/CHECK_PASSED}}{{#CHECK_FAILED}}failed{{/CHECK_FAILED}}">
      <span class="mark" aria-hidden="true">{{#CHECK_PASSED}}✓{{/CHECK_PASSED}}{{#CHECK_FAILED}}✗{{/CHECK_FAILED}}</span>
      <strong>{{CHECK_TITLE}}</strong>
      {{#CHECK_PASSED}}<span class="sr-only">passed</span>{{/CHECK_PASSED}}
      {{#CHECK_FAILED}}<span class="sr-only">failed</span> — <code>{{CHECK_CODE}}</code>: {{CHECK_TEXT}}{{/CHECK_FAILED}}
    </li>
  {{/CHECK}}
  </ol>
</section>
{{/PLAN}}
{{#FORM}}
<form class="panel danger-zone" method="post" action="{{ACTION_URL}}">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  {{#FIELD_ERROR}}<p class="field-error" id="form-error" role="alert" tabindex="-1">{{ERROR}}</p>{{/FIELD_ERROR}}
  {{#IN_WINDOW}}
  <div class="choice">
    <input type="checkbox" id="art17" name="art17" value="1" {{#ART17_CHECKED}}checked{{/ART17_CHECKED}}>
    <label for="art17">This is a request under GDPR Art. 17: erase now, before {{WINDOW_ENDS}}</label>
  </div>
  {{/IN_WINDOW}}
  <div class="field">
    <label for="note">Note <span class="sub">(optional, up to 500 characters; kept in the audit log: no personal data here)</span></label>
    <textarea id="note" name="note" maxlength="500" rows="3">{{NOTE}}</textarea>
  </div>
  <div class="choice">
    <input type="checkbox" id="confirm" name="confirm" value="1" required>
    <label for="confirm">I understand that this cannot be undone</label>
  </div>
  <div class="buttons">
    <button type="submit" class="danger">Erase the personal data</button>
    <a href="{{CUSTOMER_URL}}">Cancel</a>
  </div>
</form>
{{/FORM}}
