{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/bulk">Bulk clean-up</a> › <a href="{{RUN_URL}}">{{RUN_ID}}</a> › Undo</nav>
<h1>Undo bulk run <code>{{RUN_ID}}</code>?</h1>
{{#UNDONE}}
<div class="alert alert-info" role="status"><p id="already-undone">This run has already been undone by <a href="{{UNDO_URL}}"><code>{{UNDO_ID}}</code></a>. A run is undone once; its undo's page has every outcome.</p></div>
{{/UNDONE}}
{{#PLAN}}
<section class="panel" aria-labelledby="what-title">
  <h2 id="what-title">What will happen</h2>
  <p id="undo-summary"><strong id="n-reactivate">{{N_REACTIVATE}}</strong> of the <strong id="n-deactivated">{{N_DEACTIVATED}}</strong> customers this run deactivated will be reactivated: they are still inactive with this run's deactivation. <strong id="n-left-alone">{{N_LEFT}}</strong> changed since and will be left alone.</p>
  <p>The undo is a new bulk run, with its own outcomes, audit rows and CSV, carried out by the job workers. Each customer is checked again when its turn comes: one whose state has changed by then is left alone too, and its outcome says why. The customers' history keeps this run's deactivation; edits and notes made since stay.</p>
  <dl class="facts">
    <dt>Started by</dt><dd>{{ACTOR}}</dd>
    <dt>Reason</dt><dd>{{REASON}}</dd>
    <dt>Chosen by</dt><dd>{{SOURCE}}</dd>
    <dt>Finished</dt><dd>{{FINISHED}}</dd>
  </dl>
</section>
{{#LEFT_ALONE}}
<section class="panel" aria-labelledby="left-title">
  <h2 id="left-title">Left alone ({{N_LEFT}})</h2>
  <p class="sub">Changed since the run: someone reactivated them, and perhaps deactivated them again. Undoing the run does not touch them.</p>
  <div class="table-wrap">
  <table class="list" id="left-alone"><thead><tr><th scope="col">Customer</th><th scope="col">Why</th></tr></thead>
  <tbody>{{#ROW}}<tr><td data-label="Customer"><a href="{{CUSTOMER_URL}}"><code>{{CUSTOMER_ID}}</code></a> {{NAME}} <span class="sub">{{EMAIL}}</span></td><td data-label="Why"><span class="badge badge-refused">{{OUTCOME}}</span> <span class="sub">{{WHY}}</span></td></tr>{{/ROW}}</tbody></table>
  </div>
</section>
{{/LEFT_ALONE}}
{{#FORM}}
<form class="panel" method="post" action="{{ACTION_URL}}">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="buttons">
    <button type="submit">Reactivate {{N_REACTIVATE}} customers</button>
    <a href="{{RUN_URL}}">Cancel</a>
  </div>
</form>
{{/FORM}}
{{#NOTHING}}<p class="notice" id="nothing-to-undo">Nothing to undo: every customer this run deactivated has changed since.</p>{{/NOTHING}}
{{/PLAN}}
