#include "api/ratelimit.h"

#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>
#include <time.h>

#define RL_SLOTS 1024

struct slot {
	_Atomic uint64_t key;    /* 0 = free */
	_Atomic uint64_t window; /* minute number << 32 | count */
};

struct ratelimit {
	struct slot slots[RL_SLOTS];
};

struct ratelimit *ratelimit_new(void)
{
	void *p = mmap(NULL, sizeof(struct ratelimit), PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static struct slot *find(struct ratelimit *rl, uint64_t key)
{
	size_t start = (size_t)(key * 0x9E3779B97F4A7C15ULL >> 54) % RL_SLOTS;
	for (size_t i = 0; i < RL_SLOTS; i++) {
		struct slot *s = &rl->slots[(start + i) % RL_SLOTS];
		uint64_t k = atomic_load(&s->key);
		if (k == key)
			return s;
		if (k == 0) {
			uint64_t expected = 0;
			if (atomic_compare_exchange_strong(&s->key, &expected, key) ||
			    expected == key)
				return s;
		}
	}
	return NULL; /* table full: more than RL_SLOTS keys in use */
}

bool ratelimit_take(struct ratelimit *rl, uint64_t key, int limit, int *retry_after)
{
	if (rl == NULL || key == 0)
		return true;
	struct slot *s = find(rl, key);
	if (s == NULL)
		return true;
	time_t now = time(NULL);
	uint64_t minute = (uint64_t)now / 60;
	uint64_t cur = atomic_load(&s->window);
	for (;;) {
		uint64_t count = (cur >> 32) == minute ? (cur & 0xffffffffu) : 0;
		if (count >= (uint64_t)limit) {
			*retry_after = (int)(60 - now % 60);
			return false;
		}
		uint64_t next = minute << 32 | (count + 1);
		if (atomic_compare_exchange_weak(&s->window, &cur, next))
			return true;
	}
}
