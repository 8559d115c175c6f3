#include "util/metrics.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const double metrics_bucket_le[METRICS_BUCKETS - 1] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,   0.25,   0.5,   1,    2.5};
const int metrics_status_codes[METRICS_STATUSES - 1] = {200, 201, 202, 204, 301, 302, 303, 304,
                                                        400, 401, 403, 404, 405, 406, 409, 410,
                                                        412, 413, 415, 422, 429, 500, 502, 503};

struct route_counts {
	uint64_t status[METRICS_STATUSES];
	uint64_t bucket[METRICS_BUCKETS];
	uint64_t count, us, statements, db_us;
};

struct outcome {
	char action[24];
	char code[40];
	uint64_t n;
};

struct slot {
	int32_t pid; /* the supervisor's: 0 free, -1 being forked */
	int32_t kind;
	int32_t state; /* the child's (enum metrics_state) */
	int32_t noutcomes;
	uint64_t db[METRICS_DB__MAX];
	struct route_counts route[METRICS_ROUTES];
	struct outcome outcome[METRICS_OUTCOMES];
};

struct area {
	int32_t used; /* slots ever taken: the reader sums these */
	int32_t nroutes;
	int64_t started;
	uint64_t restarts[3];
	char names[METRICS_ROUTES][32];
	struct slot slot[METRICS_SLOTS];
};

static struct area *area;
static struct slot *mine;

/* One writer per counter: a relaxed load and store, no locked instruction. */
static inline void add(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
}

static inline uint64_t get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

int metrics_init(void)
{
	void *p = mmap(NULL, sizeof(struct area), PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	area = p; /* zero-filled by the kernel */
	area->started = (int64_t)time(NULL);
	return 0;
}

void metrics_name_route(int i, const char *name)
{
	if (area == NULL || i < 0 || i >= METRICS_ROUTES)
		return;
	snprintf(area->names[i], sizeof(area->names[i]), "%s", name);
	if (i + 1 > area->nroutes)
		area->nroutes = i + 1;
}

int metrics_slot_take(enum metrics_kind kind)
{
	if (area == NULL)
		return -1;
	for (int i = 0; i < METRICS_SLOTS; i++) {
		struct slot *s = &area->slot[i];
		if (__atomic_load_n(&s->pid, __ATOMIC_ACQUIRE) != 0)
			continue;
		s->kind = (int32_t)kind;
		__atomic_store_n(&s->state, METRICS_FREE, __ATOMIC_RELAXED);
		__atomic_store_n(&s->pid, -1, __ATOMIC_RELEASE);
		if (i + 1 > area->used)
			__atomic_store_n(&area->used, i + 1, __ATOMIC_RELEASE);
		return i;
	}
	return -1;
}

void metrics_slot_release(int slot)
{
	if (area == NULL || slot < 0 || slot >= METRICS_SLOTS)
		return;
	struct slot *s = &area->slot[slot];
	__atomic_store_n(&s->state, METRICS_FREE, __ATOMIC_RELAXED);
	__atomic_store_n(&s->pid, 0, __ATOMIC_RELEASE);
}

void metrics_restarted(enum metrics_kind kind)
{
	if (area != NULL && (int)kind >= 0 && (int)kind < 3)
		add(&area->restarts[kind], 1);
}

void metrics_attach(int slot)
{
	if (area == NULL || slot < 0 || slot >= METRICS_SLOTS)
		return;
	mine = &area->slot[slot];
	__atomic_store_n(&mine->pid, (int32_t)getpid(), __ATOMIC_RELEASE);
	metrics_state(METRICS_IDLE);
}

void metrics_state(enum metrics_state s)
{
	if (mine != NULL)
		__atomic_store_n(&mine->state, (int32_t)s, __ATOMIC_RELAXED);
}

static int status_index(int status)
{
	for (int i = 0; i < METRICS_STATUSES - 1; i++)
		if (metrics_status_codes[i] == status)
			return i;
	return METRICS_STATUSES - 1;
}

void metrics_request(int route, int status, double ms, unsigned statements, double db_ms)
{
	if (mine == NULL || route < 0 || route >= METRICS_ROUTES)
		return;
	struct route_counts *c = &mine->route[route];
	double s = ms / 1000.0;
	int b = 0;
	while (b < METRICS_BUCKETS - 1 && s > metrics_bucket_le[b])
		b++;
	add(&c->status[status_index(status)], 1);
	add(&c->bucket[b], 1);
	add(&c->us, ms > 0 ? (uint64_t)(ms * 1000.0) : 0);
	add(&c->statements, statements);
	add(&c->db_us, db_ms > 0 ? (uint64_t)(db_ms * 1000.0) : 0);
	/* last: a reader that sees the count sees the rest */
	__atomic_store_n(&c->count, get(&c->count) + 1, __ATOMIC_RELEASE);
}

void metrics_db(enum metrics_db_event e)
{
	if (mine != NULL && e >= 0 && e < METRICS_DB__MAX)
		add(&mine->db[e], 1);
}

void metrics_outcome(const char *action, const char *code)
{
	if (mine == NULL || action == NULL)
		return;
	if (code == NULL || code[0] == '\0')
		code = "OK";
	/* compared as stored: a name longer than its field is clipped first */
	char a[sizeof(mine->outcome[0].action)], c[sizeof(mine->outcome[0].code)];
	snprintf(a, sizeof(a), "%s", action);
	snprintf(c, sizeof(c), "%s", code);
	action = a;
	code = c;
	int n = mine->noutcomes;
	for (int i = 0; i < n; i++) {
		struct outcome *o = &mine->outcome[i];
		if (strcmp(o->action, action) == 0 && strcmp(o->code, code) == 0) {
			add(&o->n, 1);
			return;
		}
	}
	if (n == METRICS_OUTCOMES) {
		/* the last entry stands for every pair past the table */
		add(&mine->outcome[n - 1].n, 1);
		return;
	}
	struct outcome *o = &mine->outcome[n];
	bool last = n == METRICS_OUTCOMES - 1;
	snprintf(o->action, sizeof(o->action), "%s", last ? "other" : action);
	snprintf(o->code, sizeof(o->code), "%s", last ? "other" : code);
	o->n = 1;
	/* the entry is whole before a reader counts it */
	__atomic_store_n(&mine->noutcomes, n + 1, __ATOMIC_RELEASE);
}

/* ---- reading ------------------------------------------------------------------ */

static void add_outcome(struct metrics_totals *t, const struct outcome *o, uint64_t n)
{
	for (int i = 0; i < t->noutcomes; i++)
		if (strcmp(t->outcome[i].action, o->action) == 0 &&
		    strcmp(t->outcome[i].code, o->code) == 0) {
			t->outcome[i].n += n;
			return;
		}
	int max = (int)(sizeof(t->outcome) / sizeof(t->outcome[0]));
	if (t->noutcomes == max - 1 &&
	    !(strcmp(o->action, "other") == 0 && strcmp(o->code, "other") == 0)) {
		/* the table's last entry stands for every pair past it, as a
		 * slot's does: no series comes and goes between scrapes */
		static const struct outcome other = {"other", "other", 0};
		add_outcome(t, &other, n);
		return;
	}
	struct metrics_outcome_total *d = &t->outcome[t->noutcomes++];
	memcpy(d->action, o->action, sizeof(d->action));
	memcpy(d->code, o->code, sizeof(d->code));
	d->action[sizeof(d->action) - 1] = d->code[sizeof(d->code) - 1] = '\0';
	d->n = n;
}

void metrics_read(struct metrics_totals *t)
{
	memset(t, 0, sizeof(*t));
	if (area == NULL)
		return;
	t->enabled = true;
	t->started = area->started;
	t->nroutes = area->nroutes;
	for (int r = 0; r < t->nroutes; r++)
		memcpy(t->route[r].name, area->names[r], sizeof(t->route[r].name));
	for (int k = 0; k < 3; k++)
		t->restarts[k] = get(&area->restarts[k]);
	int used = __atomic_load_n(&area->used, __ATOMIC_ACQUIRE);
	for (int i = 0; i < used; i++) {
		const struct slot *s = &area->slot[i];
		int32_t pid = __atomic_load_n(&s->pid, __ATOMIC_ACQUIRE);
		int32_t state = __atomic_load_n(&s->state, __ATOMIC_RELAXED);
		if (pid > 0 && s->kind == METRICS_WORKER && state == METRICS_BUSY)
			t->workers_busy++;
		else if (pid > 0 && s->kind == METRICS_WORKER && state == METRICS_IDLE)
			t->workers_idle++;
		else if (pid > 0 && s->kind == METRICS_JOBS)
			t->jobs_alive++;
		for (int e = 0; e < METRICS_DB__MAX; e++)
			t->db[e] += get(&s->db[e]);
		for (int r = 0; r < t->nroutes; r++) {
			const struct route_counts *c = &s->route[r];
			struct metrics_route_totals *d = &t->route[r];
			uint64_t count = __atomic_load_n(&c->count, __ATOMIC_ACQUIRE);
			if (count == 0)
				continue;
			d->count += count;
			for (int k = 0; k < METRICS_STATUSES; k++)
				d->status[k] += get(&c->status[k]);
			/* the count is the buckets' sum, so that the +Inf bucket
			 * and _count agree even while a request is being counted */
			d->count -= count;
			for (int k = 0; k < METRICS_BUCKETS; k++) {
				uint64_t b = get(&c->bucket[k]);
				d->bucket[k] += b;
				d->count += b;
			}
			d->us += get(&c->us);
			d->statements += get(&c->statements);
			d->db_us += get(&c->db_us);
		}
		int n = __atomic_load_n(&s->noutcomes, __ATOMIC_ACQUIRE);
		for (int k = 0; k < n; k++)
			add_outcome(t, &s->outcome[k], get(&s->outcome[k].n));
	}
}

double metrics_quantile_ms(const struct metrics_route_totals *r, double p)
{
	if (r->count == 0)
		return -1;
	uint64_t want = (uint64_t)((double)r->count * p + 0.999999), seen = 0;
	for (int k = 0; k < METRICS_BUCKETS - 1; k++) {
		seen += r->bucket[k];
		if (seen >= want)
			return metrics_bucket_le[k] * 1000.0;
	}
	return -1;
}

/* ---- the listen queue ---------------------------------------------------------- */

/* A unix socket's: the kernel's socket diagnostics (what `ss -xl` shows),
 * found by the socket's inode. */
static int unix_queue(ino_t ino, long *queued, long *max)
{
	int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -1;
	struct {
		struct nlmsghdr h;
		struct unix_diag_req r;
	} req;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = AF_UNIX;
	req.r.udiag_states = 1u << 10; /* TCP_LISTEN */
	req.r.udiag_show = UDIAG_SHOW_RQLEN;
	int rc = -1;
	if (send(nl, &req, sizeof(req), 0) != (ssize_t)sizeof(req)) {
		close(nl);
		return -1;
	}
	static char buf[32768] __attribute__((aligned(8)));
	for (bool done = false; !done;) {
		ssize_t n = recv(nl, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			struct unix_diag_msg *m = NLMSG_DATA(h);
			if (m->udiag_ino != ino)
				continue;
			int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
			for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len);
			     a = RTA_NEXT(a, len)) {
				if (a->rta_type != UNIX_DIAG_RQLEN)
					continue;
				struct unix_diag_rqlen *q = RTA_DATA(a);
				*queued = (long)q->udiag_rqueue;
				*max = (long)q->udiag_wqueue;
				rc = 0;
			}
		}
	}
	close(nl);
	return rc;
}

int metrics_listen_queue(int fd, long *queued, long *max)
{
	*queued = *max = -1;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	if (ss.ss_family == AF_UNIX) {
		struct stat st;
		if (fstat(fd, &st) != 0)
			return -1;
		return unix_queue(st.st_ino, queued, max);
	}
	/* TCP: for a listening socket, the kernel reports the accept queue
	 * in tcpi_unacked and its limit in tcpi_sacked. */
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) != 0)
		return -1;
	*queued = (long)ti.tcpi_unacked;
	*max = (long)ti.tcpi_sacked;
	return 0;
}

/* ---- who may read them -------------------------------------------------------- */

static bool in_network(const char *net, const char *addr)
{
	char host[64];
	const char *slash = strchr(net, '/');
	size_t hl = slash ? (size_t)(slash - net) : strlen(net);
	if (hl == 0 || hl >= sizeof(host))
		return false;
	memcpy(host, net, hl);
	host[hl] = '\0';
	unsigned char n[16], a[16];
	int family = strchr(host, ':') ? AF_INET6 : AF_INET;
	int bytes = family == AF_INET6 ? 16 : 4;
	/* an IPv4 peer may come as ::ffff:a.b.c.d */
	if (family == AF_INET && strncmp(addr, "::ffff:", 7) == 0 && strchr(addr, '.'))
		addr += 7;
	if (inet_pton(family, host, n) != 1 || inet_pton(family, addr, a) != 1)
		return false;
	long bits = bytes * 8;
	if (slash != NULL) {
		char *end;
		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || bits < 0 || bits > bytes * 8)
			return false;
	}
	for (int i = 0; i < bytes && bits > 0; i++, bits -= 8) {
		unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
		if ((n[i] & mask) != (a[i] & mask))
			return false;
	}
	return true;
}

bool metrics_addr_allowed(const char *list, const char *addr)
{
	if (list == NULL || addr == NULL || addr[0] == '\0')
		return false;
	char item[80];
	const char *p = list;
	while (*p) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t n = strcspn(p, ", ");
		if (n > 0 && n < sizeof(item)) {
			memcpy(item, p, n);
			item[n] = '\0';
			if (in_network(item, addr))
				return true;
		}
		p += n;
	}
	return false;
}

/* ---- the text format ------------------------------------------------------------ */

static void label(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(out, '\\');
		if (*s == '\n') {
			buf_puts(out, "\\n");
			continue;
		}
		buf_putc(out, *s);
	}
}

static void head(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_render(struct buf *out, const struct metrics_totals *t, long queued, long max)
{
	head(out, "custodian_http_requests_total", "counter",
	     "Requests answered, by route and status.");
	for (int r = 0; r < t->nroutes; r++) {
		const struct metrics_route_totals *d = &t->route[r];
		for (int k = 0; k < METRICS_STATUSES && d->count; k++) {
			if (d->status[k] == 0)
				continue;
			buf_puts(out, "custodian_http_requests_total{route=\"");
			label(out, d->name);
			if (k == METRICS_STATUSES - 1)
				buf_printf(out, "\",status=\"other\"} %llu\n",
				           (unsigned long long)d->status[k]);
			else
				buf_printf(out, "\",status=\"%d\"} %llu\n", metrics_status_codes[k],
				           (unsigned long long)d->status[k]);
		}
	}
	head(out, "custodian_http_request_duration_seconds", "histogram",
	     "Time from the request's start to its answer's end (before the last buffer is "
	     "flushed to the web server), by route.");
	for (int r = 0; r < t->nroutes; r++) {
		const struct metrics_route_totals *d = &t->route[r];
		if (d->count == 0)
			continue;
		uint64_t cum = 0;
		for (int k = 0; k < METRICS_BUCKETS; k++) {
			cum += d->bucket[k];
			buf_puts(out, "custodian_http_request_duration_seconds_bucket{route=\"");
			label(out, d->name);
			if (k == METRICS_BUCKETS - 1)
				buf_printf(out, "\",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
			else
				buf_printf(out, "\",le=\"%g\"} %llu\n", metrics_bucket_le[k],
				           (unsigned long long)cum);
		}
		buf_puts(out, "custodian_http_request_duration_seconds_sum{route=\"");
		label(out, d->name);
		buf_printf(out, "\"} %.6f\n", (double)d->us / 1e6);
		buf_puts(out, "custodian_http_request_duration_seconds_count{route=\"");
		label(out, d->name);
		buf_printf(out, "\"} %llu\n", (unsigned long long)d->count);
	}
	head(out, "custodian_db_statements_total", "counter",
	     "Database statements run by requests, by route (divide by the requests for the "
	     "statements per request).");
	for (int r = 0; r < t->nroutes; r++)
		if (t->route[r].count) {
			buf_puts(out, "custodian_db_statements_total{route=\"");
			label(out, t->route[r].name);
			buf_printf(out, "\"} %llu\n", (unsigned long long)t->route[r].statements);
		}
	head(out, "custodian_db_seconds_total", "counter",
	     "Time requests waited on the database, by route.");
	for (int r = 0; r < t->nroutes; r++)
		if (t->route[r].count) {
			buf_puts(out, "custodian_db_seconds_total{route=\"");
			label(out, t->route[r].name);
			buf_printf(out, "\"} %.6f\n", (double)t->route[r].db_us / 1e6);
		}
	static const struct {
		const char *name, *help;
	} db[METRICS_DB__MAX] = {
	    [METRICS_DB_RETRY] = {"custodian_db_retries_total",
	                          "Transactions and reads tried again after a deadlock, a "
	                          "lock wait timeout or a lost node."},
	    [METRICS_DB_DEADLOCK] = {"custodian_db_deadlocks_total",
	                             "Statements answered with a deadlock (1213)."},
	    [METRICS_DB_LOCK_TIMEOUT] = {"custodian_db_lock_timeouts_total",
	                                 "Statements answered with a lock wait timeout (1205)."},
	    [METRICS_DB_RECONNECT] = {"custodian_db_reconnects_total",
	                              "Database connections opened after a process's first."},
	    [METRICS_DB_UNAVAILABLE] = {"custodian_db_unavailable_total",
	                                "Statements that found no database to answer them."},
	};
	for (int e = 0; e < METRICS_DB__MAX; e++) {
		head(out, db[e].name, "counter", db[e].help);
		buf_printf(out, "%s %llu\n", db[e].name, (unsigned long long)t->db[e]);
	}
	head(out, "custodian_workers", "gauge", "FastCGI worker processes, by state.");
	buf_printf(out, "custodian_workers{state=\"busy\"} %d\n", t->workers_busy);
	buf_printf(out, "custodian_workers{state=\"idle\"} %d\n", t->workers_idle);
	head(out, "custodian_job_workers", "gauge", "Job worker processes alive.");
	buf_printf(out, "custodian_job_workers %d\n", t->jobs_alive);
	head(out, "custodian_worker_restarts_total", "counter",
	     "Children that died and were started again by the supervisor, by kind.");
	buf_printf(out, "custodian_worker_restarts_total{kind=\"worker\"} %llu\n",
	           (unsigned long long)t->restarts[METRICS_WORKER]);
	buf_printf(out, "custodian_worker_restarts_total{kind=\"jobs\"} %llu\n",
	           (unsigned long long)t->restarts[METRICS_JOBS]);
	if (queued >= 0) {
		head(out, "custodian_listen_queue", "gauge",
		     "Connections accepted by the kernel and waiting for a worker.");
		buf_printf(out, "custodian_listen_queue %ld\n", queued);
		head(out, "custodian_listen_queue_max", "gauge",
		     "The listen queue's limit (backlog).");
		buf_printf(out, "custodian_listen_queue_max %ld\n", max);
	}
	head(out, "custodian_lifecycle_outcomes_total", "counter",
	     "Changes asked of a customer or its records, by action and outcome code (OK, or "
	     "the refusal's code).");
	for (int i = 0; i < t->noutcomes; i++) {
		buf_puts(out, "custodian_lifecycle_outcomes_total{action=\"");
		label(out, t->outcome[i].action);
		buf_puts(out, "\",code=\"");
		label(out, t->outcome[i].code);
		buf_printf(out, "\"} %llu\n", (unsigned long long)t->outcome[i].n);
	}
	head(out, "custodian_start_time_seconds", "gauge", "When the supervisor started.");
	buf_printf(out, "custodian_start_time_seconds %lld\n", (long long)t->started);
}
