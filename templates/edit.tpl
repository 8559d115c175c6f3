{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/customers">Customers</a> › <a href="{{CUSTOMER_URL}}">{{CUSTOMER_NAME}}</a> › Edit</nav>
<h1>Edit {{CUSTOMER_NAME}} (<code>{{CUSTOMER_ID}}</code>)</h1>
{{#ERRORS}}
<div class="alert alert-danger error-summary" id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
  <h2 id="error-summary-title">Nothing was saved: {{ERROR_COUNT}} attention</h2>
  <ul>{{#SUMMARY}}<li><a href="#{{SUMMARY_ID}}">{{SUMMARY_TEXT}}</a></li>{{/SUMMARY}}</ul>
</div>
{{/ERRORS}}
{{#INACTIVE}}<div class="alert alert-info" id="inactive-note"><p>This customer is <strong>inactive</strong>. Saving changes the profile only: the customer stays inactive. To make it active again, <a href="{{REACTIVATE_URL}}">reactivate it</a>.</p></div>{{/INACTIVE}}
<form class="panel edit-form" method="post" action="{{ACTION_URL}}" novalidate>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <fieldset>
    <legend>Profile</legend>
    <div class="field">
      <label for="f-email">E-mail</label>
      <input type="email" id="f-email" value="{{EMAIL}}" readonly aria-describedby="f-email-hint">
      <p class="sub" id="f-email-hint">Read-only: the e-mail address cannot be changed here.</p>
    </div>
    {{#PROFILE_FIELD}}<div class="field{{#FIELD_ERROR}} has-error{{/FIELD_ERROR}}">
      <label for="{{FIELD_ID}}">{{FIELD_LABEL}}{{#FIELD_REQUIRED}} <span class="required">(required)</span>{{/FIELD_REQUIRED}}</label>
      {{#FIELD_HINT}}<p class="sub" id="{{FIELD_ID}}-hint">{{HINT}}</p>{{/FIELD_HINT}}
      {{#FIELD_ERROR}}<p class="field-error" id="{{FIELD_ID}}-error"><span class="sr-only">Error:</span> {{ERROR_TEXT}}</p>{{/FIELD_ERROR}}
      <input type="{{FIELD_TYPE}}" id="{{FIELD_ID}}" name="{{FIELD_NAME}}" value="{{FIELD_VALUE}}"{{#FIELD_REQUIRED}} required{{/FIELD_REQUIRED}}{{#FIELD_DESCRIBED}} aria-describedby="{{DESCRIBED_BY}}"{{/FIELD_DESCRIBED}}{{#FIELD_ERROR}} aria-invalid="true"{{/FIELD_ERROR}}>
    </div>{{/PROFILE_FIELD}}
    <div class="field{{#TYPE_ERROR}} has-error{{/TYPE_ERROR}}">
      <label for="f-customerType">Customer type</label>
      {{#TYPE_ERROR}}<p class="field-error" id="f-customerType-error"><span class="sr-only">Error:</span> {{ERROR_TEXT}}</p>{{/TYPE_ERROR}}
      <select id="f-customerType" name="customerType"{{#TYPE_ERROR}} aria-invalid="true" aria-describedby="f-customerType-error"{{/TYPE_ERROR}}>{{#TYPE_OPTION}}<option value="{{OPTION_VALUE}}" {{#OPTION_SELECTED}}selected{{/OPTION_SELECTED}}>{{OPTION_LABEL}}</option>{{/TYPE_OPTION}}</select>
    </div>
  </fieldset>
  {{#ADDRESS_FORM}}<fieldset class="address-form" id="{{ADDRESS_ID}}" aria-describedby="{{ADDRESS_ID}}-hint">
    <legend>{{ADDRESS_LEGEND}}</legend>
    <p class="sub" id="{{ADDRESS_ID}}-hint">{{ADDRESS_HINT}}</p>
    {{#MEMBER}}<div class="field{{#FIELD_ERROR}} has-error{{/FIELD_ERROR}}">
      <label for="{{FIELD_ID}}">{{FIELD_LABEL}}{{#FIELD_REQUIRED}} <span class="required">(required)</span>{{/FIELD_REQUIRED}}</label>
      {{#FIELD_ERROR}}<p class="field-error" id="{{FIELD_ID}}-error"><span class="sr-only">Error:</span> {{ERROR_TEXT}}</p>{{/FIELD_ERROR}}
      <input type="{{FIELD_TYPE}}" id="{{FIELD_ID}}" name="{{FIELD_NAME}}" value="{{FIELD_VALUE}}"{{#FIELD_REQUIRED}} required{{/FIELD_REQUIRED}}{{#FIELD_DESCRIBED}} aria-describedby="{{DESCRIBED_BY}}"{{/FIELD_DESCRIBED}}{{#FIELD_ERROR}} aria-invalid="true"{{/FIELD_ERROR}}>
    </div>{{/MEMBER}}
  </fieldset>{{/ADDRESS_FORM}}
  <div class="buttons">
    <button type="submit">Save changes</button>
    <a href="{{CUSTOMER_URL}}">Cancel</a>
  </div>
</form>
