{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/bulk">Bulk clean-up</a> › {{RUN_ID}}</nav>
<h1>Bulk run <code>{{RUN_ID}}</code> <span class="badge badge-{{RUN_STATUS}}" id="run-status" data-live>{{RUN_STATUS}}</span></h1>
{{#MERGE_RUN}}<p id="merge-run">This run merges each duplicate into the customer kept: its records move there and the duplicate stays inactive with a link to it.</p>{{/MERGE_RUN}}
{{#ERASE_RUN}}<p id="erase-run">This run is the tenant's retention policy: each customer's personal data is erased as by an admin, with the same checks (a legal hold or an open payment keeps it back); every order, payment and audit row stays. <a href="/retention/policy">The policy</a>.</p>{{/ERASE_RUN}}
{{#UNDO_OF}}<p id="undo-of">This run undoes <a href="{{ORIGINAL_URL}}"><code>{{ORIGINAL_ID}}</code></a>: it reactivates the customers that run deactivated which were still inactive with its deactivation.</p>{{/UNDO_OF}}
<div id="run-links" data-live>{{#UNDONE_BY}}<p id="undone-by">This run was undone by <a href="{{UNDO_URL}}"><code>{{UNDO_ID}}</code></a>.</p>{{/UNDONE_BY}}{{#UNDO_LINK}}<p><a class="button secondary" href="{{UNDO_FORM_URL}}" id="undo-link">Undo this run…</a> <span class="sub">Reactivates the customers it deactivated that nobody has changed since; you confirm on the next page.</span></p>{{/UNDO_LINK}}</div>
<section class="panel" aria-labelledby="progress-title">
  <h2 id="progress-title">Progress</h2>
  <div id="run-progress" data-live>
  <p><progress class="progress" value="{{DONE_RAW}}" max="{{TOTAL_RAW}}" aria-label="Customers processed">{{PERCENT}}%</progress></p>
  <p id="progress-text"><strong>{{DONE}}</strong> of <strong>{{TOTAL}}</strong> processed ({{PERCENT}}%): <strong id="n-ok">{{OK}}</strong> {{DONE_VERB}}, <strong id="n-refused">{{REFUSED}}</strong> refused.</p>
  {{#IN_PROGRESS}}<p class="sub" id="worker-state">{{WORKER_STATE}}; this page follows the run by itself. You can leave it: the run carries on without you.</p>{{/IN_PROGRESS}}
  <dl class="facts">
    <dt>Started by</dt><dd>{{ACTOR}}</dd>
    {{#HAS_REASON}}<dt>Reason</dt><dd>{{REASON}}</dd>{{/HAS_REASON}}
    <dt>Note</dt><dd>{{NOTE}}</dd>
    <dt>Chosen by</dt><dd>{{SOURCE}}</dd>
    <dt>Created</dt><dd>{{CREATED}}</dd>
    <dt>Started</dt><dd>{{STARTED}}</dd>
    <dt>Finished</dt><dd>{{FINISHED}}</dd>
  </dl>
  </div>
  <p><a class="button secondary" href="{{CSV_URL}}" download>Download outcomes (CSV)</a></p>
</section>
<section class="panel" aria-labelledby="items-title">
  <h2 id="items-title">Customers</h2>
  <table class="list"><thead><tr><th scope="col" class="num">#</th><th scope="col">Customer</th><th scope="col">Outcome</th><th scope="col">When</th></tr></thead>
  <tbody id="run-items" data-live>{{#ITEM}}<tr><td class="num" data-label="#">{{SEQ}}</td>
    <td data-label="Customer">{{#CUSTOMER}}<a href="{{CUSTOMER_URL}}"><code>{{CUSTOMER_ID}}</code></a> {{NAME}} <span class="sub">{{EMAIL}}</span>{{/CUSTOMER}}{{#UNKNOWN}}<code>{{SUBJECT}}</code>{{/UNKNOWN}}{{#TARGET}} <span class="sub merge-target">into <a href="{{TARGET_URL}}"><code>{{TARGET_ID}}</code></a></span>{{/TARGET}}</td>
    <td data-label="Outcome">{{#PENDING}}<span class="badge badge-queued">pending</span>{{/PENDING}}{{#OUTCOME_OK}}<span class="badge badge-ok">{{DONE_VERB}}</span>{{/OUTCOME_OK}}{{#OUTCOME_REFUSED}}<span class="badge badge-refused">{{OUTCOME}}</span>{{/OUTCOME_REFUSED}}</td>
    <td data-label="When">{{DONE_AT}}</td></tr>{{/ITEM}}</tbody></table>
  <nav class="pager" aria-label="Pages">{{#FIRST}}<a href="{{FIRST_URL}}">« First</a>{{/FIRST}} {{#NEXT}}<a href="{{NEXT_URL}}" rel="next">Next »</a>{{/NEXT}}</nav>
</section>
{{>POLICY_UPCOMING}}
