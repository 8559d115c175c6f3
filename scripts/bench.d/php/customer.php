<?php
// GET /php/customers/{id}: one customer's page with the sections of the
// app's GET /customers/{id} (pages/customers.c), from the same statements:
// the customer, its addresses, the three prerequisite checks (open items),
// the retention figures behind profitability, and five "newest first"
// sections of 10 (orders, subscriptions, devices, payments, history), each
// with a link to older rows (?orders_before=ID and so on, read here too).
// Links only where the app has forms: no CSRF tokens, nothing is written.
declare(strict_types=1);
require __DIR__ . '/db.php';

const SECTION_SIZE = 10;
const SUB_COLS = 's.id, s.public_id, s.status, s.monthly_amount, s.start_date, s.end_date,'
    . ' s.asset_serial, (SELECT o.public_id FROM orders o WHERE o.id = s.order_id) AS order_public_id';
const ORDER_COLS = 'id, public_id, status, total, currency, created_at';

// One "newest first, before id" section: up to SECTION_SIZE rows, and
// whether there are older ones.
function section(string $sql, int $cid, string $before_key): array
{
    $before = PHP_INT_MAX;
    if (isset($_GET[$before_key]) && ctype_digit((string)$_GET[$before_key])) {
        $before = (int)$_GET[$before_key];
    }
    $rows = peer_rows($sql, 'iii', $cid, $before, SECTION_SIZE + 1);
    return ['rows' => array_slice($rows, 0, SECTION_SIZE),
        'older' => count($rows) > SECTION_SIZE ? $rows[SECTION_SIZE - 1]['id'] : null,
        'paged' => isset($_GET[$before_key])];
}

// The pager line of a section.
function pager(array $s, string $pid, string $key, string $anchor, string $older_label): void
{
    echo '<p class="pager">';
    if ($s['paged']) {
        echo '<a href="', h("/php/customers/$pid#$anchor"), '">« Newest</a>';
    }
    if ($s['older'] !== null) {
        echo ' <a href="', h("/php/customers/$pid?$key={$s['older']}#$anchor"), '">', h($older_label), ' »</a>';
    }
    echo "</p>\n";
}

// Whole months from the first subscription's start until now, counting
// the current one, as the app's domain/retention.c counts them.
function retention_months(?string $first, int $now): int
{
    $t = $first === null ? false : strtotime($first . ' UTC');
    if ($t === false) {
        return 1;
    }
    [$fy, $fm, $fd] = array_map('intval', explode('-', gmdate('Y-m-d', $t)));
    [$ty, $tm, $td] = array_map('intval', explode('-', gmdate('Y-m-d', $now)));
    $whole = ($ty - $fy) * 12 + ($tm - $fm) - ($td < $fd ? 1 : 0);
    return max(1, $whole + 1);
}

peer_run(function (): void {
    $op = peer_operator();
    $prefix = '/php/customers/';
    $uri = $_SERVER['DOCUMENT_URI'] ?? '';
    $pid = substr($uri, strlen($prefix));
    if (!preg_match('/^cus_[A-Za-z0-9_]{1,36}$/', $pid)) {
        peer_fail(400, 'INVALID_ID', 'customerId: this is not a customer id (they look like cus_0a1b2c3d4e).');
    }
    $rows = peer_rows('SELECT ' . PEER_CUSTOMER_COLS . ', c.custom_fields FROM customers c'
        . ' WHERE c.public_id = ? AND c.tenant_id = ?', 'si', $pid, $op['tenant']);
    if (!$rows) {
        peer_fail(404, 'NOT_FOUND', 'There is no customer with this id. Check the id, or search the list.');
    }
    $c = $rows[0];
    $cid = (int)$c['id'];
    $cur = $op['currency'];
    $now = time();

    $addresses = peer_rows('SELECT kind, contact_name, street_address, building_info, locality, city,'
        . '       admin_area, postal_code, country, company'
        . '  FROM addresses WHERE customer_id = ? ORDER BY kind, id DESC LIMIT 20', 'i', $cid);

    // the prerequisites of a deactivation (domain/prereq.c): open items
    $open_subs = peer_rows('SELECT ' . SUB_COLS . ' FROM subscriptions s'
        . " WHERE s.customer_id = ? AND s.status = 'active' ORDER BY s.id", 'i', $cid);
    $open_orders = peer_rows('SELECT ' . ORDER_COLS . ' FROM orders'
        . " WHERE customer_id = ? AND status IN ('pending', 'confirmed', 'partial') ORDER BY id", 'i', $cid);
    $open_devices = peer_rows('SELECT serial_number, product_name, sku, acquisition_cost FROM assets'
        . " WHERE customer_id = ? AND status = 'rented_out' ORDER BY serial_number", 'i', $cid);

    // everything the customer's record keeps, in one round trip (the
    // customer id six times), for profitability
    $ret = peer_rows("SELECT 'orders' AS kind, status, COUNT(*) AS n, COALESCE(SUM(total), 0) AS total FROM orders"
        . ' WHERE customer_id = ? GROUP BY status'
        . " UNION ALL SELECT 'subs', status, COUNT(*), COALESCE(SUM(monthly_amount), 0)"
        . '   FROM subscriptions WHERE customer_id = ? GROUP BY status'
        . " UNION ALL SELECT 'payments', status, COUNT(*), COALESCE(SUM(amount), 0) FROM payments"
        . '   WHERE customer_id = ? GROUP BY status'
        . " UNION ALL SELECT 'addresses', NULL, COUNT(*), 0 FROM addresses WHERE customer_id = ?"
        . " UNION ALL SELECT 'devices', MIN(start_date), COUNT(DISTINCT asset_serial),"
        . '   (SELECT COALESCE(SUM(acquisition_cost), 0) FROM assets WHERE serial_number IN'
        . '     (SELECT asset_serial FROM subscriptions WHERE customer_id = ?))'
        . '   FROM subscriptions WHERE customer_id = ?', 'iiiiii', $cid, $cid, $cid, $cid, $cid, $cid);
    $collected = 0.0;
    $acquisition = 0.0;
    $devices_ever = 0;
    $first_start = null;
    foreach ($ret as $r) {
        if ($r['kind'] === 'payments' && $r['status'] === 'paid') {
            $collected = (float)$r['total'];
        } elseif ($r['kind'] === 'devices') {
            $devices_ever = (int)$r['n'];
            $acquisition = (float)$r['total'];
            $first_start = $r['status'];
        }
    }
    $recovery = $acquisition > 0 ? $collected * 100.0 / $acquisition : 0.0;
    $avg_monthly = $collected / retention_months($first_start, $now);

    // the five sections, newest first
    $orders = section('SELECT ' . ORDER_COLS . ' FROM orders'
        . ' WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?', $cid, 'orders_before');
    $subs = section('SELECT ' . SUB_COLS . ' FROM subscriptions s'
        . ' WHERE s.customer_id = ? AND s.id < ? ORDER BY s.id DESC LIMIT ?', $cid, 'subs_before');
    $devices = section('SELECT s.id, a.serial_number, a.product_name, a.sku, a.status,'
        . '       a.customer_id <=> s.customer_id AS with_customer, s.public_id, a.acquisition_cost'
        . '  FROM subscriptions s JOIN assets a ON a.serial_number = s.asset_serial'
        . ' WHERE s.customer_id = ? AND s.id < ? ORDER BY s.id DESC LIMIT ?', $cid, 'devices_before');
    $payments = section('SELECT p.id, p.public_id, p.status, p.amount, p.currency, p.paid_at, p.created_at,'
        . '       s.public_id AS sub_public_id'
        . '  FROM payments p LEFT JOIN subscriptions s ON s.id = p.subscription_id'
        . ' WHERE p.customer_id = ? AND p.id < ? ORDER BY p.id DESC LIMIT ?', $cid, 'payments_before');
    $history = section('SELECT id, at, actor, subject, action, channel, reason, note, outcome, request_id,'
        . '       bulk_run_id, subject'
        . '  FROM audit_log WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?', $cid, 'audit_before');

    $name = customer_name($c);
    $url = '/php/customers/' . $c['public_id'];
    $inactive = $c['status'] === 'inactive';
    $can_write = $op['role'] === 'admin' || $op['role'] === 'operator';
    $billing = $shipping = null;
    foreach ($addresses as $a) { // newest of each kind first
        if ($a['kind'] === 'billing' && $billing === null) {
            $billing = $a;
        } elseif ($a['kind'] === 'shipping' && $shipping === null) {
            $shipping = $a;
        }
    }

    peer_head($op, $name);
    ?>
<nav class="crumbs" aria-label="Breadcrumb"><a href="/php/customers">Customers</a> › <?= h($name) ?></nav>
<div class="page-head">
  <div>
    <h1><?= h($name) ?> <span class="badge badge-<?= h($c['status']) ?>"><?= h($c['status']) ?></span></h1>
    <p class="sub"><code class="id" id="customer-id"><?= h($c['public_id']) ?></code> <button type="button" class="copy" data-copy="<?= h($c['public_id']) ?>" hidden>Copy id</button> · <?= h(fmt_label($c['customer_type'])) ?><?php if ((string)$c['company'] !== '') { ?> · <?= h($c['company']) ?><?php } ?></p>
  </div>
  <div class="actions">
<?php if ($can_write && !$inactive) { ?>    <a class="button danger" href="<?= h($url) ?>/deactivate">Deactivate…</a>
<?php } elseif ($can_write) { ?>    <a class="button" href="<?= h($url) ?>/reactivate">Reactivate…</a>
<?php } ?>    <a class="button secondary" href="<?= h($url) ?>/retention">Retention summary</a>
  </div>
</div>
<?php if ($inactive) { ?>
<section class="panel deactivated" aria-labelledby="deact-title">
  <h2 id="deact-title">Deactivated</h2>
  <p><?= h(fmt_datetime($c['deactivated_at'])) ?> by <?= h($c['deactivated_by']) ?> · reason: <strong><?= h(fmt_label($c['deactivation_reason'])) ?></strong></p>
  <p><?= h($c['deactivation_note']) ?></p>
</section>
<?php } ?>
<div class="grid">
  <section class="panel" aria-labelledby="profile-title">
    <h2 id="profile-title">Profile</h2>
    <dl class="facts">
      <dt>E-mail</dt><dd><?= h($c['email']) ?></dd>
      <dt>Phone</dt><dd><?= h($c['phone']) ?></dd>
      <dt>Customer since</dt><dd><?= h(fmt_datetime($c['created_at'])) ?> (<?= h(fmt_relative($c['created_at'], $now)) ?>)</dd>
      <dt>Last updated</dt><dd><?= h(fmt_datetime($c['updated_at'])) ?></dd>
      <dt>Monthly revenue</dt><dd><?= h(fmt_cents($c['mrr_cents'], $cur)) ?></dd>
      <dt>Custom fields</dt><dd><code class="json"><?= h($c['custom_fields']) ?></code></dd>
    </dl>
  </section>
  <section class="panel" aria-labelledby="addr-title">
    <h2 id="addr-title">Addresses</h2>
<?php foreach (['Billing address' => $billing, 'Shipping address' => $shipping] as $title => $a) { ?>
    <h3><?= h($title) ?></h3>
<?php if ($a === null) { ?>    <p class="empty">None on file.</p>
<?php } else { ?>    <address><span class="line"><?= h($a['contact_name']) ?></span><span class="line"><?= h($a['company']) ?></span><span class="line"><?= h($a['street_address']) ?> <?= h($a['building_info']) ?></span><span class="line"><?= h($a['postal_code']) ?> <?= h($a['city']) ?> <?= h($a['locality']) ?> <?= h($a['admin_area']) ?></span><span class="line"><?= h($a['country']) ?></span></address>
<?php } } ?>
  </section>
  <section class="panel" aria-labelledby="profit-title">
    <h2 id="profit-title">Profitability</h2>
    <dl class="facts">
      <dt>Lifetime collected</dt><dd><?= h(fmt_money(sprintf('%.2f', $collected), $cur)) ?></dd>
      <dt>Acquisition cost of devices</dt><dd><?= h(fmt_money(sprintf('%.2f', $acquisition), $cur)) ?></dd>
      <dt>Cost recovered</dt><dd><?= h(sprintf('%.1f%%', $recovery)) ?> <meter min="0" max="100" value="<?= h(max(0, min(100, (int)$recovery))) ?>"><?= h(sprintf('%.1f%%', $recovery)) ?></meter></dd>
      <dt>Average monthly revenue</dt><dd><?= h(fmt_money(sprintf('%.2f', $avg_monthly), $cur)) ?></dd>
      <dt>Devices ever rented</dt><dd><?= h(fmt_count($devices_ever)) ?></dd>
      <dt>Devices with the customer</dt><dd><?= h(fmt_count($c['devices_out'])) ?></dd>
    </dl>
  </section>
</div>

<section class="panel" id="open" aria-labelledby="open-title">
  <h2 id="open-title">Open items</h2>
<?php if (!$open_subs && !$open_orders && !$open_devices) { ?>
  <p class="ok">Nothing open: no active subscription, no order in flight, no device out.</p>
<?php } else { ?>
  <p>These would block a deactivation.</p>
<?php } ?>
  <ul class="open-items">
<?php foreach ($open_subs as $s) { ?>
    <li id="open-<?= h($s['public_id']) ?>">Active subscription <code><?= h($s['public_id']) ?></code>: <?= h(fmt_money($s['monthly_amount'], $cur)) ?>/month since <?= h($s['start_date']) ?> <?= h($s['asset_serial']) ?></li>
<?php } foreach ($open_orders as $o) { ?>
    <li id="open-<?= h($o['public_id']) ?>">Order <code><?= h($o['public_id']) ?></code> <span class="badge badge-<?= h($o['status']) ?>"><?= h($o['status']) ?></span> <?= h(fmt_money($o['total'], $o['currency'])) ?>, placed <?= h(fmt_datetime($o['created_at'])) ?></li>
<?php } foreach ($open_devices as $d) { ?>
    <li id="open-<?= h($d['serial_number']) ?>">Device <code><?= h($d['serial_number']) ?></code> not returned: <?= h($d['product_name']) ?> (<?= h($d['sku']) ?>)</li>
<?php } ?>
  </ul>
</section>

<section class="panel" id="orders" aria-labelledby="orders-title">
  <h2 id="orders-title">Orders</h2>
<?php if (!$orders['rows']) { ?>  <p class="empty">No orders.</p>
<?php } ?>
  <table class="list"><thead><tr><th scope="col">Order</th><th scope="col">Status</th><th scope="col" class="num">Total</th><th scope="col">Placed</th></tr></thead><tbody>
<?php foreach ($orders['rows'] as $o) { ?>
  <tr><td><code><?= h($o['public_id']) ?></code></td><td data-label="Status"><span class="badge badge-<?= h($o['status']) ?>"><?= h($o['status']) ?></span></td><td class="num" data-label="Total"><?= h(fmt_money($o['total'], $o['currency'])) ?></td><td data-label="Placed"><?= h(fmt_datetime($o['created_at'])) ?></td></tr>
<?php } ?>
  </tbody></table>
  <?php pager($orders, $c['public_id'], 'orders_before', 'orders', 'Older orders'); ?>
</section>

<section class="panel" id="subscriptions" aria-labelledby="subs-title">
  <h2 id="subs-title">Subscriptions</h2>
<?php if (!$subs['rows']) { ?>  <p class="empty">No subscriptions.</p>
<?php } ?>
  <table class="list"><thead><tr><th scope="col">Subscription</th><th scope="col">Status</th><th scope="col" class="num">Monthly</th><th scope="col">Start</th><th scope="col">End</th><th scope="col">Device</th><th scope="col">Order</th></tr></thead><tbody>
<?php foreach ($subs['rows'] as $s) { ?>
  <tr><td><code><?= h($s['public_id']) ?></code></td><td data-label="Status"><span class="badge badge-<?= h($s['status']) ?>"><?= h($s['status']) ?></span></td><td class="num" data-label="Monthly"><?= h(fmt_money($s['monthly_amount'], $cur)) ?></td><td data-label="Start"><?= h($s['start_date']) ?></td><td data-label="End"><?= h($s['end_date']) ?></td><td data-label="Device"><code><?= h($s['asset_serial']) ?></code></td><td data-label="Order"><code><?= h($s['order_public_id']) ?></code></td></tr>
<?php } ?>
  </tbody></table>
  <?php pager($subs, $c['public_id'], 'subs_before', 'subscriptions', 'Older subscriptions'); ?>
</section>

<section class="panel" id="devices" aria-labelledby="devices-title">
  <h2 id="devices-title">Devices</h2>
<?php if (!$devices['rows']) { ?>  <p class="empty">No devices ever rented.</p>
<?php } ?>
  <table class="list"><thead><tr><th scope="col">Serial</th><th scope="col">Product</th><th scope="col">Status</th><th scope="col" class="num">Acquisition cost</th><th scope="col">Subscription</th></tr></thead><tbody>
<?php foreach ($devices['rows'] as $d) { ?>
  <tr><td><code><?= h($d['serial_number']) ?></code></td><td data-label="Product"><?= h($d['product_name']) ?> <span class="sub"><?= h($d['sku']) ?></span></td><td data-label="Status"><span class="badge badge-<?= h($d['status']) ?>"><?= h($d['status']) ?></span><?php if ((int)$d['with_customer'] === 1 && $d['status'] === 'rented_out') { ?> <span class="sub">with the customer</span><?php } ?></td><td class="num" data-label="Acquisition cost"><?= h(fmt_money($d['acquisition_cost'], $cur)) ?></td><td data-label="Subscription"><code><?= h($d['public_id']) ?></code></td></tr>
<?php } ?>
  </tbody></table>
  <?php pager($devices, $c['public_id'], 'devices_before', 'devices', 'Older devices'); ?>
</section>

<section class="panel" id="payments" aria-labelledby="payments-title">
  <h2 id="payments-title">Payments</h2>
<?php if (!$payments['rows']) { ?>  <p class="empty">No payments.</p>
<?php } ?>
  <table class="list"><thead><tr><th scope="col">Payment</th><th scope="col">Status</th><th scope="col" class="num">Amount</th><th scope="col">Due</th><th scope="col">Paid</th><th scope="col">Subscription</th></tr></thead><tbody>
<?php foreach ($payments['rows'] as $p) { ?>
  <tr><td><code><?= h($p['public_id']) ?></code></td><td data-label="Status"><span class="badge badge-<?= h($p['status']) ?>"><?= h($p['status']) ?></span></td><td class="num" data-label="Amount"><?= h(fmt_money($p['amount'], $p['currency'])) ?></td><td data-label="Due"><?= h(fmt_datetime($p['created_at'])) ?></td><td data-label="Paid"><?= h(fmt_datetime($p['paid_at'])) ?></td><td data-label="Subscription"><code><?= h($p['sub_public_id']) ?></code></td></tr>
<?php } ?>
  </tbody></table>
  <?php pager($payments, $c['public_id'], 'payments_before', 'payments', 'Older payments'); ?>
</section>

<section class="panel" id="history" aria-labelledby="history-title">
  <h2 id="history-title">History</h2>
<?php if (!$history['rows']) { ?>  <p class="empty">No deactivations or reactivations yet.</p>
<?php } ?>
  <table class="list"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Via</th><th scope="col">Reason</th><th scope="col">Note</th><th scope="col">Outcome</th></tr></thead><tbody>
<?php foreach ($history['rows'] as $e) { ?>
  <tr><td data-label="When"><?= h(fmt_datetime($e['at'])) ?></td><td data-label="Who"><?= h($e['actor']) ?></td><td data-label="Action"><?= h($e['action']) ?></td><td data-label="Via"><?= h($e['channel']) ?></td><td data-label="Reason"><?= h(fmt_label($e['reason'])) ?></td><td data-label="Note"><?= h($e['note']) ?></td><td data-label="Outcome"><?php if ($e['outcome'] === 'ok') { ?><span class="badge badge-ok">ok</span><?php } else { ?><span class="badge badge-refused"><?= h($e['outcome']) ?></span><?php } ?></td></tr>
<?php } ?>
  </tbody></table>
  <?php pager($history, $c['public_id'], 'audit_before', 'history', 'Older'); ?> <p><a href="/audit?customer=<?= h(rawurlencode($c['public_id'])) ?>">Full audit log for this customer</a></p>
</section>
<?php
    peer_foot();
});
