/* provscope storm (see run.h): the devices, the schedule, the passes on
 * --jobs threads, the live progress, the report. */
#include "config.h"

#include "run/run.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "core/pool.h"
#include "core/util.h"
#include "engine/engine.h"
#include "engine/net.h"
#include "lab/pki.h"
#include "model/storm.h"
#include "phone/identity.h"
#include "rules/rule.h"
#include "run/devca.h"

/* The most passes one storm plans (--count, or --duration x --rate). */
#define STORM_MAX_PASSES 10000000ull

/* One device of the storm. */
struct storm_device {
	char mac[13];
	char serial[13];
	const struct ps_device *row; /* of --devices, else NULL */
	char *cert_pem;              /* minted from --device-ca, else NULL */
	bool needed;                 /* a pass of this shard plays it */
};

/* One pass of this shard's schedule, in the order they begin. */
struct storm_slot {
	uint64_t pass; /* index in the whole storm's schedule */
	double at_s;   /* when it begins, since the storm began */
};

struct storm {
	const struct ps_session *s;
	const struct ps_config *c;
	struct ps_device_list list; /* --devices */
	struct storm_device *dev;
	uint64_t n_dev;
	struct storm_slot *slots;
	size_t n_slots;
	struct ps_devca *ca;
	char *key_pem; /* the devices' shared key (--device-ca) */
	struct ps_storm_report *rep;
	pthread_mutex_t mu; /* rep, in_flight */
	atomic_size_t next;
	unsigned in_flight;
	double t0_ms; /* monotonic, the storm's start */
	atomic_bool stop_arrivals;
	atomic_uint alive; /* workers still running */
	bool view_stopped; /* the view asked the storm to stop (main thread) */
};

static volatile sig_atomic_t storm_stop; /* the signal that stopped it, 0 none */

static void on_stop(int sig)
{
	if (storm_stop) { /* a second ^C: now */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	storm_stop = sig;
}

static void catch_stop(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa, old;
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_stop;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

/* --- the devices ------------------------------------------------------------------ */

/* splitmix64: the --spread delays, the same for a pass in every shard. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static bool mac_value(const char *mac, uint64_t *v)
{
	char norm[13];
	if (!ps_mac_normalize(mac, norm))
		return false;
	*v = strtoull(norm, NULL, 16);
	return true;
}

/* The first MAC of a --count range: --mac, else the model's OUI + 000001. */
static bool first_mac(const struct storm *st, uint64_t *v, char **err)
{
	const struct ps_config *c = st->c;
	if (c->mac)
		return mac_value(c->mac, v) ||
		       (*err = ps_xasprintf("--mac '%s': give 12 hex digits", c->mac), false);
	struct ps_identity id;
	ps_identity_init(&id, ps_session_model(st->s));
	bool ok = mac_value(id.mac, v);
	ps_identity_clear(&id);
	*v = (*v & ~0xffffffull) | 1;
	return ok || (*err = ps_xstrdup("the model has no default MAC"), false);
}

static bool make_devices(struct storm *st, char **err)
{
	const struct ps_config *c = st->c;
	if (c->devices) {
		if (!ps_devices_load(c->devices, &st->list, err))
			return false;
		size_t bad = 0;
		const struct ps_device *first = NULL;
		for (size_t i = 0; i < st->list.n; i++) {
			struct ps_device *d = &st->list.v[i];
			if (!d->error && !d->url && !c->target && !c->tftp_server)
				d->error = ps_xasprintf(
				    "line %u: no url column value and no URL on the command line",
				    d->line);
			if (d->error && !bad++)
				first = d;
		}
		if (bad) {
			*err = bad > 1 ? ps_xasprintf("--devices %s: %s (and %zu more rows that "
						      "cannot be used)",
						      c->devices, first->error, bad - 1)
				       : ps_xasprintf("--devices %s: %s", c->devices, first->error);
			return false;
		}
		if (!st->list.n) {
			*err = ps_xasprintf("--devices %s: no device (a header and no row)",
					    c->devices);
			return false;
		}
		/* a row's certificate is read before any load, as each pass
		 * reads it again */
		for (size_t i = 0; i < st->list.n; i++) {
			const struct ps_device *d = &st->list.v[i];
			if (!d->cert)
				continue;
			char *why = NULL;
			struct ps_tls_creds *cr = ps_tls_creds_new(d->cert, d->key, &why);
			if (!cr) {
				*err = ps_xasprintf("--devices %s: line %u: %s", c->devices,
						    d->line, why);
				free(why);
				return false;
			}
			ps_tls_creds_free(cr);
		}
		st->n_dev = st->list.n;
	} else
		st->n_dev = c->count;
	uint64_t base = 0;
	if (!c->devices && !first_mac(st, &base, err))
		return false;
	if (!c->devices && base + st->n_dev - 1 > 0xffffffffffffull) {
		*err = ps_xasprintf("--count %lu from %012" PRIx64 " runs past ffffffffffff",
				    c->count, base);
		return false;
	}
	st->dev = ps_xcalloc(st->n_dev, sizeof *st->dev);
	/* A serial of the model's form: the head of its default serial, the
	 * MAC's tail. */
	struct ps_identity id;
	ps_identity_init(&id, ps_session_model(st->s));
	char head[7];
	snprintf(head, sizeof head, "%.6s", id.serial ? id.serial : "88019F");
	ps_identity_clear(&id);
	for (uint64_t i = 0; i < st->n_dev; i++) {
		struct storm_device *d = &st->dev[i];
		const char *h = head;
		char own[7];
		if (c->devices) {
			d->row = &st->list.v[i];
			ps_mac_normalize(d->row->mac, d->mac);
			if (d->row->model) { /* the row's model's form */
				struct ps_identity rid;
				ps_identity_init(&rid, ps_model_find(d->row->model));
				snprintf(own, sizeof own, "%.6s", rid.serial ? rid.serial : head);
				ps_identity_clear(&rid);
				h = own;
			}
		} else
			snprintf(d->mac, sizeof d->mac, "%012" PRIx64, base + i);
		snprintf(d->serial, sizeof d->serial, "%s%.6s", h, d->mac + 6);
		for (char *p = d->serial; *p; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = (char)(*p - 32);
	}
	return true;
}

/* --- the schedule ----------------------------------------------------------------- */

static int slot_cmp(const void *a, const void *b)
{
	const struct storm_slot *x = a, *y = b;
	if (x->at_s != y->at_s)
		return x->at_s < y->at_s ? -1 : 1;
	return x->pass < y->pass ? -1 : x->pass > y->pass;
}

/* The whole storm's passes, and this shard's slice of them in the order
 * they begin: at once, every 1/rate s, or each device after its random
 * delay. */
static bool make_schedule(struct storm *st, uint64_t *planned, char **err)
{
	const struct ps_config *c = st->c;
	uint64_t n = st->n_dev;
	if (c->duration_s > 0 && c->rate > 0) {
		double want = c->duration_s * c->rate;
		want = want < 1e18 ? (double)(uint64_t)want : want;
		if (want > (double)STORM_MAX_PASSES) {
			*err = ps_xasprintf("--duration %g at --rate %g makes %.0f passes; at most "
					    "%llu",
					    c->duration_s, c->rate, want, STORM_MAX_PASSES);
			return false;
		}
		n = want < 1 ? 1 : (uint64_t)want;
	}
	*planned = n;
	unsigned si = c->shard_n ? c->shard_i - 1 : 0, sn = c->shard_n ? c->shard_n : 1;
	size_t mine = (size_t)(n / sn + (si < n % sn));
	st->slots = ps_xcalloc(mine ? mine : 1, sizeof *st->slots);
	for (uint64_t k = si; k < n; k += sn) {
		struct storm_slot *sl = &st->slots[st->n_slots++];
		sl->pass = k;
		if (c->rate > 0)
			sl->at_s = (double)k / c->rate;
		else if (c->spread_s > 0)
			sl->at_s = c->spread_s * (double)(mix(c->seed ^ mix(k)) >> 11) /
				   9007199254740992.0;
		st->dev[k % st->n_dev].needed = true;
	}
	if (c->spread_s > 0)
		qsort(st->slots, st->n_slots, sizeof *st->slots, slot_cmp);
	return true;
}

/* --- the certificates ------------------------------------------------------------- */

struct mint_job {
	struct storm *st;
	uint64_t *todo;
	size_t n;
	char **err; /* per job */
	bool tty, say;
	double t0, last;
};

/* Progress while minting, on the calling thread as each one is done. */
static void mint_done(void *ctx, size_t i)
{
	struct mint_job *j = ctx;
	double now = ps_now_ms();
	if (!j->say || now - j->last < (j->tty ? 1000.0 : 10000.0) || i + 1 == j->n)
		return;
	j->last = now;
	double rate = (double)(i + 1) / ((now - j->t0) / 1000.0);
	if (j->tty)
		fprintf(stderr,
			"\rprovscope: minting device certificates: %zu of %zu, %.0f/s, "
			"%.0f s left\033[K",
			i + 1, j->n, rate, (double)(j->n - i - 1) / rate);
	else
		fprintf(stderr, "provscope: minting device certificates: %zu of %zu, %.0f/s\n",
			i + 1, j->n, rate);
	fflush(stderr);
}

static void mint_one(void *ctx, size_t i)
{
	struct mint_job *j = ctx;
	if (storm_stop) /* a signal: mint no more */
		return;
	struct storm_device *d = &j->st->dev[j->todo[i]];
	char *key = NULL;
	const struct ps_model *m = ps_session_model(j->st->s);
	if (d->row && d->row->model)
		m = ps_model_find(d->row->model);
	/* the OU as the phones carry it: SPA-942 */
	char *product = ps_lab_device_product(m->product);
	if (ps_devca_mint(j->st->ca, d->mac, product,
			  d->row && d->row->serial ? d->row->serial : d->serial, &d->cert_pem, &key,
			  &j->err[i]) == 0 &&
	    i == 0)
		j->st->key_pem = key;
	else
		free(key);
	free(product);
}

/* Every device of this shard without a certificate of its own gets one
 * from --device-ca, on --jobs threads, before the storm begins. */
static bool mint(struct storm *st, char **err)
{
	const struct ps_config *c = st->c;
	if (!c->device_ca)
		return true;
	if (ps_devca_open(c->device_ca, c->device_ca_key, &st->ca, err) < 0)
		return false;
	uint64_t *todo = ps_xcalloc(st->n_dev, sizeof *todo);
	size_t n = 0;
	for (uint64_t i = 0; i < st->n_dev; i++)
		if (st->dev[i].needed && !(st->dev[i].row && st->dev[i].row->cert))
			todo[n++] = i;
	bool say = n && c->verbosity >= 0;
	struct mint_job j = { .st = st,
			      .todo = todo,
			      .n = n,
			      .err = ps_xcalloc(n + 1, sizeof(char *)),
			      .tty = isatty(STDERR_FILENO) != 0,
			      .say = say,
			      .t0 = ps_now_ms() };
	j.last = j.t0;
	if (say && !j.tty)
		fprintf(stderr, "provscope: minting %zu device certificate%s from %s\n", n,
			n == 1 ? "" : "s", c->device_ca);
	ps_pool_run(n, c->jobs ? c->jobs : 8, mint_one, mint_done, &j);
	if (say)
		fprintf(stderr,
			"%sprovscope: minted %zu device certificate%s from %s in %.1f s\033[K\n",
			j.tty ? "\r" : "", n, n == 1 ? "" : "s", c->device_ca,
			(ps_now_ms() - j.t0) / 1000.0);
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		if (j.err[i] && ok) {
			*err = ps_xasprintf("--device-ca: device %s: %s", st->dev[todo[i]].mac,
					    j.err[i]);
			ok = false;
		}
		free(j.err[i]);
	}
	free(j.err);
	free(todo);
	if (ok && storm_stop) {
		*err =
		    ps_xstrdup("stopped while minting the device certificates; no pass was made");
		return false;
	}
	return ok;
}

/* --- the loopback guard ----------------------------------------------------------- */

/* Refuse a first URL whose host is not loopback, before any load. */
static bool guard_url(const struct storm *st, const char *url, char **err)
{
	const struct ps_config *c = st->c;
	struct ps_url u = { 0 };
	char *why = NULL;
	if (ps_rule_url_resolve(url, &u, &why) < 0) {
		free(why);
		return true; /* the pass itself says what is wrong with it */
	}
	if (u.host_defaulted && c->tftp_server && !ps_url_dhcp_server(&u, c->tftp_server, &why)) {
		free(why);
		ps_url_clear(&u);
		return true;
	}
	bool ok = true;
	struct ps_sockaddr *addrs = NULL;
	size_t n = 0;
	enum ps_finding_id f;
	if (u.host && ps_resolve(u.host, u.port, c->pins, c->n_pins, &addrs, &n, &why, &f)) {
		for (size_t i = 0; i < n && ok; i++)
			if (!ps_sockaddr_is_loopback(&addrs[i])) {
				*err = ps_xasprintf(
				    "%s: %s resolves to %s, which is not a loopback address; a "
				    "storm is a load test and loads only this machine's servers "
				    "unless you give --i-own-this-server (the server is yours to "
				    "load)",
				    c->show_secrets ? url : "the target", u.host, addrs[i].text);
				ok = false;
			}
		free(addrs);
	}
	free(why);
	ps_url_clear(&u);
	return ok;
}

static bool guard(const struct storm *st, char **err)
{
	const struct ps_config *c = st->c;
	if (c->own_server)
		return true;
	for (uint64_t i = 0; i < st->n_dev; i++) {
		const struct ps_device *row = st->dev[i].row;
		if (i > 0 && !(row && row->url))
			continue; /* the command line's target, checked once */
		struct ps_device d = { .mac = st->dev[i].mac,
				       .serial = st->dev[i].serial,
				       .model = row ? row->model : NULL,
				       .firmware = row ? row->firmware : NULL,
				       .url = row ? row->url : NULL };
		struct ps_run_setup setup = ps_run_setup_of(st->s);
		struct ps_report *r = ps_report_new();
		char *why = NULL;
		struct ps_run *run = ps_run_new(st->s, &setup, &d, r, &why);
		char *url = run ? ps_engine_first_url(ps_run_cfg(run), &why) : NULL;
		bool ok = !url || guard_url(st, url, err);
		free(url);
		free(why);
		ps_run_free(run);
		ps_report_free(r);
		if (!ok)
			return false;
	}
	return true;
}

/* --- the passes ------------------------------------------------------------------- */

static double now_s(const struct storm *st)
{
	return (ps_now_ms() - st->t0_ms) / 1000.0;
}

/* Sleep until `at_s` of the storm, waking to see a stop. False when the
 * storm stops first. */
static bool wait_until(struct storm *st, double at_s)
{
	for (;;) {
		if (storm_stop || atomic_load(&st->stop_arrivals))
			return false;
		double left = at_s - now_s(st);
		if (left <= 0)
			return true;
		if (left > 0.2)
			left = 0.2;
		struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)(left * 1e9) };
		nanosleep(&ts, NULL);
	}
}

static void one_pass(struct storm *st, const struct storm_slot *sl)
{
	const struct ps_config *c = st->c;
	struct storm_device *dv = &st->dev[sl->pass % st->n_dev];
	uint32_t round = (uint32_t)(sl->pass / st->n_dev);
	const struct ps_device *row = dv->row;
	struct ps_device d = { .mac = dv->mac,
			       .serial = row && row->serial ? row->serial : dv->serial,
			       .model = row ? row->model : NULL,
			       .firmware = row ? row->firmware : NULL,
			       .cert = row ? row->cert : NULL,
			       .key = row ? row->key : NULL,
			       .url = row ? row->url : NULL };
	struct ps_run_setup setup = ps_run_setup_of(st->s);
	setup.progress = false;
	setup.loopback_only = !c->own_server;
	char *err = NULL;
	struct ps_tls_creds *creds = NULL;
	if (dv->cert_pem && !(creds = ps_tls_creds_new_mem(dv->cert_pem, st->key_pem, &err))) {
		pthread_mutex_lock(&st->mu);
		ps_storm_add_refused(st->rep, dv->mac, round, now_s(st), err);
		pthread_mutex_unlock(&st->mu);
		free(err);
		return;
	}
	setup.creds = creds;
	struct ps_report *report = ps_report_new();
	double lag_ms = (now_s(st) - sl->at_s) * 1000.0;
	double start = ps_now_ms();
	struct ps_run *run = ps_run_new(st->s, &setup, &d, report, &err);
	if (run) {
		struct ps_sink sink = ps_report_sink(report);
		ps_run_play(run, &sink, &err);
		ps_run_finish(run, report);
	}
	double end = ps_now_ms();
	struct ps_storm_timing t = { .start_s = (start - st->t0_ms) / 1000.0,
				     .lag_ms = lag_ms > 0 ? lag_ms : 0,
				     .total_ms = end - start };
	pthread_mutex_lock(&st->mu);
	if (run)
		ps_storm_add(st->rep, report, dv->mac, round, &t);
	else
		ps_storm_add_refused(st->rep, dv->mac, round, t.start_s, err);
	pthread_mutex_unlock(&st->mu);
	free(err);
	ps_run_free(run);
	ps_report_free(report);
	ps_tls_creds_free(creds);
}

static void *worker(void *ctx)
{
	struct storm *st = ctx;
	const struct ps_config *c = st->c;
	for (;;) {
		size_t k = atomic_fetch_add(&st->next, 1);
		if (k >= st->n_slots)
			break;
		const struct storm_slot *sl = &st->slots[k];
		if (c->duration_s > 0 && sl->at_s >= c->duration_s)
			break; /* the schedule is in order: none after it begins in time */
		if (!wait_until(st, sl->at_s))
			break;
		if (c->duration_s > 0 && now_s(st) >= c->duration_s) {
			atomic_store(&st->stop_arrivals, true);
			break;
		}
		pthread_mutex_lock(&st->mu);
		st->in_flight++;
		pthread_mutex_unlock(&st->mu);
		one_pass(st, sl);
		pthread_mutex_lock(&st->mu);
		st->in_flight--;
		pthread_mutex_unlock(&st->mu);
	}
	atomic_fetch_sub(&st->alive, 1);
	return NULL;
}

/* --- progress --------------------------------------------------------------------- */

/* One line of where the storm stands. */
static char *progress_line(const struct ps_storm_report *r, unsigned flight, size_t planned,
			   double t, double *last_t, uint64_t *last_done)
{
	uint64_t done = r->done, ok = r->by_exit[0];
	const struct ps_hist *h = &r->hist[PS_STORM_TOTAL];
	char p50[16], p95[16], p99[16];
	ps_storm_duration(p50, sizeof p50, ps_hist_percentile(h, 50));
	ps_storm_duration(p95, sizeof p95, ps_hist_percentile(h, 95));
	ps_storm_duration(p99, sizeof p99, ps_hist_percentile(h, 99));
	double rate = t > *last_t ? (double)(done - *last_done) / (t - *last_t) : 0;
	*last_t = t;
	*last_done = done;
	unsigned sec = (unsigned)t;
	return ps_xasprintf("storm %02u:%02u  %" PRIu64 "/%zu done  %" PRIu64 " ok  %" PRIu64
			    " failed  %u in flight  %.0f/s  total p50 %s p95 %s p99 %s",
			    sec / 60, sec % 60, done, planned, ok, done - ok, flight, rate, p50,
			    p95, p99);
}

/* The default view: a progress line on stderr. */
struct line_view {
	bool tty, shown;
	double last_t, last_print;
	uint64_t last_done;
};

static bool line_tick(void *ctx, const struct ps_storm_report *r, unsigned flight, size_t planned,
		      double t)
{
	struct line_view *v = ctx;
	if (t - v->last_print < (v->tty ? 1.0 : 10.0))
		return true;
	char *line = progress_line(r, flight, planned, t, &v->last_t, &v->last_done);
	if (v->tty)
		fprintf(stderr, "\r%s\033[K", line);
	else
		fprintf(stderr, "provscope: %s\n", line);
	fflush(stderr);
	free(line);
	v->last_print = t;
	v->shown = true;
	return true;
}

static void line_done(void *ctx)
{
	struct line_view *v = ctx;
	if (v->tty && v->shown)
		fputs("\r\033[K", stderr);
}

/* The main thread while the workers run: the view, until they end. */
static void watch(struct storm *st, pthread_t *threads, unsigned n,
		  const struct ps_storm_view *view)
{
	double last = -1;
	struct ps_storm_report *snap = ps_storm_new();
	while (atomic_load(&st->alive) > 0) {
		struct timespec ts = { .tv_sec = 0, .tv_nsec = 50000000 };
		nanosleep(&ts, NULL);
		double t = now_s(st);
		if (!view || (t - last) * 1000.0 < view->interval_ms)
			continue;
		last = t;
		pthread_mutex_lock(&st->mu);
		ps_storm_snapshot(snap, st->rep);
		unsigned flight = st->in_flight;
		pthread_mutex_unlock(&st->mu);
		bool go = view->tick(view->ctx, snap, flight, st->n_slots, t);
		if (!go) {
			atomic_store(&st->stop_arrivals, true);
			st->view_stopped = true;
		}
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	ps_storm_free(snap);
	if (view && view->done)
		view->done(view->ctx);
}

/* --- the whole -------------------------------------------------------------------- */

static void params(const struct storm *st, uint64_t planned, struct ps_storm_params *p)
{
	const struct ps_config *c = st->c;
	const char *target = ps_session_target(st->s);
	p->target = !target           ? NULL
		    : c->show_secrets ? ps_xstrdup(target)
				      : ps_redact_secrets(target);
	p->model = ps_xstrdup(ps_session_model(st->s)->id);
	p->devices = ps_xstrdup(c->devices);
	p->first_mac = c->devices ? NULL : ps_xstrdup(st->dev[0].mac);
	p->n_devices = st->n_dev;
	p->n_passes = planned;
	p->spread_s = c->spread_s;
	p->rate = c->rate;
	p->duration_s = c->duration_s;
	p->seed = c->spread_s > 0 ? c->seed : 0;
	p->jobs = c->jobs ? c->jobs : 8;
	p->shard_i = c->shard_n ? c->shard_i : 1;
	p->shard_n = c->shard_n ? c->shard_n : 1;
	p->device_ca = c->device_ca != NULL;
	p->handshake_only = c->handshake_only;
	p->firmware = ps_xstrdup(c->firmware);
	p->tftp_server = ps_xstrdup(c->tftp_server);
	p->timeout_ms = c->timeout_ms;
	if (c->devices) { /* the list by its MACs, for shards on other hosts */
		gnutls_hash_hd_t h;
		unsigned char dig[32];
		gnutls_hash_init(&h, GNUTLS_DIG_SHA256);
		for (uint64_t i = 0; i < st->n_dev; i++)
			gnutls_hash(h, st->dev[i].mac, 13);
		gnutls_hash_deinit(h, dig);
		char hex[65];
		ps_hex(dig, sizeof dig, hex);
		p->devices_sha256 = ps_xstrdup(hex);
	}
}

static void storm_free(struct storm *st)
{
	for (uint64_t i = 0; st->dev && i < st->n_dev; i++)
		free(st->dev[i].cert_pem);
	free(st->dev);
	free(st->slots);
	free(st->key_pem);
	ps_devca_free(st->ca);
	ps_devices_free(&st->list);
	pthread_mutex_destroy(&st->mu);
}

int ps_run_storm(const struct ps_session *s, const struct ps_storm_view *view)
{
	const struct ps_config *c = ps_session_config(s);
	struct storm st = { .s = s, .c = c };
	pthread_mutex_init(&st.mu, NULL);
	char *err = NULL;
	uint64_t planned = 0;
	storm_stop = 0;
	catch_stop(); /* from here: minting can take a while */
	if (!make_devices(&st, &err) || !make_schedule(&st, &planned, &err) || !guard(&st, &err) ||
	    !mint(&st, &err)) {
		fprintf(stderr, "provscope: %s\n", err);
		free(err);
		storm_free(&st);
		return storm_stop ? 128 + storm_stop : PS_EXIT_USAGE;
	}
	struct ps_report *report = ps_report_new();
	report->mode = PS_MODE_STORM;
	report->tool_version = ps_xstrdup(PACKAGE_VERSION);
	report->started = time(NULL);
	report->show_secrets = c->show_secrets;
	st.rep = report->storm = ps_storm_new();
	params(&st, planned, &st.rep->params);
	report->target = ps_xstrdup(st.rep->params.target);
	st.rep->planned = st.n_slots;
	st.rep->shards = ps_xcalloc(1, sizeof *st.rep->shards);
	st.rep->shards[0] = st.rep->params.shard_i;
	st.rep->n_shards = 1;
	unsigned jobs = st.rep->params.jobs;
	if (jobs > st.n_slots)
		jobs = st.n_slots ? (unsigned)st.n_slots : 1;
	pthread_t threads[64];
	unsigned started = 0;
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	st.t0_ms = ps_now_ms();
	atomic_store(&st.alive, jobs);
	/* The workers leave the signals to this thread (a view's keys, the
	 * stop): none of them interrupts a pass's waits. */
	sigset_t block, old_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &block, &old_mask);
	for (; started < jobs; started++)
		if (pthread_create(&threads[started], NULL, worker, &st) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	atomic_fetch_sub(&st.alive, jobs - started); /* threads that did not start */
	if (!started) {                              /* no thread: the passes on this one */
		atomic_store(&st.alive, 1);
		worker(&st);
	}
	struct line_view lv = { .tty = isatty(STDERR_FILENO) != 0 };
	struct ps_storm_view line = {
		.ctx = &lv, .tick = line_tick, .done = line_done, .interval_ms = 250
	};
	if (!view && c->verbosity >= 0)
		view = &line;
	watch(&st, threads, started, view);
	double wall = now_s(&st);
	struct ps_storm_report *r = st.rep;
	r->wall_s = wall;
	getrusage(RUSAGE_SELF, &ru1);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
		     (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
		     (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
		     (double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	if (wall > 0.5 && cores > 0) /* a storm too short to tell says nothing */
		r->client_busy = cpu / (wall * (double)cores);
	r->interrupted = storm_stop != 0 || st.view_stopped;
	r->not_started = r->planned > r->done ? r->planned - r->done : 0;
	ps_storm_finish(report);
	int rc = report->exit_code;
	if (ps_run_write(c, report) < 0)
		rc = PS_EXIT_USAGE;
	else if (storm_stop) /* the report of what was done, then the signal's status */
		rc = 128 + storm_stop;
	ps_report_free(report);
	storm_free(&st);
	return rc;
}
