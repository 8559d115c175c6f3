{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/api-keys">API keys</a> › {{LABEL}} › Revoke</nav>
<h1>Revoke the API key “{{LABEL}}”?</h1>
<section class="panel" aria-labelledby="key-title">
  <h2 id="key-title">The key</h2>
  <dl class="facts">
    <dt>Label</dt><dd>{{LABEL}} <span class="sub">#{{KEY_ID}}</span></dd>
    <dt>Role</dt><dd>{{ROLE}}</dd>
    <dt>Starts with</dt><dd><code class="id">{{PREFIX}}…</code></dd>
    <dt>Created</dt><dd>{{CREATED_AT}}{{#BY}} by {{CREATED_BY}}{{/BY}}</dd>
    <dt>Last used</dt><dd>{{#USED}}{{LAST_USED}}{{/USED}}{{#NEVER}}never{{/NEVER}}</dd>
  </dl>
</section>
{{#REVOKED}}<p class="notice" id="already-revoked">This key was revoked on {{REVOKED_AT}}; nothing more to do.</p>{{/REVOKED}}
{{#FORM}}
<form class="panel" method="post" action="{{ACTION_URL}}" aria-labelledby="confirm-title">
  <h2 id="confirm-title">Revoke it</h2>
  <p>Every call with this key is refused (401) from the moment you revoke it. It cannot be undone: a script that still needs access gets a new key.</p>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="buttons">
    <button type="submit" class="danger">Revoke the key</button>
    <a href="/api-keys">Cancel</a>
  </div>
</form>
{{/FORM}}
