#include "util/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Process-wide: opened once per process (and after SIGHUP). */
static int log_fd = -1;
static bool log_json;

void log_set_json(bool on)
{
	log_json = on;
}

int log_open(const char *path)
{
	/* "-": standard output (under systemd, the journal's stream: opening
	 * /dev/stdout would fail on its socket) */
	int fd = strcmp(path, "-") == 0
	             ? fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
	             : open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
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

/* s (already clean()ed: printable ASCII) as a JSON string's characters. */
static size_t json_chars(char *out, size_t outlen, const char *s)
{
	size_t i = 0;
	for (; *s && i + 2 < outlen; s++) {
		if (*s == '"' || *s == '\\')
			out[i++] = '\\';
		out[i++] = *s;
	}
	out[i] = '\0';
	return i;
}

/* The same fields as the text line, one JSON object (log_format = json). */
static void json_line(const char *stamp, const char *rid, const char *usr, const char *method,
                      const char *rt, int status, double ms, unsigned queries, double db_ms)
{
	char jrid[144], jusr[208], jrt[144], m[20], jm[40];
	json_chars(jrid, sizeof(jrid), rid);
	json_chars(jusr, sizeof(jusr), usr);
	json_chars(jrt, sizeof(jrt), rt);
	clean(m, sizeof(m), method);
	json_chars(jm, sizeof(jm), m);
	char line[768];
	int n = snprintf(line, sizeof(line),
	                 "{\"time\":\"%s\",\"rid\":\"%s\",\"user\":\"%s\",\"method\":\"%s\","
	                 "\"route\":\"%s\",\"status\":%d,\"ms\":%.2f,\"db_statements\":%u,"
	                 "\"db_ms\":%.2f,\"pid\":%ld}\n",
	                 stamp, jrid, jusr, jm, jrt, status, ms, queries, db_ms, (long)getpid());
	if (n > 0 && (size_t)n < sizeof(line)) {
		ssize_t w = write(log_fd, line, (size_t)n);
		(void)w;
	}
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
	if (log_json) {
		json_line(stamp, rid, usr, method, rt, status, ms, queries, db_ms);
		return;
	}
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
