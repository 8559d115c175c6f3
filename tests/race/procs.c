#include "procs.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

size_t read_within(int fd, void *buf, size_t n, int ms)
{
	size_t got = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (got < n && poll(&p, 1, ms) > 0) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0 && !(r < 0 && errno == EINTR))
			break;
		got += r > 0 ? (size_t)r : 0;
	}
	return got;
}

void reap(const pid_t *pids, int n, int ms)
{
	for (int i = 0; i < n; i++) {
		pid_t w = 0;
		while ((w = waitpid(pids[i], NULL, WNOHANG)) == 0 && ms-- > 0)
			sleep_us(1000);
		if (w == 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	}
}
