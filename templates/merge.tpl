{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/customers">Customers</a> › <a href="{{DUP_URL}}">{{DUP_NAME}}</a> › Merge</nav>
<h1>Merge {{DUP_ID}} into another customer</h1>
<p class="lead">A merge moves every record of this duplicate to the customer you keep, lets you choose, field by field, which value the kept customer has, and leaves the duplicate inactive with a link to where it went. Nothing is deleted, and every moved record is written to the audit log.</p>
{{#CHOOSE}}
<form class="panel" method="get" action="{{MERGE_URL}}">
  <div class="field">
    <label for="into">Customer to keep <span class="required">(required)</span> <span class="sub">(its id, e.g. cus_…)</span></label>
    <input id="into" name="into" required pattern="cus_[A-Za-z0-9_]{1,36}" value="{{INTO}}">
  </div>
  <div class="buttons"><button type="submit">Preview the merge</button> <a href="{{DUP_URL}}">Back to the customer</a></div>
</form>
{{/CHOOSE}}
{{#REFUSED}}
<div class="alert alert-danger" role="alert">
  <h2>{{REFUSED_TITLE}}</h2>
  <p><code>{{CODE}}</code>: {{MESSAGE}}</p>
  <p><a href="{{DUP_URL}}">Back to the customer</a></p>
</div>
{{/REFUSED}}
{{#PLAN}}
<section class="panel" aria-labelledby="keep-title">
  <h2 id="keep-title">Keep <a href="{{KEEP_URL}}">{{KEEP_ID}}</a> ({{KEEP_NAME}}), merge <a href="{{DUP_URL}}">{{DUP_ID}}</a> ({{DUP_NAME}}) into it</h2>
  <p>The duplicate is {{DUP_STATUS}}; the customer kept is {{KEEP_STATUS}}. The deactivation checks apply to the customer kept, not to the duplicate: its rentals and orders in flight move with it.</p>
</section>
<section class="panel" aria-labelledby="moved-title">
  <h2 id="moved-title">Records that move ({{N_MOVED}})</h2>
  {{#NO_RECORDS}}<p class="empty">The duplicate has no records: only its fields and its history stay behind.</p>{{/NO_RECORDS}}
  {{#KIND}}
  <h3>{{KIND_LABEL}} ({{KIND_COUNT}})</h3>
  <ul class="moved">{{#RECORD}}<li><code>{{RECORD_ID}}</code></li>{{/RECORD}}</ul>
  {{/KIND}}
</section>
{{/PLAN}}
{{#FORM}}
<form class="panel" method="post" action="{{ACTION_URL}}">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="into" value="{{INTO}}">
  <h2>Fields</h2>
  {{#SAME_FIELDS}}<p class="sub">Every field has the same value on both records.</p>{{/SAME_FIELDS}}
  {{#HAS_DIFF}}<p class="sub">The customer kept keeps its own value of each field unless you tick the duplicate's.</p>
  <table class="merge-fields">
    <caption class="sr-only">Fields that differ</caption>
    <thead><tr><th scope="col">Field</th><th scope="col">Kept customer</th><th scope="col">Duplicate</th><th scope="col">Take the duplicate's</th></tr></thead>
    <tbody>
    {{#DIFF}}<tr>
      <th scope="row">{{FIELD_LABEL}}</th>
      <td>{{#KEEP_VALUE}}{{VALUE}}{{/KEEP_VALUE}}{{#KEEP_NONE}}<span class="empty">(none)</span>{{/KEEP_NONE}}</td>
      <td>{{#DUP_VALUE}}{{VALUE}}{{/DUP_VALUE}}{{#DUP_NONE}}<span class="empty">(none)</span>{{/DUP_NONE}}</td>
      <td><input type="checkbox" id="take-{{FIELD}}" name="take" value="{{FIELD}}" {{#TAKEN}}checked{{/TAKEN}} aria-label="Take the duplicate's {{FIELD_LABEL}}"></td>
    </tr>{{/DIFF}}
    </tbody>
  </table>{{/HAS_DIFF}}
  <div class="buttons">
    <button type="submit" class="danger">Merge {{DUP_ID}} into {{KEEP_ID}}</button>
    <a href="{{DUP_URL}}">Cancel</a>
  </div>
</form>
{{/FORM}}
