/* One run: resolve, connect and the phone's TLS handshake, step by step,
 * with a modern-client probe when the phone fails (see engine.h). */
#include "config.h"

#include "engine/engine.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/util.h"
#include "engine/chain.h"

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

/* Report the chain analysis as the tls.chain step: the detail record,
 * every finding (one that concerns only the modern client cannot fail the
 * phone's run, so an error becomes a warning), and the step's verdict.
 * Returns false when the phone rejects the chain. Without --ca the phone's
 * trust cannot be judged: that alone is a warning, not a rejection. */
static bool chain_step(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
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
		ps_sink_finding_sev(sink, (long)hop, f->id, sev, detail);
		free(detail);
	}
	bool phone_unknown = !rep->phone.accept && !phone_fails && !cfg->ca_pem;
	if (phone_unknown)
		ps_sink_finding(sink, (long)hop, PS_F_CHAIN_TRUST_UNKNOWN,
				"the chain ends at '%s'; give the vendor CA with --ca to check it",
				rep->n_certs ? rep->certs[rep->n_certs - 1].issuer : "?");
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

static void chain_params(const struct ps_run_config *cfg, struct ps_chain_params *p,
			 gnutls_datum_t *anchors, const char *host)
{
	memset(p, 0, sizeof *p);
	if (cfg->ca_pem) {
		anchors->data = (unsigned char *)(uintptr_t)cfg->ca_pem;
		anchors->size = (unsigned)strlen(cfg->ca_pem);
		p->phone_anchors_pem = anchors;
	}
	p->extra_modern_anchors_pem = cfg->modern_ca_pem;
	p->modern_use_system_trust = cfg->system_trust;
	p->host = host;
	p->at = cfg->at;
}

struct live_chain {
	const struct ps_run_config *cfg;
	const struct ps_sink *sink;
	size_t hop;
	const char *host;
	const char *connected;
	const char *const *host_addrs;
	size_t n_host_addrs;
	bool checked, phone_accepts;
};

static bool live_chain_fn(void *ctx, const gnutls_datum_t *certs, unsigned n)
{
	struct live_chain *lc = ctx;
	ps_sink_step_begin(lc->sink, lc->hop, PS_STEP_TLS_CHAIN);
	struct ps_chain_params p;
	gnutls_datum_t anchors;
	chain_params(lc->cfg, &p, &anchors, lc->host);
	p.connected_addr = lc->connected;
	p.host_addrs = lc->host_addrs;
	p.n_host_addrs = lc->n_host_addrs;
	struct ps_chain_report rep;
	memset(&rep, 0, sizeof rep);
	ps_chain_analyse(certs, n, &p, &rep);
	lc->checked = true;
	lc->phone_accepts = chain_step(lc->cfg, lc->sink, lc->hop, &rep);
	ps_chain_report_clear(&rep);
	return lc->phone_accepts || lc->cfg->inspect_anyway;
}

bool ps_engine_run_cert(const struct ps_run_config *cfg, const char *file, const char *host,
			const struct ps_sink *sink, char **err)
{
	gnutls_datum_t *der = NULL;
	size_t n = 0;
	if (ps_chain_load_pem_file(file, &der, &n, err) < 0)
		return false;
	size_t hop = ps_sink_hop_begin(sink, file);
	ps_sink_step_begin(sink, hop, PS_STEP_TLS_CHAIN);
	struct ps_chain_params p;
	gnutls_datum_t anchors;
	chain_params(cfg, &p, &anchors, host);
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
	chain_step(cfg, sink, hop, &rep);
	ps_chain_report_clear(&rep);
	ps_chain_der_free(der, n);
	return true;
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
	char **host_addrs = ps_xcalloc(n_addrs, sizeof *host_addrs);
	for (size_t i = 0; i < n_addrs; i++)
		host_addrs[i] = addrs[i].text;
	struct live_chain lc = { .cfg = cfg,
				 .sink = sink,
				 .hop = hop,
				 .host = tls_host,
				 .connected = addrs[used].text,
				 .host_addrs = (const char *const *)host_addrs,
				 .n_host_addrs = n_addrs };
	struct ps_tls_params tp = { .on_certs = live_chain_fn,
				    .on_certs_ctx = &lc,
				    .priority = cfg->priority,
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
	if (!o.ok && !o.chain_rejected) {
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
	free(host_addrs);
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
