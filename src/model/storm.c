/* The storm report: folding passes in, merging shards, finishing (see
 * storm.h). */
#include "config.h"

#include "model/storm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "model/report.h"

static const char *const step_names[PS_STORM_STEP_COUNT] = {
#define PS_X(e, id, title) [e] = id,
	PS_STORM_STEPS(PS_X)
#undef PS_X
};

static const char *const step_titles[PS_STORM_STEP_COUNT] = {
#define PS_X(e, id, title) [e] = title,
	PS_STORM_STEPS(PS_X)
#undef PS_X
};

const char *ps_storm_step_name(enum ps_storm_step s)
{
	return s < PS_STORM_STEP_COUNT ? step_names[s] : "?";
}

const char *ps_storm_step_title(enum ps_storm_step s)
{
	return s < PS_STORM_STEP_COUNT ? step_titles[s] : "?";
}

enum ps_storm_step ps_storm_step_lookup(const char *name)
{
	for (int i = 0; i < PS_STORM_STEP_COUNT; i++)
		if (strcmp(step_names[i], name) == 0)
			return (enum ps_storm_step)i;
	return PS_STORM_STEP_COUNT;
}

struct ps_storm_report *ps_storm_new(void)
{
	struct ps_storm_report *s = ps_xcalloc(1, sizeof *s);
	for (int i = 0; i < PS_STORM_STEP_COUNT; i++)
		ps_hist_init(&s->hist[i]);
	s->onset_s = -1;
	return s;
}

void ps_storm_params_copy(struct ps_storm_params *dst, const struct ps_storm_params *src)
{
	*dst = *src;
	dst->target = ps_xstrdup(src->target);
	dst->model = ps_xstrdup(src->model);
	dst->devices = ps_xstrdup(src->devices);
	dst->first_mac = ps_xstrdup(src->first_mac);
	dst->devices_sha256 = ps_xstrdup(src->devices_sha256);
	dst->firmware = ps_xstrdup(src->firmware);
	dst->tftp_server = ps_xstrdup(src->tftp_server);
}

void ps_storm_params_clear(struct ps_storm_params *p)
{
	free(p->target);
	free(p->model);
	free(p->devices);
	free(p->first_mac);
	free(p->devices_sha256);
	free(p->firmware);
	free(p->tftp_server);
	memset(p, 0, sizeof *p);
}

void ps_storm_free(struct ps_storm_report *s)
{
	if (!s)
		return;
	ps_storm_params_clear(&s->params);
	free(s->seconds);
	for (size_t i = 0; i < s->n_findings; i++) {
		free(s->findings[i].mac);
		free(s->findings[i].detail);
	}
	free(s->findings);
	free(s->passes);
	free(s->shards);
	free(s->first_error);
	free(s);
}

/* The timeline's second `i`, made when missing. */
static struct ps_storm_second *second_at(struct ps_storm_report *s, double t_s)
{
	size_t i = t_s > 0 ? (size_t)t_s : 0;
	if (i > 1000000) /* 11 days: a clock gone wrong, not a storm */
		i = 1000000;
	if (i >= s->n_seconds) {
		s->seconds = ps_xrealloc(s->seconds, (i + 1) * sizeof *s->seconds);
		memset(s->seconds + s->n_seconds, 0, (i + 1 - s->n_seconds) * sizeof *s->seconds);
		s->n_seconds = i + 1;
	}
	return &s->seconds[i];
}

static uint64_t to_us(double ms)
{
	return ms > 0 ? (uint64_t)(ms * 1000.0 + 0.5) : 0;
}

/* A pass counted in; `timed` false for one that could not be made (its
 * time is no latency). */
static struct ps_storm_pass *new_pass(struct ps_storm_report *s, const char *mac, uint32_t round,
				      int code, double start_s, double total_ms, bool timed)
{
	if (s->n_passes == s->cap_passes) {
		s->cap_passes = s->cap_passes ? s->cap_passes * 2 : 256;
		s->passes = ps_xrealloc(s->passes, s->cap_passes * sizeof *s->passes);
	}
	struct ps_storm_pass *p = &s->passes[s->n_passes++];
	memset(p, 0, sizeof *p);
	snprintf(p->mac, sizeof p->mac, "%s", mac ? mac : "");
	p->round = round;
	p->exit_code = (uint8_t)(code & 0xff);
	p->finding = -1;
	p->start_s = (float)start_s;
	p->total_ms = (float)total_ms;
	s->done++;
	s->by_exit[code & 0xff]++;
	struct ps_storm_second *b = second_at(s, start_s);
	b->started++;
	struct ps_storm_second *e = second_at(s, start_s + total_ms / 1000.0);
	if (code == 0)
		e->ok++;
	else
		e->failed++;
	if (!timed)
		return p;
	e->total_ms_sum += total_ms;
	if (total_ms > e->total_ms_max)
		e->total_ms_max = total_ms;
	ps_hist_add(&s->hist[PS_STORM_TOTAL], to_us(total_ms));
	return p;
}

static struct ps_storm_finding *finding_of(struct ps_storm_report *s, enum ps_finding_id id)
{
	for (size_t i = 0; i < s->n_findings; i++)
		if (s->findings[i].id == id)
			return &s->findings[i];
	s->findings = ps_xrealloc(s->findings, (s->n_findings + 1) * sizeof *s->findings);
	struct ps_storm_finding *f = &s->findings[s->n_findings++];
	memset(f, 0, sizeof *f);
	f->id = id;
	f->severity = PS_SEV_INFO;
	return f;
}

/* The connect, TLS and first-byte times of each connection of the pass. */
static void add_timings(struct ps_storm_report *s, const struct ps_report *r)
{
	for (size_t i = 0; i < r->n_hops; i++) {
		const struct ps_hop *h = &r->hops[i];
		bool tcp = h->scheme && (strcasecmp(h->scheme, "https") == 0 ||
					 strcasecmp(h->scheme, "http") == 0);
		bool tls_ok = false;
		double tls_ms = 0;
		for (size_t k = 0; k < h->n_steps; k++) {
			const struct ps_step *st = &h->steps[k];
			if (st->status != PS_STATUS_OK && st->status != PS_STATUS_WARN)
				continue;
			if (st->id == PS_STEP_CONNECT && tcp)
				ps_hist_add(&s->hist[PS_STORM_CONNECT], to_us(st->duration_ms));
			else if (st->id == PS_STEP_TLS_HANDSHAKE) {
				ps_hist_add(&s->hist[PS_STORM_TLS], to_us(st->duration_ms));
				tls_ok = true;
				tls_ms = st->duration_ms;
			}
		}
		const struct ps_http_info *hi = &h->http;
		if (tcp && hi->attempted && hi->status > 0 && hi->t_first_byte > 0) {
			/* curl's times run from the start of the request's
			 * transfer, through its connect and the phone's
			 * handshake (made inside it). */
			double fb = hi->t_first_byte - hi->t_connect - (tls_ok ? tls_ms : 0);
			ps_hist_add(&s->hist[PS_STORM_FIRST_BYTE], to_us(fb));
		}
	}
}

void ps_storm_add(struct ps_storm_report *s, const struct ps_report *pass, const char *mac,
		  uint32_t round, const struct ps_storm_timing *t)
{
	struct ps_storm_pass *p =
	    new_pass(s, mac, round, pass->exit_code, t->start_s, t->total_ms, true);
	ps_hist_add(&s->hist[PS_STORM_LAG], to_us(t->lag_ms));
	add_timings(s, pass);
	bool seen[PS_F_COUNT] = { false };
	for (size_t i = 0; i < pass->n_findings; i++) {
		const struct ps_finding *f = &pass->findings[i];
		if (f->id >= PS_F_COUNT)
			continue;
		if (p->finding < 0 && f->severity == PS_SEV_ERROR && pass->exit_code)
			p->finding = (int16_t)f->id;
		if (seen[f->id])
			continue;
		seen[f->id] = true;
		struct ps_storm_finding *sf = finding_of(s, f->id);
		if (f->severity > sf->severity || !sf->passes)
			sf->severity = f->severity;
		/* the words of the earliest pass to have it (passes end in
		 * another order than they begin) */
		if (!sf->passes++ || t->start_s < sf->first_s) {
			free(sf->mac);
			free(sf->detail);
			sf->mac = ps_xstrdup(mac);
			sf->detail = ps_xstrdup(f->detail);
			sf->first_s = t->start_s;
		}
	}
}

void ps_storm_add_refused(struct ps_storm_report *s, const char *mac, uint32_t round,
			  double start_s, const char *why)
{
	new_pass(s, mac, round, PS_EXIT_USAGE, start_s, 0, false);
	if (!s->first_error)
		s->first_error = ps_xasprintf("%s: %s", mac ? mac : "?", why ? why : "?");
}

void ps_storm_snapshot(struct ps_storm_report *dst, const struct ps_storm_report *src)
{
	ps_storm_params_clear(&dst->params);
	for (size_t i = 0; i < dst->n_findings; i++) {
		free(dst->findings[i].mac);
		free(dst->findings[i].detail);
	}
	free(dst->first_error);
	struct ps_storm_second *seconds = dst->seconds;
	struct ps_storm_finding *findings = dst->findings;
	unsigned *shards = dst->shards;
	struct ps_storm_pass *passes = dst->passes;
	*dst = *src;
	ps_storm_params_copy(&dst->params, &src->params);
	dst->seconds = ps_xrealloc(seconds, (src->n_seconds + 1) * sizeof *seconds);
	if (src->n_seconds)
		memcpy(dst->seconds, src->seconds, src->n_seconds * sizeof *seconds);
	dst->findings = ps_xrealloc(findings, (src->n_findings + 1) * sizeof *findings);
	for (size_t i = 0; i < src->n_findings; i++) {
		dst->findings[i] = src->findings[i];
		dst->findings[i].mac = ps_xstrdup(src->findings[i].mac);
		dst->findings[i].detail = ps_xstrdup(src->findings[i].detail);
	}
	dst->shards = ps_xrealloc(shards, (src->n_shards + 1) * sizeof *shards);
	if (src->n_shards)
		memcpy(dst->shards, src->shards, src->n_shards * sizeof *shards);
	dst->passes = passes; /* none copied */
	dst->n_passes = dst->cap_passes = 0;
	dst->first_error = ps_xstrdup(src->first_error);
}

void ps_storm_duration(char *buf, size_t n, uint64_t us)
{
	double v = (double)us;
	if (v < 9995.0)
		snprintf(buf, n, "%.2f ms", v / 1e3);
	else if (v < 999500.0)
		snprintf(buf, n, "%.0f ms", v / 1e3);
	else if (v < 9995000.0)
		snprintf(buf, n, "%.2f s", v / 1e6);
	else if (v < 999.5e6)
		snprintf(buf, n, "%.0f s", v / 1e6);
	else if (v < 5999.5e6)
		snprintf(buf, n, "%.0f min", v / 60e6);
	else
		snprintf(buf, n, "%.0f h", v / 3600e6);
}

uint64_t ps_storm_count(const struct ps_storm_report *s, int code)
{
	return s->by_exit[code & 0xff];
}

static bool str_differ(const char *a, const char *b)
{
	return (a || b) && (!a || !b || strcmp(a, b) != 0);
}

char *ps_storm_params_differ(const struct ps_storm_params *a, const struct ps_storm_params *b)
{
	if (str_differ(a->target, b->target))
		return ps_xasprintf("the target: %s, %s", a->target ? a->target : "none",
				    b->target ? b->target : "none");
	if (str_differ(a->model, b->model))
		return ps_xasprintf("the model: %s, %s", a->model ? a->model : "none",
				    b->model ? b->model : "none");
	/* a list by its MACs, not by its path (the shards' hosts have their
	 * own copies) */
	if (!a->devices != !b->devices || str_differ(a->devices_sha256, b->devices_sha256) ||
	    str_differ(a->first_mac, b->first_mac) || a->n_devices != b->n_devices)
		return ps_xstrdup("the devices (--count, --mac, or the MACs of --devices)");
	if (a->device_ca != b->device_ca)
		return ps_xstrdup("the certificates (--device-ca in one, not in the other)");
	if (a->handshake_only != b->handshake_only)
		return ps_xstrdup("--handshake-only");
	if (str_differ(a->firmware, b->firmware))
		return ps_xstrdup("the firmware (--firmware)");
	if (str_differ(a->tftp_server, b->tftp_server))
		return ps_xstrdup("the TFTP server (--tftp-server)");
	if (a->timeout_ms != b->timeout_ms)
		return ps_xstrdup("the timeout (--timeout)");
	if (a->n_passes != b->n_passes || a->spread_s != b->spread_s || a->rate != b->rate ||
	    a->duration_s != b->duration_s || a->seed != b->seed)
		return ps_xstrdup("the schedule (--spread, --rate, --duration or --seed)");
	if (a->shard_n != b->shard_n)
		return ps_xasprintf("the number of shards: %u, %u", a->shard_n, b->shard_n);
	return NULL;
}

static void add_shard(struct ps_storm_report *s, unsigned i)
{
	size_t k = 0;
	while (k < s->n_shards && s->shards[k] < i)
		k++;
	if (k < s->n_shards && s->shards[k] == i)
		return;
	s->shards = ps_xrealloc(s->shards, (s->n_shards + 1) * sizeof *s->shards);
	memmove(s->shards + k + 1, s->shards + k, (s->n_shards - k) * sizeof *s->shards);
	s->shards[k] = i;
	s->n_shards++;
}

void ps_storm_merge(struct ps_storm_report *into, const struct ps_storm_report *shard)
{
	if (!into->n_shards && !into->params.shard_n)
		ps_storm_params_copy(&into->params, &shard->params);
	for (size_t i = 0; i < shard->n_shards; i++)
		add_shard(into, shard->shards[i]);
	into->planned += shard->planned;
	into->done += shard->done;
	into->not_started += shard->not_started;
	for (int c = 0; c < 256; c++)
		into->by_exit[c] += shard->by_exit[c];
	for (int k = 0; k < PS_STORM_STEP_COUNT; k++)
		ps_hist_merge(&into->hist[k], &shard->hist[k]);
	if (shard->n_seconds)
		second_at(into, (double)(shard->n_seconds - 1));
	for (size_t i = 0; i < shard->n_seconds; i++) {
		struct ps_storm_second *a = &into->seconds[i];
		const struct ps_storm_second *b = &shard->seconds[i];
		a->started += b->started;
		a->ok += b->ok;
		a->failed += b->failed;
		a->total_ms_sum += b->total_ms_sum;
		if (b->total_ms_max > a->total_ms_max)
			a->total_ms_max = b->total_ms_max;
	}
	for (size_t i = 0; i < shard->n_findings; i++) {
		const struct ps_storm_finding *b = &shard->findings[i];
		struct ps_storm_finding *a = finding_of(into, b->id);
		if (!a->passes || b->first_s < a->first_s ||
		    (b->first_s == a->first_s && b->mac && a->mac && strcmp(b->mac, a->mac) < 0)) {
			free(a->mac);
			free(a->detail);
			a->mac = ps_xstrdup(b->mac);
			a->detail = ps_xstrdup(b->detail);
			a->first_s = b->first_s;
		}
		if (!a->passes || b->severity > a->severity)
			a->severity = b->severity;
		a->passes += b->passes;
	}
	if (shard->n_passes) {
		into->cap_passes = into->n_passes + shard->n_passes;
		into->passes = ps_xrealloc(into->passes, into->cap_passes * sizeof *into->passes);
		memcpy(into->passes + into->n_passes, shard->passes,
		       shard->n_passes * sizeof *shard->passes);
		into->n_passes += shard->n_passes;
	}
	if (shard->wall_s > into->wall_s)
		into->wall_s = shard->wall_s;
	into->interrupted |= shard->interrupted;
	if (shard->client_busy > into->client_busy)
		into->client_busy = shard->client_busy;
	if (!into->first_error && shard->first_error)
		into->first_error = ps_xstrdup(shard->first_error);
}

static int pass_cmp(const void *a, const void *b)
{
	const struct ps_storm_pass *x = a, *y = b;
	int c = strcmp(x->mac, y->mac);
	if (c)
		return c;
	return x->round < y->round ? -1 : x->round > y->round;
}

static int finding_cmp(const void *a, const void *b)
{
	const struct ps_storm_finding *x = a, *y = b;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->passes != y->passes)
		return x->passes > y->passes ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* When failures began and at what rates: the first second in which a
 * tenth or more of the passes that ended failed, two at least (a device
 * whose file is missing fails in every second and is no onset), else the
 * second of the first failure; the rates over the five seconds up to it
 * (fewer at the start). */
static void onset(struct ps_storm_report *s)
{
	s->onset_s = s->first_failure_s = -1;
	s->onset_span_s = 0;
	for (size_t i = 0; i < s->n_seconds; i++) {
		const struct ps_storm_second *b = &s->seconds[i];
		if (b->failed && s->first_failure_s < 0)
			s->first_failure_s = (long)i;
		if (b->failed >= 2 && b->failed * 10 >= b->ok + b->failed) {
			s->onset_s = (long)i;
			break;
		}
	}
	if (s->onset_s < 0)
		s->onset_s = s->first_failure_s;
	s->rate_done = s->wall_s > 0 ? (double)s->done / s->wall_s : 0;
	if (s->onset_s < 0)
		return;
	size_t from = s->onset_s >= 4 ? (size_t)s->onset_s - 4 : 0;
	uint64_t started = 0, ended = 0;
	for (size_t i = from; i <= (size_t)s->onset_s; i++) {
		started += s->seconds[i].started;
		ended += s->seconds[i].ok + s->seconds[i].failed;
	}
	s->onset_span_s = (unsigned)((size_t)s->onset_s - from + 1);
	s->onset_rate = (double)started / s->onset_span_s;
	s->onset_done_rate = (double)ended / s->onset_span_s;
}

static char *shard_list(const struct ps_storm_report *s, bool missing)
{
	struct ps_buf b = { 0 };
	size_t k = 0;
	for (unsigned i = 1; i <= s->params.shard_n; i++) {
		bool have = false;
		for (size_t j = 0; j < s->n_shards; j++)
			have |= s->shards[j] == i;
		if (have == missing)
			continue;
		ps_buf_printf(&b, "%s%u", k++ ? ", " : "", i);
	}
	return b.s ? b.s : ps_xstrdup("none");
}

/* The storm's own findings. */
static void own_findings(struct ps_report *r, const struct ps_storm_report *s)
{
	const struct ps_hist *lag = &s->hist[PS_STORM_LAG];
	bool scheduled = s->params.rate > 0 || s->params.spread_s > 0;
	uint64_t p95 = ps_hist_percentile(lag, 95);
	if (scheduled && lag->n && p95 > 250000) {
		char *d = ps_xasprintf("95%% of the passes began up to %.2f s late (the latest "
				       "%.2f s) with --jobs %u",
				       (double)p95 / 1e6, (double)lag->max / 1e6, s->params.jobs);
		ps_report_add_finding_sev(r, -1, PS_F_STORM_LAGGING, PS_SEV_WARN, d);
		free(d);
	}
	if (s->not_started) {
		char *d = ps_xasprintf(
		    "%" PRIu64 " of %" PRIu64 " passes not begun (%s)", s->not_started, s->planned,
		    s->interrupted ? "the storm was stopped" : "--duration ended first");
		ps_report_add_finding_sev(r, -1, PS_F_STORM_NOT_STARTED, PS_SEV_INFO, d);
		free(d);
	}
	if (s->client_busy >= 0.9) {
		char *d = ps_xasprintf("provscope used %.0f%% of this machine's cores: the "
				       "figures may be the client's limit, not the server's",
				       s->client_busy * 100.0);
		ps_report_add_finding_sev(r, -1, PS_F_STORM_CLIENT_BOUND, PS_SEV_WARN, d);
		free(d);
	}
	if (s->merged && s->shards_apart_s > 5) {
		char *d = ps_xasprintf("the shards began up to %.0f s apart: the merged timeline "
				       "and rates add passes that did not run together",
				       s->shards_apart_s);
		ps_report_add_finding_sev(r, -1, PS_F_STORM_SHARDS_APART, PS_SEV_WARN, d);
		free(d);
	}
	if (s->merged && s->params.shard_n > 1 && s->n_shards < s->params.shard_n) {
		char *have = shard_list(s, false), *miss = shard_list(s, true);
		char *d = ps_xasprintf("shards %s of %u merged; %s missing", have,
				       s->params.shard_n, miss);
		ps_report_add_finding_sev(r, -1, PS_F_STORM_SHARDS_MISSING, PS_SEV_WARN, d);
		free(d);
		free(have);
		free(miss);
	}
}

void ps_storm_finish(struct ps_report *r)
{
	struct ps_storm_report *s = r->storm;
	if (s->n_passes > 1)
		qsort(s->passes, s->n_passes, sizeof *s->passes, pass_cmp);
	if (s->n_findings > 1)
		qsort(s->findings, s->n_findings, sizeof *s->findings, finding_cmp);
	onset(s);
	for (size_t i = 0; i < r->n_findings; i++)
		free(r->findings[i].detail);
	r->n_findings = 0;
	for (size_t i = 0; i < s->n_findings; i++) {
		const struct ps_storm_finding *f = &s->findings[i];
		char *d = ps_xasprintf("%" PRIu64 " of %" PRIu64 " passes; the first, %s: %s",
				       f->passes, s->done, f->mac ? f->mac : "?",
				       f->detail ? f->detail : ps_finding_text(f->id));
		ps_report_add_finding_sev(r, -1, f->id, f->severity, d);
		free(d);
	}
	own_findings(r, s);
	int worst = 0;
	for (int c = 255; c > 0 && !worst; c--)
		if (s->by_exit[c])
			worst = c;
	uint64_t ok = s->by_exit[0], failed = s->done - ok;
	r->exit_code = worst;
	r->verdict = worst ? "fail" : "ok";
	free(r->summary);
	if (!s->done)
		r->summary = ps_xstrdup("no pass was made");
	else if (!failed && s->params.handshake_only)
		r->summary = ps_xasprintf("all %" PRIu64 " passes completed the TLS handshake "
					  "(--handshake-only: no request was made)",
					  s->done);
	else if (!failed)
		r->summary = ps_xasprintf("all %" PRIu64 " passes would provision", s->done);
	else {
		struct ps_buf b = { 0 };
		ps_buf_printf(&b, "%" PRIu64 " of %" PRIu64 " passes failed:", failed, s->done);
		for (int c = 1, k = 0; c < 256; c++)
			if (s->by_exit[c])
				ps_buf_printf(&b, "%s %" PRIu64 " %s", k++ ? "," : "",
					      s->by_exit[c],
					      ps_exit_name(c) ? ps_exit_name(c) : "?");
		r->summary = b.s;
	}
	r->finished = true;
}
