# Shared by scripts/run, scripts/check, scripts/bench, scripts/soak and
# tests/faults/run. Sourced, not run.
#
# Everything lives under a state directory $STATE (var/ for run,
# var/check-<pid>-<pass>/ for check, var/bench-<size>/ for bench): db/ (MariaDB datadir), run/ (sockets, pids), log/, conf/
# (generated configs and secrets), nginx/ (temp paths).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages the project needs to build, run and test.
PACKAGES="build-essential autoconf automake libtool pkg-config clang-format
  libfcgi-dev libctemplate-dev libmariadb-dev libcmocka-dev libjansson-dev
  libssl-dev libcurl4-openssl-dev mariadb-server mariadb-client nginx apache2-utils openssl curl
  nodejs npm chromium fonts-dejavu-core wrk procps psmisc"

# A package is also satisfied by its command being on the PATH (nginx from
# nginx-light, node and npm from another distribution of Node.js).
provides_cmd() {
  case "$1" in
    nginx) echo nginx ;; nodejs) echo node ;; npm) echo npm ;; chromium) echo chromium ;;
    *) echo "" ;;
  esac
}

ensure_packages() {
  local missing="" p cmd
  for p in $PACKAGES "$@"; do
    cmd=$(provides_cmd "$p")
    if [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1; then continue; fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
      missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  say "installing Debian packages:$missing"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null ||
    die "apt-get update failed"
  # policy-rc.d keeps the packaged mariadb/nginx services from starting.
  as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d'
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $missing >/dev/null || die "apt-get install failed"
}

# configure + make in $BUILD (out of tree) when anything changed.
# $CONFIGURE_FLAGS and $CFLAGS select a variant (e.g. sanitizers).
build_app() {
  (cd "$ROOT" && { [ -x configure ] && [ configure -nt configure.ac ] &&
    [ Makefile.in -nt Makefile.am ]; } || autoreconf -fi >/dev/null 2>&1) ||
    die "autoreconf failed"
  mkdir -p "$BUILD"
  local stamp="$BUILD/.configured-flags" want="${CONFIGURE_FLAGS:-}|${CFLAGS:-}"
  if [ ! -f "$BUILD/Makefile" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    # shellcheck disable=SC2086
    (cd "$BUILD" && "$ROOT/configure" -q ${CONFIGURE_FLAGS:-}) >/dev/null ||
      die "configure failed (see $BUILD/config.log)"
    printf '%s' "$want" > "$stamp"
  fi
  make -C "$BUILD" -s -j"$(nproc)" >/dev/null || make -C "$BUILD" -j1 ||
    die "make failed"
}

# ---- paths in a state dir -------------------------------------------------

set_state() {
  STATE=$1
  DB_DIR=$STATE/db
  RUN_DIR=$STATE/run
  LOG_DIR=$STATE/log
  CONF_DIR=$STATE/conf
  DB_SOCK=$RUN_DIR/mariadb.sock
  APP_SOCK=$RUN_DIR/app.sock
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$CONF_DIR" "$STATE/nginx"
}

secret() { # name: a random hex secret kept in $CONF_DIR
  local f="$CONF_DIR/$1"
  [ -s "$f" ] || (umask 077; openssl rand -hex 24 > "$f")
  cat "$f"
}

# ---- MariaDB ---------------------------------------------------------------

# The median of the numbers on standard input, one a line ("nan" for none):
# the measurement scripts' (scripts/bench, scripts/measure-*) summaries.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

sql_root() { mariadb --no-defaults -S "$DB_SOCK" -u root "$@"; }

# One statement against the custodian schema as root: tab-separated, no header.
sqlq() { sql_root -N -B custodian -e "$1"; }

db_start() {
  if [ -S "$DB_SOCK" ] && sql_root -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
  if [ ! -d "$DB_DIR/mysql" ]; then
    mkdir -p "$DB_DIR"
    mariadb-install-db --no-defaults --datadir="$DB_DIR" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db \
      > "$LOG_DIR/mariadb-install.log" 2>&1 || die "mariadb-install-db failed"
  fi
  # Temporary tables in the state dir: something on these machines cleans
  # /tmp behind MariaDB's back.
  mkdir -p "$STATE/tmp"
  # shellcheck disable=SC2086
  mariadbd --no-defaults --datadir="$DB_DIR" --socket="$DB_SOCK" --tmpdir="$STATE/tmp" \
    --skip-networking --user="$(id -un)" --pid-file="$RUN_DIR/mariadb.pid" \
    --log-error="$LOG_DIR/mariadb.err" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --skip-name-resolve --max-connections=400 \
    --innodb-buffer-pool-size="${DB_BUFFER_POOL:-2G}" \
    --innodb-log-file-size=1G --innodb-flush-log-at-trx-commit=1 \
    --innodb-lock-wait-timeout=50 ${DB_EXTRA_OPTS:-} \
    > /dev/null 2>&1 &
  local i
  for i in $(seq 1 300); do
    sql_root -e 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  tail -20 "$LOG_DIR/mariadb.err" >&2
  die "mariadbd did not start"
}

db_stop() {
  local pid
  pid=$(cat "$RUN_DIR/mariadb.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  local i
  for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
}

# The version of the SQL files: data loaded by other files is reloaded.
sql_version() { cat "$ROOT"/sql/*.sql | sha1sum | cut -c1-16; }

# Creates the schema, account and demo data unless already there (same size,
# same SQL files).
db_init() {
  local customers=${CUSTOMERS:-10000} version
  version=$(sql_version)
  local have
  have=$(sql_root -N -e "SELECT COUNT(*) FROM information_schema.tables
    WHERE table_schema='custodian' AND table_name='demo_meta'" 2>/dev/null)
  if [ "$have" = 1 ] && [ -z "${FORCE_RELOAD:-}" ]; then
    local loaded
    loaded=$(sql_root -N -e "SELECT CONCAT(customers, ' ', version) FROM custodian.demo_meta" 2>/dev/null) || loaded=old
    if [ "$loaded" = "$customers $version" ]; then
      apply_grants
      return 0
    fi
    say "database holds other demo data ($loaded), want $customers $version: reloading"
  fi
  local t0 t1
  t0=$(date +%s.%N)
  say "loading schema and $customers demo customers ..."
  rm -f "$CONF_DIR/demo-api-key"
  sql_root -e "DROP DATABASE IF EXISTS custodian;
    CREATE DATABASE custodian CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  sql_root custodian < "$ROOT/sql/schema.sql" || die "schema failed"
  sql_root custodian -e "SET @customers = $customers; SOURCE $ROOT/sql/demo.sql;" ||
    die "demo data failed"
  sql_root custodian < "$ROOT/sql/triggers.sql" || die "triggers failed"
  sql_root custodian < "$ROOT/sql/fixtures.sql" || die "fixtures failed"
  apply_grants
  sql_root custodian -e "CREATE TABLE demo_meta (customers BIGINT NOT NULL PRIMARY KEY, version CHAR(16));
    INSERT INTO demo_meta VALUES ($customers, '$version')"
  t1=$(date +%s.%N)
  DB_LOAD_SECONDS=$(echo "$t1 - $t0" | bc 2>/dev/null || echo "?")
  say "demo data loaded in ${DB_LOAD_SECONDS}s"
}

# The account for the socket (localhost) and for TCP on loopback (the
# Galera cluster's nodes listen on 127.0.0.1).
apply_grants() {
  local pw host
  pw=$(secret db-password)
  for host in localhost 127.0.0.1; do
    sed -e "s/@APP_PASSWORD@/$pw/g" -e "s/@APP_HOST@/$host/g" "$ROOT/sql/grants.sql" |
      sql_root || die "grants failed"
  done
}

# ---- app + nginx -------------------------------------------------------------

write_configs() {
  local port=$1 workers=${WORKERS:-$(nproc)} password=${DEMO_PASSWORD:-custodian}
  cat > "$CONF_DIR/custodian.conf" <<EOF
# generated by scripts/lib.sh; see conf/custodian.conf.sample
socket = $APP_SOCK
socket_mode = 0666
workers = $workers
templates = $ROOT/templates
log = $LOG_DIR/app.log
db_socket = $DB_SOCK
db_name = custodian
db_user = custodian_app
db_password_file = $CONF_DIR/db-password
secret_file = $CONF_DIR/app-secret
lock_wait_timeout = ${LOCK_WAIT_TIMEOUT:-5}
api_rate_limit = ${API_RATE_LIMIT:-600}
webhook_timeout_ms = ${WEBHOOK_TIMEOUT_MS:-5000}
webhook_retry_base_ms = ${WEBHOOK_RETRY_BASE_MS:-10000}
webhook_retry_max_ms = ${WEBHOOK_RETRY_MAX_MS:-3600000}
webhook_max_attempts = ${WEBHOOK_MAX_ATTEMPTS:-12}
webhook_lease_seconds = ${WEBHOOK_LEASE_SECONDS:-30}
retention_policy_seconds = ${RETENTION_POLICY_SECONDS:-3600}
job_workers = ${JOB_WORKERS:-2}
EOF
  secret app-secret >/dev/null
  secret db-password >/dev/null
  : > "$CONF_DIR/htpasswd"
  local u
  for u in admin operator viewer globex; do
    printf '%s:%s\n' "$u" "$(openssl passwd -apr1 "$password")" >> "$CONF_DIR/htpasswd"
  done
  chmod 0644 "$CONF_DIR/htpasswd"
  local nginx_user=""
  [ "$(id -u)" = 0 ] && nginx_user="user www-data;"
  sed -e "s|@ROOT@|$ROOT|g" -e "s|@STATE@|$STATE|g" -e "s|@PORT@|$port|g" \
      -e "s|@APP_SOCK@|$APP_SOCK|g" -e "s|@USER@|$nginx_user|g" \
      "$ROOT/conf/nginx-dev.conf.in" > "$CONF_DIR/nginx.conf"
  # nginx workers (www-data when root) write temp files and read htpasswd.
  if [ "$(id -u)" = 0 ]; then chown -R www-data "$STATE/nginx"; fi
}

app_start() {
  "$BUILD/custodian" --config "$CONF_DIR/custodian.conf" --daemon \
    --pid-file "$RUN_DIR/app.pid" 2>> "$LOG_DIR/app.err" || die "app did not start"
  local i
  for i in $(seq 1 100); do [ -S "$APP_SOCK" ] && return 0; sleep 0.05; done
  die "app socket did not appear"
}

# True while pid runs (a zombie waiting to be reaped has finished).
alive() {
  [ -r "/proc/$1/stat" ] || return 1
  local state
  state=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ]
}

# The supervisor's pid from its pid file (false when there is none).
sup_pid() { cat "$RUN_DIR/app.pid" 2>/dev/null; }
# Every child of the supervisor (FastCGI workers and job workers), sorted.
children() { local s; s=$(sup_pid) && pgrep -P "$s" | sort -n; }
# VmRSS of a process in kB (0 when it is gone).
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

app_stop() {
  local pid
  pid=$(cat "$RUN_DIR/app.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  local i
  for i in $(seq 1 200); do alive "$pid" || return 0; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null
}

nginx_start() {
  nginx -p "$STATE/nginx" -c "$CONF_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log" ||
    die "nginx did not start (see $LOG_DIR/nginx-error.log)"
}

# Starts nginx on a free port, trying another when a concurrent run took the
# one picked; sets PORT.
nginx_start_free() {
  local i
  for i in 1 2 3 4 5; do
    PORT=$(free_port)
    write_configs "$PORT"
    if nginx -p "$STATE/nginx" -c "$CONF_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log" 2>/dev/null; then
      return 0
    fi
  done
  die "nginx did not start (see $LOG_DIR/nginx-error.log)"
}

nginx_stop() {
  local pid
  pid=$(cat "$RUN_DIR/nginx.pid" 2>/dev/null) || return 0
  kill -QUIT "$pid" 2>/dev/null || return 0
  local i
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null
}

wait_http() { # url: until it answers
  local i
  for i in $(seq 1 200); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.05
  done
  die "$1 does not answer"
}

# Ports for servers are taken below the kernel's ephemeral range (32768 and
# up by default), where an outgoing connection (curl, the app's database
# links) could hold the port a server is about to listen on.
PORT_LOW=20000
PORT_HIGH=$(($(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768) - 1))

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  free_ports 1
}

# free_ports N: the first of N consecutive ports none of which is listened on.
free_ports() {
  local n=$1 base i ok
  for base in $(shuf -i "$PORT_LOW-$((PORT_HIGH - n))" -n 50); do
    ok=1
    for ((i = 0; i < n; i++)); do port_free $((base + i)) || { ok=0; break; }; done
    [ "$ok" = 1 ] && { echo "$base"; return 0; }
  done
  die "no $n free ports"
}

stack_stop() {
  nginx_stop
  app_stop
  db_stop
}

# Creates the demo API key (issue 5) when the key tool exists; prints it.
demo_api_key() {
  [ -x "$BUILD/custodian-keys" ] || return 0
  local f="$CONF_DIR/demo-api-key"
  if [ ! -s "$f" ]; then
    "$BUILD/custodian-keys" --config "$CONF_DIR/custodian.conf" create \
      --tenant northwind --role admin --label demo > "$f" 2>/dev/null || return 0
  fi
  cat "$f"
}
