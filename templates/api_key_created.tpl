{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/api-keys">API keys</a> › {{LABEL}}</nav>
<h1>API key “{{LABEL}}” created</h1>
<section class="panel danger-zone" aria-labelledby="key-title">
  <h2 id="key-title">The key: copy it now</h2>
  <p><strong>Copy it now: it is not shown again.</strong> Custodian keeps only its fingerprint, so no page can show it after this one. If it is lost, revoke it and make a new one.</p>
  <div class="field">
    <label for="api-key">Key (#{{KEY_ID}}, role {{ROLE}})</label>
    <input id="api-key" class="id" type="text" readonly value="{{KEY}}" size="52" spellcheck="false" autocomplete="off">
  </div>
  <p><button type="button" class="copy" data-copy="{{KEY}}" hidden>Copy key</button></p>
</section>
<section class="panel" aria-labelledby="try-title">
  <h2 id="try-title">Try it</h2>
  <div class="field">
    <label for="curl-example">A first call: the five newest customers of {{TENANT_SLUG}}</label>
    <textarea id="curl-example" readonly rows="3" cols="80" spellcheck="false">{{CURL}}</textarea>
  </div>
  <p><button type="button" class="copy" data-copy="{{CURL}}" hidden>Copy command</button></p>
  <p class="sub">Every call sends the key as <code>Authorization: Bearer …</code> and the tenant as <code>Tenant-ID: {{TENANT_SLUG}}</code>.</p>
  <p><a class="button secondary" id="keys-link" href="/api-keys">Back to the API keys</a></p>
</section>
