/* Unit tests of the TUI's live run (tui/live.h): the locked sink keeps
 * every event when several threads report at once (as the engine, curl
 * and the pump may), wakes the UI through its pipe, and the worker
 * finishes the report, blocks the UI's signals and releases its job. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/report.h"
#include "model/sink.h"
#include "tui/live.h"

enum { THREADS = 4, EVENTS = 500 };

struct hammer {
	const struct ps_sink *sink;
	size_t hop;
	int id; /* makes each thread's findings its own */
};

/* One thread's events: TLS messages and findings on the shared hop. */
static void *hammer_main(void *arg)
{
	const struct hammer *h = arg;
	for (int i = 0; i < EVENTS; i++) {
		struct ps_tls_msg m = { .dir = PS_DIR_IN, .type = (char *)"Record", .length = 1 };
		struct ps_detail d = { .kind = PS_DETAIL_TLS_MSG, .msg = &m };
		ps_sink_detail(h->sink, h->hop, &d);
		if (i % 50 == 0)
			ps_sink_finding(h->sink, (long)h->hop, PS_F_CHAIN_WEAK_KEY,
					"thread %d event %d", h->id, i);
	}
	return NULL;
}

static size_t pipe_bytes(int fd)
{
	size_t n = 0;
	char buf[512];
	ssize_t k;
	while ((k = read(fd, buf, sizeof buf)) > 0)
		n += (size_t)k;
	return n;
}

static void test_locked_sink_threads(void **state)
{
	(void)state;
	struct ps_report *r = ps_report_new();
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int p[2];
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	struct ps_locked_sink ls = { .lock = &lock, .inner = ps_report_sink(r), .wake_fd = p[1] };
	struct ps_sink sink = ps_locked_sink(&ls);
	size_t hop = ps_sink_hop_begin(&sink, "https://x/");
	ps_sink_step_begin(&sink, hop, PS_STEP_TLS_HANDSHAKE);
	struct hammer h[THREADS];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		h[i] = (struct hammer){ .sink = &sink, .hop = hop, .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, hammer_main, &h[i]), 0);
	}
	/* the UI side reads meanwhile, under the lock */
	size_t seen = 0, woken = 0;
	for (int k = 0; k < 200; k++) {
		pthread_mutex_lock(&lock);
		assert_true(r->hops[0].tls.n_msgs >= seen);
		seen = r->hops[0].tls.n_msgs;
		pthread_mutex_unlock(&lock);
		woken += pipe_bytes(p[0]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	ps_sink_step_end(&sink, hop, PS_STEP_TLS_HANDSHAKE, PS_STATUS_OK, NULL);
	woken += pipe_bytes(p[0]);
	assert_int_equal(r->hops[0].tls.n_msgs, THREADS * EVENTS);
	assert_int_equal(r->n_findings, THREADS * (EVENTS / 50));
	assert_int_equal(r->hops[0].steps[0].status, PS_STATUS_OK);
	/* the pipe was written (a full pipe may have dropped some bytes) */
	assert_true(woken > 0);
	close(p[0]);
	close(p[1]);
	ps_report_free(r);
}

/* A job like the engine's: events from its own thread and from helper
 * threads it starts (curl's, the pump). */
struct fake_job {
	int released;
	int finished; /* calls of the finish callback, after the run */
	bool sigint_blocked;
	bool slow;
};

static void fake_run(void *ctx, const struct ps_sink *sink)
{
	struct fake_job *j = ctx;
	sigset_t cur;
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	j->sigint_blocked =
	    sigismember(&cur, SIGINT) && sigismember(&cur, SIGTERM) && sigismember(&cur, SIGWINCH);
	size_t hop = ps_sink_hop_begin(sink, "https://x/");
	ps_sink_step_begin(sink, hop, PS_STEP_HTTP);
	struct hammer h[2];
	pthread_t t[2];
	for (int i = 0; i < 2; i++) {
		h[i] = (struct hammer){ .sink = sink, .hop = hop, .id = i };
		pthread_create(&t[i], NULL, hammer_main, &h[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (j->slow)
		usleep(100 * 1000);
	ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_FAIL, "HTTP/1.1 404 Not Found");
	ps_sink_finding(sink, (long)hop, PS_F_HTTP_NOT_FOUND, NULL);
}

/* The run layer's finish: here the exit status alone. */
static void fake_finish(void *ctx, struct ps_report *r)
{
	struct fake_job *j = ctx;
	j->finished++;
	ps_report_finish(r);
}

static void fake_release(void *ctx)
{
	struct fake_job *j = ctx;
	j->released++;
}

static void test_live_run(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	struct fake_job fj = { 0 };
	struct ps_live_job job = {
		.run = fake_run, .finish = fake_finish, .release = fake_release, .ctx = &fj
	};
	char *err = NULL;
	struct ps_live *l = ps_live_start(ps_report_new(), &job, p[1], &err);
	assert_non_null(l);
	assert_null(err);
	/* the wake-up pipe is a dup: closing ours changes nothing */
	close(p[1]);
	/* the UI's loop: poll the pipe until the run says it is done */
	size_t woken = 0;
	while (!ps_live_done(l)) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		assert_true(poll(&pf, 1, 10000) > 0);
		woken += pipe_bytes(p[0]);
		ps_live_lock(l);
		const struct ps_report *r = ps_live_report(l);
		assert_true(r->n_hops <= 1);
		ps_live_unlock(l);
	}
	assert_true(woken > 0);
	ps_live_lock(l);
	const struct ps_report *r = ps_live_report(l);
	/* the job's finish ran once, after the run */
	assert_int_equal(fj.finished, 1);
	assert_true(r->finished);
	assert_int_equal(r->exit_code, PS_EXIT_HTTP);
	assert_int_equal(r->hops[0].tls.n_msgs, 2 * EVENTS);
	ps_live_unlock(l);
	assert_true(fj.sigint_blocked);
	assert_int_equal(fj.released, 0);
	ps_live_free(l);
	assert_int_equal(fj.released, 1);
	close(p[0]);
	ps_live_free(NULL);
}

static void test_live_free_waits(void **state)
{
	(void)state;
	struct fake_job fj = { .slow = true };
	struct ps_live_job job = { .run = fake_run, .release = fake_release, .ctx = &fj };
	char *err = NULL;
	struct ps_live *l = ps_live_start(ps_report_new(), &job, -1, &err);
	assert_non_null(l);
	/* freeing a running live run waits for its job, then releases it;
	 * without a finish the report stays as the run left it */
	ps_live_free(l);
	assert_int_equal(fj.released, 1);
	assert_int_equal(fj.finished, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locked_sink_threads),
		cmocka_unit_test(test_live_run),
		cmocka_unit_test(test_live_free_waits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
