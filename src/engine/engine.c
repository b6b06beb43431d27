/* A live run: the phone's resync pass (see engine.h). Profile_Rule, then
 * _B, _C and _D as the profiles fetched so far set them, each through the
 * resync's profile hops; then the firmware-upgrade hop with its check, and
 * the audit. */
#include "config.h"

#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "engine/audit.h"
#include "engine/firmware.h"
#include "engine/hop.h"
#include "engine/resync.h"
#include "engine/steps.h"
#include "engine/tls.h"
#include "phone/catalogue.h"
#include "phone/identity.h"
#include "profile/defaults.h"
#include "profile/params.h"
#include "rules/rule.h"

/* A URL without macros, as the phone reads it: a typo is a usage error. */
static bool url_resolves(const char *u, char **err)
{
	struct ps_url pu;
	char *why = NULL;
	memset(&pu, 0, sizeof pu);
	if (ps_rule_url_resolve(u, &pu, &why) < 0) {
		*err = ps_xasprintf("'%s' is not a usable URL: %s", u, why ? why : "?");
		free(why);
		return false;
	}
	ps_url_clear(&pu);
	return true;
}

/* "prov.example.net" or "10.0.0.5:8443": a host alone, which a rule
 * would read as a TFTP server with no file. */
static bool bare_host(const char *t)
{
	size_t n = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (n == 0 || t[0] == '-' || t[0] == '.')
		return false;
	if (t[n] == ':' && t[n + 1])
		n += 1 + strspn(t + n + 1, "0123456789");
	return t[n] == '\0';
}

/* "prov.example.net:8443/spa$PSN.cfg": a URL without a scheme, which the
 * phone reads as TFTP, to a port of HTTPS or HTTP: the scheme to suggest,
 * or NULL. */
static const char *web_port_without_scheme(const char *t)
{
	if (strstr(t, "://") || strpbrk(t, "([|? "))
		return NULL;
	size_t host = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (!host || t[host] != ':')
		return NULL;
	char *end;
	unsigned long port = strtoul(t + host + 1, &end, 10);
	if (end == t + host + 1 || (*end && *end != '/'))
		return NULL;
	return port == 443 || port == 8443 ? "HTTPS" : port == 80 || port == 8080 ? "HTTP" : NULL;
}

bool ps_engine_check_target(const char *target, char **err)
{
	if (bare_host(target)) {
		*err = ps_xasprintf("'%s' names a host, not a file: the phone fetches a file from "
				    "its server; give a URL such as 'https://%s/spa$PSN.cfg' (a "
				    "URL without a scheme is a TFTP path, as in a Profile_Rule)",
				    target, target);
		return false;
	}
	const char *scheme = web_port_without_scheme(target);
	if (scheme) {
		*err = ps_xasprintf("'%s' has no scheme, so the phone would fetch it over TFTP "
				    "(as in a Profile_Rule), but its port is an %s port: write "
				    "'%s://%s' (or tftp:// to mean TFTP)",
				    target, scheme, strcmp(scheme, "HTTPS") == 0 ? "https" : "http",
				    target);
		return false;
	}
	/* A URL the phone can fetch, or a rule (macros, conditions, options). */
	if (strstr(target, "://") && !strpbrk(target, "$([|")) {
		struct ps_target t;
		if (!ps_target_parse(target, &t, err))
			return false;
		bool ok = ps_str_ieq(t.scheme, "https") || ps_str_ieq(t.scheme, "http") ||
			  ps_str_ieq(t.scheme, "tftp");
		if (!ok)
			*err = ps_xasprintf(
			    "'%s': the phone fetches over https, http and tftp only", target);
		ps_target_clear(&t);
		return ok && url_resolves(target, err);
	}
	struct ps_rule r;
	struct ps_rule_error e;
	memset(&r, 0, sizeof r);
	if (ps_rule_parse(target, PS_RULE_PROFILE, &r, &e) < 0) {
		*err =
		    ps_xasprintf("'%s' is neither a URL nor a rule: column %ld: %s (expected %s)",
				 target, e.column, e.message, e.expected);
		return false;
	}
	/* A URL without macros must resolve now: a typo is a usage error. */
	bool ok = false;
	for (size_t i = 0; i < r.n_alts; i++)
		ok |= r.alts[i].url != NULL;
	if (!ok) { /* '', ' ', a comment: nothing to fetch */
		*err = ps_xasprintf("'%s' names no URL: give the URL or the Profile_Rule to fetch",
				    target);
		ok = false;
	}
	for (size_t i = 0; i < r.n_alts && ok; i++) {
		const char *u = r.alts[i].url;
		if (u && !strchr(u, '$'))
			ok = url_resolves(u, err);
	}
	ps_rule_clear(&r);
	return ok;
}

/* The upgrade hop of a live run: the analysis, and the image checked (and
 * downloaded) when the phone would fetch it. */
static void upgrade_hop(const struct ps_run_config *cfg, const struct ps_sink *sink,
			const struct ps_params *table)
{
	struct ps_upgrade_report up;
	size_t hop;
	if (ps_steps_upgrade_begin(cfg, sink, table, &up, &hop))
		ps_firmware_check(cfg, sink, hop, up.rule.url, &up);
	ps_steps_upgrade_end(sink, hop, &up);
}

/* A system policy that leaves some of the phone's suites out (one that
 * leaves all out stops the session before any run): the run goes on, but
 * its ClientHello is not the phone's. Not for a --priority of the user's. */
static void local_policy(const struct ps_run_config *cfg, const struct ps_sink *sink)
{
	const struct ps_model *m = cfg->identity->model;
	if (!cfg->priority || strcmp(cfg->priority, m->priority) != 0)
		return;
	bool fatal;
	char *who = m->file ? ps_xasprintf("the learned %s's", m->id)
			    : ps_xasprintf("%s %s", ps_model_article(m), m->product);
	char *why = ps_tls_local_policy(who, m->priority, m->suites, false, &fatal);
	if (why)
		ps_sink_finding(sink, -1, PS_F_TLS_LOCAL_POLICY, "%s", why);
	free(why);
	free(who);
}

void ps_engine_run(const struct ps_run_config *cfg, const struct ps_sink *sink)
{
	double t0 = ps_now_ms();
	local_policy(cfg, sink);
	struct ps_params *table = ps_params_new();
	ps_params_load_defaults(table, cfg->identity->model);
	struct ps_profile_report prof;
	memset(&prof, 0, sizeof prof);
	/* Like the phone's resync: a failure ends the pass. */
	static const char *const names[] = { "Profile_Rule", "Profile_Rule_B", "Profile_Rule_C",
					     "Profile_Rule_D" };
	bool parsed_any = false;
	char **audit_urls = NULL; /* per-device files fetched, for --audit */
	size_t n_audit = 0;
	for (size_t i = 0; i < 4; i++) {
		char *text =
		    ps_xstrdup(i == 0 ? cfg->target : ps_steps_param_value(table, names[i]));
		char *fetched = NULL;
		enum ps_resync_result res = PS_RESYNC_GO_ON;
		if (*text)
			res = ps_resync_rule(cfg, sink, i == 0 ? "the target" : names[i], text, t0,
					     table, &prof, &fetched);
		free(text);
		if (fetched && cfg->audit && ps_audit_concerns(cfg, fetched)) {
			audit_urls = ps_xrealloc(audit_urls, (n_audit + 1) * sizeof *audit_urls);
			audit_urls[n_audit++] = fetched;
		} else {
			free(fetched);
		}
		parsed_any |= res == PS_RESYNC_PARSED;
		if (res == PS_RESYNC_FAILED || cfg->handshake_only)
			break;
	}
	if (!cfg->handshake_only) {
		ps_steps_snapshot(table, &prof);
		struct ps_detail pd = { .kind = PS_DETAIL_PROFILE, .profile = &prof };
		ps_sink_detail(sink, 0, &pd);
		if (parsed_any)
			upgrade_hop(cfg, sink, table);
	}
	ps_audit_run(cfg, sink, audit_urls, n_audit);
	for (size_t i = 0; i < n_audit; i++)
		free(audit_urls[i]);
	free(audit_urls);
	ps_params_free(table);
	ps_profile_report_clear(&prof);
}
