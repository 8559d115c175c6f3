/*
 * custodian: the supervisor. Opens the FastCGI socket, forks the workers
 * (and the bulk-run job workers), restarts any that die, replaces them all
 * on SIGHUP (new configuration and templates, no request refused: the new
 * workers start before the old ones are told to finish), and on SIGTERM
 * takes its socket's name away, lets the workers take every connection
 * already queued and finish their requests in hand, then exits.
 *
 *   custodian --config FILE [--workers N] [--daemon] [--pid-file FILE]
 *             [--check-config]
 */
#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http/app.h"
#include "jobs_main.h"
#include "route.h"
#include "util/log.h"
#include "util/metrics.h"
#include "worker.h"

#define MAX_CHILDREN  512
#define GRACE_SECONDS 30

enum kind { KIND_WORKER, KIND_JOBS, KIND__ANY };

struct child {
	pid_t pid;
	enum kind kind;
	time_t started;
	int generation;
	int slot; /* its counters (util/metrics.h), -1: none */
};

static struct {
	struct app app;
	const char *config_path;
	int workers_override;
	int listen_fd;
	struct child children[MAX_CHILDREN];
	int generation;
	int quick_deaths;
} sup;

static volatile sig_atomic_t got_chld, got_term, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static int worker_count(void)
{
	if (sup.workers_override > 0)
		return sup.workers_override;
	if (sup.app.cfg.workers > 0)
		return sup.app.cfg.workers;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 2;
}

static enum metrics_kind metrics_kind_of(enum kind kind)
{
	return kind == KIND_WORKER ? METRICS_WORKER : METRICS_JOBS;
}

static pid_t spawn(enum kind kind)
{
	int slot = metrics_slot_take(metrics_kind_of(kind));
	pid_t pid = fork();
	if (pid < 0) {
		log_error("fork failed: %s", strerror(errno));
		metrics_slot_release(slot);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		metrics_attach(slot);
		int rc = kind == KIND_WORKER ? worker_main(&sup.app, sup.listen_fd)
		                             : jobs_main(&sup.app);
		exit(rc); /* not _exit: LeakSanitizer reports at exit */
	}
	int i = 0;
	while (i < MAX_CHILDREN && sup.children[i].pid != 0)
		i++;
	if (i < MAX_CHILDREN)
		sup.children[i] = (struct child){pid, kind, time(NULL), sup.generation, slot};
	else
		metrics_slot_release(slot); /* not ours to reap: its counts are kept */
	if (slot < 0 && sup.app.cfg.metrics)
		log_error("no metrics slot for child %d: its requests are not counted", (int)pid);
	return pid;
}

static void start_generation(void)
{
	int n = worker_count();
	for (int i = 0; i < n; i++)
		spawn(KIND_WORKER);
	for (int i = 0; i < sup.app.cfg.job_workers; i++)
		spawn(KIND_JOBS);
}

static void reap(void)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < MAX_CHILDREN; i++) {
			struct child *c = &sup.children[i];
			if (c->pid != pid)
				continue;
			struct child was = *c;
			c->pid = 0;
			metrics_slot_release(was.slot);
			if (got_term || was.generation != sup.generation)
				break; /* shutting down, or replaced by a reload */
			metrics_restarted(metrics_kind_of(was.kind));
			if (WIFSIGNALED(status))
				log_error("%s %d killed by signal %d; restarting",
				          was.kind == KIND_WORKER ? "worker" : "job worker",
				          (int)pid, WTERMSIG(status));
			else
				log_error("%s %d exited with %d; restarting",
				          was.kind == KIND_WORKER ? "worker" : "job worker",
				          (int)pid, WEXITSTATUS(status));
			/* A child that keeps dying at once (bad config, database
			 * refusing logins) is restarted at most once a second. */
			if (time(NULL) - was.started < 1) {
				if (++sup.quick_deaths > 5)
					sleep(1);
			} else {
				sup.quick_deaths = 0;
			}
			spawn(was.kind);
			break;
		}
	}
}

static void reload(void)
{
	struct config cfg;
	char err[256];
	if (config_load(sup.config_path, &cfg, err, sizeof(err)) != 0) {
		log_error("reload refused, keeping the running configuration: %s", err);
		return;
	}
	if (strcmp(cfg.socket, sup.app.cfg.socket) != 0)
		log_error("reload: a new socket needs a restart; keeping %s", sup.app.cfg.socket);
	snprintf(cfg.socket, sizeof(cfg.socket), "%s", sup.app.cfg.socket);
	sup.app.cfg = cfg;
	log_open(cfg.log);
	int old = sup.generation++;
	start_generation();
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (sup.children[i].pid > 0 && sup.children[i].generation == old)
			kill(sup.children[i].pid, SIGTERM);
	log_error("reloaded %s: new workers started, old ones finishing", sup.config_path);
}

/* Children alive: of one kind, or (KIND__ANY) all. */
static int live_children(enum kind kind)
{
	int n = 0;
	for (int i = 0; i < MAX_CHILDREN; i++)
		n += sup.children[i].pid > 0 && (kind == KIND__ANY || sup.children[i].kind == kind);
	return n;
}

static bool is_unix_socket(const char *path)
{
	return strchr(path, ':') == NULL;
}

/* The first step of a stop. A unix socket's name goes first: nginx can no
 * longer connect, and passes each new request to another upstream (a
 * connect that failed is safe to pass on, even for a POST). Connections
 * already in the listen queue were accepted by the kernel, and nginx has
 * sent their requests: they are not passed on, so the workers (not yet
 * told to stop) take them all before they are. A TCP socket has no name
 * to take away; it is closed with the last process, as before. */
static void drain_listen_queue(void)
{
	if (!is_unix_socket(sup.app.cfg.socket))
		return;
	unlink(sup.app.cfg.socket);
	time_t deadline = time(NULL) + GRACE_SECONDS;
	struct pollfd p = {.fd = sup.listen_fd, .events = POLLIN};
	while (time(NULL) < deadline) {
		if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
			return;
		if (live_children(KIND_WORKER) == 0) {
			log_error("no worker left to take the queued connections");
			return;
		}
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
		if (got_chld) {
			got_chld = 0;
			reap();
		}
	}
	log_error("the listen queue was not empty after %d s; stopping anyway", GRACE_SECONDS);
}

static void shutdown_children(void)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (sup.children[i].pid > 0)
			kill(sup.children[i].pid, SIGTERM);
	time_t deadline = time(NULL) + GRACE_SECONDS;
	while (live_children(KIND__ANY) > 0 && time(NULL) < deadline) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid > 0) {
			for (int i = 0; i < MAX_CHILDREN; i++)
				if (sup.children[i].pid == pid)
					sup.children[i].pid = 0;
		} else if (errno == ECHILD) {
			break;
		}
	}
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (sup.children[i].pid > 0) {
			log_error("child %d did not finish in %d s; killing it",
			          (int)sup.children[i].pid, GRACE_SECONDS);
			kill(sup.children[i].pid, SIGKILL);
		}
	while (waitpid(-1, NULL, 0) > 0)
		;
}

static int open_socket(const struct config *cfg)
{
	const char *path = cfg->socket;
	bool is_unix = is_unix_socket(path);
	if (is_unix) {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(path);
	}
	int fd = FCGX_OpenSocket(path, cfg->backlog);
	if (fd < 0)
		return -1;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (is_unix && chmod(path, (mode_t)cfg->socket_mode) != 0)
		log_error("chmod %s: %s", path, strerror(errno));
	return fd;
}

static void usage(void)
{
	fprintf(stderr, "usage: custodian --config FILE [--workers N] [--daemon] "
	                "[--pid-file FILE] [--check-config]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"workers", required_argument, NULL, 'w'},
	                                     {"daemon", no_argument, NULL, 'd'},
	                                     {"pid-file", required_argument, NULL, 'p'},
	                                     {"check-config", no_argument, NULL, 't'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	bool daemonize = false, check_only = false;
	const char *pid_file = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "c:w:dp:th", opts, NULL)) != -1) {
		switch (c) {
		case 'c': sup.config_path = optarg; break;
		case 'w': sup.workers_override = atoi(optarg); break;
		case 'd': daemonize = true; break;
		case 'p': pid_file = optarg; break;
		case 't': check_only = true; break;
		default: usage(); return c == 'h' ? 0 : 2;
		}
	}
	if (sup.config_path == NULL) {
		usage();
		return 2;
	}
	char err[256];
	if (config_load(sup.config_path, &sup.app.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "custodian: %s: %s\n", sup.config_path, err);
		return 1;
	}
	if (check_only) {
		printf("configuration ok\n");
		return 0;
	}
	/* The counters' shared area, before the first fork (util/metrics.h). */
	if (sup.app.cfg.metrics && metrics_init() == 0) {
		for (int i = 0; i < PAGE__MAX; i++)
			metrics_name_route(i, routes[i].name);
		metrics_name_route(ROUTE_UNKNOWN_HTML, "unknown");
		metrics_name_route(ROUTE_UNKNOWN_API, "api-unknown");
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "custodian: FCGX_Init failed\n");
		return 1;
	}
	sup.listen_fd = open_socket(&sup.app.cfg);
	sup.app.listen_fd = sup.listen_fd;
	if (sup.listen_fd < 0) {
		fprintf(stderr, "custodian: cannot listen on %s: %s\n", sup.app.cfg.socket,
		        strerror(errno));
		return 1;
	}
	if (log_open(sup.app.cfg.log) != 0)
		fprintf(stderr, "custodian: cannot open log %s\n", sup.app.cfg.log);

	if (daemonize) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid > 0)
			_exit(0);
		setsid();
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			close(null);
		}
	}
	if (pid_file != NULL) {
		FILE *f = fopen(pid_file, "w");
		if (f != NULL) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);

	start_generation();
	log_error("listening on %s with %d workers", sup.app.cfg.socket, worker_count());
	while (!got_term) {
		if (!got_chld && !got_hup)
			sigsuspend(&old);
		if (got_chld) {
			got_chld = 0;
			reap();
		}
		if (got_hup && !got_term) {
			got_hup = 0;
			reload();
		}
	}
	drain_listen_queue();
	shutdown_children();
	if (pid_file != NULL)
		unlink(pid_file);
	log_error("stopped");
	return 0;
}
