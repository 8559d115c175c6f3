{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/retention">Retention</a> › Policy</nav>
<h1>Retention policy</h1>
<p class="lead">How long this tenant keeps the personal data of inactive customers, and how long their financial records are kept. The job workers apply the policy once a day as a bulk run: each customer's personal data is erased as by an admin, with the same checks; every order, payment and audit row stays.</p>
{{#FIELD_ERROR}}<p class="field-error" id="form-error" role="alert" tabindex="-1">{{ERROR}}</p>{{/FIELD_ERROR}}
<form class="panel" method="post" action="/retention/policy" id="policy-form">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="erase_after_months">Erase personal data this many months after the deactivation <span class="sub">(0: no policy; only admins erase)</span></label>
    <input id="erase_after_months" name="erase_after_months" type="number" min="0" max="1200" required value="{{ERASE_AFTER}}">
  </div>
  <div class="field">
    <label for="erase_min_months">Keep personal data at least this many months after the deactivation <span class="sub">(an admin's erasure before then needs a GDPR Art. 17 request)</span></label>
    <input id="erase_min_months" name="erase_min_months" type="number" min="0" max="1200" required value="{{ERASE_MIN}}">
  </div>
  <div class="field">
    <label for="financial_years">Keep financial records for this many years after the deactivation <span class="sub">(shown on each customer; nothing is ever deleted)</span></label>
    <input id="financial_years" name="financial_years" type="number" min="1" max="100" required value="{{FIN_YEARS}}">
  </div>
  <div class="choice">
    <input type="checkbox" id="keep_location" name="keep_location" value="1" {{#KEEP_LOCATION}}checked{{/KEEP_LOCATION}}>
    <label for="keep_location">Keep the city, region, postal code and country of the addresses (tax reporting)</label>
  </div>
  <div class="buttons"><button type="submit">Save the policy</button></div>
</form>
{{>POLICY_UPCOMING}}
