{{%AUTOESCAPE context="HTML"}}
<table class="retention">
  <caption>What the record keeps</caption>
  <thead><tr><th scope="col">Data</th><th scope="col">Status</th><th scope="col">Kept</th></tr></thead>
  <tbody>
    <tr><th scope="row">Customer profile</th><td>{{RET_PROFILE}}</td><td>1 profile</td></tr>
    <tr><th scope="row">Order history</th><td>Preserved</td><td>{{RET_ORDERS}} {{RET_ORDERS_NOUN}}{{#ORDER_STATUS}}<span class="break">{{ROW_COUNT}} {{ROW_LABEL}}</span>{{/ORDER_STATUS}}</td></tr>
    <tr><th scope="row">Subscription history</th><td>Preserved</td><td>{{RET_SUBS}} {{RET_SUBS_NOUN}}{{#SUB_STATUS}}<span class="break">{{ROW_COUNT}} {{ROW_LABEL}}</span>{{/SUB_STATUS}}</td></tr>
    <tr><th scope="row">Payment history</th><td>Preserved</td><td>{{RET_PAYMENTS}} {{RET_PAYMENTS_NOUN}}, {{RET_COLLECTED}} collected{{#PAYMENT_STATUS}}<span class="break">{{ROW_COUNT}} {{ROW_LABEL}}</span>{{/PAYMENT_STATUS}}</td></tr>
    <tr><th scope="row">Addresses</th><td>Preserved</td><td>{{RET_ADDRESSES}} {{RET_ADDRESSES_NOUN}}</td></tr>
    <tr><th scope="row">Notes</th><td>Preserved</td><td>{{RET_NOTES}} {{RET_NOTES_NOUN}}</td></tr>
    <tr><th scope="row">Devices</th><td>Preserved</td><td>{{RET_DEVICES_EVER}} ever rented, {{RET_DEVICES_OUT}} still out</td></tr>
  </tbody>
</table>
