{{%AUTOESCAPE context="HTML"}}
<h1>Operators</h1>
<p class="lead">The staff of {{TENANT_NAME}} who may use Custodian, and their roles: viewers read everything and change nothing, operators change customers, admins also manage webhooks, operators and the retention policy. The web server still checks every login's password or single sign-on; this list only says what a login may do here.</p>
<p class="sub" id="operators-bound">A change of role, a disable and an enable apply on every host within {{CACHE_SECONDS}} seconds (the time a worker keeps what it read about a login). A disabled operator is refused on every page; nothing they did is removed.</p>
<section class="panel" aria-labelledby="operators-title">
  <h2 id="operators-title">Operators</h2>
  {{#NO_OPERATORS}}<p class="empty">No operators.</p>{{/NO_OPERATORS}}
  {{#HAS_OPERATORS}}
  <div class="table-wrap">
  <table class="list" id="operators">
    <caption class="sr-only">Operators of this tenant, by login</caption>
    <thead><tr><th scope="col">Login</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Disable or enable</th></tr></thead>
    <tbody>{{#OPERATOR}}<tr id="operator-{{INDEX}}" data-username="{{USERNAME}}">
      <td data-label="Login"><code>{{USERNAME}}</code>{{#YOU}} <span class="sub">(you)</span>{{/YOU}}</td>
      <td data-label="Name">{{DISPLAY_NAME}}</td>
      <td data-label="Role">{{#ROLE_FORM}}<form method="post" action="{{ROLE_URL}}">
          <input type="hidden" name="csrf" value="{{CSRF}}">
          <label for="role-{{INDEX}}" class="sr-only">Role of {{USERNAME}}</label>
          <select id="role-{{INDEX}}" name="role" data-role="{{ROLE}}">{{#ROLE_OPTION}}<option value="{{OPTION_VALUE}}" {{#OPTION_SELECTED}}selected{{/OPTION_SELECTED}}>{{OPTION_LABEL}}</option>{{/ROLE_OPTION}}</select>
          <button type="submit" class="secondary" aria-label="Change role of {{USERNAME}}">Change role</button>
        </form>{{/ROLE_FORM}}</td>
      <td data-label="State">{{#ENABLED}}<span class="badge badge-active">enabled</span> <span class="sub">{{#SINCE_KNOWN}}since {{SINCE}}{{/SINCE_KNOWN}}{{#SINCE_UNKNOWN}}since before this page{{/SINCE_UNKNOWN}}</span>{{/ENABLED}}{{#DISABLED}}<span class="badge badge-inactive">disabled</span> <span class="sub">since {{SINCE}}, by {{BY}}</span>{{/DISABLED}}</td>
      <td data-label="Disable or enable">{{#DISABLE_FORM}}<form method="post" action="{{STATE_URL}}">
          <input type="hidden" name="csrf" value="{{CSRF}}">
          <button type="submit" class="danger" aria-label="Disable {{USERNAME}}">Disable</button>
        </form>{{/DISABLE_FORM}}{{#ENABLE_FORM}}<form method="post" action="{{STATE_URL}}">
          <input type="hidden" name="csrf" value="{{CSRF}}">
          <button type="submit" class="secondary" aria-label="Re-enable {{USERNAME}}">Re-enable</button>
        </form>{{/ENABLE_FORM}}</td>
    </tr>{{/OPERATOR}}</tbody>
  </table>
  </div>
  <p class="sub">The tenant keeps at least one enabled admin: its last admin cannot demote or disable themselves.</p>
  {{/HAS_OPERATORS}}
</section>
{{#ADD_FORM}}
<form class="panel" method="post" action="/operators" aria-labelledby="add-title">
  <h2 id="add-title">Add an operator</h2>
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="username">Login <span class="required">(required)</span> <span class="sub">(as they sign in: 1 to 100 letters, digits, '.', '_', '-', '@' or '+')</span></label>
    <input id="username" name="username" required maxlength="100" autocomplete="off" spellcheck="false">
  </div>
  <div class="field">
    <label for="display_name">Name <span class="required">(required)</span> <span class="sub">(shown in the page header when they sign in; up to 100 characters)</span></label>
    <input id="display_name" name="display_name" required maxlength="100" autocomplete="off">
  </div>
  <div class="field">
    <label for="role">Role</label>
    <select id="role" name="role">{{#ROLE_OPTION}}<option value="{{OPTION_VALUE}}" {{#OPTION_SELECTED}}selected{{/OPTION_SELECTED}}>{{OPTION_LABEL}}</option>{{/ROLE_OPTION}}</select>
  </div>
  <p class="sub">The login must also exist at the web server (its password file or single sign-on); a login that is another tenant's cannot be added.</p>
  <div class="buttons"><button type="submit">Add operator</button></div>
</form>
{{/ADD_FORM}}
