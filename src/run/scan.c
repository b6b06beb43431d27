/* provscope scan (see run.h): the models planned into passes, one per
 * distinct offer and URL; the server's hello probes (each protocol version,
 * each suite of the offers alone, the preferred suite both ways round);
 * the audit of a per-device file; all on the worker pool. Then the scan's
 * report: its matrix, its findings (each once, with the models it
 * concerns) and its exit status. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "core/pool.h"
#include "core/util.h"
#include "engine/engine.h"
#include "engine/tls.h"
#include "model/expect.h"
#include "model/scan.h"
#include "phone/catalogue.h"
#include "phone/identity.h"
#include "run/run.h"
#include "tlswire/tlsnames.h"

#define DEFAULT_JOBS 8

/* A model of the scan, planned. */
struct model_plan {
	const struct ps_model *m;
	char *url;   /* the URL its pass fetches first, NULL if none */
	char *key;   /* what its pass depends on: offer, URL, MAC, firmware */
	size_t pass; /* index in scan.pp */
	char *error; /* its run could not be set up */
};

/* A pass to make. */
struct pass_plan {
	size_t model; /* the model it is made as */
	struct ps_run *run;
	struct ps_report *report;
	bool audit_host; /* the audit follows it in the same job */
};

enum job_kind { JOB_PASS, JOB_VERSION, JOB_SUITE, JOB_PREFERRED, JOB_REVERSED, JOB_SNI };

struct job {
	enum job_kind kind;
	size_t i;
};

struct scan {
	const struct ps_session *s;
	const struct ps_config *c;
	time_t at; /* the phones' clock */
	struct ps_scan_report *sr;
	struct model_plan *mp;
	size_t n_mp;
	struct pass_plan *pp;
	size_t n_pp;
	struct job *jobs;
	size_t n_jobs;
	/* The hello probes: the URL of the server and the run whose settings
	 * (pins, timeout) they borrow; NULL when there is no TLS to probe. */
	const char *probe_url;
	const struct ps_run_config *probe_cfg;
	char **suite_priority; /* per suite of sr */
	char *pref_priority, *rev_priority;
	char *sni_priority; /* the preferred offer with extensions: the host's name */
	ps_scan_progress_fn progress;
	void *progress_ctx;
	size_t n_done;
};

/* --- the plan ------------------------------------------------------------------- */

static char *plan_key(const struct ps_run_config *cfg, const char *url)
{
	const struct ps_identity *id = cfg->identity;
	return ps_xasprintf("%s\n%d\n%s\n%s\n%s\n%d", cfg->priority,
			    id->model->legacy_renegotiation, url ? url : "", id->mac, id->firmware,
			    id->model->https_upgrade);
}

/* Each model's URL and key; a pass for each distinct key, made as the
 * first model with it. */
static void plan_models(struct scan *sc)
{
	size_t n;
	const struct ps_model *const *models = ps_session_scan_models(sc->s, &n);
	sc->mp = ps_xcalloc(n + 1, sizeof *sc->mp);
	sc->pp = ps_xcalloc(n + 1, sizeof *sc->pp);
	sc->n_mp = n;
	for (size_t i = 0; i < n; i++) {
		struct model_plan *mp = &sc->mp[i];
		mp->m = models[i];
		struct ps_run_setup setup = { .model = models[i], .at = sc->at };
		struct ps_report *report = ps_report_new();
		char *err = NULL;
		struct ps_run *run = ps_run_new(sc->s, &setup, NULL, report, &err);
		if (!run) {
			mp->error = err ? err : ps_xstrdup("the run could not be set up");
			mp->pass = (size_t)-1;
			ps_report_free(report);
			continue;
		}
		const struct ps_run_config *cfg = ps_run_cfg(run);
		mp->url = ps_engine_first_url(cfg, &err);
		free(err);
		mp->key = plan_key(cfg, mp->url);
		size_t k = 0;
		while (k < sc->n_pp && strcmp(sc->mp[sc->pp[k].model].key, mp->key) != 0)
			k++;
		mp->pass = k;
		if (k < sc->n_pp) { /* the same offer to the same URL: that pass */
			ps_run_free(run);
			ps_report_free(report);
			continue;
		}
		sc->pp[sc->n_pp++] = (struct pass_plan){ .model = i, .run = run, .report = report };
	}
}

/* The server the hello probes ask: the first https URL of the plan. */
static void plan_probes_target(struct scan *sc)
{
	for (size_t k = 0; k < sc->n_pp && !sc->probe_url; k++) {
		const char *u = sc->mp[sc->pp[k].model].url;
		if (u && ps_strn_ieq(u, "https://", 8)) {
			sc->probe_url = u;
			sc->probe_cfg = ps_run_cfg(sc->pp[k].run);
		}
	}
}

/* "NONE:+VERS-TLS1.0:+KX...:+CIPHER...:+MAC...:+COMP-NULL:+SIGN-ALL:
 * %NO_EXTENSIONS", the phones' shape of offer, from token lists. */
static char *phone_priority(const char *vers, const char *kx, const char *cipher, const char *mac)
{
	return ps_xasprintf("NONE:%s:%s:%s:%s:+COMP-NULL:+SIGN-ALL:%%NO_EXTENSIONS", vers, kx,
			    cipher, mac);
}

/* Whether a suite needs TLS 1.2 (AEAD, SHA-256: a learned model's). */
static bool needs_tls12(unsigned id)
{
	unsigned char sid[2];
	gnutls_protocol_t min = GNUTLS_TLS1_0;
	for (size_t k = 0; gnutls_cipher_suite_info(k, sid, NULL, NULL, NULL, &min); k++)
		if (((unsigned)sid[0] << 8 | sid[1]) == id)
			return min > GNUTLS_TLS1_1;
	return false;
}

/* Append "+NAME" to the token list `b` unless it is there. */
static void add_token(struct ps_buf *b, const char *name)
{
	char *tok = ps_xasprintf("+%s", name);
	bool have = false;
	if (b->s)
		for (const char *p = strstr(b->s, tok); p && !have; p = strstr(p + 1, tok)) {
			char end = p[strlen(tok)];
			have = (p == b->s || p[-1] == ':') && (end == ':' || end == '\0');
		}
	if (!have)
		ps_buf_printf(b, "%s%s", b->len ? ":" : "", tok);
	free(tok);
}

/* The suites of the selected models' offers (each once, in the order of
 * the first model that offers it), and the priorities that offer each
 * alone, all of them, and all of them reversed. */
static void plan_suites(struct scan *sc)
{
	struct ps_scan_report *sr = sc->sr;
	struct ps_tls_suite_def *all = NULL;
	size_t n_all = 0, cap = 0;
	struct ps_buf kx[2] = { { 0 } }, ci[2] = { { 0 } }, mac[2] = { { 0 } };
	for (size_t i = 0; i < sc->n_mp; i++) {
		const char *prio = sc->c->priority ? sc->c->priority : sc->mp[i].m->priority;
		struct ps_tls_suite_def *d;
		size_t n = ps_tls_priority_suites(prio, &d);
		for (size_t k = 0; k < n; k++) {
			size_t j = 0;
			while (j < n_all && all[j].id != d[k].id)
				j++;
			if (j == n_all) {
				all = ps_xgrow(all, &cap, n_all + 1, sizeof *all);
				all[n_all++] = d[k];
				sr->suites = ps_xrealloc(sr->suites, n_all * sizeof *sr->suites);
				struct ps_scan_suite *su = &sr->suites[n_all - 1];
				memset(su, 0, sizeof *su);
				su->id = d[k].id;
				const char *name = ps_suite_name(d[k].id);
				su->name =
				    name ? ps_xstrdup(name) : ps_xasprintf("0x%04X", d[k].id);
				su->hello.alert = -1;
				add_token(&kx[0], d[k].kx);
				add_token(&ci[0], d[k].cipher);
				add_token(&mac[0], d[k].mac);
			}
			struct ps_scan_suite *su = &sr->suites[j];
			char *m = ps_xasprintf("%s%s%s", su->models ? su->models : "",
					       su->models ? ", " : "", sc->mp[i].m->id);
			free(su->models);
			su->models = m;
		}
		free(d);
	}
	sr->n_suites = n_all;
	sc->suite_priority = ps_xcalloc(n_all + 1, sizeof *sc->suite_priority);
	bool any12 = false;
	for (size_t j = 0; j < n_all; j++) {
		char *kx1 = ps_xasprintf("+%s", all[j].kx),
		     *ci1 = ps_xasprintf("+%s", all[j].cipher),
		     *mac1 = ps_xasprintf("+%s", all[j].mac);
		bool v12 = needs_tls12(all[j].id);
		sr->suites[j].tls12 = v12;
		any12 |= v12;
		sc->suite_priority[j] =
		    phone_priority(v12 ? "+VERS-TLS1.2" : "+VERS-TLS1.0", kx1, ci1, mac1);
		free(kx1);
		free(ci1);
		free(mac1);
	}
	/* The same tokens reversed: a client that prefers the other end. */
	for (size_t j = n_all; j > 0; j--) {
		add_token(&kx[1], all[j - 1].kx);
		add_token(&ci[1], all[j - 1].cipher);
		add_token(&mac[1], all[j - 1].mac);
	}
	if (n_all) {
		const char *v = any12 ? "+VERS-TLS1.2:+VERS-TLS1.0" : "+VERS-TLS1.0";
		sc->pref_priority = phone_priority(v, kx[0].s, ci[0].s, mac[0].s);
		sc->rev_priority = phone_priority(v, kx[1].s, ci[1].s, mac[1].s);
	}
	for (int k = 0; k < 2; k++) {
		ps_buf_free(&kx[k]);
		ps_buf_free(&ci[k]);
		ps_buf_free(&mac[k]);
	}
	free(all);
}

/* The jobs: the audit's host first (it does most), the other passes, then
 * the probes. */
static void plan_jobs(struct scan *sc)
{
	size_t cap = sc->n_pp + PS_SCAN_VERSIONS + sc->sr->n_suites + 3;
	sc->jobs = ps_xcalloc(cap + 1, sizeof *sc->jobs);
	/* The audit: the first pass whose URL is a per-device file. */
	for (size_t k = 0; k < sc->n_pp && !sc->c->handshake_only; k++) {
		const char *u = sc->mp[sc->pp[k].model].url;
		if (u && ps_engine_audit_concerns(ps_run_cfg(sc->pp[k].run), u)) {
			sc->pp[k].audit_host = true;
			sc->jobs[sc->n_jobs++] = (struct job){ JOB_PASS, k };
			break;
		}
	}
	for (size_t k = 0; k < sc->n_pp; k++)
		if (!sc->pp[k].audit_host)
			sc->jobs[sc->n_jobs++] = (struct job){ JOB_PASS, k };
	if (!sc->probe_url)
		return;
	for (size_t v = 0; v < PS_SCAN_VERSIONS; v++)
		sc->jobs[sc->n_jobs++] = (struct job){ JOB_VERSION, v };
	for (size_t j = 0; j < sc->sr->n_suites; j++)
		sc->jobs[sc->n_jobs++] = (struct job){ JOB_SUITE, j };
	if (sc->pref_priority) {
		sc->jobs[sc->n_jobs++] = (struct job){ JOB_PREFERRED, 0 };
		sc->jobs[sc->n_jobs++] = (struct job){ JOB_REVERSED, 0 };
		/* Does the server choose its certificate by name? The same offer
		 * with extensions, so with the host's name. */
		sc->sr->sni_name = ps_engine_sni_name(sc->probe_url);
		if (sc->sr->sni_name) {
			const char *cut = strstr(sc->pref_priority, ":%NO_EXTENSIONS");
			sc->sni_priority =
			    ps_xstrndup(sc->pref_priority, cut ? (size_t)(cut - sc->pref_priority)
							       : strlen(sc->pref_priority));
			sc->jobs[sc->n_jobs++] = (struct job){ JOB_SNI, 0 };
		}
	}
}

/* --- the jobs ----------------------------------------------------------------------- */

/* The per-device file a pass got: a 200 with a body from a URL that holds
 * the phone's MAC. */
static const char *fetched_file(const struct pass_plan *p)
{
	const struct ps_report *r = p->report;
	for (size_t h = 0; h < r->n_hops; h++)
		if (r->hops[h].http.status == 200 && r->hops[h].http.body_size > 0 &&
		    ps_engine_audit_concerns(ps_run_cfg(p->run), r->hops[h].url))
			return r->hops[h].url;
	return NULL;
}

/* The audit of the file the pass got, as its model; false when it got
 * none. */
static bool audit_after(struct scan *sc, const struct pass_plan *p)
{
	const char *url = fetched_file(p);
	if (!url)
		return false;
	struct ps_report *a = ps_report_new();
	a->mode = PS_MODE_LIVE;
	a->tool_version = ps_xstrdup(PACKAGE_VERSION);
	a->target = ps_xstrdup(url);
	a->show_secrets = p->report->show_secrets;
	ps_phone_info_copy(&a->phone, &p->report->phone);
	struct ps_sink sink = ps_report_sink(a);
	ps_engine_run_audit(ps_run_cfg(p->run), url, &sink);
	ps_report_finish(a);
	sc->sr->audit = a;
	char *shown = p->report->show_secrets ? ps_xstrdup(url) : ps_redact_secrets(url);
	sc->sr->audit_note = ps_xasprintf("%s, the file the %s got: asked for again without a "
					  "certificate, and a neighbour MAC's file with its own",
					  shown, sc->mp[p->model].m->product);
	free(shown);
	return true;
}

static void run_pass(struct scan *sc, struct pass_plan *p)
{
	struct ps_sink sink = ps_report_sink(p->report);
	char *err = NULL;
	ps_run_play(p->run, &sink, &err); /* live runs read no file */
	free(err);
	ps_report_finish(p->report);
	if (p->audit_host)
		audit_after(sc, p);
}

static void job_fn(void *ctx, size_t i)
{
	struct scan *sc = ctx;
	const struct job *j = &sc->jobs[i];
	struct ps_scan_report *sr = sc->sr;
	static const char *const versions[PS_SCAN_VERSIONS] = {
		"NORMAL:-VERS-ALL:+VERS-TLS1.0:+ARCFOUR-128:+3DES-CBC:+MD5",
		"NORMAL:-VERS-ALL:+VERS-TLS1.1:+ARCFOUR-128:+3DES-CBC:+MD5",
		"NORMAL:-VERS-ALL:+VERS-TLS1.2:+ARCFOUR-128:+3DES-CBC:+MD5",
		"NORMAL:-VERS-ALL:+VERS-TLS1.3",
	};
	switch (j->kind) {
	case JOB_PASS:
		run_pass(sc, &sc->pp[j->i]);
		break;
	case JOB_VERSION:
		ps_engine_hello(sc->probe_cfg, sc->probe_url, versions[j->i],
				&sr->protocols[j->i].hello);
		break;
	case JOB_SUITE:
		ps_engine_hello(sc->probe_cfg, sc->probe_url, sc->suite_priority[j->i],
				&sr->suites[j->i].hello);
		break;
	case JOB_PREFERRED:
		ps_engine_hello(sc->probe_cfg, sc->probe_url, sc->pref_priority, &sr->preferred);
		break;
	case JOB_REVERSED:
		ps_engine_hello(sc->probe_cfg, sc->probe_url, sc->rev_priority, &sr->reversed);
		break;
	case JOB_SNI:
		ps_engine_hello(sc->probe_cfg, sc->probe_url, sc->sni_priority, &sr->sni);
		break;
	}
}

static void job_done(void *ctx, size_t i)
{
	struct scan *sc = ctx;
	const struct job *j = &sc->jobs[i];
	sc->n_done++;
	if (!sc->progress)
		return;
	char *what = j->kind == JOB_PASS
			 ? ps_xasprintf("pass as %s", sc->mp[sc->pp[j->i].model].m->id)
		     : j->kind == JOB_VERSION ? ps_xasprintf("%s", sc->sr->protocols[j->i].version)
		     : j->kind == JOB_SUITE   ? ps_xasprintf("%s", sc->sr->suites[j->i].name)
					      : ps_xstrdup("the server's preference");
	sc->progress(sc->progress_ctx, sc->n_done, sc->n_jobs, what);
	free(what);
}

/* --- the report ----------------------------------------------------------------------- */

/* What the probes found, read off their records. */
static void judge_probes(struct ps_scan_report *sr)
{
	for (size_t j = 0; j < sr->n_suites; j++) {
		const struct ps_scan_hello *h = &sr->suites[j].hello;
		sr->suites[j].accepted = !h->done || !h->connected || (h->silent && !h->answered)
					     ? -1
					     : h->answered && h->suite_id == sr->suites[j].id;
	}
}

/* Client certificates: what the first handshake that got the server's
 * certificate saw, else what the preferred-suite probe saw. */
static void client_auth_of(struct ps_scan_report *sr)
{
	for (size_t k = 0; k < sr->n_passes && sr->cert_requested < 0; k++) {
		const struct ps_report *r = sr->passes[k].report;
		for (size_t h = 0; h < r->n_hops && sr->cert_requested < 0; h++) {
			const struct ps_hop *hp = &r->hops[h];
			/* A chain the phone rejects ends the handshake before the
			 * request is read: such a pass cannot tell. */
			if (!hp->tls.established && !hp->client_auth.requested)
				continue;
			sr->cert_requested = hp->client_auth.requested;
			sr->n_ca_names = hp->client_auth.n_acceptable_cas;
			sr->ca_names = ps_xcalloc(sr->n_ca_names + 1, sizeof *sr->ca_names);
			for (size_t i = 0; i < sr->n_ca_names; i++)
				sr->ca_names[i] = ps_xstrdup(hp->client_auth.acceptable_cas[i]);
		}
	}
	const struct ps_scan_hello *p = &sr->preferred;
	if (sr->cert_requested < 0 && p->answered && p->version) {
		sr->cert_requested = p->cert_requested;
		sr->n_ca_names = p->n_ca_names;
		sr->ca_names = ps_xcalloc(sr->n_ca_names + 1, sizeof *sr->ca_names);
		for (size_t i = 0; i < sr->n_ca_names; i++)
			sr->ca_names[i] = ps_xstrdup(p->ca_names[i]);
	}
}

/* A finding's detail with the pass's model name and firmware taken out:
 * details that differ only by them say the same thing. Caller frees. */
static char *detail_key(const struct ps_finding *f, const struct ps_report *from)
{
	const char *cut[] = { from->phone.product, from->phone.firmware };
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "%d %d ", (int)f->id, (int)f->severity);
	for (const char *p = f->detail ? f->detail : ""; *p;) {
		size_t n = 0;
		for (size_t c = 0; c < 2 && !n; c++)
			if (cut[c] && *cut[c] && strncmp(p, cut[c], strlen(cut[c])) == 0)
				n = strlen(cut[c]);
		if (n) {
			ps_buf_puts(&b, "\x01");
			p += n;
		} else {
			ps_buf_add(&b, p++, 1);
		}
	}
	return ps_buf_take(&b);
}

/* Add the findings of `from` to the scan's report, each once (by id,
 * severity and detail, the model's name and firmware aside: the first
 * pass's detail stands for those that say the same of another model), with
 * the models it concerns; `keys` runs beside r->findings (detail_key).
 * Each model's own findings stay in scan.models. */
static void merge_findings(struct ps_report *r, const struct ps_report *from, const char *models,
			   char ***keys)
{
	struct ps_scan_report *sr = r->scan;
	for (size_t i = 0; i < from->n_findings; i++) {
		const struct ps_finding *f = &from->findings[i];
		char *key = detail_key(f, from);
		size_t k = 0;
		while (k < r->n_findings && strcmp((*keys)[k], key) != 0)
			k++;
		if (k == r->n_findings) {
			ps_report_add_finding_sev(r, -1, f->id, f->severity, f->detail);
			*keys = ps_xrealloc(*keys, r->n_findings * sizeof **keys);
			(*keys)[k] = key;
			key = NULL;
			sr->finding_models = ps_xrealloc(
			    sr->finding_models, r->n_findings * sizeof *sr->finding_models);
			sr->finding_models[k] = ps_xstrdup(models);
			sr->n_finding_models = r->n_findings;
		} else if (*models) { /* another pass: its models too */
			char *m = ps_xasprintf("%s%s%s", sr->finding_models[k],
					       *sr->finding_models[k] ? ", " : "", models);
			free(sr->finding_models[k]);
			sr->finding_models[k] = m;
		}
		free(key);
	}
}

/* Client certificates by renegotiation: what the passes saw. */
static void renegotiation_of(struct ps_scan_report *sr)
{
	for (size_t k = 0; k < sr->n_passes; k++) {
		const struct ps_report *pr = sr->passes[k].report;
		for (size_t h = 0; h < pr->n_hops; h++) {
			const struct ps_hop *hp = &pr->hops[h];
			if (hp->client_auth.renegotiations) {
				sr->renegotiation = 1;
				sr->renegotiation_kind = ps_xstrdup(hp->client_auth.renegotiation);
				sr->renegotiated = hp->client_auth.renegotiated;
				return;
			}
			if (hp->tls.established && hp->http.status)
				sr->renegotiation = 0; /* an answer came without one */
		}
	}
}

static void build_report(struct scan *sc, struct ps_report *r)
{
	struct ps_scan_report *sr = sc->sr;
	sr->passes = ps_xcalloc(sc->n_pp + 1, sizeof *sr->passes);
	for (size_t k = 0; k < sc->n_pp; k++) {
		sr->passes[k].model = ps_xstrdup(sc->mp[sc->pp[k].model].m->id);
		sr->passes[k].report = sc->pp[k].report;
		sc->pp[k].report = NULL;
	}
	sr->n_passes = sc->n_pp;
	sr->models = ps_xcalloc(sc->n_mp + 1, sizeof *sr->models);
	sr->n_models = sc->n_mp;
	for (size_t i = 0; i < sc->n_mp; i++) {
		const struct model_plan *mp = &sc->mp[i];
		struct ps_scan_model *m = &sr->models[i];
		m->model = ps_xstrdup(mp->m->id);
		m->product = ps_xstrdup(mp->m->product);
		m->firmware = ps_xstrdup(sc->c->firmware ? sc->c->firmware : mp->m->firmware);
		m->url = ps_xstrdup(mp->url);
		if (mp->error) {
			m->error = ps_xstrdup(mp->error);
			m->pass = (size_t)-1;
			m->exit_code = PS_EXIT_USAGE;
			continue;
		}
		m->pass = mp->pass;
		m->shared = sc->pp[mp->pass].model != i;
		m->exit_code = sr->passes[mp->pass].report->exit_code;
	}
	judge_probes(sr);
	client_auth_of(sr);
	renegotiation_of(sr);
	for (size_t k = 0; k < sr->n_passes && sr->chain_pass < 0; k++) {
		const struct ps_report *pr = sr->passes[k].report;
		for (size_t h = 0; h < pr->n_hops && sr->chain_pass < 0; h++)
			if (pr->hops[h].chain_checked) {
				sr->chain_pass = (long)k;
				sr->chain_hop = h;
			}
	}
	/* The findings, each once: a pass's for the models that share it. */
	char **keys = ps_xcalloc(r->n_findings + 1, sizeof *keys);
	for (size_t k = 0; k < r->n_findings; k++) /* the scan's own, made before */
		keys[k] = ps_xasprintf("own %zu", k);
	for (size_t k = 0; k < sr->n_passes; k++) {
		struct ps_buf models = { 0 };
		for (size_t i = 0; i < sr->n_models; i++)
			if (sr->models[i].pass == k)
				ps_buf_printf(&models, "%s%s", models.len ? ", " : "",
					      sr->models[i].model);
		merge_findings(r, sr->passes[k].report, models.s ? models.s : "", &keys);
		ps_buf_free(&models);
	}
	if (sr->audit)
		merge_findings(r, sr->audit, "", &keys);
	else if (!sr->audit_note)
		sr->audit_note = ps_xstrdup(
		    sc->c->handshake_only
			? "none: --handshake-only fetches no file"
			: "none: no pass got a per-device file to ask for again (the file of a URL "
			  "that holds the phone's MAC, served to the phone)");
	for (size_t k = 0; k < r->n_findings; k++)
		free(keys[k]);
	free(keys);
}

static void scan_free(struct scan *sc)
{
	for (size_t i = 0; i < sc->n_mp; i++) {
		free(sc->mp[i].url);
		free(sc->mp[i].key);
		free(sc->mp[i].error);
	}
	free(sc->mp);
	for (size_t k = 0; k < sc->n_pp; k++) {
		ps_run_free(sc->pp[k].run);
		ps_report_free(sc->pp[k].report);
	}
	free(sc->pp);
	free(sc->jobs);
	if (sc->suite_priority)
		for (size_t j = 0; j < sc->sr->n_suites; j++)
			free(sc->suite_priority[j]);
	free(sc->suite_priority);
	free(sc->pref_priority);
	free(sc->rev_priority);
	free(sc->sni_priority);
}

struct ps_report *ps_run_scan_report(const struct ps_session *s, const struct ps_run_setup *setup,
				     ps_scan_progress_fn progress, void *ctx)
{
	const struct ps_config *c = ps_session_config(s);
	struct ps_report *r = ps_report_new();
	double t0 = ps_now_ms();
	r->mode = PS_MODE_SCAN;
	r->tool_version = ps_xstrdup(PACKAGE_VERSION);
	const char *target = ps_session_target(s);
	if (!target) /* --tftp-server and no URL */
		target = PS_FACTORY_TARGET;
	r->target = c->show_secrets ? ps_xstrdup(target) : ps_redact_secrets(target);
	r->show_secrets = c->show_secrets;
	r->scan = ps_scan_report_new();
	r->scan->target = ps_xstrdup(r->target);
	r->scan->handshake_only = c->handshake_only;
	struct scan sc = { .s = s,
			   .c = c,
			   .at = setup ? setup->at : c->at,
			   .sr = r->scan,
			   .progress = progress,
			   .progress_ctx = ctx };
	plan_models(&sc);
	plan_probes_target(&sc);
	plan_suites(&sc);
	plan_jobs(&sc);
	ps_pool_run(sc.n_jobs, c->jobs ? c->jobs : DEFAULT_JOBS, job_fn, job_done, &sc);
	/* The audit's host got no file: the first pass that did. */
	for (size_t k = 0; k < sc.n_pp && !r->scan->audit && !c->handshake_only; k++)
		audit_after(&sc, &sc.pp[k]);
	build_report(&sc, r);
	scan_free(&sc);
	r->scan->duration_ms = ps_now_ms() - t0;
	ps_scan_finish(r);
	ps_report_expect(r, c->expects, c->n_expects);
	return r;
}

int ps_run_scan(const struct ps_session *s)
{
	struct ps_report *r = ps_run_scan_report(s, NULL, NULL, NULL);
	int rc = r->exit_code;
	if (ps_run_write(ps_session_config(s), r) < 0)
		rc = PS_EXIT_USAGE;
	ps_report_free(r);
	return rc;
}
