{{%AUTOESCAPE context="HTML"}}
<h1>Bulk clean-up</h1>
<p class="lead">Deactivate many customers at once: test accounts, duplicates, or a retention sweep. Nothing changes until you have seen a preview and applied it; every customer is then checked again under lock, one by one, exactly as on its own page.</p>
{{#READ_ONLY}}<p class="notice">Your role can look at past runs but not start one.</p>{{/READ_ONLY}}
{{#FORMS}}
<div class="grid">
<form class="panel" method="post" action="/bulk/preview" aria-labelledby="paste-title">
  <h2 id="paste-title">Paste ids or e-mails</h2>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="mode" value="paste">
  <div class="field">
    <label for="lines">One customer id (cus_…) or e-mail per line, up to {{MAX}} lines</label>
    <textarea id="lines" name="lines" rows="10" required spellcheck="false"></textarea>
  </div>
  <p class="sub">Blank lines and surrounding spaces are ignored; repeated lines count once.</p>
  <button type="submit">Preview</button>
</form>
<form class="panel" method="post" action="/bulk/preview" enctype="multipart/form-data" aria-labelledby="file-title">
  <h2 id="file-title">Upload a file</h2>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="mode" value="file">
  <div class="field">
    <label for="file">A CSV or text file of customer ids or e-mail addresses, up to {{MAX}} lines</label>
    <input type="file" id="file" name="file" accept=".csv,.txt,.tsv,text/csv,text/plain,text/tab-separated-values" required>
  </div>
  <p class="sub">UTF-8 (with or without a byte order mark), separated by commas, semicolons or tabs, or one value per line; quoted fields are fine. Next you see its columns and pick the one to use.</p>
  <button type="submit">Preview file</button>
</form>
<form class="panel" method="post" action="/bulk/preview" aria-labelledby="filter-title">
  <h2 id="filter-title">Choose by filter</h2>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="mode" value="filter">
  <p class="sub">Active customers matching every criterion you fill in.</p>
  <div class="field"><label for="domain">E-mail domain</label><input id="domain" name="domain" maxlength="253" placeholder="test.invalid"></div>
  <div class="field"><label for="created_before">Created before</label><input id="created_before" name="created_before" type="date"></div>
  <div class="field"><label for="idle_since">No orders or payments since</label><input id="idle_since" name="idle_since" type="date"></div>
  <div class="choice"><input type="checkbox" id="no_orders" name="no_orders" value="1"><label for="no_orders">No orders ever</label></div>
  <button type="submit">Preview</button>
</form>
<form class="panel" method="post" action="/bulk/preview" aria-labelledby="dup-title">
  <h2 id="dup-title">Possible duplicates</h2>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="mode" value="duplicates">
  <p>Customers with the same e-mail (ignoring case), or the same first name, last name and phone. The oldest record of each group is kept; the others are proposed.</p>
  <button type="submit">Preview duplicates</button>
</form>
<form class="panel" method="post" action="/bulk/preview" aria-labelledby="search-title">
  <h2 id="search-title">Choose by search</h2>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="mode" value="search">
  <p class="sub">The active customers the customer list's search finds: words anywhere in the names, company and e-mail (all of them), the beginning of the e-mail or name, or a phone number; at most 1,000.</p>
  <div class="field"><label for="bulk-q">Search for</label><input id="bulk-q" name="q" maxlength="100" required placeholder="test.invalid"></div>
  <button type="submit">Preview search</button>
</form>
</div>
{{/FORMS}}
<section class="panel" aria-labelledby="runs-title">
  <h2 id="runs-title">Recent runs</h2>
  {{#NO_RUNS}}<p class="empty">No bulk runs yet.</p>{{/NO_RUNS}}
  {{#HAS_RUNS}}
  <table class="list" id="runs"><thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Started by</th><th scope="col">Reason</th><th scope="col">Chosen by</th><th scope="col" class="num">Customers</th><th scope="col" class="num">Deactivated</th><th scope="col">Created</th></tr></thead>
  <tbody>{{#RUN}}<tr><td><a href="{{RUN_URL}}"><code>{{RUN_ID}}</code></a></td><td><span class="badge badge-{{RUN_STATUS}}">{{RUN_STATUS}}</span></td><td>{{ACTOR}}</td><td>{{REASON}}</td><td>{{SOURCE}}</td><td class="num">{{TOTAL}}</td><td class="num">{{OK}}</td><td>{{CREATED}}</td></tr>{{/RUN}}</tbody></table>
  {{/HAS_RUNS}}
</section>
