/* The worker pool (see pool.h). */
#include "config.h"

#include "core/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/util.h"

struct pool {
	size_t n;
	ps_pool_fn fn;
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next; /* the next job to start */
	bool *done;  /* per job */
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (p->next >= p->n) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		size_t i = p->next++;
		pthread_mutex_unlock(&p->mu);
		p->fn(p->ctx, i);
		pthread_mutex_lock(&p->mu);
		p->done[i] = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

void ps_pool_run(size_t n, unsigned jobs, ps_pool_fn fn, ps_pool_done_fn done, void *ctx)
{
	if (jobs < 1)
		jobs = 1;
	if (jobs > 64)
		jobs = 64;
	if (n && jobs > n)
		jobs = (unsigned)n;
	struct pool p = { .n = n, .fn = fn, .ctx = ctx };
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	p.done = ps_xcalloc(n + 1, sizeof *p.done);
	pthread_t *t = ps_xcalloc(jobs, sizeof *t);
	unsigned started = 0;
	for (unsigned k = 0; k < jobs && n; k++)
		if (pthread_create(&t[k], NULL, worker, &p) == 0)
			started++;
	if (!started && n)
		worker(&p); /* no thread could start: run them here */
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_lock(&p.mu);
		while (!p.done[i])
			pthread_cond_wait(&p.cv, &p.mu);
		pthread_mutex_unlock(&p.mu);
		if (done)
			done(ctx, i);
	}
	for (unsigned k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	free(t);
	free(p.done);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
}
