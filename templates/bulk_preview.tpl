{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/bulk">Bulk clean-up</a> › Preview</nav>
<h1>Preview: nothing has changed yet</h1>
{{#FILE}}
<section class="panel" aria-labelledby="columns-title" id="file-columns">
  <h2 id="columns-title">Columns of {{FILE_TITLE}}</h2>
  <p id="file-facts">{{N_LINES}} lines of values in {{N_COLUMNS}}, {{SEP}}{{#BOM}}, UTF-8 with a byte order mark{{/BOM}}{{#HEADER}}; the first line names the columns{{/HEADER}}{{#NO_HEADER}}; no header line (the first line holds values){{/NO_HEADER}}.</p>
  {{#CHOSEN}}<p id="column-chosen" data-column="{{COLUMN_NO}}">Using <strong>{{COLUMN_NAME}}</strong> ({{HOW}}). Another column? Choose it below.</p>{{/CHOSEN}}
  {{#CHOOSE}}<p class="notice" id="column-choose">Choose the column that holds the customer ids (cus_…) or e-mail addresses, then preview it.</p>{{/CHOOSE}}
  <form method="post" action="/bulk/preview">
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <input type="hidden" name="mode" value="file">
    <input type="hidden" name="file_name" value="{{FILE_NAME}}">
    <input type="hidden" name="file_data" value="{{FILE_DATA}}">
    <fieldset>
      <legend>Column of customer ids or e-mail addresses</legend>
      <div class="table-wrap">
      <table class="list" id="columns">
        <thead><tr><th scope="col">Use</th><th scope="col">Column</th><th scope="col">First values</th></tr></thead>
        <tbody>
        {{#COLUMN}}<tr><td><input type="radio" name="column" id="column-{{N}}" value="{{N}}" required {{#CHECKED}}checked{{/CHECKED}}></td><td data-label="Column"><label for="column-{{N}}">{{NAME}}</label></td><td data-label="First values">{{#SAMPLE}}<code class="sample">{{VALUE}}</code> {{/SAMPLE}}{{#NO_SAMPLE}}<span class="sub">(empty)</span>{{/NO_SAMPLE}}</td></tr>{{/COLUMN}}
        </tbody>
      </table>
      </div>
    </fieldset>
    <button type="submit">Preview with this column</button>
  </form>
</section>
{{/FILE}}
{{#RESULT}}
<p class="sub">Chosen by: {{SOURCE}}</p>
<section class="panel" aria-labelledby="totals-title">
  <h2 id="totals-title">Totals</h2>
  <dl class="facts totals">
    <dt>Candidates</dt><dd>{{N_ROWS}}</dd>
    <dt>Eligible</dt><dd id="n-eligible">{{N_ELIGIBLE}}</dd>
    <dt>Blocked</dt><dd id="n-blocked">{{N_BLOCKED}}</dd>
    {{#BLOCKED_BY}}<dt><code>{{CODE}}</code></dt><dd>{{COUNT}}</dd>{{/BLOCKED_BY}}
    <dt>Not found</dt><dd id="n-not-found">{{N_NOT_FOUND}}</dd>
    <dt>Already inactive</dt><dd id="n-inactive">{{N_INACTIVE}}</dd>
    <dt>Repeats merged</dt><dd>{{N_MERGED}}</dd>
  </dl>
</section>
{{#APPLY}}
<form method="post" action="/bulk/apply">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="nonce" value="{{NONCE}}">
  <input type="hidden" name="source" value="{{SOURCE}}">
  <div class="table-wrap panel">
  <table class="list" id="preview">
    <thead><tr><th scope="col"><input type="checkbox" id="select-all" data-select-all="input[name=select]" hidden checked><label for="select-all" class="sr-only" hidden>Select all eligible</label></th><th scope="col">Line</th><th scope="col">Input</th><th scope="col">Customer</th><th scope="col">Eligibility</th></tr></thead>
    <tbody>
    {{#ROW}}<tr class="row-{{STATE}}">
      <td>{{#SELECTABLE}}<input type="checkbox" name="select" value="{{CUSTOMER_ID}}" id="sel-{{CUSTOMER_ID}}" checked aria-label="Deactivate {{CUSTOMER_ID}}">{{/SELECTABLE}}{{#NOT_SELECTABLE}}<span aria-hidden="true">–</span>{{/NOT_SELECTABLE}}</td>
      <td class="num" data-label="Line">{{LINE}}</td>
      <td data-label="Input"><code>{{INPUT}}</code></td>
      <td data-label="Customer">{{#CUSTOMER}}<a href="{{CUSTOMER_URL}}"><code>{{CUSTOMER_ID}}</code></a> {{NAME}} <span class="sub">{{EMAIL}}</span>{{/CUSTOMER}}</td>
      <td data-label="Eligibility"><span class="badge badge-{{STATE}}">{{OUTCOME}}</span> <span class="sub">{{NOTE}}</span>{{#MERGE}} <a class="merge-link" href="{{MERGE_URL}}">Merge into {{MERGE_INTO}}…</a> <span class="merge-pick"><input type="checkbox" name="pair" form="merge-form" value="{{PAIR}}" id="pair-{{CUSTOMER_ID}}" checked aria-label="Merge {{CUSTOMER_ID}} into {{MERGE_INTO}} in the merge run"><label for="pair-{{CUSTOMER_ID}}" aria-hidden="true">in the merge run</label></span>{{/MERGE}}</td>
    </tr>{{/ROW}}
    </tbody>
  </table>
  </div>
  {{#NOTHING_ELIGIBLE}}<p class="notice">No candidate is eligible: there is nothing to apply.</p>{{/NOTHING_ELIGIBLE}}
  <div class="panel danger-zone">
  <fieldset>
    <legend>Reason for the whole run <span class="required">(required)</span></legend>
    {{#REASON}}<div class="choice"><input type="radio" id="reason-{{REASON_CODE}}" name="reason" value="{{REASON_CODE}}" required><label for="reason-{{REASON_CODE}}"><strong>{{REASON_LABEL}}</strong> <span class="sub">{{REASON_HINT}}</span></label></div>{{/REASON}}
  </fieldset>
  <div class="field"><label for="note">Note <span class="sub">(optional, up to 500 characters)</span></label><textarea id="note" name="note" maxlength="500" rows="2"></textarea></div>
  <p class="sub" id="selection" aria-live="polite" hidden></p>
  <div class="buttons"><button type="submit" class="danger" {{#NOTHING_ELIGIBLE}}disabled{{/NOTHING_ELIGIBLE}}>Deactivate the selected customers ({{N_ELIGIBLE}} eligible)</button> <a href="/bulk">Cancel</a></div>
  </div>
</form>
{{/APPLY}}
{{#MERGE_FORM}}
<form method="post" action="/bulk/merge" id="merge-form" class="panel" aria-labelledby="merge-title">
  <h2 id="merge-title">Or merge the duplicates</h2>
  <p>Merging moves each duplicate's orders, subscriptions, payments, devices, addresses and notes to the customer kept (the oldest of its group), and leaves the duplicate inactive with a link to it. It works for a duplicate whose rentals block its deactivation: the checks run on the customer kept. The kept customer's own details stay; to take a value from a duplicate, use its "Merge into…" page instead. Each merge is checked again when it runs: a refusal is listed on the run's page. A merge cannot be undone.</p>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="nonce" value="{{NONCE}}">
  <input type="hidden" name="source" value="{{SOURCE}}">
  <div class="field"><label for="merge-note">Note <span class="sub">(optional, up to 500 characters)</span></label><textarea id="merge-note" name="note" maxlength="500" rows="2"></textarea></div>
  <div class="buttons"><button type="submit" id="merge-submit">Merge the ticked duplicates ({{N_MERGEABLE}} listed)</button></div>
</form>
{{/MERGE_FORM}}
{{/RESULT}}
