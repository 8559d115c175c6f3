{{%AUTOESCAPE context="HTML"}}
<h1>API keys</h1>
<p class="lead">Keys let scripts call the <a href="/v1/customers">JSON API</a> for {{TENANT_NAME}}: each key has a role (what it may change) and an optional rate limit. A new key is shown once, when it is made; Custodian keeps only its fingerprint. A revoked key is refused from its next call on.</p>
<section class="panel" aria-labelledby="keys-title">
  <h2 id="keys-title">Keys of {{TENANT_NAME}}</h2>
  {{#NO_KEYS}}<p class="empty" id="no-keys">No API keys yet.</p>{{/NO_KEYS}}
  {{#HAS_KEYS}}
  <div class="table-wrap">
  <table class="list" id="api-keys">
    <caption class="sr-only">API keys, newest first</caption>
    <thead><tr><th scope="col">Label</th><th scope="col">Role</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Last used <span class="sub">(to the minute)</span></th><th scope="col">State</th><th scope="col" class="num">Calls a minute</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>{{#KEY}}<tr id="key-{{KEY_ID}}" data-state="{{STATE}}">
      <td data-label="Label">{{LABEL}} <span class="sub">#{{KEY_ID}}</span></td>
      <td data-label="Role"><span class="role role-{{ROLE}}">{{ROLE}}</span></td>
      <td data-label="Starts with"><code class="id">{{PREFIX}}…</code></td>
      <td data-label="Created">{{CREATED_AT}}{{#BY}} <span class="sub">by {{CREATED_BY}}</span>{{/BY}}</td>
      <td data-label="Last used">{{#USED}}{{LAST_USED}}{{/USED}}{{#NEVER}}<span class="sub">never</span>{{/NEVER}}</td>
      <td data-label="State">{{#ACTIVE}}<span class="badge badge-active">active</span>{{/ACTIVE}}{{#REVOKED}}<span class="badge badge-inactive">revoked</span> <span class="sub">{{REVOKED_AT}}</span>{{/REVOKED}}</td>
      <td data-label="Calls a minute" class="num">{{#OWN_RATE}}{{RATE}}{{/OWN_RATE}}{{#DEFAULT_RATE}}<span class="sub">default ({{RATE}})</span>{{/DEFAULT_RATE}}{{#NO_RATE}}<span class="sub">no limit</span>{{/NO_RATE}}</td>
      <td data-label="Actions">{{#REVOKE}}<a class="button secondary" href="{{REVOKE_URL}}" aria-label="Revoke {{LABEL}}">Revoke…</a>{{/REVOKE}}</td>
    </tr>{{/KEY}}</tbody>
  </table>
  </div>
  {{/HAS_KEYS}}
</section>
{{#FORM}}
<form class="panel" method="post" action="/api-keys" aria-labelledby="new-title">
  <h2 id="new-title">New key</h2>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="label">Label <span class="required">(required)</span> <span class="sub">(up to 100 characters: what uses it, e.g. "billing sync")</span></label>
    <input id="label" name="label" type="text" required maxlength="100" autocomplete="off">
  </div>
  <fieldset>
    <legend>Role <span class="required">(required)</span></legend>
    <div class="choice"><input type="radio" id="role-viewer" name="role" value="viewer" checked><label for="role-viewer">viewer <span class="sub">reads customers and their records</span></label></div>
    <div class="choice"><input type="radio" id="role-operator" name="role" value="operator"><label for="role-operator">operator <span class="sub">also deactivates, reactivates, edits and clears blockers</span></label></div>
    <div class="choice"><input type="radio" id="role-admin" name="role" value="admin"><label for="role-admin">admin <span class="sub">also erases personal data</span></label></div>
  </fieldset>
  <div class="field">
    <label for="rate_limit">Rate limit <span class="sub">(calls a minute, 1 to 1,000,000; empty: the default, {{DEFAULT_RATE}})</span></label>
    <input id="rate_limit" name="rate_limit" type="number" min="1" max="1000000" step="1" inputmode="numeric">
  </div>
  <p class="sub">The next page shows the key, once. Keep it in your script's secret store.</p>
  <div class="buttons"><button type="submit">Create key</button></div>
</form>
{{/FORM}}
