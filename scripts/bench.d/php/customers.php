<?php
// GET /php/customers: the first page of the customer list as the app's
// GET /customers answers it without parameters (active customers, newest
// created first, 50 a page) with the status tabs' counters. Parameters are
// not read: this peer serves that one page (no filters, no search, no
// sorting, no cursor to the next page).
declare(strict_types=1);
require __DIR__ . '/db.php';

const PAGE_SIZE = 50;

peer_run(function (): void {
    $op = peer_operator();
    $now = time();

    // the page (one more row than shown: is there a next page?), through
    // the index the app names for this sort and filter
    $rows = peer_rows('SELECT ' . PEER_CUSTOMER_COLS . ', NULL'
        . ' FROM customers c FORCE INDEX (ix_customers_status_created)'
        . ' WHERE c.tenant_id = ? AND c.status = ?'
        . ' ORDER BY c.created_at DESC, c.id DESC LIMIT ?',
        'isi', $op['tenant'], 'active', PAGE_SIZE + 1);

    // the counters the triggers keep, for the tabs
    $active = 0;
    $inactive = 0;
    foreach (peer_rows('SELECT status, customer_type, SUM(n) AS n FROM customer_counts'
        . ' WHERE tenant_id = ? GROUP BY status, customer_type', 'i', $op['tenant']) as $c) {
        if ($c['status'] === 'active') {
            $active += (int)$c['n'];
        } else {
            $inactive += (int)$c['n'];
        }
    }

    peer_head($op, 'Customers');
    ?>
<h1>Customers</h1>
<form class="filters" method="get" action="/php/customers" role="search">
  <div class="field">
    <label for="q">Search</label>
    <input id="q" name="q" type="search" value="" maxlength="100" placeholder="E-mail, name or company (beginning)">
  </div>
  <div class="field">
    <label for="status">Status</label>
    <select id="status" name="status"><option value="active" selected>Active</option><option value="inactive">Inactive</option><option value="all">All statuses</option></select>
  </div>
  <div class="field">
    <label for="type">Type</label>
    <select id="type" name="type"><option value="all" selected>All types</option><option value="individual">Individuals</option><option value="business">Businesses</option></select>
  </div>
  <input type="hidden" name="sort" value="createdAt">
  <input type="hidden" name="dir" value="desc">
  <button type="submit">Apply</button>
</form>
<nav class="tabs" aria-label="Customers by status">
  <ul><li><a href="/php/customers?status=active" aria-current="page">Active <span class="count"><?= h(fmt_count($active)) ?></span></a></li><li><a href="/php/customers?status=inactive">Inactive <span class="count"><?= h(fmt_count($inactive)) ?></span></a></li><li><a href="/php/customers?status=all">All <span class="count"><?= h(fmt_count($active + $inactive)) ?></span></a></li></ul>
</nav>
<p class="result-count" id="result-count"><?= h(fmt_count($active)) ?> customers</p>
<?php if (!$rows) { ?>
<p class="empty">No customers with these filters.</p>
<?php } else { ?>
<div class="table-wrap">
<table class="list" aria-describedby="result-count">
  <thead><tr>
    <th scope="col" aria-sort="none"><a href="/php/customers?status=active&amp;sort=name&amp;dir=asc">Name <span class="arrow" aria-hidden="true"></span></a></th>
    <th scope="col" aria-sort="none"><a href="/php/customers?status=active&amp;sort=email&amp;dir=asc">E-mail <span class="arrow" aria-hidden="true"></span></a></th>
    <th scope="col">Type</th>
    <th scope="col">Status</th>
    <th scope="col" class="num" aria-sort="none"><a href="/php/customers?status=active&amp;sort=mrr&amp;dir=desc">MRR <span class="arrow" aria-hidden="true"></span></a></th>
    <th scope="col" class="num" aria-sort="none"><a href="/php/customers?status=active&amp;sort=devices&amp;dir=desc">Devices <span class="arrow" aria-hidden="true"></span></a></th>
    <th scope="col" class="num">Orders</th>
    <th scope="col" aria-sort="descending"><a href="/php/customers?status=active&amp;sort=createdAt&amp;dir=asc">Created <span class="arrow" aria-hidden="true">▼</span></a></th>
  </tr></thead>
  <tbody>
<?php foreach (array_slice($rows, 0, PAGE_SIZE) as $c) { $url = '/php/customers/' . $c['public_id']; ?>
  <tr>
    <td><a href="<?= h($url) ?>"><?= h(customer_name($c)) ?></a><?php if ((string)$c['company'] !== '') { ?><br><span class="sub"><?= h($c['company']) ?></span><?php } ?><br><code class="id"><?= h($c['public_id']) ?></code></td>
    <td data-label="E-mail"><?= h($c['email']) ?></td>
    <td data-label="Type"><?= h(fmt_label($c['customer_type'])) ?></td>
    <td data-label="Status"><span class="badge badge-<?= h($c['status']) ?>"><?= h($c['status']) ?></span></td>
    <td class="num" data-label="MRR"><?= h(fmt_cents($c['mrr_cents'], $op['currency'])) ?></td>
    <td class="num" data-label="Devices"><?= h($c['devices_out']) ?></td>
    <td class="num" data-label="Orders"><?= h($c['total_orders']) ?></td>
    <td data-label="Created"><time datetime="<?= h(fmt_iso($c['created_at'])) ?>" title="<?= h(fmt_datetime($c['created_at'])) ?>"><?= h(fmt_relative($c['created_at'], $now)) ?></time> <span class="when"><?= h(fmt_datetime($c['created_at'])) ?></span></td>
  </tr>
<?php } ?>
  </tbody>
</table>
</div>
<?php } ?>
<nav class="pager" aria-label="Pages">
<?php if (count($rows) > PAGE_SIZE) { ?>  <span class="more">More customers follow (this peer has no next-page cursor).</span>
<?php } ?></nav>
<?php
    peer_foot();
});
