{{%AUTOESCAPE context="HTML"}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="/customers">Customers</a> › {{CUSTOMER_NAME}}</nav>
<div class="page-head">
  <div>
    <h1>{{CUSTOMER_NAME}} <span class="badge badge-{{STATUS}}">{{STATUS}}</span></h1>
    <p class="sub"><code class="id" id="customer-id">{{CUSTOMER_ID}}</code> <button type="button" class="copy" data-copy="{{CUSTOMER_ID}}" hidden>Copy id</button> · {{TYPE_LABEL}}{{#HAS_COMPANY}} · {{COMPANY}}{{/HAS_COMPANY}}</p>
  </div>
  <div class="actions">
    {{#CAN_EDIT}}<a class="button secondary" href="{{CUSTOMER_URL}}/edit">Edit</a>{{/CAN_EDIT}}
    {{#CAN_DEACTIVATE}}<a class="button danger" href="{{CUSTOMER_URL}}/deactivate">Deactivate…</a>{{/CAN_DEACTIVATE}}
    {{#CAN_REACTIVATE}}<a class="button" href="{{CUSTOMER_URL}}/reactivate">Reactivate…</a>{{/CAN_REACTIVATE}}
    {{#CAN_MERGE}}<a class="button secondary" href="{{CUSTOMER_URL}}/merge">Merge into…</a>{{/CAN_MERGE}}
    {{#CAN_ERASE}}<a class="button danger" href="{{CUSTOMER_URL}}/erase">Erase personal data…</a>{{/CAN_ERASE}}
    <a class="button secondary" href="{{CUSTOMER_URL}}/retention">Retention summary</a>
  </div>
</div>
{{#FOUND}}<p class="notice found" id="found" role="status">Found: {{FOUND_KIND}} <code>{{FOUND_ID}}</code>{{#FOUND_SHOWN}}, <a href="#rec-{{FOUND_ID}}">highlighted below</a>{{/FOUND_SHOWN}}{{#FOUND_OLDER}}, older than the rows shown below (its section lists the newest first; follow "Older" to reach it){{/FOUND_OLDER}}.</p>{{/FOUND}}
{{#DEACTIVATION}}
<section class="panel deactivated" aria-labelledby="deact-title">
  <h2 id="deact-title">Deactivated</h2>
  <p>{{DEACT_AT}} by {{DEACT_BY}} · reason: <strong>{{DEACT_REASON}}</strong></p>
  <p>{{DEACT_NOTE}}</p>
</section>
{{/DEACTIVATION}}
{{#ERASED}}
<section class="panel erased" id="erased" aria-labelledby="erased-title">
  <h2 id="erased-title">Personal data erased</h2>
  <p>Personal data erased on {{ERASED_AT}} by {{ERASED_BY}}{{#FINANCIAL}}; financial records kept until {{FINANCIAL_UNTIL}}{{/FINANCIAL}}. The orders, subscriptions, payments, devices and history below are kept under the customer's id; it cannot be edited or reactivated again.</p>
</section>
{{/ERASED}}
{{#LEGAL_HOLD}}<p class="notice" id="legal-hold" role="status">A legal hold is set on this customer: its personal data cannot be erased until the hold is lifted.</p>{{/LEGAL_HOLD}}
{{#HOLD_FORM}}
<form class="inline" method="post" action="{{HOLD_URL}}" id="legal-hold-form">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <input type="hidden" name="hold" value="{{HOLD_VALUE}}">
  <button type="submit" class="secondary">{{HOLD_LABEL}}</button>
</form>
{{/HOLD_FORM}}
{{#MERGED}}
<section class="panel merged" id="merged" aria-labelledby="merged-title">
  <h2 id="merged-title">Merged into <a href="{{MERGED_URL}}">{{MERGED_INTO}}</a></h2>
  <p>On {{MERGED_AT}} this duplicate was merged into <a href="{{MERGED_URL}}">{{MERGED_INTO}}</a>: its orders, subscriptions, payments, devices, addresses and notes are there now. Its own history stays here.</p>
</section>
{{/MERGED}}
{{#MERGED_FROM}}<p class="notice" id="merged-from">{{MERGED_FROM_COUNT}} merged into this customer; its history lists what moved.</p>{{/MERGED_FROM}}
{{! ---- close when clear (closure requests): its own block ---- }}
{{#PENDING_CLOSURE}}
<section class="panel closure-pending" id="closure" aria-labelledby="closure-title">
  <h2 id="closure-title">Closure requested: closes when clear</h2>
  <p>Closure request <code id="closure-id">{{CLOSURE_ID}}</code>, filed {{CLOSURE_AT}} by {{CLOSURE_BY}} · reason: <strong>{{CLOSURE_REASON}}</strong>. The customer is deactivated by itself, as {{CLOSURE_BY}}, as soon as nothing blocks it.</p>
  <p>Waiting for:</p>
  <ul class="closure-waiting">{{#WAITING}}<li><code>{{WAITING_CODE}}</code> {{WAITING_TITLE}}</li>{{/WAITING}}{{#NOTHING_BLOCKS}}<li>nothing: it completes within seconds</li>{{/NOTHING_BLOCKS}}</ul>
  {{#CHECKED}}<p class="sub">Last checked {{CHECKED_AT}}.</p>{{/CHECKED}}
  {{#WITHDRAW_FORM}}<form method="post" action="{{WITHDRAW_URL}}"><input type="hidden" name="csrf" value="{{CSRF}}"><button type="submit" class="secondary">Withdraw the closure request</button></form>{{/WITHDRAW_FORM}}
</section>
{{/PENDING_CLOSURE}}
{{! ---- end of close when clear ---- }}
<div class="grid">
  <section class="panel" aria-labelledby="profile-title">
    <h2 id="profile-title">Profile</h2>
    <dl class="facts">
      <dt>E-mail</dt><dd>{{EMAIL}}</dd>
      <dt>Phone</dt><dd>{{PHONE}}</dd>
      <dt>Customer since</dt><dd>{{CREATED}} ({{CREATED_AGO}})</dd>
      <dt>Last updated</dt><dd>{{UPDATED}}</dd>
      <dt>Monthly revenue</dt><dd>{{MRR}}</dd>
      <dt>Custom fields</dt><dd><code class="json">{{CUSTOM_FIELDS}}</code></dd>
    </dl>
  </section>
  <section class="panel" aria-labelledby="addr-title">
    <h2 id="addr-title">Addresses</h2>
    {{#ADDRESS}}<h3>{{ADDRESS_TITLE}}</h3>
    <address><span class="line">{{CONTACT}}</span><span class="line">{{ADDRESS_COMPANY}}</span><span class="line">{{STREET}} {{BUILDING}}</span><span class="line">{{POSTAL}} {{CITY}} {{LOCALITY}} {{ADMIN}}</span><span class="line">{{COUNTRY}}</span></address>{{/ADDRESS}}
    {{#NO_ADDRESS}}<h3>{{ADDRESS_TITLE}}</h3><p class="empty">None on file.</p>{{/NO_ADDRESS}}
  </section>
  <section class="panel" aria-labelledby="profit-title">
    <h2 id="profit-title">Profitability</h2>
    <dl class="facts">
      <dt>Lifetime collected</dt><dd>{{LIFETIME_COLLECTED}}</dd>
      <dt>Acquisition cost of devices</dt><dd>{{ACQUISITION_COST}}</dd>
      <dt>Cost recovered</dt><dd>{{COST_RECOVERY}} <meter min="0" max="100" value="{{RECOVERY_BAR}}">{{COST_RECOVERY}}</meter></dd>
      <dt>Average monthly revenue</dt><dd>{{AVG_MONTHLY}}</dd>
      <dt>Devices ever rented</dt><dd>{{DEVICES_EVER}}</dd>
      <dt>Devices with the customer</dt><dd>{{ACTIVE_DEVICES}}</dd>
    </dl>
  </section>
</div>

<section class="panel" id="open" aria-labelledby="open-title">
  <h2 id="open-title">Open items</h2>
  {{#NO_OPEN_ITEMS}}<p class="ok">Nothing open: no active subscription, no order in flight, no device out.</p>{{/NO_OPEN_ITEMS}}
  {{#HAS_OPEN_ITEMS}}<p>These would block a deactivation.</p>{{/HAS_OPEN_ITEMS}}
  <ul class="open-items">
    {{#OPEN_SUB}}<li id="open-{{ID}}">Active subscription <code>{{ID}}</code>: {{AMOUNT}}/month since {{START}} {{ASSET}}{{#ACT}} <a class="act" href="{{ACT_URL}}" aria-label="{{ACT_LABEL}} {{ACT_ID}}">{{ACT_LABEL}}</a>{{/ACT}}</li>{{/OPEN_SUB}}
    {{#OPEN_ORDER}}<li id="open-{{ID}}">Order <code>{{ID}}</code> <span class="badge badge-{{ROW_STATUS}}">{{ROW_STATUS}}</span> {{AMOUNT}}, placed {{DATE}}{{#ACT}} <a class="act" href="{{ACT_URL}}" aria-label="{{ACT_LABEL}} {{ACT_ID}}">{{ACT_LABEL}}</a>{{/ACT}}</li>{{/OPEN_ORDER}}
    {{#OPEN_DEVICE}}<li id="open-{{ID}}">Device <code>{{ID}}</code> not returned: {{PRODUCT}} ({{SKU}}){{#COMING_BACK}}, coming back since {{SINCE}}{{/COMING_BACK}}{{#ACT}} <a class="act" href="{{ACT_URL}}" aria-label="{{ACT_LABEL}} {{ACT_ID}}">{{ACT_LABEL}}</a>{{/ACT}}</li>{{/OPEN_DEVICE}}
  </ul>
</section>

{{#notes}}
<section class="panel" id="notes" aria-labelledby="notes-title">
  <h2 id="notes-title">Notes <span class="sub">({{NOTES_COUNT}} kept)</span></h2>
  {{#NONE}}<p class="empty">No notes yet.</p>{{/NONE}}
  <table class="list notes"><thead><tr><th scope="col">Date</th><th scope="col">Kind</th><th scope="col">Summary</th><th scope="col">Follow up</th><th scope="col">Written by</th></tr></thead><tbody>
  {{#ROW}}<tr><td data-label="Date">{{DATE}}</td><td data-label="Kind"><span class="badge badge-{{KIND}}">{{KIND_LABEL}}</span></td><td data-label="Summary" class="summary">{{#LINE}}<span class="line">{{TEXT}}</span>{{/LINE}}</td><td data-label="Follow up">{{FOLLOW_UP}}</td><td data-label="Written by">{{BY}} <span class="sub">{{WRITTEN}}</span></td></tr>{{/ROW}}
  </tbody></table>
  <p class="pager">{{#NEWEST}}<a href="{{NEWEST_URL}}">« Newest</a>{{/NEWEST}} {{#OLDER}}<a href="{{OLDER_URL}}">Older notes »</a>{{/OLDER}}</p>
  {{#NOTE_FORM}}
  <form class="note-form" method="post" action="{{NOTE_URL}}" aria-labelledby="note-form-title">
    <h3 id="note-form-title">Add a note</h3>
    <input type="hidden" name="csrf" value="{{CSRF}}">
    <p class="field"><label for="note-date">Date of the contact</label> <input type="date" id="note-date" name="date" value="{{TODAY}}" required></p>
    <p class="field"><label for="note-kind">Kind</label> <select id="note-kind" name="kind" required>{{#KIND_OPTION}}<option value="{{OPTION_VALUE}}">{{OPTION_LABEL}}</option>{{/KIND_OPTION}}</select></p>
    <p class="field"><label for="note-summary">Summary</label> <textarea id="note-summary" name="summary" rows="3" maxlength="{{SUMMARY_MAX}}" required aria-describedby="note-summary-hint"></textarea> <span class="hint" id="note-summary-hint">Up to {{SUMMARY_MAX}} characters. Notes cannot be changed or removed once added.</span></p>
    <p class="field"><label for="note-follow-up">Follow up on <span class="sub">(optional)</span></label> <input type="date" id="note-follow-up" name="follow_up"></p>
    <p><button type="submit">Add note</button></p>
  </form>
  {{/NOTE_FORM}}
</section>
{{/notes}}

{{#orders}}
<section class="panel" id="orders" aria-labelledby="orders-title">
  <h2 id="orders-title">Orders</h2>
  {{#NONE}}<p class="empty">No orders.</p>{{/NONE}}
  <table class="list"><thead><tr><th scope="col">Order</th><th scope="col">Status</th><th scope="col" class="num">Total</th><th scope="col">Placed</th><th scope="col">Ordered</th></tr></thead><tbody>
  {{#ROW}}<tr id="order-{{ID}}"{{#HIGHLIGHT}} class="highlight"{{/HIGHLIGHT}}><td><code id="rec-{{ID}}">{{ID}}</code></td><td data-label="Status"><span class="badge badge-{{ROW_STATUS}}">{{ROW_STATUS}}</span>{{#ACT}} <a class="act" href="{{ACT_URL}}" aria-label="{{ACT_LABEL}} {{ACT_ID}}">{{ACT_LABEL}}</a>{{/ACT}}</td><td class="num" data-label="Total">{{AMOUNT}}</td><td data-label="Placed">{{DATE}}</td><td data-label="Ordered"><ul class="order-lines">{{#LINE}}<li class="order-line"><span class="qty">{{QUANTITY}} ×</span> {{PRODUCT}} <span class="sub">{{SKU}}</span>: {{UNIT_PRICE}}/month for {{MONTHS}} months</li>{{/LINE}}</ul></td></tr>{{/ROW}}
  </tbody></table>
  <p class="pager">{{#NEWEST}}<a href="{{NEWEST_URL}}">« Newest</a>{{/NEWEST}} {{#OLDER}}<a href="{{OLDER_URL}}">Older orders »</a>{{/OLDER}}</p>
</section>
{{/orders}}

{{#subscriptions}}
<section class="panel" id="subscriptions" aria-labelledby="subs-title">
  <h2 id="subs-title">Subscriptions</h2>
  {{#NONE}}<p class="empty">No subscriptions.</p>{{/NONE}}
  <table class="list"><thead><tr><th scope="col">Subscription</th><th scope="col">Status</th><th scope="col" class="num">Monthly</th><th scope="col">Start</th><th scope="col">End</th><th scope="col">Device</th><th scope="col">Order</th></tr></thead><tbody>
  {{#ROW}}<tr id="rec-{{ID}}"{{#HIGHLIGHT}} class="highlight"{{/HIGHLIGHT}}><td><code>{{ID}}</code></td><td data-label="Status"><span class="badge badge-{{ROW_STATUS}}">{{ROW_STATUS}}</span>{{#ACT}} <a class="act" href="{{ACT_URL}}" aria-label="{{ACT_LABEL}} {{ACT_ID}}">{{ACT_LABEL}}</a>{{/ACT}}</td><td class="num" data-label="Monthly">{{AMOUNT}}</td><td data-label="Start">{{START}}</td><td data-label="End">{{END}}</td><td data-label="Device"><code>{{ASSET}}</code></td><td data-label="Order"><code>{{ORDER}}</code></td></tr>{{/ROW}}
  </tbody></table>
  <p class="pager">{{#NEWEST}}<a href="{{NEWEST_URL}}">« Newest</a>{{/NEWEST}} {{#OLDER}}<a href="{{OLDER_URL}}">Older subscriptions »</a>{{/OLDER}}</p>
</section>
{{/subscriptions}}

{{#devices}}
<section class="panel" id="devices" aria-labelledby="devices-title">
  <h2 id="devices-title">Devices</h2>
  {{#NONE}}<p class="empty">No devices ever rented.</p>{{/NONE}}
  <table class="list"><thead><tr><th scope="col">Serial</th><th scope="col">Product</th><th scope="col">Status</th><th scope="col" class="num">Acquisition cost</th><th scope="col">Subscription</th></tr></thead><tbody>
  {{#ROW}}<tr id="rec-{{ID}}"{{#HIGHLIGHT}} class="highlight"{{/HIGHLIGHT}}><td><code>{{ID}}</code></td><td data-label="Product">{{PRODUCT}} <span class="sub">{{SKU}}</span></td><td data-label="Status"><span class="badge badge-{{ROW_STATUS}}">{{ROW_STATUS}}</span>{{#WITH_CUSTOMER}} <span class="sub">with the customer</span>{{/WITH_CUSTOMER}}{{#ACT}} <a class="act" href="{{ACT_URL}}" aria-label="{{ACT_LABEL}} {{ACT_ID}}">{{ACT_LABEL}}</a>{{/ACT}}</td><td class="num" data-label="Acquisition cost">{{AMOUNT}}</td><td data-label="Subscription"><code>{{SUB}}</code></td></tr>{{/ROW}}
  </tbody></table>
  <p class="pager">{{#NEWEST}}<a href="{{NEWEST_URL}}">« Newest</a>{{/NEWEST}} {{#OLDER}}<a href="{{OLDER_URL}}">Older devices »</a>{{/OLDER}}</p>
</section>
{{/devices}}

{{#payments}}
<section class="panel" id="payments" aria-labelledby="payments-title">
  <h2 id="payments-title">Payments</h2>
  {{#NONE}}<p class="empty">No payments.</p>{{/NONE}}
  <table class="list"><thead><tr><th scope="col">Payment</th><th scope="col">Status</th><th scope="col" class="num">Amount</th><th scope="col">Due</th><th scope="col">Paid</th><th scope="col">Subscription</th></tr></thead><tbody>
  {{#ROW}}<tr id="rec-{{ID}}"{{#HIGHLIGHT}} class="highlight"{{/HIGHLIGHT}}><td><code>{{ID}}</code></td><td data-label="Status"><span class="badge badge-{{ROW_STATUS}}">{{ROW_STATUS}}</span></td><td class="num" data-label="Amount">{{AMOUNT}}</td><td data-label="Due">{{DATE}}</td><td data-label="Paid">{{PAID_AT}}</td><td data-label="Subscription"><code>{{SUB}}</code></td></tr>{{/ROW}}
  </tbody></table>
  <p class="pager">{{#NEWEST}}<a href="{{NEWEST_URL}}">« Newest</a>{{/NEWEST}} {{#OLDER}}<a href="{{OLDER_URL}}">Older payments »</a>{{/OLDER}}</p>
</section>
{{/payments}}

{{#history}}
<section class="panel" id="history" aria-labelledby="history-title">
  <h2 id="history-title">History</h2>
  {{#NONE}}<p class="empty">No deactivations or reactivations yet.</p>{{/NONE}}
  <table class="list"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Via</th><th scope="col">Reason</th><th scope="col">Note or changes</th><th scope="col">Outcome</th></tr></thead><tbody>
  {{#ROW}}<tr><td data-label="When">{{DATE}}</td><td data-label="Who">{{ACTOR}}</td><td data-label="Action">{{ACTION}}</td><td data-label="Via">{{CHANNEL}}</td><td data-label="Reason">{{REASON}}</td><td data-label="Note">{{NOTE}}{{#CHANGES}}<ul class="changes">{{#CHANGE}}<li><span class="change-field">{{CHANGE_FIELD}}</span>: {{#OLD}}<del>{{CHANGE_OLD}}</del>{{/OLD}}{{#OLD_EMPTY}}<span class="empty">(empty)</span>{{/OLD_EMPTY}} → {{#NEW}}<ins>{{CHANGE_NEW}}</ins>{{/NEW}}{{#NEW_EMPTY}}<span class="empty">(empty)</span>{{/NEW_EMPTY}}</li>{{/CHANGE}}</ul>{{/CHANGES}}</td><td data-label="Outcome">{{#OUTCOME_OK}}<span class="badge badge-ok">ok</span>{{/OUTCOME_OK}}{{#OUTCOME_REFUSED}}<span class="badge badge-refused">{{OUTCOME}}</span>{{/OUTCOME_REFUSED}}</td></tr>{{/ROW}}
  </tbody></table>
  <p class="pager">{{#OLDER}}<a href="{{OLDER_URL}}">Older »</a>{{/OLDER}} <a href="{{AUDIT_URL}}">Full audit log for this customer</a></p>
</section>
{{/history}}
