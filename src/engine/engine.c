/* One run: resolve, connect and the phone's TLS handshake, step by step,
 * with a modern-client probe when the phone fails (see engine.h). */
#include "config.h"

#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/util.h"

struct target {
	char *scheme, *host;
	unsigned port;
};

static void target_clear(struct target *t)
{
	free(t->scheme);
	free(t->host);
	memset(t, 0, sizeof *t);
}

static bool parse_target(const char *url, struct target *t, char **err)
{
	memset(t, 0, sizeof *t);
	CURLU *u = curl_url();
	if (!u)
		abort();
	CURLUcode uc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	char *scheme = NULL, *host = NULL, *port = NULL;
	if (uc == CURLUE_OK)
		uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	if (uc == CURLUE_OK)
		uc = curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (uc == CURLUE_OK)
		uc = curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	if (uc != CURLUE_OK) {
		*err = ps_xasprintf("'%s' is not a usable URL: %s", url, curl_url_strerror(uc));
	} else {
		t->scheme = ps_xstrdup(scheme);
		t->host = ps_xstrdup(host);
		t->port = (unsigned)strtoul(port, NULL, 10);
		if (t->port == 0 || t->port > 65535) {
			*err = ps_xasprintf("'%s': bad port", url);
			uc = CURLUE_BAD_PORT_NUMBER;
		}
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	if (uc != CURLUE_OK)
		target_clear(t);
	return uc == CURLUE_OK;
}

bool ps_engine_check_target(const char *url, char **err)
{
	struct target t;
	if (!parse_target(url, &t, err))
		return false;
	bool ok = strcasecmp(t.scheme, "https") == 0;
	if (!ok)
		*err = ps_xasprintf("'%s': only https:// URLs can be run so far (the TLS "
				    "handshake); http:// and tftp:// come with the resync pass",
				    url);
	target_clear(&t);
	return ok;
}

static char *host_for_tls(const char *host)
{
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		return ps_xstrndup(host + 1, n - 2);
	return ps_xstrdup(host);
}

static void run_probe(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		      const struct ps_sockaddr *addr, struct ps_tls_params *tp,
		      struct ps_tls_info *info)
{
	ps_sink_step_begin(sink, hop, PS_STEP_TLS_PROBE);
	char *err = NULL;
	enum ps_finding_id f;
	int fd = ps_connect(addr, cfg->timeout_ms, &err, &f);
	if (fd < 0) {
		info->probe.done = true;
		info->probe.error = err;
		ps_sink_step_end(sink, hop, PS_STEP_TLS_PROBE, PS_STATUS_SKIPPED,
				 "could not reconnect: %s", err);
		return;
	}
	struct ps_tls_params pp = *tp;
	pp.sink = NULL;
	ps_tls_probe(fd, &pp, &info->probe);
	close(fd);
	const struct ps_tls_probe *p = &info->probe;
	const char *model = cfg->identity->model->product;
	if (p->version && p->cipher_suite)
		ps_sink_step_end(sink, hop, PS_STEP_TLS_PROBE, PS_STATUS_OK,
				 "the server would accept %s %s (%s); an %s cannot offer it",
				 p->version, p->cipher_suite, p->kx ? p->kx : "?", model);
	else
		ps_sink_step_end(sink, hop, PS_STEP_TLS_PROBE, PS_STATUS_WARN,
				 "a modern client fails too: %s", p->error ? p->error : "?");
}

static void client_auth_step(const struct ps_sink *sink, size_t hop, struct ps_client_auth *ca,
			     const struct ps_tls_outcome *o, bool established)
{
	ps_sink_step_begin(sink, hop, PS_STEP_TLS_CLIENT_AUTH);
	if (o->client_auth_failure) {
		ca->outcome = ps_xstrdup(o->detail);
		ps_sink_step_end(sink, hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_FAIL, "%s: %s",
				 ca->sent ? "certificate refused" : "certificate required",
				 o->detail);
		return;
	}
	if (!ca->requested) {
		if (established) {
			ca->outcome = ps_xstrdup("not requested");
			ps_sink_finding(sink, (long)hop, PS_F_CLIENT_AUTH_NOT_REQUESTED, NULL);
			ps_sink_step_end(sink, hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_WARN,
					 "the server did not ask for a client certificate");
		} else {
			ps_sink_step_end(sink, hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_SKIPPED,
					 "the handshake ended before the server asked");
		}
		return;
	}
	if (ca->issuer_accepted == 0)
		ps_sink_finding(sink, (long)hop, PS_F_CLIENT_AUTH_CA_MISMATCH,
				"the device certificate's issuer (%s) is not among the %zu CA "
				"name(s) the server accepts",
				ca->cert_issuer ? ca->cert_issuer : "?", ca->n_acceptable_cas);
	if (established) {
		ca->outcome = ps_xstrdup(ca->sent ? "accepted" : "handshake completed without one");
		ps_sink_step_end(sink, hop, PS_STEP_TLS_CLIENT_AUTH,
				 ca->issuer_accepted == 0 ? PS_STATUS_WARN : PS_STATUS_OK,
				 "requested (%zu CA name%s); %s", ca->n_acceptable_cas,
				 ca->n_acceptable_cas == 1 ? "" : "s",
				 ca->sent ? "the device certificate was sent"
					  : "none sent (no --cert); the server went on");
	} else {
		ps_sink_step_end(sink, hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_SKIPPED,
				 "requested (%zu CA name%s); %s before the server's decision",
				 ca->n_acceptable_cas, ca->n_acceptable_cas == 1 ? "" : "s",
				 "the handshake failed");
	}
}

static void run_https(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		      const struct target *t, double t0)
{
	ps_sink_step_begin(sink, hop, PS_STEP_RESOLVE);
	struct ps_sockaddr *addrs = NULL;
	size_t n_addrs = 0;
	char *err = NULL;
	enum ps_finding_id f = PS_F_COUNT;
	if (!ps_resolve(t->host, t->port, cfg->pins, cfg->n_pins, &addrs, &n_addrs, &err, &f)) {
		ps_sink_step_end(sink, hop, PS_STEP_RESOLVE, PS_STATUS_FAIL, "%s", err);
		ps_sink_finding(sink, (long)hop, f, "%s", err);
		free(err);
		return;
	}
	struct ps_buf list = { 0 };
	for (size_t i = 0; i < n_addrs; i++) {
		struct ps_addr a = { .text = addrs[i].text,
				     .family = addrs[i].ss.ss_family,
				     .pinned = addrs[i].pinned };
		struct ps_detail d = { .kind = PS_DETAIL_ADDR, .addr = &a };
		ps_sink_detail(sink, hop, &d);
		ps_buf_printf(&list, "%s%s", i ? ", " : "", addrs[i].text);
	}
	ps_sink_step_end(sink, hop, PS_STEP_RESOLVE, PS_STATUS_OK, "%s -> %s%s", t->host, list.s,
			 addrs[0].pinned ? " (--resolve)" : "");
	ps_buf_free(&list);

	ps_sink_step_begin(sink, hop, PS_STEP_CONNECT);
	int fd = -1;
	size_t used = 0;
	struct ps_buf fails = { 0 };
	for (size_t i = 0; i < n_addrs && fd < 0; i++) {
		free(err);
		err = NULL;
		fd = ps_connect(&addrs[i], cfg->timeout_ms, &err, &f);
		if (fd < 0)
			ps_buf_printf(&fails, "%s%s", fails.len ? "; " : "", err);
		else
			used = i;
	}
	if (fd < 0) {
		ps_sink_step_end(sink, hop, PS_STEP_CONNECT, PS_STATUS_FAIL, "%s", fails.s);
		ps_sink_finding(sink, (long)hop, f, "%s", fails.s);
		ps_buf_free(&fails);
		free(err);
		free(addrs);
		return;
	}
	char *where = ps_xasprintf("%s port %u", addrs[used].text, t->port);
	struct ps_detail cd = { .kind = PS_DETAIL_CONNECTED, .text = where };
	ps_sink_detail(sink, hop, &cd);
	ps_sink_step_end(sink, hop, PS_STEP_CONNECT, PS_STATUS_OK, "connected to %s%s%s", where,
			 fails.len ? " after " : "", fails.len ? fails.s : "");
	ps_buf_free(&fails);
	free(where);
	free(err);

	ps_sink_step_begin(sink, hop, PS_STEP_TLS_HANDSHAKE);
	char *tls_host = host_for_tls(t->host);
	struct ps_tls_params tp = { .priority = cfg->priority,
				    .server_name = tls_host,
				    .timeout_ms = cfg->timeout_ms,
				    .creds = cfg->creds,
				    .sink = sink,
				    .hop = hop,
				    .t0_ms = t0 };
	struct ps_tls_info info;
	struct ps_client_auth ca;
	memset(&info, 0, sizeof info);
	memset(&ca, 0, sizeof ca);
	struct ps_tls_outcome o;
	ps_tls_handshake(fd, &tp, &info, &ca, &o);
	close(fd);
	if (o.ok) {
		ps_sink_step_end(sink, hop, PS_STEP_TLS_HANDSHAKE, PS_STATUS_OK,
				 "%s %s, %zu messages in %.0f ms", info.version,
				 info.cipher_suite ? info.cipher_suite : "?", info.n_msgs,
				 info.duration_ms);
	} else {
		ps_sink_step_end(sink, hop, PS_STEP_TLS_HANDSHAKE, PS_STATUS_FAIL, "%s",
				 o.detail ? o.detail : "failed");
	}
	client_auth_step(sink, hop, &ca, &o, o.ok);
	if (!o.ok) {
		if (cfg->probe && o.probe_useful && o.finding != PS_F_NET_TIMEOUT)
			run_probe(cfg, sink, hop, &addrs[used], &tp, &info);
		const struct ps_tls_probe *p = &info.probe;
		if (p->version && p->cipher_suite)
			ps_sink_finding(
			    sink, (long)hop, o.finding,
			    "%s; the server would accept %s %s (%s) from a modern client; "
			    "an %s cannot offer it",
			    o.detail ? o.detail : "", p->version, p->cipher_suite,
			    p->kx ? p->kx : "?", cfg->identity->model->product);
		else
			ps_sink_finding(sink, (long)hop, o.finding, "%s", o.detail ? o.detail : "");
	}
	struct ps_detail td = { .kind = PS_DETAIL_TLS, .tls = &info };
	ps_sink_detail(sink, hop, &td);
	struct ps_detail ad = { .kind = PS_DETAIL_CLIENT_AUTH, .client_auth = &ca };
	ps_sink_detail(sink, hop, &ad);
	ps_tls_info_clear(&info);
	ps_client_auth_clear(&ca);
	free(o.detail);
	free(tls_host);
	free(addrs);
}

void ps_engine_run(const struct ps_run_config *cfg, const struct ps_sink *sink)
{
	double t0 = ps_now_ms();
	size_t hop = ps_sink_hop_begin(sink, cfg->target);
	struct target t;
	char *err = NULL;
	if (!parse_target(cfg->target, &t, &err)) {
		free(err);
		return;
	}
	struct ps_detail d = {
		.kind = PS_DETAIL_TARGET, .scheme = t.scheme, .host = t.host, .port = t.port
	};
	ps_sink_detail(sink, hop, &d);
	run_https(cfg, sink, hop, &t, t0);
	target_clear(&t);
}
