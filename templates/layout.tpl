{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · Custodian</title>
{{! A page that follows a change (a bulk run): static/app.js fetches it again
    and updates its [data-live] parts in place; without JavaScript the page
    reloads itself. }}
{{#REFRESH}}<noscript><meta http-equiv="refresh" content="{{SECONDS}}"></noscript>
<meta name="custodian-refresh" content="{{SECONDS}}">{{/REFRESH}}
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top" role="banner">
  <a class="brand" href="/customers">Custodian</a>
  {{#SIGNED_IN}}
  <nav aria-label="Main">
    <ul>
      <li><a href="/customers" {{#NAV_CUSTOMERS}}aria-current="page"{{/NAV_CUSTOMERS}}>Customers</a></li>
      <li><a href="/bulk" {{#NAV_BULK}}aria-current="page"{{/NAV_BULK}}>Bulk clean-up</a></li>
      <li><a href="/closures" {{#NAV_CLOSURES}}aria-current="page"{{/NAV_CLOSURES}}>Closures</a></li>
      <li><a href="/retention" {{#NAV_RETENTION}}aria-current="page"{{/NAV_RETENTION}}>Retention</a></li>
      <li><a href="/webhooks" {{#NAV_WEBHOOKS}}aria-current="page"{{/NAV_WEBHOOKS}}>Webhooks</a></li>
      <li><a href="/audit" {{#NAV_AUDIT}}aria-current="page"{{/NAV_AUDIT}}>Audit log</a></li>
      {{! admins only (src/http/view.c) }}
      {{#ADMIN_NAV}}<li><a href="/operators" {{#NAV_OPERATORS}}aria-current="page"{{/NAV_OPERATORS}}>Operators</a></li>
      <li><a href="/api-keys" {{#NAV_API_KEYS}}aria-current="page"{{/NAV_API_KEYS}}>API keys</a></li>
      <li><a href="/status" {{#NAV_STATUS}}aria-current="page"{{/NAV_STATUS}}>Status</a></li>{{/ADMIN_NAV}}
    </ul>
  </nav>
  <p class="who"><span class="tenant">{{TENANT_NAME}}</span> · {{USER_DISPLAY}} <span class="role role-{{ROLE}}">{{ROLE}}</span></p>
  {{/SIGNED_IN}}
</header>
<main id="main" tabindex="-1">
{{#FLASH}}<div class="flash flash-{{FLASH_KIND}}" role="status">{{FLASH_TEXT}}</div>{{/FLASH}}
{{>BODY}}
</main>
<footer class="foot" role="contentinfo"><p>Custodian · request {{REQUEST_ID}}</p></footer>
</body>
</html>
