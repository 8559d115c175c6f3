#include "util/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Process-wide: opened once per process (and after SIGHUP). */
static int log_fd = -1;

int log_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (log_fd >= 0)
		close(log_fd);
	log_fd = fd;
	return 0;
}

/* Copies s into out replacing anything that could break the line format. */
static void clean(char *out, size_t outlen, const char *s)
{
	size_t i = 0;
	if (s == NULL || *s == '\0')
		s = "-";
	for (; *s && i + 1 < outlen; s++)
		out[i++] = (*s <= ' ' || *s == 0x7f) ? '_' : *s;
	out[i] = '\0';
}

void log_request(const char *request_id, const char *user, const char *method, const char *route,
                 int status, double ms, unsigned queries, double db_ms)
{
	if (log_fd < 0)
		return;
	char rid[72], usr[104], rt[72], stamp[32];
	clean(rid, sizeof(rid), request_id);
	clean(usr, sizeof(usr), user);
	clean(rt, sizeof(rt), route);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	char line[512];
	int n = snprintf(
	    line, sizeof(line), "%s rid=%s user=%s %s %s status=%d ms=%.2f db=%u/%.2f pid=%ld\n",
	    stamp, rid, usr, method ? method : "-", rt, status, ms, queries, db_ms, (long)getpid());
	if (n > 0) {
		size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
		ssize_t w = write(log_fd, line, len);
		(void)w;
	}
}

void log_error(const char *fmt, ...)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "custodian[%ld]: ", (long)getpid());
	va_list ap;
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	size_t len = strlen(line);
	if (len + 1 < sizeof(line)) {
		line[len++] = '\n';
		line[len] = '\0';
	}
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}
