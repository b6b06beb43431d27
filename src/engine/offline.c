/* Offline runs: `provscope cert` (the chain in a file, checked as the live
 * run checks it), `provscope profile` (decode profiles into the phone's
 * parameter table, then analyse the firmware upgrade) and `provscope rule`
 * (evaluate one rule for the phone). They report through the sink like a
 * live run: one hop per file, steps, findings, and the report-wide profile,
 * upgrade and rule records; nothing here touches the network. */
#include "config.h"

#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "engine/chain.h"
#include "engine/net.h"
#include "engine/steps.h"
#include "engine/upgrade.h"
#include "profile/defaults.h"
#include "profile/params.h"
#include "rules/rule.h"

bool ps_engine_run_cert(const struct ps_run_config *cfg, const char *file, const char *host,
			const struct ps_sink *sink, char **err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	if (!ps_read_file(file, PS_PEM_FILE_MAX, &data, &len, err))
		return false;
	bool ok = ps_engine_run_cert_data(cfg, file, data, len, host, sink, err);
	free(data);
	return ok;
}

bool ps_engine_run_cert_data(const struct ps_run_config *cfg, const char *file,
			     const unsigned char *data, size_t len, const char *host,
			     const struct ps_sink *sink, char **err)
{
	gnutls_datum_t *der = NULL;
	size_t n = 0;
	if (ps_chain_load_pem(data, len, file, &der, &n, err) < 0)
		return false;
	size_t hop = ps_sink_hop_begin(sink, file);
	ps_sink_step_begin(sink, hop, PS_STEP_TLS_CHAIN);
	struct ps_chain_params p;
	ps_steps_chain_params(cfg, &p, host);
	/* An IP literal as --host: the phone's connected-address rule uses it. */
	const char *addr = host;
	if (host && ps_is_ip_literal(host)) {
		p.connected_addr = addr;
		p.host_addrs = &addr;
		p.n_host_addrs = 1;
	}
	struct ps_chain_report rep;
	memset(&rep, 0, sizeof rep);
	ps_chain_analyse(der, n, &p, &rep);
	ps_steps_chain(cfg, sink, hop, &rep);
	ps_chain_report_clear(&rep);
	ps_chain_der_free(der, n);
	return true;
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
		ok = ps_read_file(files[i], cfg->max_body, &data[i], &len[i], err);
	if (ok) {
		struct ps_params *t = ps_params_new();
		ps_params_load_defaults(t, cfg->identity->model);
		struct ps_profile_report rep;
		memset(&rep, 0, sizeof rep);
		rep.sources = ps_xcalloc(n, sizeof *rep.sources);
		for (size_t i = 0; i < n; i++) {
			rep.n_sources++;
			size_t hop = ps_sink_hop_begin(sink, files[i]);
			if (!ps_steps_profile(cfg, sink, hop, files[i], data[i], len[i], t,
					      &rep.sources[i], NULL))
				break; /* like the phone: a failure ends the pass */
		}
		ps_steps_snapshot(t, &rep);
		struct ps_detail d = { .kind = PS_DETAIL_PROFILE, .profile = &rep };
		ps_sink_detail(sink, 0, &d);
		struct ps_upgrade_report up;
		size_t hop;
		ps_steps_upgrade_begin(cfg, sink, t, &up, &hop); /* no image fetched offline */
		ps_steps_upgrade_end(sink, hop, &up);
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
	struct ps_macro_env env = ps_steps_phone_env(&pe);
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
