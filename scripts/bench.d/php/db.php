<?php
// The PHP-FPM peer of scripts/bench: what a conventional implementation of
// Custodian's two busiest pages looks like (nginx + PHP-FPM + mysqli), for
// the benchmark only. Shared by customers.php (the list's first page) and
// customer.php (one customer). Not part of the product: no CSRF, no
// cursors, no writes, no filters, no request log.
//
// The pool's environment (scripts/bench.d/php-fpm.conf.in) names the
// database: CUSTODIAN_DB_SOCKET, CUSTODIAN_DB_NAME, CUSTODIAN_DB_USER,
// CUSTODIAN_DB_PASSWORD.
declare(strict_types=1);

// Every mysqli error throws a mysqli_sql_exception (answered 503 below).
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

// The persistent connection of this PHP-FPM worker ("p:" host prefix),
// opened once per worker and reused by its later requests.
function peer_db(): mysqli
{
    static $db = null;
    if ($db === null) {
        $db = mysqli_init();
        // the connection's character set in the handshake, not a SET NAMES
        $db->options(MYSQLI_SET_CHARSET_NAME, 'utf8mb4');
        $db->real_connect('p:localhost', getenv('CUSTODIAN_DB_USER'),
            getenv('CUSTODIAN_DB_PASSWORD'), getenv('CUSTODIAN_DB_NAME'), 0,
            getenv('CUSTODIAN_DB_SOCKET'));
    }
    return $db;
}

// All rows of one prepared statement, as associative arrays.
function peer_rows(string $sql, string $types = '', ...$params): array
{
    $st = peer_db()->prepare($sql);
    if ($types !== '') {
        $st->bind_param($types, ...$params);
    }
    $st->execute();
    $rows = $st->get_result()->fetch_all(MYSQLI_ASSOC);
    $st->close();
    return $rows;
}

function h($v): string
{
    return htmlspecialchars((string)$v, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

// An error page, then the end of the request.
function peer_fail(int $status, string $code, string $message): never
{
    http_response_code($status);
    if ($status === 503) {
        header('Retry-After: 5');
    }
    header('Content-Type: text/html; charset=utf-8');
    echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>', h($code),
        '</title></head><body><h1>', h($code), '</h1><p>', h($message), '</p></body></html>';
    exit;
}

// Runs a page; a database error answers 503 as the app does.
function peer_run(callable $page): void
{
    try {
        $page();
    } catch (mysqli_sql_exception $e) {
        error_log('custodian peer: ' . $e->getMessage());
        peer_fail(503, 'UNAVAILABLE', 'The database is not available. Try again in a moment.');
    }
}

// The operator behind the basic auth login (nginx's REMOTE_USER) and their
// tenant: looked up on every request (PHP keeps nothing between requests
// without an extension such as APCu; the app caches it for 10 s).
function peer_operator(): array
{
    $name = $_SERVER['REMOTE_USER'] ?? '';
    if ($name === '' || strlen($name) > 100) {
        peer_fail(401, 'UNAUTHENTICATED', 'Sign in to use Custodian.');
    }
    $rows = peer_rows('SELECT o.username, o.display_name, o.role, t.id, t.slug, t.name, t.currency'
        . '  FROM operators o JOIN tenants t ON t.id = o.tenant_id'
        . ' WHERE o.username = ?', 's', $name);
    if (!$rows) {
        peer_fail(403, 'FORBIDDEN', 'Your login is not a Custodian operator.');
    }
    $r = $rows[0];
    return ['name' => $r['username'], 'display' => $r['display_name'], 'role' => $r['role'],
        'tenant' => (int)$r['id'], 'tenant_name' => $r['name'], 'currency' => $r['currency']];
}

// ---- formatting, as the app's util/fmt.c does it ---------------------------

function fmt_count($n): string
{
    return number_format((float)$n);
}

function fmt_cents($cents, ?string $currency): string
{
    $cents = (int)$cents;
    $abs = abs($cents);
    $whole = number_format(intdiv($abs, 100)) . sprintf('.%02d', $abs % 100);
    $sign = $cents < 0 ? '-' : '';
    $sym = ['EUR' => '€', 'USD' => '$', 'GBP' => '£'][$currency ?? ''] ?? null;
    if ($currency === null) {
        $sym = '';
    }
    return $sym !== null ? $sign . $sym . $whole : $sign . $whole . ' ' . $currency;
}

function fmt_money($amount, ?string $currency): string
{
    if ($amount === null) {
        return '';
    }
    return fmt_cents((int)round((float)$amount * 100), $currency);
}

function fmt_datetime(?string $s): string
{
    if ($s === null) {
        return '';
    }
    return strlen($s) <= 10 ? $s : substr($s, 0, 16) . ' UTC';
}

function fmt_iso(?string $s): string
{
    if ($s === null) {
        return '';
    }
    return strlen($s) <= 10 ? $s . 'T00:00:00Z' : substr($s, 0, 10) . 'T' . substr($s, 11, 8) . 'Z';
}

function fmt_relative(?string $s, int $now): string
{
    $t = $s === null ? false : strtotime($s . ' UTC');
    if ($t === false) {
        return '';
    }
    $d = abs($now - $t);
    foreach ([31536000 => 'year', 2592000 => 'month', 604800 => 'week', 86400 => 'day',
              3600 => 'hour', 60 => 'minute'] as $secs => $unit) {
        $n = intdiv($d, $secs);
        if ($n >= 1) {
            $u = $n === 1 ? $unit : $unit . 's';
            return $now < $t ? "in $n $u" : "$n $u ago";
        }
    }
    return 'just now';
}

function fmt_label(?string $code): string
{
    return $code === null ? '' : ucfirst(str_replace('_', ' ', $code));
}

// ---- the layout -------------------------------------------------------------

function peer_head(array $op, string $title): void
{
    header('Content-Type: text/html; charset=utf-8');
    ?>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?= h($title) ?> · Custodian</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top" role="banner">
  <a class="brand" href="/php/customers">Custodian</a>
  <nav aria-label="Main">
    <ul>
      <li><a href="/php/customers" aria-current="page">Customers</a></li>
      <li><a href="/bulk">Bulk clean-up</a></li>
      <li><a href="/retention">Retention</a></li>
      <li><a href="/audit">Audit log</a></li>
    </ul>
  </nav>
  <p class="who"><span class="tenant"><?= h($op['tenant_name']) ?></span> · <?= h($op['display']) ?> <span class="role role-<?= h($op['role']) ?>"><?= h($op['role']) ?></span></p>
</header>
<main id="main" tabindex="-1">
<?php
}

function peer_foot(): void
{
    ?>
</main>
<footer class="foot" role="contentinfo"><p>Custodian · request <?= h($_SERVER['REQUEST_ID'] ?? '') ?></p></footer>
</body>
</html>
<?php
}

// The columns of the app's customer row (db/customers.c CUSTOMER_COLS).
const PEER_CUSTOMER_COLS = 'c.id, c.public_id, c.email, c.first_name, c.last_name, c.customer_type, c.company,'
    . ' c.phone, c.status, c.created_at, c.updated_at, c.mrr_cents, c.devices_out,'
    . ' c.total_orders, c.sort_name, c.full_name, c.deactivated_at, c.deactivated_by,'
    . ' c.deactivation_reason, c.deactivation_note';

function customer_name(array $c): string
{
    $first = (string)$c['first_name'];
    $last = (string)$c['last_name'];
    if ($first === '' && $last === '') {
        return (string)$c['email'];
    }
    return $first . ($first !== '' && $last !== '' ? ' ' : '') . $last;
}
