/*
 * custodian-reference: the benchmark's reference (scripts/bench). A minimal
 * libfcgi responder with the same process model as custodian (a supervisor
 * forking N single-threaded workers on one socket) that answers every
 * request with a fixed page of a chosen size and the same headers, so that
 * the ratio "page / reference" measured behind the same nginx shows what
 * Custodian's own work costs. Not used in production.
 *
 *   custodian-reference --socket PATH --workers N --size BYTES
 */
#include <fcgiapp.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *page(size_t size)
{
	static const char row[] =
	    "<tr><td><a href=\"/customers/cus_0123456789\">Jane Doe</a></td>"
	    "<td>jane.doe@example.com</td><td>Individual</td><td>active</td></tr>\n";
	char *p = malloc(size + 1);
	if (p == NULL)
		return NULL;
	size_t n = 0;
	while (n < size) {
		size_t k = sizeof(row) - 1 < size - n ? sizeof(row) - 1 : size - n;
		memcpy(p + n, row, k);
		n += k;
	}
	p[size] = '\0';
	return p;
}

static int serve(int fd, const char *body, size_t len)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	FCGX_Request r;
	if (FCGX_InitRequest(&r, fd, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_FPrintF(r.out,
		             "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
		             "Content-Security-Policy: default-src 'none'; script-src 'self'; "
		             "style-src 'self'\r\nX-Frame-Options: DENY\r\n"
		             "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n");
		FCGX_PutStr(body, (int)len, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"socket", required_argument, NULL, 's'},
	                                     {"workers", required_argument, NULL, 'w'},
	                                     {"size", required_argument, NULL, 'n'},
	                                     {NULL, 0, NULL, 0}};
	const char *path = NULL;
	int workers = 2;
	size_t size = 20000;
	int c;
	while ((c = getopt_long(argc, argv, "s:w:n:", opts, NULL)) != -1) {
		if (c == 's')
			path = optarg;
		else if (c == 'w')
			workers = atoi(optarg);
		else if (c == 'n')
			size = (size_t)atol(optarg);
		else
			return 2;
	}
	if (path == NULL || workers < 1) {
		fprintf(stderr,
		        "usage: custodian-reference --socket PATH --workers N --size BYTES\n");
		return 2;
	}
	char *body = page(size);
	if (body == NULL || FCGX_Init() != 0)
		return 1;
	unlink(path);
	int fd = FCGX_OpenSocket(path, 1024);
	if (fd < 0)
		return 1;
	chmod(path, 0666);
	for (int i = 0; i < workers; i++)
		if (fork() == 0)
			return serve(fd, body, size);
	int status;
	while (wait(&status) > 0)
		;
	return 0;
}
