/* A run on a worker thread and the thread-safe sink it reports through
 * (see live.h). */
#include "config.h"

#include "tui/live.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

/* --- the locked sink ------------------------------------------------------ */

static void wake(const struct ps_locked_sink *ls)
{
	if (ls->wake_fd < 0)
		return;
	ssize_t n;
	do
		n = write(ls->wake_fd, "", 1);
	while (n < 0 && errno == EINTR);
	/* EAGAIN: the pipe is full, so a wake-up is pending anyway. */
}

static size_t ls_hop_begin(void *ctx, const char *url)
{
	struct ps_locked_sink *ls = ctx;
	pthread_mutex_lock(ls->lock);
	size_t hop = ls->inner.ops->hop_begin(ls->inner.ctx, url);
	pthread_mutex_unlock(ls->lock);
	wake(ls);
	return hop;
}

static void ls_step_begin(void *ctx, size_t hop, enum ps_step_id id)
{
	struct ps_locked_sink *ls = ctx;
	pthread_mutex_lock(ls->lock);
	ls->inner.ops->step_begin(ls->inner.ctx, hop, id);
	pthread_mutex_unlock(ls->lock);
	wake(ls);
}

static void ls_step_end(void *ctx, size_t hop, enum ps_step_id id, enum ps_step_status st,
			const char *summary)
{
	struct ps_locked_sink *ls = ctx;
	pthread_mutex_lock(ls->lock);
	ls->inner.ops->step_end(ls->inner.ctx, hop, id, st, summary);
	pthread_mutex_unlock(ls->lock);
	wake(ls);
}

static void ls_detail(void *ctx, size_t hop, const struct ps_detail *d)
{
	struct ps_locked_sink *ls = ctx;
	pthread_mutex_lock(ls->lock);
	ls->inner.ops->detail(ls->inner.ctx, hop, d);
	pthread_mutex_unlock(ls->lock);
	wake(ls);
}

static void ls_finding(void *ctx, long hop, enum ps_step_id step, enum ps_finding_id id,
		       enum ps_severity sev, const char *detail)
{
	struct ps_locked_sink *ls = ctx;
	pthread_mutex_lock(ls->lock);
	ls->inner.ops->finding(ls->inner.ctx, hop, step, id, sev, detail);
	pthread_mutex_unlock(ls->lock);
	wake(ls);
}

static const struct ps_sink_ops locked_sink_ops;

void ps_locked_sink_apply(const struct ps_sink *s, void (*fn)(struct ps_report *r, void *arg),
			  void *arg)
{
	if (s->ops != &locked_sink_ops)
		return;
	struct ps_locked_sink *ls = s->ctx;
	pthread_mutex_lock(ls->lock);
	fn(ls->inner.ctx, arg); /* the report sink's context is its report */
	pthread_mutex_unlock(ls->lock);
	wake(ls);
}

static const struct ps_sink_ops locked_sink_ops = {
	.hop_begin = ls_hop_begin,
	.step_begin = ls_step_begin,
	.step_end = ls_step_end,
	.detail = ls_detail,
	.finding = ls_finding,
};

struct ps_sink ps_locked_sink(struct ps_locked_sink *ls)
{
	return (struct ps_sink){ .ops = &locked_sink_ops, .ctx = ls };
}

/* --- the worker ------------------------------------------------------------ */

struct ps_live {
	pthread_mutex_t lock;
	pthread_t thread;
	struct ps_report *report; /* owned */
	struct ps_locked_sink ls;
	struct ps_live_job job;
	bool done; /* under the lock */
};

static void *worker(void *arg)
{
	struct ps_live *l = arg;
	struct ps_sink sink = ps_locked_sink(&l->ls);
	l->job.run(l->job.ctx, &sink);
	pthread_mutex_lock(&l->lock);
	if (l->job.finish)
		l->job.finish(l->job.ctx, l->report);
	l->done = true;
	pthread_mutex_unlock(&l->lock);
	wake(&l->ls);
	return NULL;
}

struct ps_live *ps_live_start(struct ps_report *report, const struct ps_live_job *job, int wake_fd,
			      char **err)
{
	struct ps_live *l = ps_xcalloc(1, sizeof *l);
	pthread_mutex_init(&l->lock, NULL);
	l->report = report;
	l->job = *job;
	l->ls = (struct ps_locked_sink){ .lock = &l->lock,
					 .inner = ps_report_sink(report),
					 .wake_fd = -1 };
	if (wake_fd >= 0 && (l->ls.wake_fd = fcntl(wake_fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		*err = ps_xasprintf("cannot duplicate the wake-up pipe: %s", strerror(errno));
		goto fail;
	}
	/* Signals are the UI thread's: block them in the worker, and so in
	 * every thread the engine starts from it. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int rc = pthread_create(&l->thread, NULL, worker, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		*err = ps_xasprintf("cannot start the engine's thread: %s", strerror(rc));
		goto fail;
	}
	return l;
fail:
	if (l->ls.wake_fd >= 0)
		close(l->ls.wake_fd);
	if (job->release)
		job->release(job->ctx);
	ps_report_free(report);
	pthread_mutex_destroy(&l->lock);
	free(l);
	return NULL;
}

void ps_live_lock(struct ps_live *l)
{
	pthread_mutex_lock(&l->lock);
}

void ps_live_unlock(struct ps_live *l)
{
	pthread_mutex_unlock(&l->lock);
}

const struct ps_report *ps_live_report(const struct ps_live *l)
{
	return l->report;
}

bool ps_live_done(struct ps_live *l)
{
	pthread_mutex_lock(&l->lock);
	bool done = l->done;
	pthread_mutex_unlock(&l->lock);
	return done;
}

void ps_live_free(struct ps_live *l)
{
	if (!l)
		return;
	pthread_join(l->thread, NULL);
	if (l->job.release)
		l->job.release(l->job.ctx);
	if (l->ls.wake_fd >= 0)
		close(l->ls.wake_fd);
	ps_report_free(l->report);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
