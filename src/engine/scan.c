/* What `provscope scan` asks of the engine besides whole passes (see
 * engine.h): the URL a pass would fetch first, the audit on its own, and
 * hello probes of the server. */
#include "config.h"

#include "engine/engine.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "engine/audit.h"
#include "engine/hop.h"
#include "engine/steps.h"
#include "model/scan.h"
#include "profile/defaults.h"
#include "profile/params.h"
#include "rules/rule.h"

char *ps_engine_first_url(const struct ps_run_config *cfg, char **err)
{
	*err = NULL;
	struct ps_rule r;
	struct ps_rule_error e;
	memset(&r, 0, sizeof r);
	if (ps_rule_parse(cfg->target, PS_RULE_PROFILE, &r, &e) < 0) {
		*err = ps_xasprintf("column %ld: %s", e.column, e.message);
		return NULL;
	}
	struct ps_params *table = ps_params_new();
	ps_params_load_defaults(table, cfg->identity->model);
	struct ps_phone_env pe = { cfg, table };
	struct ps_macro_env env = ps_steps_phone_env(&pe);
	struct ps_rule_eval ev;
	memset(&ev, 0, sizeof ev);
	ps_rule_evaluate(&r, &env, &ev);
	char *url = NULL;
	if (ev.fired < 0)
		*err = ps_xstrdup(ev.reason ? ev.reason : "no alternative applies");
	else if (!ev.url.scheme || ev.url.host_defaulted)
		*err = ps_xstrdup(ev.url_error ? ev.url_error
					       : "the URL names no server: the phone takes it from "
						 "DHCP option 66; give it with --tftp-server HOST");
	else
		url = ps_url_format(&ev.url);
	ps_rule_eval_clear(&ev);
	ps_rule_clear(&r);
	ps_params_free(table);
	return url;
}

bool ps_engine_audit_concerns(const struct ps_run_config *cfg, const char *url)
{
	return ps_audit_concerns(cfg, url);
}

bool ps_engine_run_audit(const struct ps_run_config *cfg, const char *url,
			 const struct ps_sink *sink)
{
	if (!ps_audit_concerns(cfg, url))
		return false;
	char *urls[] = { (char *)(uintptr_t)url };
	ps_audit_run(cfg, sink, urls, 1);
	return true;
}

char *ps_engine_sni_name(const char *url)
{
	struct ps_target t;
	char *err = NULL;
	if (!ps_target_parse(url, &t, &err)) {
		free(err);
		return NULL;
	}
	char *name = ps_is_ip_literal(t.host) ? NULL : ps_xstrdup(t.host);
	ps_target_clear(&t);
	return name;
}

void ps_engine_hello(const struct ps_run_config *cfg, const char *url, const char *priority,
		     struct ps_scan_hello *out)
{
	ps_scan_hello_clear(out);
	out->done = true;
	out->priority = ps_xstrdup(priority);
	struct ps_target t;
	char *err = NULL;
	if (!ps_target_parse(url, &t, &err)) {
		out->error = err;
		return;
	}
	struct ps_sockaddr *addrs = NULL;
	size_t n = 0;
	enum ps_finding_id f;
	int fd = -1;
	if (ps_resolve(t.host, t.port, cfg->pins, cfg->n_pins, &addrs, &n, &err, &f))
		for (size_t i = 0; i < n && fd < 0; i++) {
			free(err);
			err = NULL;
			fd = ps_connect(&addrs[i], cfg->timeout_ms, &err, &f);
		}
	if (fd < 0) {
		out->error = err ? err : ps_xstrdup("no address");
	} else {
		free(err);
		out->connected = true;
		size_t hl = strlen(t.host);
		char *host = hl >= 2 && t.host[0] == '[' ? ps_xstrndup(t.host + 1, hl - 2)
							 : ps_xstrdup(t.host);
		/* No device certificate: the probe ends before one would go. */
		struct ps_tls_creds *none = ps_tls_creds_new(NULL, NULL, &err);
		struct ps_tls_params p = { .priority = priority,
					   .creds = none,
					   .server_name = host,
					   .timeout_ms = cfg->timeout_ms,
					   .t0_ms = ps_now_ms() };
		ps_tls_hello(fd, &p, out);
		ps_tls_creds_free(none);
		free(err);
		free(host);
		close(fd);
	}
	free(addrs);
	ps_target_clear(&t);
}
