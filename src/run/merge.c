/* provscope merge (see run.h): the JSON results of a storm's shards read
 * back into storm reports, checked to be shards of one storm, merged and
 * written as one report. */
#include "config.h"

#include "run/run.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/util.h"
#include "model/storm.h"

/* A result file: a storm of 10 million passes is some 1.5 GiB of JSON;
 * more is no result of ours. */
#define MERGE_MAX_BYTES ((size_t)2 << 30)

static const char *str_at(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static char *dup_at(json_t *o, const char *key)
{
	const char *s = str_at(o, key);
	return s ? ps_xstrdup(s) : NULL;
}

static double num_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : 0;
}

/* A count: a whole number, not negative. */
static bool count_at(json_t *o, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (uint64_t)json_integer_value(v);
	return true;
}

static enum ps_severity severity_of(const char *s)
{
	return s && strcmp(s, "error") == 0     ? PS_SEV_ERROR
	       : s && strcmp(s, "warning") == 0 ? PS_SEV_WARN
						: PS_SEV_INFO;
}

static bool read_params(json_t *p, struct ps_storm_params *out, char **why)
{
	json_t *shard = json_object_get(p, "shard");
	uint64_t n_dev = 0, n_pass = 0, jobs = 0, si = 0, sn = 0;
	const char *seed = str_at(p, "seed");
	if (!json_is_object(p) || !count_at(p, "devices", &n_dev) ||
	    !count_at(p, "passes", &n_pass) || !count_at(p, "jobs", &jobs) ||
	    !count_at(shard, "index", &si) || !count_at(shard, "count", &sn) || !si || si > sn ||
	    !seed) {
		*why = ps_xstrdup("storm.params is incomplete");
		return false;
	}
	out->target = dup_at(p, "target");
	out->model = dup_at(p, "model");
	out->devices = dup_at(p, "devices_file");
	out->first_mac = dup_at(p, "first_mac");
	out->n_devices = n_dev;
	out->n_passes = n_pass;
	out->spread_s = num_at(p, "spread_s");
	out->rate = num_at(p, "rate");
	out->duration_s = num_at(p, "duration_s");
	out->seed = strtoull(seed, NULL, 10);
	out->jobs = (unsigned)jobs;
	out->shard_i = (unsigned)si;
	out->shard_n = (unsigned)sn;
	out->device_ca = json_is_true(json_object_get(p, "device_ca"));
	out->devices_sha256 = dup_at(p, "devices_sha256");
	out->handshake_only = json_is_true(json_object_get(p, "handshake_only"));
	out->firmware = dup_at(p, "firmware");
	out->tftp_server = dup_at(p, "tftp_server");
	out->timeout_ms = (unsigned)(num_at(p, "timeout_s") * 1000.0 + 0.5);
	return true;
}

static bool read_latency(json_t *lat, struct ps_storm_report *s, char **why)
{
	for (int k = 0; k < PS_STORM_STEP_COUNT; k++) {
		const char *name = ps_storm_step_name((enum ps_storm_step)k);
		json_t *h = json_object_get(json_object_get(lat, name), "histogram");
		char *text = h ? json_dumps(h, JSON_COMPACT) : NULL;
		char *herr = NULL;
		bool ok = text && ps_hist_from_json(text, &s->hist[k], &herr);
		free(text);
		if (!ok) {
			*why = ps_xasprintf("storm.latency.%s: %s", name,
					    herr ? herr : "no histogram");
			free(herr);
			return false;
		}
	}
	return true;
}

static bool read_timeline(json_t *tl, struct ps_storm_report *s, char **why)
{
	size_t n = json_array_size(tl);
	if (!json_is_array(tl) || n > 1000001) {
		*why = ps_xstrdup("storm.timeline is not a list of seconds");
		return false;
	}
	s->seconds = n ? ps_xcalloc(n, sizeof *s->seconds) : NULL;
	s->n_seconds = n;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(tl, i);
		uint64_t sec = 0;
		struct ps_storm_second *b = &s->seconds[i];
		if (!count_at(e, "second", &sec) || sec != i ||
		    !count_at(e, "started", &b->started) || !count_at(e, "ok", &b->ok) ||
		    !count_at(e, "failed", &b->failed)) {
			*why = ps_xasprintf("storm.timeline[%zu] is not second %zu", i, i);
			return false;
		}
		b->total_ms_sum = num_at(e, "total_ms_sum");
		b->total_ms_max = num_at(e, "total_ms_max");
	}
	return true;
}

static bool read_findings(json_t *fs, struct ps_storm_report *s, char **why)
{
	size_t n = json_array_size(fs);
	s->findings = n ? ps_xcalloc(n, sizeof *s->findings) : NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(fs, i);
		const char *id = str_at(e, "id");
		enum ps_finding_id fid = id ? ps_finding_lookup(id) : PS_F_COUNT;
		struct ps_storm_finding *f = &s->findings[s->n_findings];
		if (fid == PS_F_COUNT || !count_at(e, "passes", &f->passes)) {
			*why =
			    ps_xasprintf("storm.findings[%zu]: %s", i,
					 id ? "a finding this provscope does not know" : "no id");
			return false;
		}
		f->id = fid;
		f->severity = severity_of(str_at(e, "severity"));
		f->mac = dup_at(e, "first_mac");
		f->detail = dup_at(e, "first_detail");
		f->first_s = num_at(e, "first_start_s");
		s->n_findings++;
	}
	return true;
}

static bool read_passes(json_t *ps, struct ps_storm_report *s, char **why)
{
	size_t n = json_array_size(ps);
	s->passes = n ? ps_xcalloc(n, sizeof *s->passes) : NULL;
	s->cap_passes = n;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(ps, i);
		struct ps_storm_pass *p = &s->passes[i];
		const char *mac = str_at(e, "mac");
		const char *fid = str_at(e, "finding");
		uint64_t round = 0, code = 0;
		if (!mac || strlen(mac) > 12 || !count_at(e, "round", &round) ||
		    !count_at(e, "exit_code", &code) || code > 255 || round > UINT32_MAX ||
		    (fid && ps_finding_lookup(fid) == PS_F_COUNT)) {
			*why = ps_xasprintf("storm.passes[%zu] is not a pass", i);
			return false;
		}
		snprintf(p->mac, sizeof p->mac, "%s", mac);
		p->round = (uint32_t)round;
		p->exit_code = (uint8_t)code;
		p->finding = fid ? (int16_t)ps_finding_lookup(fid) : -1;
		p->start_s = (float)num_at(e, "start_s");
		p->total_ms = (float)num_at(e, "total_ms");
	}
	s->n_passes = n;
	return true;
}

/* One file's storm. NULL with `*err` when it is none. */
static struct ps_storm_report *read_storm(const char *file, time_t *started, char **err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char *why = NULL;
	if (!ps_read_file(file, MERGE_MAX_BYTES, &data, &len, &why)) {
		*err = ps_xasprintf("%s", why);
		free(why);
		return NULL;
	}
	json_error_t je;
	json_t *root = json_loadb((const char *)data, len, 0, &je);
	free(data);
	if (!root) {
		*err = ps_xasprintf("%s: not JSON (line %d: %s)", file, je.line, je.text);
		return NULL;
	}
	json_t *st = json_object_get(root, "storm");
	const char *schema = str_at(root, "schema"), *mode = str_at(root, "mode");
	if (!schema || strcmp(schema, "provscope/1") != 0 || !mode || strcmp(mode, "storm") != 0 ||
	    !json_is_object(st)) {
		*err = ps_xasprintf("%s: not the result of a storm (provscope storm --format json)",
				    file);
		json_decref(root);
		return NULL;
	}
	const char *when = str_at(root, "started");
	struct tm tm = { 0 };
	if (when && strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm))
		*started = timegm(&tm);
	struct ps_storm_report *s = ps_storm_new();
	json_t *shards = json_object_get(st, "shards"), *oc = json_object_get(st, "outcomes");
	bool ok = read_params(json_object_get(st, "params"), &s->params, &why) &&
		  read_latency(json_object_get(st, "latency"), s, &why) &&
		  read_timeline(json_object_get(st, "timeline"), s, &why) &&
		  read_findings(json_object_get(st, "findings"), s, &why) &&
		  read_passes(json_object_get(st, "passes"), s, &why);
	if (ok && (!count_at(st, "planned", &s->planned) || !count_at(st, "done", &s->done) ||
		   !count_at(st, "not_started", &s->not_started) || !json_is_array(shards) ||
		   !json_array_size(shards) || !json_is_array(oc))) {
		why = ps_xstrdup("storm lacks its counts");
		ok = false;
	}
	for (size_t i = 0; ok && i < json_array_size(shards); i++) {
		json_t *v = json_array_get(shards, i);
		json_int_t k = json_integer_value(v);
		if (!json_is_integer(v) || k < 1 || k > (json_int_t)s->params.shard_n) {
			why = ps_xstrdup("storm.shards holds no shard of it");
			ok = false;
			break;
		}
		s->shards = ps_xrealloc(s->shards, (s->n_shards + 1) * sizeof *s->shards);
		s->shards[s->n_shards++] = (unsigned)k;
	}
	uint64_t sum = 0;
	for (size_t i = 0; ok && i < json_array_size(oc); i++) {
		json_t *e = json_array_get(oc, i);
		uint64_t code = 0, n = 0;
		if (!count_at(e, "exit_code", &code) || code > 255 || !count_at(e, "passes", &n)) {
			why = ps_xasprintf("storm.outcomes[%zu] is not an outcome", i);
			ok = false;
			break;
		}
		s->by_exit[code] += n;
		sum += n;
	}
	if (ok && (sum != s->done || s->n_passes != s->done)) {
		why = ps_xasprintf("its counts disagree (%" PRIu64 " passes made, %" PRIu64
				   " by outcome, %zu listed)",
				   s->done, sum, s->n_passes);
		ok = false;
	}
	if (ok) {
		s->wall_s = num_at(st, "wall_s");
		s->interrupted = json_is_true(json_object_get(st, "interrupted"));
		s->shards_apart_s = num_at(st, "shards_apart_s");
		s->first_error = dup_at(st, "first_error");
		s->client_busy = num_at(st, "client_busy");
	}
	json_decref(root);
	if (!ok) {
		*err = ps_xasprintf("%s: %s", file, why);
		free(why);
		ps_storm_free(s);
		return NULL;
	}
	return s;
}

int ps_run_merge(const struct ps_config *c)
{
	struct ps_storm_report *all = ps_storm_new();
	const char **from = ps_xcalloc(c->n_files + 1, sizeof *from); /* per shard index */
	unsigned n_from = 0;
	time_t started = 0, latest = 0;
	int rc = PS_EXIT_OK;
	char *err = NULL;
	for (size_t i = 0; i < c->n_files && !err; i++) {
		time_t t = 0;
		struct ps_storm_report *s = read_storm(c->files[i], &t, &err);
		if (!s)
			break;
		if (i == 0) {
			ps_storm_params_copy(&all->params, &s->params);
			from = ps_xrealloc(from, (s->params.shard_n + 1) * sizeof *from);
			memset(from, 0, (s->params.shard_n + 1) * sizeof *from);
			n_from = s->params.shard_n;
		} else {
			char *d = ps_storm_params_differ(&all->params, &s->params);
			if (d) {
				err = ps_xasprintf("%s and %s are not shards of one storm: they "
						   "differ in %s",
						   c->files[0], c->files[i], d);
				free(d);
			}
		}
		for (size_t k = 0; !err && k < s->n_shards; k++) {
			unsigned si = s->shards[k];
			if (si <= n_from && from[si])
				err = ps_xasprintf("shard %u of %u is in both %s and %s", si,
						   s->params.shard_n, from[si], c->files[i]);
			else if (si <= n_from)
				from[si] = c->files[i];
		}
		if (!err) {
			ps_storm_merge(all, s);
			if (!started || (t && t < started))
				started = t;
			if (t > latest)
				latest = t;
			/* a merged file's own spread counts too */
			if (s->shards_apart_s > all->shards_apart_s)
				all->shards_apart_s = s->shards_apart_s;
		}
		ps_storm_free(s);
	}
	free(from);
	if (err) {
		fprintf(stderr, "provscope: merge: %s\n", err);
		free(err);
		ps_storm_free(all);
		return PS_EXIT_USAGE;
	}
	all->params.shard_i = all->n_shards ? all->shards[0] : 1;
	all->merged = true;
	if (started && latest && (double)(latest - started) > all->shards_apart_s)
		all->shards_apart_s = (double)(latest - started);
	struct ps_report *report = ps_report_new();
	report->mode = PS_MODE_STORM;
	report->tool_version = ps_xstrdup(PACKAGE_VERSION);
	report->started = started;
	report->show_secrets = c->show_secrets;
	report->target = ps_xstrdup(all->params.target);
	report->storm = all;
	ps_storm_finish(report);
	rc = report->exit_code;
	if (ps_run_write(c, report) < 0)
		rc = PS_EXIT_USAGE;
	ps_report_free(report);
	return rc;
}
