/* Offline runs: `provscope profile` (decode profiles into the phone's
 * parameter table, then analyse the firmware upgrade) and `provscope rule`
 * (evaluate one rule for the phone). They report through the sink like a
 * live run: one hop per file, steps, findings, and the report-wide profile,
 * upgrade and rule records. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "engine/engine.h"
#include "engine/upgrade.h"
#include "profile/decode.h"
#include "profile/defaults.h"
#include "profile/devmac.h"
#include "profile/params.h"
#include "profile/spc.h"
#include "profile/xml.h"
#include "rules/env.h"
#include "rules/rule.h"

/* The phone's own macros: identity, then state as at a power-up resync. */

const char *ps_engine_phone_macro(void *ctx, const char *name)
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

const char *ps_engine_phone_param(void *ctx, const char *name)
{
	const struct ps_phone_env *pe = ctx;
	const struct ps_param *p = ps_params_get(pe->params, name);
	return p ? p->value : NULL;
}

void ps_engine_snapshot_params(const struct ps_params *t, struct ps_profile_report *rep)
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

/* What this hop's profile was and the rows it set, as the hop's record. */
static void hop_profile(const struct ps_sink *sink, size_t hop, const struct ps_profile_source *src,
			const struct ps_params *t, const char *file)
{
	struct ps_profile_report rep;
	memset(&rep, 0, sizeof rep);
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
		rep.params[rep.n_params++] = (struct ps_param_row){ .name = p->name,
								    .value = p->value,
								    .access = p->access,
								    .source = p->source,
								    .line = p->line,
								    .secret = p->secret };
	}
	struct ps_detail d = { .kind = PS_DETAIL_HOP_PROFILE, .profile = &rep };
	ps_sink_detail(sink, hop, &d);
	free(rep.params);
}

/* One file: decode and parse into `t`. Returns false when the phone would
 * stop here (a failure ends the resync). */
bool ps_engine_profile_steps(const struct ps_run_config *cfg, const struct ps_sink *sink,
			     size_t hop, const char *file, const unsigned char *data, size_t len,
			     struct ps_params *t, struct ps_profile_source *src, const char *key)
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
		hop_profile(sink, hop, src, t, file);
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
		ps_sink_step_end(sink, hop, PS_STEP_PROFILE_PARSE,
				 !mine                          ? PS_STATUS_FAIL
				 : res.warning.id == PS_F_COUNT ? PS_STATUS_OK
								: PS_STATUS_WARN,
				 "%zu parameter%s set%s%s", res.n_set, res.n_set == 1 ? "" : "s",
				 mine ? "" : ", written for another device",
				 notes.s ? notes.s : "");
	}
	ps_buf_free(&notes);
	ps_parse_result_clear(&res);
	ps_decoded_clear(&d);
	hop_profile(sink, hop, src, t, file);
	return rc == 0;
}

void ps_engine_upgrade_hop(const struct ps_run_config *cfg, const struct ps_sink *sink,
			   const struct ps_params *t, ps_upgrade_check_fn check)
{
	struct ps_phone_env pe = { cfg, t };
	struct ps_macro_env env = { .macro = ps_engine_phone_macro,
				    .param = ps_engine_phone_param,
				    .ctx = &pe };
	struct ps_upgrade_input in = {
		.params = t, .id = cfg->identity, .env = &env, .target_version = cfg->target_version
	};
	struct ps_upgrade_report up;
	struct ps_found_list found = { 0 };
	memset(&up, 0, sizeof up);
	ps_upgrade_analyse(&in, &up, &found);
	size_t hop = ps_sink_hop_begin(sink, up.rule.url ? up.rule.url : "(firmware upgrade)");
	ps_sink_step_begin(sink, hop, PS_STEP_UPGRADE_RULE);
	if (up.rule.error)
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_RULE, PS_STATUS_FAIL,
				 "Upgrade_Rule does not parse at column %ld: %s", up.rule.error_col,
				 up.rule.error);
	else if (up.rule.fired >= 0)
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_RULE, PS_STATUS_OK,
				 "alternative %ld of %zu fires: %s", up.rule.fired + 1,
				 up.rule.n_alts, up.rule.url ? up.rule.url : "(no URL)");
	else
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_RULE, PS_STATUS_SKIPPED, "%s",
				 up.rule.n_alts ? "no alternative applies"
						: "Upgrade_Rule is empty");
	ps_sink_step_begin(sink, hop, PS_STEP_UPGRADE_DECISION);
	bool failed = false;
	for (size_t i = 0; i < found.n; i++) {
		ps_sink_finding(sink, (long)hop, found.v[i].id, "%s", found.v[i].detail);
		failed |= ps_finding_severity(found.v[i].id) == PS_SEV_ERROR;
	}
	ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_DECISION,
			 failed             ? PS_STATUS_FAIL
			 : up.would_upgrade ? PS_STATUS_OK
					    : PS_STATUS_SKIPPED,
			 "%s%s", up.would_upgrade ? "upgrade: " : "no upgrade: ", up.reason);
	if (cfg->download_file) {
		up.download_asked = true;
		up.download_file = ps_xstrdup(cfg->download_file);
		up.download_size = -1;
	}
	if (check && up.would_upgrade && up.rule.url && !failed)
		check(cfg, sink, hop, up.rule.url, &up);
	if (up.download_asked && up.download_size < 0 && !up.download_error)
		up.download_error = ps_xasprintf("not downloaded: %s",
						 !up.would_upgrade ? "the phone would not upgrade"
						 : up.check_done   ? "the image is not there"
								   : "the upgrade cannot go ahead");
	struct ps_detail d = { .kind = PS_DETAIL_UPGRADE, .upgrade = &up };
	ps_sink_detail(sink, hop, &d);
	ps_found_clear(&found);
	ps_upgrade_report_clear(&up);
}

bool ps_engine_run_profile(const struct ps_run_config *cfg, const char *const *files, size_t n,
			   const struct ps_sink *sink, char **err)
{
	/* Read every file first: a missing one is a usage error, before any
	 * output. */
	unsigned char **data = ps_xcalloc(n, sizeof *data);
	size_t *len = ps_xcalloc(n, sizeof *len);
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++)
		ok = ps_read_file(files[i], 64u << 20, &data[i], &len[i], err);
	if (ok) {
		struct ps_params *t = ps_params_new();
		ps_params_load_defaults(t, cfg->identity->model);
		struct ps_profile_report rep;
		memset(&rep, 0, sizeof rep);
		rep.sources = ps_xcalloc(n, sizeof *rep.sources);
		for (size_t i = 0; i < n; i++) {
			rep.n_sources++;
			size_t hop = ps_sink_hop_begin(sink, files[i]);
			if (!ps_engine_profile_steps(cfg, sink, hop, files[i], data[i], len[i], t,
						     &rep.sources[i], NULL))
				break; /* like the phone: a failure ends the pass */
		}
		ps_engine_snapshot_params(t, &rep);
		struct ps_detail d = { .kind = PS_DETAIL_PROFILE, .profile = &rep };
		ps_sink_detail(sink, 0, &d);
		ps_engine_upgrade_hop(cfg, sink, t, NULL);
		ps_profile_report_clear(&rep);
		ps_params_free(t);
	}
	for (size_t i = 0; i < n; i++)
		free(data[i]);
	free(data);
	free(len);
	return ok;
}

void ps_engine_run_rule(const struct ps_run_config *cfg, const char *text, const char *kind,
			const struct ps_sink *sink)
{
	enum ps_rule_kind k = strcmp(kind, "upgrade") == 0   ? PS_RULE_UPGRADE
			      : strcmp(kind, "trigger") == 0 ? PS_RULE_TRIGGER
							     : PS_RULE_PROFILE;
	size_t hop = ps_sink_hop_begin(sink, "(rule)");
	ps_sink_step_begin(sink, hop, PS_STEP_RULE_EXPAND);
	struct ps_params *t = ps_params_new();
	ps_params_load_defaults(t, cfg->identity->model);
	struct ps_phone_env pe = { cfg, t };
	struct ps_macro_env env = { .macro = ps_engine_phone_macro,
				    .param = ps_engine_phone_param,
				    .ctx = &pe };
	struct ps_rule r;
	struct ps_rule_error err;
	struct ps_rule_eval ev;
	memset(&r, 0, sizeof r);
	memset(&ev, 0, sizeof ev);
	struct ps_rule_report rep;
	memset(&rep, 0, sizeof rep);
	bool parsed = ps_rule_parse(text, k, &r, &err) == 0;
	if (parsed)
		ps_rule_evaluate(&r, &env, &ev);
	ps_rule_report_fill(&rep, "rule", text, parsed ? &r : NULL, &err, parsed ? &ev : NULL);
	if (!parsed) {
		ps_sink_finding(sink, (long)hop, PS_F_RULE_SYNTAX, "column %ld: %s (expected %s)",
				err.column, err.message, err.expected);
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_FAIL,
				 "syntax error at column %ld: %s", err.column, err.message);
	} else {
		if (r.options_ignored)
			ps_sink_finding(sink, (long)hop, PS_F_RULE_OPTION_IGNORED,
					"this upgrade rule carries [...] options");
		if (ev.fired < 0) {
			ps_sink_finding(sink, (long)hop, PS_F_RULE_NO_MATCH, "%s",
					ev.reason ? ev.reason : "no alternative applies");
			ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_SKIPPED, "%s",
					 ev.reason ? ev.reason : "no alternative applies");
		} else if (ev.url_error) {
			ps_sink_finding(sink, (long)hop, PS_F_RULE_SYNTAX, "the URL %s: %s",
					ev.url_expanded ? ev.url_expanded : "", ev.url_error);
			ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_FAIL,
					 "alternative %ld fires but its URL does not resolve: %s",
					 ev.fired + 1, ev.url_error);
		} else {
			ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_OK,
					 "alternative %ld of %zu fires%s%s", ev.fired + 1, r.n_alts,
					 rep.url ? ": " : " (no URL)", rep.url ? rep.url : "");
		}
	}
	struct ps_detail d = { .kind = PS_DETAIL_RULE, .rule = &rep };
	ps_sink_detail(sink, hop, &d);
	ps_rule_report_clear(&rep);
	if (parsed) {
		ps_rule_eval_clear(&ev);
		ps_rule_clear(&r);
	}
	ps_params_free(t);
}
