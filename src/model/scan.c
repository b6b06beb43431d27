/* The scan report's records (see scan.h). */
#include "config.h"

#include "model/scan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "model/fixes.h"
#include "model/report.h"
#include "tlswire/tlsnames.h"

void ps_scan_hello_clear(struct ps_scan_hello *h)
{
	free(h->priority);
	free(h->version);
	free(h->cipher_suite);
	free(h->leaf_subject);
	free(h->leaf_sha256);
	ps_strv_free(h->ca_names, h->n_ca_names);
	free(h->error);
	memset(h, 0, sizeof *h);
	h->alert = -1;
}

struct ps_scan_report *ps_scan_report_new(void)
{
	struct ps_scan_report *s = ps_xcalloc(1, sizeof *s);
	static const char *const versions[PS_SCAN_VERSIONS] = { "TLS1.0", "TLS1.1", "TLS1.2",
								"TLS1.3" };
	for (size_t i = 0; i < PS_SCAN_VERSIONS; i++) {
		s->protocols[i].version = versions[i];
		s->protocols[i].hello.alert = -1;
	}
	s->preferred.alert = s->reversed.alert = s->sni.alert = -1;
	s->renegotiation = -1;
	s->cert_requested = -1;
	s->chain_pass = -1;
	return s;
}

void ps_scan_report_free(struct ps_scan_report *s)
{
	if (!s)
		return;
	free(s->target);
	for (size_t i = 0; i < s->n_models; i++) {
		free(s->models[i].model);
		free(s->models[i].product);
		free(s->models[i].firmware);
		free(s->models[i].url);
		free(s->models[i].error);
	}
	free(s->models);
	for (size_t i = 0; i < s->n_passes; i++) {
		free(s->passes[i].model);
		ps_report_free(s->passes[i].report);
	}
	free(s->passes);
	for (size_t i = 0; i < PS_SCAN_VERSIONS; i++)
		ps_scan_hello_clear(&s->protocols[i].hello);
	for (size_t i = 0; i < s->n_suites; i++) {
		free(s->suites[i].name);
		free(s->suites[i].models);
		ps_scan_hello_clear(&s->suites[i].hello);
	}
	free(s->suites);
	ps_scan_hello_clear(&s->preferred);
	ps_scan_hello_clear(&s->reversed);
	free(s->sni_name);
	ps_scan_hello_clear(&s->sni);
	free(s->renegotiation_kind);
	ps_strv_free(s->ca_names, s->n_ca_names);
	ps_report_free(s->audit);
	free(s->audit_note);
	ps_strv_free(s->finding_models, s->n_finding_models);
	free(s);
}

int ps_scan_server_order(const struct ps_scan_report *s)
{
	size_t accepted = 0;
	for (size_t i = 0; i < s->n_suites; i++)
		accepted += s->suites[i].accepted > 0;
	if (accepted < 2 || !s->preferred.cipher_suite || !s->reversed.cipher_suite)
		return -1; /* one suite or none: no order to see */
	return s->preferred.suite_id == s->reversed.suite_id;
}

int ps_scan_sni_differs(const struct ps_scan_report *s)
{
	if (!s->sni_name || !s->sni.leaf_sha256 || !s->preferred.leaf_sha256)
		return -1;
	return strcmp(s->sni.leaf_sha256, s->preferred.leaf_sha256) != 0;
}

int ps_scan_protocol_accepted(const struct ps_scan_report *s, size_t i)
{
	const struct ps_scan_hello *h = &s->protocols[i].hello;
	if (!h->done || !h->connected || (h->silent && !h->answered))
		return -1;
	return h->answered && h->version && strcmp(h->version, s->protocols[i].version) == 0;
}

unsigned ps_scan_dhe_bits(const struct ps_scan_report *s)
{
	for (size_t j = 0; j < s->n_suites; j++)
		if (s->suites[j].hello.dh_bits)
			return s->suites[j].hello.dh_bits;
	return 0;
}

const char *ps_scan_yes_no(int v)
{
	return v > 0 ? "yes" : v == 0 ? "no" : "?";
}

size_t ps_scan_models_ok(const struct ps_scan_report *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_models; i++)
		n += s->models[i].exit_code == 0;
	return n;
}

const struct ps_report *ps_scan_model_report(const struct ps_scan_report *s, size_t i)
{
	return i < s->n_models && s->models[i].pass < s->n_passes
		   ? s->passes[s->models[i].pass].report
		   : NULL;
}

/* The first error finding of a report, NULL when none. */
static const struct ps_finding *first_error(const struct ps_report *r)
{
	for (size_t i = 0; r && i < r->n_findings; i++)
		if (r->findings[i].severity == PS_SEV_ERROR)
			return &r->findings[i];
	return NULL;
}

/* What the server would have to enable for a model that found no shared
 * suite or version: the first suite of its offer that is no RC4, in
 * OpenSSL's name. NULL when there is none to name. */
static const char *suite_to_enable(const struct ps_report *r)
{
	for (size_t h = 0; r && h < r->n_hops; h++)
		for (size_t i = 0; i < r->hops[h].tls.n_offered; i++) {
			const struct ps_suite *su = &r->hops[h].tls.offered[i];
			const char *o = ps_suite_openssl_name(su->id);
			if (o && !strstr(o, "RC4"))
				return o;
		}
	return NULL;
}

/* Why the models that fail fail, grouped by their first error: "SPA921,
 * SPA922 cannot: tls.no_shared_cipher: enable AES256-SHA". */
static void why_not(struct ps_buf *b, const struct ps_scan_report *s)
{
	bool *told = ps_xcalloc(s->n_models + 1, sizeof *told);
	const char *sep = "; ";
	for (size_t i = 0; i < s->n_models; i++) {
		if (told[i] || !s->models[i].exit_code)
			continue;
		const struct ps_report *ri = ps_scan_model_report(s, i);
		const struct ps_finding *fi = first_error(ri);
		ps_buf_puts(b, sep);
		sep = "; ";
		for (size_t j = i, n = 0; j < s->n_models; j++) {
			if (told[j] || !s->models[j].exit_code)
				continue;
			const struct ps_finding *fj = first_error(ps_scan_model_report(s, j));
			bool same = s->models[j].error || s->models[i].error
					? j == i
					: (fi && fj && fi->id == fj->id) || (!fi && !fj);
			if (!same)
				continue;
			ps_buf_printf(b, "%s%s", n++ ? ", " : "",
				      ps_scan_model_name(s->models[j].model, s->models[j].product));
			told[j] = true;
		}
		if (s->models[i].error)
			ps_buf_printf(b, " cannot be played: %s", s->models[i].error);
		else if (!fi)
			ps_buf_printf(b, " cannot: exit status %d", s->models[i].exit_code);
		else {
			ps_buf_printf(b, " cannot: %s", ps_finding_name(fi->id));
			const char *en = suite_to_enable(ri);
			if (en && (fi->id == PS_F_TLS_NO_SHARED_CIPHER ||
				   fi->id == PS_F_TLS_PROTOCOL_VERSION))
				ps_buf_printf(b, ": enable %s%s", en,
					      fi->id == PS_F_TLS_PROTOCOL_VERSION ? " at TLS 1.0"
										  : "");
		}
	}
	free(told);
}

const char *ps_scan_model_name(const char *model, const char *product)
{
	return model && product && strcasecmp(model, product) != 0 ? model : product;
}

void ps_scan_finish(struct ps_report *r)
{
	const struct ps_scan_report *s = r->scan;
	int worst = 0;
	for (size_t i = 0; i < s->n_models; i++)
		if (s->models[i].exit_code > worst)
			worst = s->models[i].exit_code;
	/* The audit's category counts only when every model gets through, as
	 * its findings come after a pass's own in a live run. */
	const struct ps_finding *audit = first_error(s->audit);
	if (audit && !worst)
		worst = (int)ps_finding_exit(audit->id);
	r->exit_code = worst;
	r->verdict = worst ? "fail" : "ok";
	size_t ok = ps_scan_models_ok(s);
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "%zu of %zu phone%s %s", ok, s->n_models, s->n_models == 1 ? "" : "s",
		      s->handshake_only
			  ? "complete the handshake (--handshake-only: no file asked for)"
			  : "can provision");
	why_not(&b, s);
	if (audit) {
		ps_buf_puts(&b, "; the audit fails:");
		for (size_t i = 0, n = 0; i < s->audit->n_findings; i++)
			if (s->audit->findings[i].severity == PS_SEV_ERROR)
				ps_buf_printf(&b, "%s %s", n++ ? "," : "",
					      ps_finding_name(s->audit->findings[i].id));
	}
	free(r->summary);
	r->summary = ps_buf_take(&b);
	r->finished = true;
}

void ps_scan_row(const struct ps_scan_report *s, size_t i, struct ps_scan_row *out)
{
	memset(out, 0, sizeof *out);
	const struct ps_scan_model *m = &s->models[i];
	out->model = m->model;
	out->product = m->product;
	out->firmware = m->firmware;
	out->exit_code = m->exit_code;
	out->error = m->error;
	const struct ps_report *r = ps_scan_model_report(s, i);
	if (!r)
		return;
	if (m->shared)
		out->shared_with = s->passes[m->pass].model;
	const struct ps_finding *f = first_error(r);
	out->first_error = f ? ps_finding_name(f->id) : NULL;
	if (!r->n_hops)
		return;
	const struct ps_hop *h = &r->hops[0];
	if (h->tls.established) {
		out->tls_version = h->tls.version;
		out->cipher_suite = h->tls.cipher_suite;
		out->suite_id = h->tls.suite_id;
	}
	if (h->chain_checked)
		out->chain_verdict = ps_chain_verdict_name(&h->chain.phone);
	/* Known once the handshake got past the server's request (a chain the
	 * phone rejects ends it before). */
	if (h->tls.established || h->client_auth.requested) {
		bool refused = f && ps_finding_exit(f->id) == PS_EXIT_CLIENT_AUTH;
		out->client_cert = refused                     ? "refused"
				   : !h->client_auth.requested ? "not asked"
				   : h->client_auth.sent       ? "sent"
							       : "not sent";
	}
	/* The answer that failed, when a later request of the pass failed (a
	 * per-device file missing behind a profile that came): else the
	 * first request's. */
	out->http_status = h->http.status;
	out->tftp =
	    h->http.attempted && !h->http.error && h->url && strncasecmp(h->url, "tftp://", 7) == 0;
	if (f && f->hop > 0 && (size_t)f->hop < r->n_hops && r->hops[f->hop].http.status)
		out->http_status = r->hops[f->hop].http.status;
}

const struct ps_report *ps_scan_answering_pass(const struct ps_scan_report *s, long *hop)
{
	*hop = 0;
	for (size_t k = 0; k < s->n_passes; k++)
		for (size_t h = 0; h < s->passes[k].report->n_hops; h++)
			if (ps_report_hop_server(s->passes[k].report, (long)h) !=
			    PS_SERVER_UNKNOWN) {
				*hop = (long)h;
				return s->passes[k].report;
			}
	return s->n_passes ? s->passes[0].report : NULL;
}
