{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/webhooks">Webhooks</a> › {{WHK_ID}}</nav>
<h1>Endpoint <code>{{WHK_ID}}</code> created</h1>
<section class="panel danger-zone" aria-labelledby="secret-title">
  <h2 id="secret-title">Its signing secret: copy it now</h2>
  <p><strong>Copy it now: it is not shown again.</strong> Custodian keeps it to sign each request, but no page shows it after this one. If it is lost, make a new endpoint.</p>
  <p><code class="id" id="webhook-secret">{{SECRET}}</code> <button type="button" class="copy" data-copy="{{SECRET}}" hidden>Copy secret</button></p>
</section>
<section class="panel" aria-labelledby="verify-title">
  <h2 id="verify-title">Checking a request</h2>
  <p>Each request is a POST of JSON (<code>{"id", "event", "timestamp", "data"}</code>) with the header</p>
  <p><code id="signature-format">Custodian-Signature: t=&lt;unix time&gt;,v1=&lt;hex HMAC-SHA-256&gt;</code></p>
  <p>where the HMAC is computed with this secret over <code>&lt;t&gt;.&lt;body&gt;</code>: the value of <code>t</code>, a dot, and the request body exactly as received. Compare it in constant time and refuse a <code>t</code> far from your clock. An event may come more than once: its <code>id</code> tells repeats apart.</p>
</section>
<section class="panel" aria-labelledby="endpoint-title">
  <h2 id="endpoint-title">The endpoint</h2>
  <dl class="facts">
    <dt>URL</dt><dd><code class="webhook-url">{{URL}}</code></dd>
    <dt>Events</dt><dd>{{#ALL_EVENTS}}All events{{/ALL_EVENTS}}{{#EVENT}}<code>{{EVENT_NAME}}</code> {{/EVENT}}</dd>
    <dt>State</dt><dd>{{#ENABLED}}enabled{{/ENABLED}}{{#DISABLED}}disabled: no events are sent to it until it is enabled{{/DISABLED}}</dd>
  </dl>
  <p><a class="button secondary" id="endpoint-link" href="{{ENDPOINT_URL}}">Open the endpoint and its delivery log</a></p>
</section>
