/* JSON output, schema "provscope/1" (documented in the man page and in
 * doc/provscope.schema.json): indented (json) or on one line (jsonl). */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/json.h"
#include "core/util.h"
#include "model/fixes.h"
#include "model/report.h"
#include "model/scan.h"
#include "model/storm.h"
#include "output/devices.h"
#include "output/output.h"
#include "tlswire/tlsnames.h"

static json_t *strv(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, ps_json_string(v[i]));
	return a;
}

static json_t *ms(double v)
{
	return json_real((double)(long long)(v * 10.0 + 0.5) / 10.0);
}

static json_t *tls_json(const struct ps_tls_info *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "attempted", json_boolean(t->attempted));
	json_object_set_new(o, "established", json_boolean(t->established));
	json_object_set_new(o, "priority", ps_json_string_or_null(t->priority));
	json_object_set_new(o, "sni", ps_json_string_or_null(t->sni));
	json_object_set_new(o, "version", ps_json_string_or_null(t->version));
	json_object_set_new(o, "cipher_suite", ps_json_string_or_null(t->cipher_suite));
	if (t->cipher_suite) {
		char id[8];
		snprintf(id, sizeof id, "0x%04X", t->suite_id);
		json_object_set_new(o, "cipher_suite_id", ps_json_string(id));
	} else {
		json_object_set_new(o, "cipher_suite_id", json_null());
	}
	json_object_set_new(o, "kx", ps_json_string_or_null(t->kx));
	json_object_set_new(o, "cipher", ps_json_string_or_null(t->cipher));
	json_object_set_new(o, "mac", ps_json_string_or_null(t->mac));
	json_object_set_new(o, "description", ps_json_string_or_null(t->description));
	json_t *off = json_array();
	for (size_t i = 0; i < t->n_offered; i++) {
		char id[8];
		snprintf(id, sizeof id, "0x%04X", t->offered[i].id);
		json_array_append_new(
		    off, json_pack("{s:s, s:s}", "id", id, "name", t->offered[i].name));
	}
	json_object_set_new(o, "offered", off);
	/* The ServerHello's extensions; null when no ServerHello arrived. */
	json_t *ext = t->version ? json_array() : json_null();
	for (size_t i = 0; t->version && i < t->n_extensions; i++) {
		char id[8];
		snprintf(id, sizeof id, "0x%04X", t->extensions[i].id);
		json_array_append_new(
		    ext, json_pack("{s:s, s:s}", "id", id, "name", t->extensions[i].name));
	}
	json_object_set_new(o, "extensions", ext);
	json_t *hs = json_array();
	for (size_t i = 0; i < t->n_msgs; i++) {
		const struct ps_tls_msg *m = &t->msgs[i];
		json_t *e = json_pack("{s:s, s:s, s:o, s:I, s:b}", "dir",
				      m->dir == PS_DIR_OUT ? "out" : "in", "type", m->type, "t_ms",
				      ms(m->t_ms), "length", (json_int_t)m->length, "encrypted",
				      m->encrypted);
		json_object_set_new(e, "info", ps_json_string_or_null(m->info));
		json_object_set_new(e, "renegotiation", json_integer(m->round));
		if (m->alert_desc >= 0) {
			json_object_set_new(e, "alert_level",
					    ps_json_string(m->alert_level == 2   ? "fatal"
							   : m->alert_level == 1 ? "warning"
										 : "unknown"));
			json_object_set_new(e, "alert", json_integer(m->alert_desc));
		}
		json_array_append_new(hs, e);
	}
	json_object_set_new(o, "handshake", hs);
	json_object_set_new(o, "server_certificates", json_integer((json_int_t)t->server_certs));
	json_object_set_new(o, "alert_received",
			    t->alert_received >= 0 ? json_integer(t->alert_received) : json_null());
	json_object_set_new(o, "alert_sent",
			    t->alert_sent >= 0 ? json_integer(t->alert_sent) : json_null());
	json_object_set_new(o, "error", ps_json_string_or_null(t->error));
	json_object_set_new(o, "duration_ms", ms(t->duration_ms));
	if (t->probe.done) {
		const struct ps_tls_probe *p = &t->probe;
		json_t *po = json_object();
		json_object_set_new(po, "priority", ps_json_string_or_null(p->priority));
		json_object_set_new(po, "established", json_boolean(p->established));
		json_object_set_new(po, "version", ps_json_string_or_null(p->version));
		json_object_set_new(po, "cipher_suite", ps_json_string_or_null(p->cipher_suite));
		json_object_set_new(po, "kx", ps_json_string_or_null(p->kx));
		json_object_set_new(po, "error", ps_json_string_or_null(p->error));
		json_object_set_new(o, "modern_probe", po);
	} else {
		json_object_set_new(o, "modern_probe", json_null());
	}
	const struct ps_sni_check *sc = &t->sni_check;
	if (sc->done) {
		json_t *so = json_object();
		json_object_set_new(so, "server_name", ps_json_string_or_null(sc->server_name));
		json_object_set_new(so, "subject", ps_json_string_or_null(sc->subject));
		json_object_set_new(so, "sha256", ps_json_string_or_null(sc->sha256));
		json_object_set_new(so, "differs", json_boolean(sc->differs));
		json_object_set_new(so, "names_host", json_boolean(sc->names_host));
		json_object_set_new(so, "cn_matches", json_boolean(sc->cn_matches));
		json_object_set_new(so, "error", ps_json_string_or_null(sc->error));
		json_object_set_new(o, "sni_check", so);
	} else {
		json_object_set_new(o, "sni_check", json_null());
	}
	return o;
}

static json_t *client_auth_json(const struct ps_client_auth *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "requested", json_boolean(c->requested));
	json_object_set_new(o, "acceptable_cas", strv(c->acceptable_cas, c->n_acceptable_cas));
	json_object_set_new(o, "cert_types", strv(c->cert_types, c->n_cert_types));
	json_object_set_new(o, "device_cert", json_boolean(c->have_cert));
	json_object_set_new(o, "device_subject", ps_json_string_or_null(c->cert_subject));
	json_object_set_new(o, "device_issuer", ps_json_string_or_null(c->cert_issuer));
	json_object_set_new(o, "device_ca", ps_json_string_or_null(c->device_ca));
	json_object_set_new(o, "device_ca_factory",
			    c->device_ca ? json_boolean(c->device_ca_factory == 1) : json_null());
	json_object_set_new(o, "issuer_accepted",
			    c->issuer_accepted < 0 ? json_null()
						   : json_boolean(c->issuer_accepted));
	json_object_set_new(o, "sent", json_boolean(c->sent));
	json_object_set_new(o, "sent_subject",
			    c->sent ? ps_json_string_or_null(c->sent_subject) : json_null());
	json_object_set_new(o, "outcome", ps_json_string_or_null(c->outcome));
	if (c->renegotiations) {
		json_t *r = json_object();
		json_object_set_new(r, "requests", json_integer((json_int_t)c->renegotiations));
		json_object_set_new(r, "kind", ps_json_string_or_null(c->renegotiation));
		json_object_set_new(r, "completed", json_boolean(c->renegotiated));
		json_object_set_new(r, "error", ps_json_string_or_null(c->renegotiation_error));
		json_object_set_new(o, "renegotiation", r);
	} else {
		json_object_set_new(o, "renegotiation", json_null());
	}
	return o;
}

static json_t *check_json(const struct ps_chain_check *c)
{
	return json_pack("{s:s, s:o}", "result",
			 c->result > 0    ? "pass"
			 : c->result == 0 ? "fail"
					  : "n/a",
			 "detail", ps_json_string_or_null(c->text));
}

static json_t *time_json(time_t t)
{
	char when[32];
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return json_null();
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return ps_json_string(when);
}

static json_t *verdict_json(const struct ps_chain_verdict *v)
{
	json_t *o = json_object();
	json_object_set_new(o, "verdict", ps_json_string(v->accept ? "accept" : "reject"));
	json_object_set_new(o, "reasons", strv(v->reasons, v->n_reasons));
	json_object_set_new(o, "anchor", ps_json_string_or_null(v->anchor));
	json_object_set_new(o, "gnutls_status", json_integer(v->gnutls_status));
	json_object_set_new(o, "status_text", ps_json_string_or_null(v->status_text));
	return o;
}

/* The chain object, the same in a live hop and in `provscope cert`. */
static json_t *chain_json(const struct ps_chain_report *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "host", ps_json_string_or_null(c->host));
	json_object_set_new(o, "at", time_json(c->at));
	json_t *certs = json_array();
	for (size_t i = 0; i < c->n_certs; i++) {
		const struct ps_cert_info *ci = &c->certs[i];
		json_t *e = json_object();
		json_object_set_new(e, "subject", ps_json_string_or_null(ci->subject));
		json_object_set_new(e, "issuer", ps_json_string_or_null(ci->issuer));
		json_object_set_new(e, "serial", ps_json_string_or_null(ci->serial));
		json_object_set_new(e, "not_before", time_json(ci->not_before));
		json_object_set_new(e, "not_after", time_json(ci->not_after));
		json_object_set_new(e, "key_type", ps_json_string_or_null(ci->key_type));
		json_object_set_new(e, "key_bits", json_integer(ci->key_bits));
		json_object_set_new(e, "signature_algorithm", ps_json_string_or_null(ci->sig_alg));
		json_object_set_new(e, "signature_secure", json_boolean(ci->sig_secure_for_certs));
		json_object_set_new(e, "sha256", ps_json_string_or_null(ci->sha256));
		json_object_set_new(e, "ca", ci->is_ca < 0 ? json_null() : json_boolean(ci->is_ca));
		json_object_set_new(e, "path_len",
				    ci->path_len < 0 ? json_null() : json_integer(ci->path_len));
		json_object_set_new(e, "key_usage",
				    ci->has_key_usage ? strv(ci->key_usage, ci->n_key_usage)
						      : json_null());
		json_object_set_new(e, "extended_key_usage",
				    strv(ci->ext_key_usage, ci->n_ext_key_usage));
		json_object_set_new(e, "sans", strv(ci->sans, ci->n_sans));
		json_object_set_new(e, "cn", ps_json_string_or_null(ci->cn));
		json_object_set_new(e, "self_signed", json_boolean(ci->self_signed));
		json_array_append_new(certs, e);
	}
	json_object_set_new(o, "certificates", certs);
	json_t *links = json_array();
	for (size_t i = 0; i < c->n_links; i++) {
		const struct ps_chain_link *l = &c->links[i];
		json_t *e = json_object();
		json_object_set_new(e, "certificate", json_integer((json_int_t)l->subject_index));
		json_object_set_new(e, "issuer_source",
				    ps_json_string(ps_issuer_source_name(l->issuer_source)));
		json_object_set_new(e, "issuer_index",
				    l->issuer_source == PS_ISSUER_CHAIN
					? json_integer((json_int_t)l->issuer_index)
					: json_null());
		json_object_set_new(e, "anchor", ps_json_string_or_null(l->anchor_subject));
		json_t *checks = json_object();
		json_object_set_new(checks, "issuer_name", check_json(&l->issuer_name));
		json_object_set_new(checks, "signature", check_json(&l->signature));
		json_object_set_new(checks, "validity", check_json(&l->validity));
		json_object_set_new(checks, "issuer_is_ca", check_json(&l->issuer_is_ca));
		json_object_set_new(checks, "path_len", check_json(&l->path_len));
		json_object_set_new(e, "checks", checks);
		json_array_append_new(links, e);
	}
	json_object_set_new(o, "links", links);
	json_object_set_new(o, "anchor", ps_json_string_or_null(c->phone.anchor));
	json_object_set_new(o, "phone_verdict", ps_json_string(ps_chain_verdict_name(&c->phone)));
	json_object_set_new(o, "modern_verdict",
			    ps_json_string(c->modern.accept ? "accept" : "reject"));
	json_t *reasons = json_array();
	for (size_t i = 0; i < c->n_findings; i++)
		json_array_append_new(reasons, ps_json_string(ps_finding_name(c->findings[i].id)));
	json_object_set_new(o, "reasons", reasons);
	json_object_set_new(o, "hostname_phone", check_json(&c->hostname_phone));
	json_object_set_new(o, "hostname_modern", check_json(&c->hostname_modern));
	json_object_set_new(o, "phone", verdict_json(&c->phone));
	json_object_set_new(o, "modern", verdict_json(&c->modern));
	return o;
}

/* A rule string as printed: --key/--pwd arguments redacted unless allowed. */
static json_t *rule_text_json(const char *text, bool show)
{
	if (!text)
		return json_null();
	if (show)
		return ps_json_string(text);
	char *r = ps_redact_secrets(text);
	json_t *j = ps_json_string(r);
	free(r);
	return j;
}

static bool is_rule_param(const char *name)
{
	return strstr(name, "_Rule") != NULL;
}

static json_t *source_json(const struct ps_profile_source *s)
{
	json_t *e = json_object();
	json_object_set_new(e, "name", ps_json_string_or_null(s->name));
	json_object_set_new(e, "format", ps_json_string_or_null(s->format));
	json_object_set_new(e, "encrypted", json_boolean(s->encrypted));
	json_object_set_new(e, "kdf", ps_json_string_or_null(s->kdf));
	json_object_set_new(e, "compressed", json_boolean(s->compressed));
	json_object_set_new(e, "parameters_set", json_integer((json_int_t)s->n_set));
	json_object_set_new(e, "ok", json_boolean(s->ok));
	return e;
}

static json_t *params_json(const struct ps_param_row *rows, size_t n, bool show)
{
	json_t *params = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct ps_param_row *r = &rows[i];
		json_t *e = json_object();
		json_object_set_new(e, "name", ps_json_string_or_null(r->name));
		if (is_rule_param(r->name) && !r->secret)
			json_object_set_new(e, "value", rule_text_json(r->value, show));
		else
			json_object_set_new(
			    e, "value",
			    ps_json_string(ps_secret_display(r->value, r->secret, show)));
		json_object_set_new(e, "access", ps_json_string_or_null(r->access));
		json_object_set_new(e, "source", ps_json_string_or_null(r->source));
		json_object_set_new(e, "line", r->line ? json_integer(r->line) : json_null());
		json_object_set_new(e, "secret", json_boolean(r->secret));
		if (r->problem)
			json_object_set_new(e, "problem",
					    json_pack("{s:s, s:s}", "finding", r->problem, "detail",
						      r->problem_detail ? r->problem_detail : ""));
		json_array_append_new(params, e);
	}
	return params;
}

static json_t *profile_json(const struct ps_profile_report *p, bool show)
{
	json_t *o = json_object();
	const struct ps_profile_source *last = p->n_sources ? &p->sources[p->n_sources - 1] : NULL;
	json_object_set_new(o, "format", last ? ps_json_string_or_null(last->format) : json_null());
	json_object_set_new(o, "encrypted", json_boolean(last && last->encrypted));
	json_object_set_new(o, "compressed", json_boolean(last && last->compressed));
	json_t *srcs = json_array();
	for (size_t i = 0; i < p->n_sources; i++)
		json_array_append_new(srcs, source_json(&p->sources[i]));
	json_object_set_new(o, "sources", srcs);
	json_object_set_new(o, "parameters", params_json(p->params, p->n_params, show));
	return o;
}

/* The profile one hop fetched: how it was decoded and what it set. */
static json_t *hop_profile_json(const struct ps_profile_report *p, bool show)
{
	if (!p->n_sources)
		return json_null();
	json_t *o = source_json(&p->sources[0]);
	json_object_set_new(o, "parameters", params_json(p->params, p->n_params, show));
	json_t *checks = json_array();
	for (size_t i = 0; i < p->n_checks; i++) {
		const struct ps_profile_check *c = &p->checks[i];
		json_t *sug = json_array();
		for (size_t k = 0; k < c->n_suggestions; k++)
			json_array_append_new(sug, ps_json_string(c->suggestions[k]));
		json_array_append_new(checks,
				      json_pack("{s:s, s:I, s:o, s:o, s:o}", "finding", c->finding,
						"line", (json_int_t)c->line, "parameter",
						ps_json_string(c->parameter), "suggestions", sug,
						"detail", ps_json_string(c->detail)));
	}
	json_object_set_new(o, "checks", checks);
	return o;
}

static json_t *rule_json(const struct ps_rule_report *r, bool show)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", ps_json_string_or_null(r->name));
	json_object_set_new(o, "text", rule_text_json(r->text, show));
	json_object_set_new(o, "error", ps_json_string_or_null(r->error));
	json_object_set_new(o, "error_column", r->error ? json_integer(r->error_col) : json_null());
	json_t *alts = json_array();
	for (size_t i = 0; i < r->n_alts; i++) {
		const struct ps_rule_alt_report *a = &r->alts[i];
		json_t *e = json_object();
		json_object_set_new(e, "text", rule_text_json(a->text, show));
		json_object_set_new(e, "result",
				    ps_json_string(a->result > 0    ? "fired"
						   : a->result == 0 ? "false"
								    : "not reached"));
		json_object_set_new(e, "explain", ps_json_string_or_null(a->explain));
		json_array_append_new(alts, e);
	}
	json_object_set_new(o, "alternatives", alts);
	json_object_set_new(o, "fired", r->fired >= 0 ? json_integer(r->fired) : json_null());
	json_object_set_new(o, "url", ps_json_string_or_null(r->url));
	json_t *opts = json_object();
	json_object_set_new(opts, "key",
			    r->key ? ps_json_string(ps_secret_display(r->key, true, show))
				   : json_null());
	json_object_set_new(opts, "post", ps_json_string_or_null(r->post));
	json_object_set_new(opts, "alias", ps_json_string_or_null(r->alias));
	json_object_set_new(opts, "uid", ps_json_string_or_null(r->uid));
	json_object_set_new(opts, "pwd",
			    r->pwd ? ps_json_string(ps_secret_display(r->pwd, true, show))
				   : json_null());
	json_object_set_new(opts, "delta", json_boolean(r->delta));
	json_object_set_new(o, "options", opts);
	json_t *as = json_array();
	for (size_t i = 0; i < r->n_assigns; i++)
		json_array_append_new(as, json_pack("{s:s, s:s}", "name", r->assign_names[i],
						    "value", r->assign_values[i]));
	json_object_set_new(o, "assignments", as);
	json_object_set_new(o, "notes", strv(r->notes, r->n_notes));
	return o;
}

static json_t *upgrade_json(const struct ps_upgrade_report *u, bool show)
{
	json_t *o = json_object();
	json_object_set_new(o, "enabled", json_boolean(u->enabled));
	json_object_set_new(o, "rule", rule_text_json(u->rule.text, show));
	json_object_set_new(o, "alternative",
			    u->rule.fired >= 0 ? json_integer(u->rule.fired) : json_null());
	json_object_set_new(o, "url", ps_json_string_or_null(u->rule.url));
	json_object_set_new(o, "current_version", ps_json_string_or_null(u->current_version));
	json_object_set_new(o, "target_version", ps_json_string_or_null(u->target_version));
	json_object_set_new(o, "downgrade_rev_limit", ps_json_string_or_null(u->downgrade_limit));
	json_object_set_new(o, "retry_delay", ps_json_string_or_null(u->retry_delay));
	json_object_set_new(o, "retry_schedule", ps_json_string_or_null(u->retry_schedule));
	json_object_set_new(o, "log_request", ps_json_string_or_null(u->log_request));
	json_object_set_new(o, "log_success", ps_json_string_or_null(u->log_success));
	json_object_set_new(o, "log_failure", ps_json_string_or_null(u->log_failure));
	json_object_set_new(o, "license_keys", ps_json_string_or_null(u->license_keys));
	json_object_set_new(o, "would_upgrade", json_boolean(u->would_upgrade));
	json_object_set_new(o, "reason", ps_json_string_or_null(u->reason));
	if (u->check_done) {
		json_t *ck = json_object();
		json_object_set_new(ck, "status",
				    u->check_status ? json_integer(u->check_status) : json_null());
		json_object_set_new(ck, "size",
				    u->check_size >= 0 ? json_integer(u->check_size) : json_null());
		json_object_set_new(ck, "content_type", ps_json_string_or_null(u->check_type));
		json_object_set_new(ck, "error", ps_json_string_or_null(u->check_error));
		json_object_set_new(o, "check", ck);
	} else {
		json_object_set_new(o, "check", json_null());
	}
	if (u->download_asked) {
		json_t *dl = json_object();
		json_object_set_new(dl, "file", ps_json_string_or_null(u->download_file));
		json_object_set_new(dl, "size",
				    u->download_size >= 0 ? json_integer(u->download_size)
							  : json_null());
		json_object_set_new(dl, "sha256", ps_json_string_or_null(u->download_sha256));
		json_object_set_new(dl, "declares", ps_json_string_or_null(u->download_declares));
		json_object_set_new(dl, "declared_version",
				    ps_json_string_or_null(u->download_version));
		json_object_set_new(dl, "error", ps_json_string_or_null(u->download_error));
		json_object_set_new(o, "download", dl);
	} else {
		json_object_set_new(o, "download", json_null());
	}
	json_object_set_new(o, "evaluation", rule_json(&u->rule, show));
	json_t *ps = json_array();
	for (size_t i = 0; i < u->n_params; i++) {
		const struct ps_param_row *r = &u->params[i];
		json_t *e = json_object();
		json_object_set_new(e, "name", ps_json_string_or_null(r->name));
		json_object_set_new(
		    e, "value",
		    is_rule_param(r->name) && !r->secret
			? rule_text_json(r->value, show)
			: ps_json_string(ps_secret_display(r->value, r->secret, show)));
		json_object_set_new(e, "source", ps_json_string_or_null(r->source));
		json_object_set_new(e, "line", r->line ? json_integer(r->line) : json_null());
		json_array_append_new(ps, e);
	}
	json_object_set_new(o, "parameters", ps);
	return o;
}

static json_t *hop_json(const struct ps_hop *h, bool r_show)
{
	json_t *o = json_object();
	json_object_set_new(o, "url", rule_text_json(h->url, r_show));
	json_object_set_new(
	    o, "rule", r_show ? ps_json_string_or_null(h->rule) : rule_text_json(h->rule, false));
	json_object_set_new(o, "scheme", ps_json_string_or_null(h->scheme));
	json_object_set_new(o, "host", ps_json_string_or_null(h->host));
	json_object_set_new(o, "port", h->port ? json_integer(h->port) : json_null());
	json_t *addrs = json_array();
	for (size_t i = 0; i < h->n_addrs; i++)
		json_array_append_new(addrs, ps_json_string(h->addrs[i].text));
	json_object_set_new(o, "addresses", addrs);
	json_object_set_new(o, "connected", ps_json_string_or_null(h->connected));
	json_t *steps = json_array();
	for (size_t i = 0; i < h->n_steps; i++) {
		const struct ps_step *s = &h->steps[i];
		json_t *e = json_pack("{s:s, s:s, s:o, s:o}", "id", ps_step_name(s->id), "status",
				      ps_status_name(s->status), "start_ms", ms(s->start_ms),
				      "duration_ms", ms(s->duration_ms));
		json_object_set_new(e, "summary", ps_json_string_or_null(s->summary));
		json_array_append_new(steps, e);
	}
	json_object_set_new(o, "steps", steps);
	json_object_set_new(o, "tls", h->tls.attempted ? tls_json(&h->tls) : json_null());
	json_object_set_new(o, "chain", h->chain_checked ? chain_json(&h->chain) : json_null());
	if (h->http.attempted) {
		const struct ps_http_info *hi = &h->http;
		json_t *ho = json_object();
		json_object_set_new(ho, "status",
				    hi->status ? json_integer(hi->status) : json_null());
		json_object_set_new(ho, "request_headers",
				    strv(hi->request_headers, hi->n_request_headers));
		json_object_set_new(ho, "response_headers",
				    strv(hi->response_headers, hi->n_response_headers));
		json_object_set_new(ho, "body_size", json_integer((json_int_t)hi->body_size));
		json_object_set_new(ho, "truncated", json_boolean(hi->truncated));
		json_object_set_new(ho, "error", ps_json_string_or_null(hi->error));
		json_object_set_new(ho, "timing",
				    json_pack("{s:o, s:o, s:o, s:o, s:o}", "dns_ms", ms(hi->t_dns),
					      "connect_ms", ms(hi->t_connect), "tls_ms",
					      ms(hi->t_tls), "first_byte_ms", ms(hi->t_first_byte),
					      "total_ms", ms(hi->t_total)));
		json_object_set_new(o, "http", ho);
	} else {
		json_object_set_new(o, "http", json_null());
	}
	json_object_set_new(o, "client_auth",
			    h->tls.attempted ? client_auth_json(&h->client_auth) : json_null());
	json_object_set_new(o, "profile", hop_profile_json(&h->profile, r_show));
	return o;
}

/* The fix in each server's words, the server that answered first; null
 * when the finding's fix is not a server setting. */
static json_t *fix_by_server(const struct ps_report *r, const struct ps_finding *f)
{
	if (!ps_finding_has_server_fixes(f->id))
		return json_null();
	enum ps_server order[PS_SERVER_COUNT];
	long hop = f->hop;
	if (r->mode == PS_MODE_SCAN && r->scan && r->scan->n_passes) /* a pass's answer */
		r = ps_scan_answering_pass(r->scan, &hop);
	ps_fix_order(r, hop, order);
	json_t *o = json_object();
	for (int k = 0; k < PS_SERVER_COUNT; k++)
		json_object_set_new(o, ps_server_key(order[k]),
				    ps_json_string(ps_finding_fix_for(f->id, order[k])));
	return o;
}

/* --- provscope scan --------------------------------------------------------- */

static json_t *report_json(const struct ps_report *r);

/* "spa921, spa922" as ["spa921", "spa922"]. */
static json_t *words_json(const char *list)
{
	json_t *a = json_array();
	char *copy = ps_xstrdup(list ? list : "");
	for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t;
	     t = strtok_r(NULL, ", ", &save))
		json_array_append_new(a, ps_json_string(t));
	free(copy);
	return a;
}

static json_t *int_or_null(bool have, long long v)
{
	return have ? json_integer(v) : json_null();
}

static json_t *hello_json(const struct ps_scan_hello *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "priority", ps_json_string_or_null(h->priority));
	json_object_set_new(o, "answered", json_boolean(h->answered));
	json_object_set_new(o, "version", ps_json_string_or_null(h->version));
	json_object_set_new(o, "cipher_suite", ps_json_string_or_null(h->cipher_suite));
	json_object_set_new(o, "dh_bits", int_or_null(h->dh_bits > 0, h->dh_bits));
	json_object_set_new(o, "connected", json_boolean(h->connected));
	json_object_set_new(o, "alert", int_or_null(h->alert >= 0, h->alert));
	json_object_set_new(o, "leaf_subject", ps_json_string_or_null(h->leaf_subject));
	json_object_set_new(o, "leaf_sha256", ps_json_string_or_null(h->leaf_sha256));
	json_object_set_new(o, "error", ps_json_string_or_null(h->error));
	return o;
}

static json_t *scan_model_json(const struct ps_report *r, size_t i)
{
	const struct ps_scan_report *s = r->scan;
	struct ps_scan_row w;
	ps_scan_row(s, i, &w);
	json_t *o = json_object();
	json_object_set_new(o, "model", ps_json_string(w.model));
	json_object_set_new(o, "product", ps_json_string(w.product));
	json_object_set_new(o, "firmware", ps_json_string(w.firmware));
	json_object_set_new(o, "url", ps_json_string_or_null(s->models[i].url));
	json_object_set_new(o, "pass", int_or_null(!w.error, (long long)s->models[i].pass));
	json_object_set_new(
	    o, "pass_of",
	    ps_json_string_or_null(w.error ? NULL : s->passes[s->models[i].pass].model));
	json_object_set_new(o, "exit_code", json_integer(w.exit_code));
	json_object_set_new(o, "error", ps_json_string_or_null(w.error));
	json_object_set_new(o, "tls",
			    json_pack("{s:o, s:o}", "version",
				      ps_json_string_or_null(w.tls_version), "cipher_suite",
				      ps_json_string_or_null(w.cipher_suite)));
	json_object_set_new(
	    o, "chain",
	    json_pack("{s:o}", "phone_verdict", ps_json_string_or_null(w.chain_verdict)));
	json_object_set_new(o, "client_certificate", ps_json_string_or_null(w.client_cert));
	json_object_set_new(
	    o, "http", json_pack("{s:o}", "status", int_or_null(w.http_status > 0, w.http_status)));
	json_t *fs = json_array();
	const struct ps_report *pr = ps_scan_model_report(s, i);
	for (size_t k = 0; pr && k < pr->n_findings; k++) {
		const struct ps_finding *f = &pr->findings[k];
		json_array_append_new(fs, json_pack("{s:s, s:s, s:o}", "id", ps_finding_name(f->id),
						    "severity", ps_severity_name(f->severity),
						    "detail", ps_json_string_or_null(f->detail)));
	}
	json_object_set_new(o, "findings", fs);
	return o;
}

static json_t *scan_json(const struct ps_report *r)
{
	const struct ps_scan_report *s = r->scan;
	json_t *o = json_object();
	json_object_set_new(o, "duration_ms", ms(s->duration_ms));
	json_object_set_new(o, "models_ok", json_integer((json_int_t)ps_scan_models_ok(s)));
	json_t *models = json_array();
	for (size_t i = 0; i < s->n_models; i++)
		json_array_append_new(models, scan_model_json(r, i));
	json_object_set_new(o, "models", models);
	bool probed = s->protocols[0].hello.done;
	json_t *protocols = json_array();
	for (size_t i = 0; i < PS_SCAN_VERSIONS && probed; i++) {
		int a = ps_scan_protocol_accepted(s, i);
		json_t *p = json_pack("{s:s, s:o}", "version", s->protocols[i].version, "accepted",
				      a < 0 ? json_null() : json_boolean(a));
		json_object_set_new(p, "probe", hello_json(&s->protocols[i].hello));
		json_array_append_new(protocols, p);
	}
	json_object_set_new(o, "protocols", protocols);
	json_t *suites = json_array();
	for (size_t j = 0; j < s->n_suites && probed; j++) {
		const struct ps_scan_suite *su = &s->suites[j];
		const char *ossl = ps_suite_openssl_name(su->id);
		json_t *e = json_pack("{s:s, s:i, s:o, s:o}", "name", su->name, "id", (int)su->id,
				      "openssl_name", ps_json_string_or_null(ossl), "accepted",
				      su->accepted < 0 ? json_null() : json_boolean(su->accepted));
		json_object_set_new(e, "models", words_json(su->models));
		json_object_set_new(e, "probe", hello_json(&su->hello));
		json_array_append_new(suites, e);
	}
	json_object_set_new(o, "cipher_suites", suites);
	int order = ps_scan_server_order(s);
	json_t *pref = json_object();
	json_object_set_new(pref, "cipher_suite",
			    ps_json_string_or_null(probed && s->preferred.answered
						       ? s->preferred.cipher_suite
						       : NULL));
	json_object_set_new(pref, "server_order", order < 0 ? json_null() : json_boolean(order));
	if (probed) {
		json_object_set_new(pref, "probe", hello_json(&s->preferred));
		json_object_set_new(pref, "reversed_probe", hello_json(&s->reversed));
	}
	json_object_set_new(o, "preferred", pref);
	unsigned dh_bits = ps_scan_dhe_bits(s);
	json_object_set_new(o, "dhe_bits", int_or_null(dh_bits > 0, dh_bits));
	json_t *ca = json_object();
	json_object_set_new(ca, "requested",
			    s->cert_requested < 0 ? json_null() : json_boolean(s->cert_requested));
	json_object_set_new(ca, "ca_names", strv(s->ca_names, s->n_ca_names));
	json_object_set_new(o, "client_auth", ca);
	json_t *reneg = json_object();
	json_object_set_new(reneg, "requested",
			    s->renegotiation < 0 ? json_null() : json_boolean(s->renegotiation));
	json_object_set_new(reneg, "kind", ps_json_string_or_null(s->renegotiation_kind));
	json_object_set_new(reneg, "completed",
			    s->renegotiation > 0 ? json_boolean(s->renegotiated) : json_null());
	json_object_set_new(o, "renegotiation", reneg);
	int sni = ps_scan_sni_differs(s);
	json_t *sn = json_object();
	json_object_set_new(sn, "name", ps_json_string_or_null(s->sni_name));
	json_object_set_new(sn, "certificate_differs", sni < 0 ? json_null() : json_boolean(sni));
	json_object_set_new(sn, "without_name", ps_json_string_or_null(s->preferred.leaf_subject));
	json_object_set_new(sn, "with_name", ps_json_string_or_null(s->sni.leaf_subject));
	json_object_set_new(sn, "probe", s->sni.done ? hello_json(&s->sni) : json_null());
	json_object_set_new(o, "sni", sn);
	if (s->chain_pass >= 0) {
		const struct ps_scan_pass *p = &s->passes[s->chain_pass];
		json_object_set_new(o, "chain", chain_json(&p->report->hops[s->chain_hop].chain));
		json_object_set_new(o, "chain_model", ps_json_string(p->model));
	} else {
		json_object_set_new(o, "chain", json_null());
		json_object_set_new(o, "chain_model", json_null());
	}
	json_t *audit = json_object();
	json_object_set_new(audit, "done", json_boolean(s->audit != NULL));
	json_object_set_new(audit, "note", ps_json_string_or_null(s->audit_note));
	json_object_set_new(audit, "report", s->audit ? report_json(s->audit) : json_null());
	json_object_set_new(o, "audit", audit);
	json_t *passes = json_array();
	for (size_t k = 0; k < s->n_passes; k++)
		json_array_append_new(passes, report_json(s->passes[k].report));
	json_object_set_new(o, "passes", passes);
	return o;
}

/* --- provscope storm -------------------------------------------------------- */

static json_t *ms_json(uint64_t us)
{
	return json_real((double)us / 1000.0);
}

/* A measure to the microsecond (a float's noise left out). */
static json_t *r3(double v)
{
	return json_real((double)(long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5)) / 1000.0);
}

static json_t *storm_params_json(const struct ps_storm_params *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "target", ps_json_string_or_null(p->target));
	json_object_set_new(o, "model", ps_json_string_or_null(p->model));
	json_object_set_new(o, "devices_file", ps_json_string_or_null(p->devices));
	json_object_set_new(o, "first_mac", ps_json_string_or_null(p->first_mac));
	json_object_set_new(o, "devices", json_integer((json_int_t)p->n_devices));
	json_object_set_new(o, "passes", json_integer((json_int_t)p->n_passes));
	json_object_set_new(o, "spread_s", p->spread_s > 0 ? json_real(p->spread_s) : json_null());
	json_object_set_new(o, "rate", p->rate > 0 ? json_real(p->rate) : json_null());
	json_object_set_new(o, "duration_s",
			    p->duration_s > 0 ? json_real(p->duration_s) : json_null());
	/* a string: 64 bits do not fit a JSON number that every reader keeps */
	char seed[24];
	snprintf(seed, sizeof seed, "%" PRIu64, p->seed);
	json_object_set_new(o, "seed", json_string(seed));
	json_object_set_new(o, "jobs", json_integer(p->jobs));
	json_object_set_new(
	    o, "shard",
	    json_pack("{s:i, s:i}", "index", (int)p->shard_i, "count", (int)p->shard_n));
	json_object_set_new(o, "device_ca", json_boolean(p->device_ca));
	json_object_set_new(o, "devices_sha256", ps_json_string_or_null(p->devices_sha256));
	json_object_set_new(o, "handshake_only", json_boolean(p->handshake_only));
	json_object_set_new(o, "firmware", ps_json_string_or_null(p->firmware));
	json_object_set_new(o, "tftp_server", ps_json_string_or_null(p->tftp_server));
	json_object_set_new(o, "timeout_s", r3(p->timeout_ms / 1000.0));
	return o;
}

static json_t *storm_latency_json(const struct ps_storm_report *s)
{
	json_t *o = json_object();
	for (int k = 0; k < PS_STORM_STEP_COUNT; k++) {
		const struct ps_hist *h = &s->hist[k];
		json_t *e = json_object();
		json_object_set_new(e, "n", json_integer((json_int_t)h->n));
		json_object_set_new(e, "min_ms", h->n ? ms_json(h->min) : json_null());
		json_object_set_new(e, "p50_ms",
				    h->n ? ms_json(ps_hist_percentile(h, 50)) : json_null());
		json_object_set_new(e, "p95_ms",
				    h->n ? ms_json(ps_hist_percentile(h, 95)) : json_null());
		json_object_set_new(e, "p99_ms",
				    h->n ? ms_json(ps_hist_percentile(h, 99)) : json_null());
		json_object_set_new(e, "max_ms", h->n ? ms_json(h->max) : json_null());
		json_object_set_new(
		    e, "mean_ms", h->n ? r3((double)h->sum / (double)h->n / 1000.0) : json_null());
		char *text = ps_hist_json(h);
		json_object_set_new(e, "histogram", json_loads(text, 0, NULL));
		free(text);
		json_object_set_new(o, ps_storm_step_name((enum ps_storm_step)k), e);
	}
	return o;
}

static json_t *storm_json(const struct ps_storm_report *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "params", storm_params_json(&s->params));
	json_t *sh = json_array();
	for (size_t i = 0; i < s->n_shards; i++)
		json_array_append_new(sh, json_integer(s->shards[i]));
	json_object_set_new(o, "shards", sh);
	json_object_set_new(o, "planned", json_integer((json_int_t)s->planned));
	json_object_set_new(o, "done", json_integer((json_int_t)s->done));
	json_object_set_new(o, "ok", json_integer((json_int_t)s->by_exit[0]));
	json_object_set_new(o, "failed", json_integer((json_int_t)(s->done - s->by_exit[0])));
	json_object_set_new(o, "not_started", json_integer((json_int_t)s->not_started));
	json_object_set_new(o, "interrupted", json_boolean(s->interrupted));
	json_object_set_new(o, "merged", json_boolean(s->merged));
	json_object_set_new(o, "shards_apart_s", r3(s->shards_apart_s));
	json_object_set_new(o, "client_busy", r3(s->client_busy));
	json_object_set_new(o, "wall_s", r3(s->wall_s));
	json_object_set_new(o, "rate_done", r3(s->rate_done));
	json_t *oc = json_array();
	for (int c = 0; c < 256; c++)
		if (s->by_exit[c]) {
			const char *name = ps_exit_name(c);
			json_array_append_new(oc, json_pack("{s:i, s:s, s:I}", "exit_code", c,
							    "category", name ? name : "unknown",
							    "passes", (json_int_t)s->by_exit[c]));
		}
	json_object_set_new(o, "outcomes", oc);
	json_t *fs = json_array();
	for (size_t i = 0; i < s->n_findings; i++) {
		const struct ps_storm_finding *f = &s->findings[i];
		json_t *e =
		    json_pack("{s:s, s:s, s:I}", "id", ps_finding_name(f->id), "severity",
			      ps_severity_name(f->severity), "passes", (json_int_t)f->passes);
		json_object_set_new(e, "first_mac", ps_json_string_or_null(f->mac));
		json_object_set_new(e, "first_detail", ps_json_string_or_null(f->detail));
		json_object_set_new(e, "first_start_s", r3(f->first_s));
		json_array_append_new(fs, e);
	}
	json_object_set_new(o, "findings", fs);
	json_object_set_new(o, "latency", storm_latency_json(s));
	json_t *tl = json_array();
	for (size_t i = 0; i < s->n_seconds; i++) {
		const struct ps_storm_second *b = &s->seconds[i];
		json_t *e = json_pack("{s:I, s:I, s:I, s:I}", "second", (json_int_t)i, "started",
				      (json_int_t)b->started, "ok", (json_int_t)b->ok, "failed",
				      (json_int_t)b->failed);
		json_object_set_new(e, "total_ms_sum", r3(b->total_ms_sum));
		json_object_set_new(e, "total_ms_max", r3(b->total_ms_max));
		json_array_append_new(tl, e);
	}
	json_object_set_new(o, "timeline", tl);
	json_object_set_new(o, "first_failure_second",
			    s->first_failure_s < 0 ? json_null()
						   : json_integer(s->first_failure_s));
	json_object_set_new(
	    o, "failures_began",
	    s->onset_s < 0 ? json_null()
			   : json_pack("{s:i, s:i, s:o, s:o}", "second", (int)s->onset_s, "span_s",
				       (int)s->onset_span_s, "rate_started", r3(s->onset_rate),
				       "rate_done", r3(s->onset_done_rate)));
	json_object_set_new(o, "first_error", ps_json_string_or_null(s->first_error));
	json_t *ps = json_array();
	for (size_t i = 0; i < s->n_passes; i++) {
		const struct ps_storm_pass *p = &s->passes[i];
		json_t *e = json_pack("{s:s, s:i, s:i}", "mac", p->mac, "round", (int)p->round,
				      "exit_code", (int)p->exit_code);
		json_object_set_new(
		    e, "finding",
		    p->finding >= 0 ? json_string(ps_finding_name((enum ps_finding_id)p->finding))
				    : json_null());
		json_object_set_new(e, "start_s", r3(p->start_s));
		json_object_set_new(e, "total_ms", r3(p->total_ms));
		json_array_append_new(ps, e);
	}
	json_object_set_new(o, "passes", ps);
	return o;
}

static json_t *report_json(const struct ps_report *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "schema", ps_json_string("provscope/1"));
	static const char *const modes[] = {
		[PS_MODE_LIVE] = "live", [PS_MODE_CERT] = "cert", [PS_MODE_PROFILE] = "profile",
		[PS_MODE_RULE] = "rule", [PS_MODE_SCAN] = "scan", [PS_MODE_STORM] = "storm"
	};
	json_object_set_new(o, "mode", ps_json_string(modes[r->mode]));
	json_object_set_new(o, "tool",
			    json_pack("{s:s, s:s}", "name", "provscope", "version",
				      r->tool_version ? r->tool_version : ""));
	char when[32];
	struct tm tm;
	gmtime_r(&r->started, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(o, "started", ps_json_string(when));
	json_object_set_new(o, "target", ps_json_string_or_null(r->target));
	const struct ps_phone_info *p = &r->phone;
	json_t *ph = json_object();
	json_object_set_new(ph, "model", ps_json_string_or_null(p->model));
	json_object_set_new(ph, "vendor", ps_json_string_or_null(p->vendor));
	json_object_set_new(ph, "product", ps_json_string_or_null(p->product));
	json_object_set_new(ph, "psn", ps_json_string_or_null(p->psn));
	json_object_set_new(ph, "firmware", ps_json_string_or_null(p->firmware));
	json_object_set_new(ph, "mac", ps_json_string_or_null(p->mac));
	json_object_set_new(ph, "serial", ps_json_string_or_null(p->serial));
	json_object_set_new(ph, "user_agent", ps_json_string_or_null(p->user_agent));
	json_object_set_new(ph, "tls_priority", ps_json_string_or_null(p->priority));
	json_object_set_new(ph, "tftp_server", ps_json_string_or_null(p->tftp_server));
	if (r->mode == PS_MODE_SCAN || r->mode == PS_MODE_STORM) {
		json_decref(ph);
		ph = json_null(); /* a phone per model (scan.models) or per device */
	}
	json_object_set_new(o, "phone", ph);
	if (r->mode == PS_MODE_SCAN && r->scan) {
		json_object_set_new(o, "scan", scan_json(r));
	} else if (r->mode == PS_MODE_STORM && r->storm) {
		json_object_set_new(o, "storm", storm_json(r->storm));
	} else if (r->mode == PS_MODE_RULE || r->mode == PS_MODE_PROFILE) {
		/* The steps of the offline runs: one hop per file, rule or upgrade. */
		json_t *hops = json_array();
		for (size_t i = 0; i < r->n_hops; i++)
			json_array_append_new(hops, hop_json(&r->hops[i], r->show_secrets));
		json_object_set_new(o, "hops", hops);
	}
	if (r->mode == PS_MODE_RULE) {
		json_object_set_new(o, "rule", rule_json(&r->rule, r->show_secrets));
	} else if (r->mode == PS_MODE_PROFILE) {
		json_object_set_new(o, "profile", profile_json(&r->profile, r->show_secrets));
		json_object_set_new(o, "upgrade",
				    r->upgrade.evaluated
					? upgrade_json(&r->upgrade, r->show_secrets)
					: json_null());
	} else if (r->mode == PS_MODE_CERT) {
		const struct ps_hop *h = r->n_hops ? &r->hops[0] : NULL;
		json_object_set_new(o, "chain",
				    h && h->chain_checked ? chain_json(&h->chain) : json_null());
	} else if (r->mode == PS_MODE_LIVE) {
		json_t *hops = json_array();
		for (size_t i = 0; i < r->n_hops; i++)
			json_array_append_new(hops, hop_json(&r->hops[i], r->show_secrets));
		json_object_set_new(o, "hops", hops);
		json_object_set_new(o, "profile",
				    r->profile.n_sources
					? profile_json(&r->profile, r->show_secrets)
					: json_null());
		json_object_set_new(o, "upgrade",
				    r->upgrade.evaluated
					? upgrade_json(&r->upgrade, r->show_secrets)
					: json_null());
	}
	json_t *fs = json_array();
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct ps_finding *f = &r->findings[i];
		json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "id", ps_finding_name(f->id),
				      "severity", ps_severity_name(f->severity), "message",
				      ps_finding_text(f->id), "fix", ps_finding_fix(f->id));
		json_object_set_new(e, "fix_by_server", fix_by_server(r, f));
		json_object_set_new(e, "detail", ps_json_string_or_null(f->detail));
		json_object_set_new(e, "hop", f->hop >= 0 ? json_integer(f->hop) : json_null());
		if (r->mode == PS_MODE_SCAN && r->scan) {
			const char *m =
			    i < r->scan->n_finding_models ? r->scan->finding_models[i] : "";
			json_object_set_new(e, "models", words_json(m));
		}
		json_array_append_new(fs, e);
	}
	json_object_set_new(o, "findings", fs);
	json_t *es = json_array();
	for (size_t i = 0; i < r->n_expectations; i++) {
		const struct ps_expect_result *x = &r->expectations[i];
		json_t *e = json_pack("{s:s, s:s}", "key", x->key, "expected", x->expected);
		json_object_set_new(e, "got", ps_json_string_or_null(x->got));
		json_object_set_new(e, "ok", json_boolean(x->ok));
		json_object_set_new(e, "hop", x->hop >= 0 ? json_integer(x->hop) : json_null());
		json_array_append_new(es, e);
	}
	json_object_set_new(o, "expectations", es);
	json_object_set_new(o, "verdict", ps_json_string_or_null(r->verdict));
	json_object_set_new(o, "summary", ps_json_string_or_null(r->summary));
	json_object_set_new(o, "exit_code", json_integer(r->exit_code));
	return o;
}

#define DUMP_FLAGS (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

/* Into memory first, then one write: json_dumpf writes each token with
 * its own fwrite, which costs more than making the whole text. */
static int dump(FILE *out, const struct ps_report *r, size_t flags)
{
	json_t *o = report_json(r);
	char *text = json_dumps(o, flags | DUMP_FLAGS);
	json_decref(o);
	if (!text)
		return -1;
	size_t n = strlen(text);
	text[n] = '\n'; /* in place of the NUL: the line's end, written with it */
	int rc = fwrite(text, 1, n + 1, out) == n + 1 ? 0 : -1;
	free(text);
	return rc;
}

int ps_output_json(FILE *out, const struct ps_report *r, const struct ps_output_opts *opts)
{
	(void)opts;
	return dump(out, r, JSON_INDENT(2));
}

int ps_output_jsonl(FILE *out, const struct ps_report *r, const struct ps_output_opts *opts)
{
	(void)opts;
	/* JSON_COMPACT: no space after , and :; strings escape line breaks,
	 * so the object is one line. */
	return dump(out, r, JSON_COMPACT);
}

/* --- device lists (--devices): a jsonl line per device ---------------------- */

/* A row that did not run: its line and why. */
static json_t *device_error_json(const struct ps_device_outcome *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "schema", json_string("provscope/1-device-error"));
	json_object_set_new(j, "line", json_integer(o->line));
	json_object_set_new(j, "error", ps_json_string(o->error ? o->error : "did not run"));
	json_object_set_new(j, "exit_code", json_integer(o->exit_code));
	json_object_set_new(j, "verdict", json_string("fail"));
	return j;
}

/* The device's report as --format jsonl writes it, or its error record. */
static char *device_record(const struct ps_device_outcome *o)
{
	json_t *j = o->report ? report_json(o->report) : device_error_json(o);
	char *text = json_dumps(j, JSON_COMPACT | DUMP_FLAGS);
	json_decref(j);
	if (!text)
		abort(); /* jansson fails only for want of memory */
	char *line = ps_xasprintf("%s\n", text);
	free(text);
	return line;
}

/* The summary is a diagnostic: stdout stays one JSON object a line. */
static char *device_footer(const struct ps_device_summary *s)
{
	return ps_device_summary_line("provscope: ", s);
}

const struct ps_device_format ps_devices_jsonl = {
	.record = device_record,
	.footer = device_footer,
	.footer_diagnostic = true,
};
