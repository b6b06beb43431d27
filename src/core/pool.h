/* A pool of worker threads over numbered jobs: `jobs` threads take the
 * next job; the calling thread hears of finished jobs in job order. */
#ifndef PS_CORE_POOL_H
#define PS_CORE_POOL_H

#include <stddef.h>

/* Job `i`, on a worker thread. */
typedef void (*ps_pool_fn)(void *ctx, size_t i);
/* Job `i` is done (and every job before it), on the calling thread. */
typedef void (*ps_pool_done_fn)(void *ctx, size_t i);

/* Run jobs 0..n-1 with `jobs` threads at most (clamped to 1..64 and to
 * n); `done` may be NULL. When no thread can start, the jobs run on the
 * calling thread. Returns when every job is done. */
void ps_pool_run(size_t n, unsigned jobs, ps_pool_fn fn, ps_pool_done_fn done, void *ctx);

#endif
