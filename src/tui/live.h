/* A run on a worker thread, for the TUI: the engine reports through a
 * thread-safe sink (a mutex around the report sink, and a byte written to
 * a wake-up pipe after each event) while the UI thread reads the report
 * under the same mutex. No curses here. */
#ifndef PS_TUI_LIVE_H
#define PS_TUI_LIVE_H

#include <pthread.h>
#include <stdbool.h>

#include "model/report.h"
#include "model/sink.h"

/* What the worker runs: `run` plays the engine into `sink` (on the worker
 * thread; the sink may be called from any thread the engine starts); then
 * `finish` finishes the report under the lock (the run layer's
 * ps_run_finish: exit status and expectations; NULL leaves the report as
 * the run made it); `release` frees `ctx` once the live run is freed (may
 * be NULL). */
struct ps_live_job {
	void (*run)(void *ctx, const struct ps_sink *sink);
	void (*finish)(void *ctx, struct ps_report *r);
	void (*release)(void *ctx);
	void *ctx;
};

/* A thread-safe sink around the report sink of `r`: each event is applied
 * under `lock`, then one byte is written to `wake_fd` (non-blocking; a
 * full pipe already means a pending wake-up; -1 for none). `lock` and `r`
 * are borrowed and must outlive every use of the sink. */
struct ps_locked_sink {
	pthread_mutex_t *lock;
	struct ps_sink inner; /* the report sink */
	int wake_fd;
};
struct ps_sink ps_locked_sink(struct ps_locked_sink *ls);
/* Call `fn` with the report of `s` (a sink ps_locked_sink made) under its
 * lock, then wake the UI: for what a job reports that is no engine event
 * (a scan's progress). Any other sink: nothing is done. */
void ps_locked_sink_apply(const struct ps_sink *s, void (*fn)(struct ps_report *r, void *arg),
			  void *arg);

struct ps_live;

/* Start `job` on a new thread, reporting into `report` (taken over: freed
 * with the live run). `wake_fd` is duplicated, so the caller may close its
 * own. The worker blocks SIGINT, SIGTERM, SIGHUP and SIGWINCH (so do the
 * threads it starts), which the UI thread handles. When the job returns,
 * the job's `finish` is called under the lock and a last wake-up written.
 * Returns NULL with `*err` (caller frees) when the thread cannot start;
 * the report and the job are then released. */
struct ps_live *ps_live_start(struct ps_report *report, const struct ps_live_job *job, int wake_fd,
			      char **err);

/* The report, to be read between ps_live_lock and ps_live_unlock. */
void ps_live_lock(struct ps_live *l);
void ps_live_unlock(struct ps_live *l);
const struct ps_report *ps_live_report(const struct ps_live *l);

/* The job has returned and the report is finished. */
bool ps_live_done(struct ps_live *l);

/* Wait for the worker, release the job, free the report and `l`. Blocks
 * while the job runs: call it once ps_live_done() says so, or accept the
 * wait. NULL is accepted. */
void ps_live_free(struct ps_live *l);

#endif
