/* The steps that live and offline runs share (see steps.h): the phone's
 * macros, the profile decode and parse steps, the upgrade hop and the
 * chain step. */
#include "config.h"

#include "engine/steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/suggest.h"
#include "core/util.h"
#include "engine/upgrade.h"
#include "profile/decode.h"
#include "profile/devmac.h"
#include "profile/lint.h"
#include "profile/params.h"
#include "profile/spc.h"
#include "profile/xml.h"

/* The phone's own macros: identity, then state as at a power-up resync. */

const char *ps_steps_phone_macro(void *ctx, const char *name)
{
	const struct ps_phone_env *pe = ctx;
	const char *v = ps_identity_macro(pe->cfg->identity, name);
	if (v)
		return v;
	static const struct {
		const char *name, *value;
	} state[] = {
		{ "PRVST", "0" },         /* resync after power-up */
		{ "UPGST", "1" },         /* first upgrade attempt */
		{ "UPGERR", "" },         /* no upgrade attempted yet */
		{ "UPGCOND", "true" },    /* legacy, always true from 2.0.6 */
		{ "CCERT", "Installed" }, /* SPA9x2/5xx carry a unique client cert */
		{ "ISCUST", "0" },        { "PRVTMR", "0" },
		{ "UPGTMR", "0" },        { "REGTMR1", "0" }, /* 0 while line 1 is registered */
		{ "REGTMR2", "0" },
	};
	for (size_t i = 0; i < sizeof state / sizeof state[0]; i++)
		if (strcmp(name, state[i].name) == 0)
			return state[i].value;
	return NULL;
}

const char *ps_steps_phone_param(void *ctx, const char *name)
{
	const struct ps_phone_env *pe = ctx;
	const struct ps_param *p = ps_params_get(pe->params, name);
	return p ? p->value : NULL;
}

void ps_steps_snapshot(const struct ps_params *t, struct ps_profile_report *rep)
{
	size_t n = ps_params_count(t);
	rep->params = n ? ps_xcalloc(n, sizeof *rep->params) : NULL;
	rep->n_params = n;
	for (size_t i = 0; i < n; i++) {
		const struct ps_param *p = ps_params_at(t, i);
		struct ps_param_row *r = &rep->params[i];
		r->name = ps_xstrdup(p->name);
		r->value = ps_xstrdup(p->value);
		r->access = ps_xstrdup(p->access);
		r->source = ps_xstrdup(p->source);
		r->line = p->line;
		r->secret = p->secret;
		r->problem = p->problem;
		r->problem_detail = ps_xstrdup(p->problem_detail);
	}
}

static void report_issue(const struct ps_sink *sink, size_t hop, const struct ps_profile_issue *is)
{
	if (is->id == PS_F_COUNT)
		return;
	if (is->line)
		ps_sink_finding(sink, (long)hop, is->id, "line %u%s%.0u: %s", is->line,
				is->column ? ", column " : "", is->column,
				is->detail ? is->detail : "");
	else
		ps_sink_finding(sink, (long)hop, is->id, "%s", is->detail ? is->detail : "");
}

/* Whether the written form of a MAC found in the profile lies in a secret
 * value this file set (a password that happens to look like a MAC). */
static bool in_secret(const struct ps_params *t, const char *file, const char *form, size_t n)
{
	for (size_t i = 0; i < ps_params_count(t); i++) {
		const struct ps_param *p = ps_params_at(t, i);
		if (!p->secret || !p->source || strcmp(p->source, file) != 0)
			continue;
		for (const char *v = p->value; *v; v++)
			if (strncmp(v, form, n) == 0)
				return true;
	}
	return false;
}

/* profile.wrong_device: the file names another device's MAC and never this
 * phone's. */
static bool check_device(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
			 const char *text, size_t len, const struct ps_params *t, const char *file)
{
	const char *own = cfg->identity->mac;
	char oui[7];
	memcpy(oui, own, 6);
	oui[6] = '\0';
	struct ps_mac_hit hits[64];
	size_t n = ps_profile_find_macs(text, len, oui, hits, 64);
	if (n > 64)
		n = 64;
	const struct ps_mac_hit *other = NULL;
	bool more = false;
	for (size_t i = 0; i < n; i++) {
		if (in_secret(t, file, text + hits[i].offset, hits[i].length))
			continue;
		if (strcmp(hits[i].mac, own) == 0)
			return true; /* it names this phone */
		if (!other)
			other = &hits[i];
		else if (strcmp(hits[i].mac, other->mac) != 0)
			more = true;
	}
	if (other)
		ps_sink_finding(sink, (long)hop, PS_F_PROFILE_WRONG_DEVICE,
				"line %u names %.*s%s; this phone is %s", other->line,
				(int)other->length, text + other->offset,
				more ? " (and other MACs)" : "", own);
	return other == NULL;
}

/* The profile checks on what file `file` set (lint.h): a finding for
 * each problem, with the file and line (errors with --strict), and the
 * parameter's row marked. Returns how many problems were found. */
static size_t lint(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		   const char *file, const struct ps_param_batch *ops, struct ps_params *t,
		   struct ps_lint *out)
{
	struct ps_lint l;
	ps_profile_lint(ops, cfg->identity ? cfg->identity->model : NULL, &l);
	static const enum ps_finding_id kinds[4] = { PS_F_PROFILE_UNKNOWN_PARAMETER,
						     PS_F_PROFILE_BAD_VALUE,
						     PS_F_PROFILE_NOT_FOR_MODEL,
						     PS_F_PROFILE_DUPLICATE };
	size_t raised[4] = { 0 };
	for (size_t i = 0; i < l.n; i++) {
		const struct ps_lint_item *it = &l.items[i];
		enum ps_severity sev = cfg->strict ? PS_SEV_ERROR : ps_finding_severity(it->id);
		size_t k = 0;
		while (k < 3 && kinds[k] != it->id)
			k++;
		if (raised[k]++ < PS_LINT_MAX_PER_ID)
			ps_sink_finding_sev(sink, (long)hop, it->id, sev, "%s line %u: %s", file,
					    it->line, it->detail);
		/* a bad value marks the row only when it is the value that stayed */
		if (it->secret)
			ps_params_make_secret(t, it->name);
		const struct ps_param *p = ps_params_get(t, it->name);
		if (p && (it->id != PS_F_PROFILE_BAD_VALUE || p->line == it->line))
			ps_params_mark(t, it->name, ps_finding_name(it->id), it->detail);
	}
	for (size_t k = 0; k < 4; k++)
		if (raised[k] > PS_LINT_MAX_PER_ID)
			ps_sink_finding_sev(
			    sink, (long)hop, kinds[k],
			    cfg->strict ? PS_SEV_ERROR : ps_finding_severity(kinds[k]),
			    "%s: %zu more like these, not listed (the first %d are; "
			    "the parameter table marks every one)",
			    file, raised[k] - PS_LINT_MAX_PER_ID, PS_LINT_MAX_PER_ID);
	*out = l;
	return l.n;
}

/* What this hop's profile was and the rows it set, as the hop's record. */
static void hop_profile(const struct ps_sink *sink, size_t hop, const struct ps_profile_source *src,
			const struct ps_params *t, const char *file, const struct ps_lint *l)
{
	struct ps_profile_report rep;
	memset(&rep, 0, sizeof rep);
	/* what the profile checks found, every one (borrowed strings) */
	rep.n_checks = l ? l->n : 0;
	rep.checks = rep.n_checks ? ps_xcalloc(rep.n_checks, sizeof *rep.checks) : NULL;
	for (size_t i = 0; i < rep.n_checks; i++) {
		const struct ps_lint_item *it = &l->items[i];
		struct ps_profile_check *c = &rep.checks[i];
		c->finding = ps_finding_name(it->id);
		c->line = it->line;
		c->parameter = it->name;
		c->detail = it->detail;
		for (const char *p = it->suggest; p && *p;) {
			size_t n = strcspn(p, ",");
			c->suggestions = ps_xrealloc(c->suggestions, (c->n_suggestions + 1) *
									 sizeof *c->suggestions);
			c->suggestions[c->n_suggestions++] = ps_xstrndup(p, n);
			p += n;
			while (*p == ',' || *p == ' ')
				p++;
		}
	}
	rep.sources = (struct ps_profile_source *)src;
	rep.n_sources = 1;
	size_t n = ps_params_count(t), k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ps_param *p = ps_params_at(t, i);
		k += p->source && strcmp(p->source, file) == 0;
	}
	rep.params = k ? ps_xcalloc(k, sizeof *rep.params) : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct ps_param *p = ps_params_at(t, i);
		if (!p->source || strcmp(p->source, file) != 0)
			continue;
		rep.params[rep.n_params++] =
		    (struct ps_param_row){ .name = p->name,
					   .value = p->value,
					   .access = p->access,
					   .source = p->source,
					   .line = p->line,
					   .secret = p->secret,
					   .problem = p->problem,
					   .problem_detail = p->problem_detail };
	}
	struct ps_detail d = { .kind = PS_DETAIL_HOP_PROFILE, .profile = &rep };
	ps_sink_detail(sink, hop, &d);
	free(rep.params);
	for (size_t i = 0; i < rep.n_checks; i++) {
		for (size_t j = 0; j < rep.checks[i].n_suggestions; j++)
			free(rep.checks[i].suggestions[j]);
		free(rep.checks[i].suggestions);
	}
	free(rep.checks);
}

/* One file: decode and parse into `t`. Returns false when the phone would
 * stop here (a failure ends the resync). */
bool ps_steps_profile(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		      const char *file, const unsigned char *data, size_t len, struct ps_params *t,
		      struct ps_profile_source *src, const char *key)
{
	src->name = ps_xstrdup(file);
	ps_sink_step_begin(sink, hop, PS_STEP_PROFILE_DECODE);
	struct ps_decode_opts o = { .key = key ? key : cfg->profile_key };
	struct ps_decoded d;
	memset(&d, 0, sizeof d);
	int rc = ps_profile_decode(data, len, &o, &d);
	src->format = ps_xstrdup(ps_profile_format_name(d.format));
	src->encrypted = d.encrypted;
	src->kdf = ps_xstrdup(d.kdf);
	src->compressed = d.compressed;
	report_issue(sink, hop, &d.warning);
	if (rc < 0) {
		ps_sink_step_end(sink, hop, PS_STEP_PROFILE_DECODE, PS_STATUS_FAIL, "%s",
				 d.error.detail ? d.error.detail : "cannot be decoded");
		report_issue(sink, hop, &d.error);
		ps_decoded_clear(&d);
		hop_profile(sink, hop, src, t, file, NULL);
		return false;
	}
	ps_sink_step_end(sink, hop, PS_STEP_PROFILE_DECODE,
			 d.warning.id == PS_F_COUNT ? PS_STATUS_OK : PS_STATUS_WARN,
			 "%zu bytes: %s%s%s%s%s", len, src->format,
			 d.encrypted ? ", encrypted" : "",
			 d.kdf ? (strcmp(d.kdf, "md5") == 0 ? " (MD5 key derivation)"
							    : " (SHA-256 key derivation)")
			       : "",
			 d.compressed ? ", gzip" : "", d.len != len ? "" : "");

	ps_sink_step_begin(sink, hop, PS_STEP_PROFILE_PARSE);
	struct ps_parse_result res;
	struct ps_lint checks = { 0 };
	const char *text = (const char *)d.data;
	rc = d.format == PS_PROFILE_XML ? ps_profile_parse_xml(text, d.len, file, t, &res)
					: ps_profile_parse_spc(text, d.len, file, t, &res);
	src->n_set = res.n_set;
	report_issue(sink, hop, &res.warning);
	struct ps_buf notes = { 0 };
	for (size_t i = 0; i < res.n_notes; i++)
		ps_buf_printf(&notes, "; %s", res.notes[i]);
	if (rc < 0) {
		ps_sink_step_end(sink, hop, PS_STEP_PROFILE_PARSE, PS_STATUS_FAIL, "%s%s",
				 res.error.detail ? res.error.detail : "cannot be parsed",
				 notes.s ? notes.s : "");
		report_issue(sink, hop, &res.error);
	} else {
		src->ok = true;
		bool mine =
		    !cfg->check_device || check_device(cfg, sink, hop, text, d.len, t, file);
		size_t problems = lint(cfg, sink, hop, file, &res.ops, t, &checks);
		char what[64] = "";
		if (problems)
			snprintf(what, sizeof what, ", %zu to check", problems);
		ps_sink_step_end(sink, hop, PS_STEP_PROFILE_PARSE,
				 !mine || (problems && cfg->strict)          ? PS_STATUS_FAIL
				 : res.warning.id == PS_F_COUNT && !problems ? PS_STATUS_OK
									     : PS_STATUS_WARN,
				 "%zu parameter%s set%s%s%s", res.n_set, res.n_set == 1 ? "" : "s",
				 what, mine ? "" : ", written for another device",
				 notes.s ? notes.s : "");
	}
	ps_buf_free(&notes);
	ps_parse_result_clear(&res);
	ps_decoded_clear(&d);
	hop_profile(sink, hop, src, t, file, &checks);
	ps_lint_clear(&checks);
	return rc == 0;
}

struct ps_macro_env ps_steps_phone_env(struct ps_phone_env *pe)
{
	return (struct ps_macro_env){ .macro = ps_steps_phone_macro,
				      .param = ps_steps_phone_param,
				      .ctx = pe,
				      .dhcp_server = pe->cfg->tftp_server };
}

const char *ps_steps_param_value(const struct ps_params *t, const char *name)
{
	const struct ps_param *p = ps_params_get(t, name);
	return p ? p->value : "";
}

/* The parameters the profile checks found unknown whose names are near
 * `name` ("the profile sets Upgrade_Rulle (spa.xml line 3), a name the
 * phone does not know"), NULL when none. Caller frees. */
static char *near_miss(const struct ps_params *t, const char *name)
{
	struct ps_buf b = { 0 };
	size_t n = 0;
	for (size_t i = 0; i < ps_params_count(t); i++) {
		const struct ps_param *p = ps_params_at(t, i);
		if (!p->problem || strcmp(p->problem, "profile.unknown_parameter") != 0 ||
		    ps_edit_distance(p->name, name, ps_suggest_tolerance(strlen(name)), false) >
			ps_suggest_tolerance(strlen(name)))
			continue;
		ps_buf_printf(&b, "%s%s (%s line %u)", n++ ? ", " : "", p->name,
			      p->source ? p->source : "?", p->line);
	}
	if (!n)
		return NULL;
	char *s = ps_xasprintf("the profile sets %s, %s the phone does not know: did you mean %s?",
			       b.s, n == 1 ? "a name" : "names", name);
	ps_buf_free(&b);
	return s;
}

bool ps_steps_upgrade_begin(const struct ps_run_config *cfg, const struct ps_sink *sink,
			    const struct ps_params *t, struct ps_upgrade_report *up, size_t *hop)
{
	struct ps_phone_env pe = { cfg, t };
	struct ps_macro_env env = ps_steps_phone_env(&pe);
	struct ps_upgrade_input in = {
		.params = t, .id = cfg->identity, .env = &env, .target_version = cfg->target_version
	};
	struct ps_found_list found = { 0 };
	memset(up, 0, sizeof *up);
	ps_upgrade_analyse(&in, up, &found);
	*hop = ps_sink_hop_begin(sink, up->rule.url ? up->rule.url : "(firmware upgrade)");
	ps_sink_step_begin(sink, *hop, PS_STEP_UPGRADE_RULE);
	if (up->rule.error)
		ps_sink_step_end(sink, *hop, PS_STEP_UPGRADE_RULE, PS_STATUS_FAIL,
				 "Upgrade_Rule does not parse at column %ld: %s",
				 up->rule.error_col, up->rule.error);
	else if (up->rule.fired >= 0)
		ps_sink_step_end(sink, *hop, PS_STEP_UPGRADE_RULE, PS_STATUS_OK,
				 "alternative %ld of %zu fires: %s", up->rule.fired + 1,
				 up->rule.n_alts, up->rule.url ? up->rule.url : "(no URL)");
	else
		ps_sink_step_end(sink, *hop, PS_STEP_UPGRADE_RULE, PS_STATUS_SKIPPED, "%s",
				 up->rule.n_alts ? "no alternative applies"
						 : "Upgrade_Rule is empty");
	ps_sink_step_begin(sink, *hop, PS_STEP_UPGRADE_DECISION);
	bool failed = false;
	for (size_t i = 0; i < found.n; i++) {
		if (found.v[i].id == PS_F_UPGRADE_NO_RULE) {
			char *near = near_miss(t, "Upgrade_Rule");
			if (near) {
				ps_sink_finding(sink, (long)*hop, found.v[i].id, "%s; %s",
						found.v[i].detail, near);
				free(near);
				continue;
			}
		}
		ps_sink_finding(sink, (long)*hop, found.v[i].id, "%s", found.v[i].detail);
		failed |= ps_finding_severity(found.v[i].id) == PS_SEV_ERROR;
	}
	ps_sink_step_end(sink, *hop, PS_STEP_UPGRADE_DECISION,
			 failed              ? PS_STATUS_FAIL
			 : up->would_upgrade ? PS_STATUS_OK
					     : PS_STATUS_SKIPPED,
			 "%s%s", up->would_upgrade ? "upgrade: " : "no upgrade: ", up->reason);
	ps_found_clear(&found);
	if (cfg->download_file) {
		up->download_asked = true;
		up->download_file = ps_xstrdup(cfg->download_file);
		up->download_size = -1;
	}
	return up->would_upgrade && up->rule.url && !failed;
}

void ps_steps_upgrade_end(const struct ps_sink *sink, size_t hop, struct ps_upgrade_report *up)
{
	if (up->download_asked && up->download_size < 0 && !up->download_error)
		up->download_error = ps_xasprintf("not downloaded: %s",
						  !up->would_upgrade ? "the phone would not upgrade"
						  : up->check_done   ? "the image is not there"
								   : "the upgrade cannot go ahead");
	struct ps_detail d = { .kind = PS_DETAIL_UPGRADE, .upgrade = up };
	ps_sink_detail(sink, hop, &d);
	ps_upgrade_report_clear(up);
}

/* Report the chain analysis as the tls.chain step: the detail record,
 * every finding (one that concerns only the modern client cannot fail the
 * phone's run, so an error becomes a warning), and the step's verdict.
 * Returns false when the phone rejects the chain. Without --ca the phone's
 * trust cannot be judged: that alone is a warning, not a rejection. */
/* When the phone's trust is not known (no --ca) or it rejects the chain
 * for want of a trusted CA: which vendor CA this model trusts at its
 * firmware, and where the chain ends; a warning when the chain ends at
 * another vendor CA by name. */
static void vendor_ca(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		      const struct ps_chain_report *rep, bool unknown)
{
	bool trust_problem = unknown;
	for (size_t i = 0; i < rep->n_findings; i++) {
		enum ps_finding_id id = rep->findings[i].id;
		trust_problem |= rep->findings[i].phone &&
				 (id == PS_F_CHAIN_UNTRUSTED_ROOT || id == PS_F_CHAIN_SELF_SIGNED ||
				  id == PS_F_CHAIN_MISSING_INTERMEDIATE);
	}
	if (!rep->n_certs)
		return;
	const struct ps_identity *id = cfg->identity;
	const struct ps_model *m = id->model;
	const struct ps_cert_info *top = &rep->certs[rep->n_certs - 1];
	const char *end = top->self_signed ? top->subject : top->issuer;
	const struct ps_vendor_ca *named = ps_vendor_ca_in(end, false);
	bool other = named && !ps_model_trusts(m, id->firmware, named);
	/* --ca accepted a chain whose CA is by its name another vendor's: the
	 * verdict holds for a phone that trusts that CA, not for this model */
	bool given_other = !trust_problem && rep->phone.accept && other;
	if (!trust_problem && !given_other)
		return;
	char *cas = ps_model_server_cas(m, id->firmware);
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "%s %s on %s trusts %s (%s); this chain ends at '%s'",
		      ps_model_article(m), m->product, id->firmware, cas,
		      ps_model_assumed(m, "server_ca")
			  ? "assumed: the model is not in the part of Cisco's SPA CA list that "
			    "survives"
			  : "Cisco's SPA CA list",
		      end ? end : "?");
	if (given_other)
		ps_buf_printf(&b,
			      ", by its name the %s (of the %s), which the %s does not "
			      "trust: --ca accepts it, but the phone would not if the name is "
			      "right",
			      named->name, named->devices, m->product);
	else if (other)
		ps_buf_printf(&b, ", by its name the %s (of the %s), which the %s does not trust",
			      named->name, named->devices, m->product);
	else if (named)
		ps_buf_printf(&b,
			      ", by its name the %s: give that CA's certificate with --ca to "
			      "check the signatures",
			      named->name);
	else if (unknown)
		ps_buf_puts(&b, "; give the CA the phone holds with --ca to check it");
	else
		ps_buf_puts(&b, ", which is not the CA given with --ca");
	ps_sink_finding_sev(sink, (long)hop, PS_F_CHAIN_VENDOR_CA,
			    other ? PS_SEV_WARN : PS_SEV_INFO, "%s", b.s);
	ps_buf_free(&b);
	free(cas);
}

bool ps_steps_chain(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		    const struct ps_chain_report *rep)
{
	struct ps_detail d = { .kind = PS_DETAIL_CHAIN, .chain = rep };
	ps_sink_detail(sink, hop, &d);
	bool phone_fails = false;
	for (size_t i = 0; i < rep->n_findings; i++) {
		const struct ps_chain_finding *f = &rep->findings[i];
		enum ps_severity sev = ps_finding_severity(f->id);
		if (!f->phone && sev == PS_SEV_ERROR)
			sev = PS_SEV_WARN;
		phone_fails |= sev == PS_SEV_ERROR;
		char *detail = ps_xasprintf("%s%s", f->detail ? f->detail : "",
					    f->phone && f->modern ? ""
					    : f->phone            ? " (the phone)"
								  : " (a modern client only)");
		ps_sink_finding_sev(sink, (long)hop, f->id, sev, "%s", detail);
		free(detail);
	}
	bool phone_unknown = rep->phone.unknown && !phone_fails;
	if (phone_unknown)
		ps_sink_finding(sink, (long)hop, PS_F_CHAIN_TRUST_UNKNOWN,
				"the chain ends at '%s'; give the vendor CA with --ca to check it",
				rep->n_certs ? rep->certs[rep->n_certs - 1].issuer : "?");
	vendor_ca(cfg, sink, hop, rep, phone_unknown);
	const char *model = cfg->identity->model->product;
	const char *why_phone = rep->phone.n_reasons ? rep->phone.reasons[0] : "";
	const char *why_modern = rep->modern.n_reasons ? rep->modern.reasons[0] : "";
	const char *going_on = cfg->inspect_anyway ? " --inspect-anyway: going on, which the "
						     "phone would not do."
						   : "";
	if (phone_unknown)
		ps_sink_step_end(sink, hop, PS_STEP_TLS_CHAIN, PS_STATUS_WARN,
				 "%zu certificate%s; without --ca the %s's trust is not checked; "
				 "a modern client %s",
				 rep->n_certs, rep->n_certs == 1 ? "" : "s", model,
				 rep->modern.accept ? "accepts it" : "rejects it");
	else if (rep->phone.accept && rep->modern.accept)
		ps_sink_step_end(sink, hop, PS_STEP_TLS_CHAIN, PS_STATUS_OK,
				 "%zu certificate%s; the %s and a modern client both accept it",
				 rep->n_certs, rep->n_certs == 1 ? "" : "s", model);
	else if (rep->phone.accept)
		ps_sink_step_end(sink, hop, PS_STEP_TLS_CHAIN, PS_STATUS_WARN,
				 "the %s accepts this certificate; a browser would not: %s", model,
				 why_modern);
	else if (rep->modern.accept)
		ps_sink_step_end(sink, hop, PS_STEP_TLS_CHAIN, PS_STATUS_FAIL,
				 "a browser would accept this certificate; an %s will not: %s%s",
				 model, why_phone, going_on);
	else
		ps_sink_step_end(sink, hop, PS_STEP_TLS_CHAIN, PS_STATUS_FAIL,
				 "the %s rejects this certificate: %s%s", model, why_phone,
				 going_on);
	return rep->phone.accept || phone_unknown;
}

void ps_steps_chain_params(const struct ps_run_config *cfg, struct ps_chain_params *p,
			   const char *host)
{
	memset(p, 0, sizeof *p);
	p->trust = cfg->trust;
	p->host = host;
	p->at = cfg->at;
	p->memo = cfg->chain_memo;
}
