/* One run: resolve, connect and the phone's TLS handshake, step by step,
 * with a modern-client probe when the phone fails (see engine.h). */
#include "config.h"

#include "engine/engine.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <gnutls/crypto.h>

#include "core/util.h"
#include "engine/chain.h"
#include "engine/http.h"
#include "engine/upgrade.h"
#include "profile/defaults.h"
#include "profile/params.h"
#include "rules/macro.h"
#include "rules/rule.h"

struct target {
	char *scheme, *host, *path;
	unsigned port;
};

static void target_clear(struct target *t)
{
	free(t->scheme);
	free(t->host);
	free(t->path);
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
		char *path = NULL;
		if (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK)
			t->path = ps_xstrdup(path);
		else
			t->path = ps_xstrdup("/");
		curl_free(path);
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

bool ps_engine_check_target(const char *target, char **err)
{
	/* A URL the phone can fetch, or a rule (macros, conditions, options). */
	if (strstr(target, "://") && !strpbrk(target, "$([|")) {
		struct target t;
		if (!parse_target(target, &t, err))
			return false;
		bool ok = strcasecmp(t.scheme, "https") == 0 || strcasecmp(t.scheme, "http") == 0 ||
			  strcasecmp(t.scheme, "tftp") == 0;
		if (!ok)
			*err = ps_xasprintf(
			    "'%s': the phone fetches over https, http and tftp only", target);
		target_clear(&t);
		return ok;
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
	for (size_t i = 0; i < r.n_alts; i++) {
		const char *u = r.alts[i].url;
		struct ps_url pu;
		char *why = NULL;
		if (!u || strchr(u, '$'))
			continue;
		memset(&pu, 0, sizeof pu);
		if (ps_rule_url_resolve(u, &pu, &why) < 0) {
			*err = ps_xasprintf("'%s' is not a usable URL: %s", u, why ? why : "?");
			free(why);
			ps_rule_clear(&r);
			return false;
		}
		ps_url_clear(&pu);
	}
	ps_rule_clear(&r);
	return true;
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
		ps_sink_finding_sev(sink, (long)hop, f->id, sev, "%s", detail);
		free(detail);
	}
	bool phone_unknown =
	    !rep->phone.accept && !phone_fails && !(cfg->trust && ps_trust_has_phone(cfg->trust));
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
			 const char *host)
{
	memset(p, 0, sizeof *p);
	p->trust = cfg->trust;
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
	chain_params(lc->cfg, &p, lc->host);
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
	chain_params(cfg, &p, host);
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

/* One hop of a live run, shared with the connect hook. */
struct live {
	const struct ps_run_config *cfg;
	const struct ps_sink *sink;
	size_t hop;
	const struct target *t;
	struct ps_sockaddr *addrs;
	size_t n_addrs, used;
	struct live_chain lc;
	struct ps_tls_params tp;
	struct ps_tls_info info;
	struct ps_client_auth ca;
	struct ps_tls_outcome o;
	bool tls_ran;
	bool stopped;    /* --handshake-only: the run ends after the handshake */
	bool fnf_fails;  /* Resync_Fails_On_FNF: a 404 ends the pass */
	bool tftp;       /* a tftp:// URL: no status line, curl's code says it all */
	bool fnf;        /* the file was not found and that is no failure */
	const char *url; /* the URL fetched */
	char *location;  /* a redirect's target, absolute; NULL when none */
	double t_tls;
	char *tls_host;
};

static void connected_step(struct live *L, const char *ip, long port)
{
	for (size_t i = 0; i < L->n_addrs; i++)
		if (strcmp(L->addrs[i].text, ip) == 0)
			L->used = i;
	char *where = ps_xasprintf("%s port %ld", ip, port);
	struct ps_detail cd = { .kind = PS_DETAIL_CONNECTED, .text = where };
	ps_sink_detail(L->sink, L->hop, &cd);
	ps_sink_step_end(L->sink, L->hop, PS_STEP_CONNECT, PS_STATUS_OK, "connected to %s", where);
	free(where);
}

/* curl has connected: run the phone's handshake on the socket. */
static struct ps_tls_conn *live_connected(void *ctx, int tcp, const char *ip, long port)
{
	struct live *L = ctx;
	connected_step(L, ip, port);
	L->lc.connected = L->addrs[L->used].text;
	ps_sink_step_begin(L->sink, L->hop, PS_STEP_TLS_HANDSHAKE);
	double start = ps_now_ms();
	struct ps_tls_conn *conn = ps_tls_open(tcp, &L->tp, &L->info, &L->ca, &L->o);
	L->t_tls = ps_now_ms() - start;
	L->tls_ran = true;
	if (L->o.ok)
		ps_sink_step_end(L->sink, L->hop, PS_STEP_TLS_HANDSHAKE, PS_STATUS_OK,
				 "%s %s, %zu messages in %.0f ms", L->info.version,
				 L->info.cipher_suite ? L->info.cipher_suite : "?", L->info.n_msgs,
				 L->info.duration_ms);
	else
		ps_sink_step_end(L->sink, L->hop, PS_STEP_TLS_HANDSHAKE, PS_STATUS_FAIL, "%s",
				 L->o.detail ? L->o.detail : "failed");
	client_auth_step(L->sink, L->hop, &L->ca, &L->o, L->o.ok);
	if (L->o.ok && L->info.cipher && strstr(L->info.cipher, "ARCFOUR"))
		ps_sink_finding(L->sink, (long)L->hop, PS_F_TLS_RC4, "%s with %s",
				L->info.cipher_suite ? L->info.cipher_suite : L->info.cipher,
				L->tp.server_name ? L->tp.server_name : "the server");
	if (conn && L->cfg->handshake_only) {
		ps_tls_close(conn);
		conn = NULL;
		L->stopped = true;
	}
	if (!conn) {
		close(tcp);
		return NULL;
	}
	ps_sink_step_begin(L->sink, L->hop, PS_STEP_HTTP);
	return conn;
}

static enum ps_finding_id connect_finding(const struct ps_http_response *rs)
{
	if (rs->curl_code == CURLE_OPERATION_TIMEDOUT)
		return PS_F_NET_TIMEOUT;
	switch (rs->os_errno) {
	case ECONNREFUSED:
		return PS_F_NET_REFUSED;
	case ETIMEDOUT:
		return PS_F_NET_TIMEOUT;
	case ECONNRESET:
		return PS_F_NET_RESET;
	default:
		return PS_F_NET_UNREACHABLE;
	}
}

/* nginx refuses client certificates after the handshake, with a 400 page. */
static bool client_cert_page(struct live *L, const struct ps_http_response *rs)
{
	enum ps_finding_id f;
	const char *what;
	const char *b = rs->body ? (const char *)rs->body : "";
	const char *line = rs->n_response_headers ? rs->response_headers[0] : "HTTP 403";
	if (rs->status == 400 && strstr(b, "No required SSL certificate was sent")) {
		f = PS_F_CLIENT_AUTH_REQUIRED;
		what = "No required SSL certificate was sent";
	} else if (rs->status == 400 && strstr(b, "The SSL certificate error")) {
		f = PS_F_CLIENT_AUTH_REJECTED;
		what = "The SSL certificate error";
	} else if (rs->status == 403 && L->ca.requested && !L->ca.sent) {
		/* Servers that check the certificate in the application (Apache
		 * with "optional" verification, the lab) refuse with 403: after
		 * a request for a certificate that did not come, that is why. */
		free(L->ca.outcome);
		L->ca.outcome = ps_xasprintf("the server asked for a certificate, none was sent, "
					     "and it answered %s",
					     line);
		ps_sink_step_end(L->sink, L->hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_FAIL,
				 "certificate required: none was sent and the server answered %s",
				 line);
		ps_sink_finding(L->sink, (long)L->hop, PS_F_CLIENT_AUTH_REQUIRED,
				"the server asked for a client certificate in the handshake, none "
				"was sent, and it answered %s for %s",
				line, L->t->path);
		return true;
	} else if (rs->status == 403 && L->ca.sent && L->ca.issuer_accepted == 0) {
		free(L->ca.outcome);
		L->ca.outcome = ps_xasprintf("the server answered %s to a certificate from a CA it "
					     "does not name",
					     line);
		ps_sink_step_end(L->sink, L->hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_FAIL,
				 "certificate refused: its issuer is not among the CAs the server "
				 "named, and the server answered %s",
				 line);
		ps_sink_finding(L->sink, (long)L->hop, PS_F_CLIENT_AUTH_REJECTED,
				"the device certificate's issuer (%s) is not among the CAs the "
				"server named, and it answered %s for %s",
				L->ca.cert_issuer ? L->ca.cert_issuer : "?", line, L->t->path);
		return true;
	} else {
		return false;
	}
	free(L->ca.outcome);
	L->ca.outcome = ps_xasprintf("the server answered HTTP 400 \"%s\"", what);
	ps_sink_step_end(L->sink, L->hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_FAIL,
			 "%s: the server answered HTTP 400 \"%s\" after the handshake",
			 L->ca.sent ? "certificate refused" : "certificate required", what);
	ps_sink_finding(L->sink, (long)L->hop, f,
			"the handshake completed, then the server answered HTTP 400 \"%s\" (%s)",
			what, L->ca.sent ? "the device certificate was sent" : "none was sent");
	return true;
}

/* A firmware URL check: HEAD, or a one-byte GET where HEAD is refused. */
struct fw_check {
	bool range;
	bool audit;    /* a GET whose answer is only looked at (--audit) */
	bool download; /* a GET of the whole image into `out` */
	FILE *out;
	bool ok;
	long status;
	long long size;
	char *type;
	char *error;
};

static void http_detail(struct live *L, const struct ps_http_response *rs)
{
	struct ps_http_info hi = { .attempted = true,
				   .status = rs->status,
				   .request_headers = rs->request_headers,
				   .n_request_headers = rs->n_request_headers,
				   .response_headers = rs->response_headers,
				   .n_response_headers = rs->n_response_headers,
				   .body_size = rs->body_len,
				   .truncated = rs->truncated,
				   .error = rs->curl_error ? rs->curl_error : rs->pump.error,
				   .t_dns = rs->t_dns,
				   .t_connect = rs->t_connect,
				   .t_tls = L->t_tls,
				   .t_first_byte = rs->t_first_byte,
				   .t_total = rs->t_total };
	struct ps_detail d = { .kind = PS_DETAIL_HTTP, .http = &hi };
	ps_sink_detail(L->sink, L->hop, &d);
}

/* The answer to a firmware check: is the image there, how big, what type. */
/* The answer to a download: the whole image, complete. */
static void download_step(struct live *L, const struct ps_http_response *rs, struct fw_check *fw)
{
	http_detail(L, rs);
	fw->status = rs->status;
	fw->size = (long long)rs->body_len;
	free(fw->type);
	fw->type = ps_xstrdup(rs->content_type);
	const char *line = rs->n_response_headers ? rs->response_headers[0] : "";
	free(fw->error);
	fw->error = NULL;
	if (rs->write_failed)
		fw->error = ps_xasprintf("cannot write the image: %s", strerror(rs->write_errno));
	else if (rs->body_capped)
		fw->error = ps_xasprintf("the image is larger than %zu MiB", PS_FIRMWARE_MAX >> 20);
	else if (L->tftp ? rs->curl_code != 0 : rs->status != 200)
		fw->error = rs->status ? ps_xasprintf("the server answered %s", line)
				       : ps_xasprintf("no answer: %s",
						      rs->curl_error ? rs->curl_error : "?");
	else if ((rs->truncated || rs->curl_code == CURLE_PARTIAL_FILE) && rs->content_length >= 0)
		fw->error = ps_xasprintf("the connection ended after %zu of %lld bytes",
					 rs->body_len, rs->content_length);
	else if (rs->truncated || rs->curl_code == CURLE_PARTIAL_FILE)
		fw->error = ps_xasprintf("the connection ended after %zu bytes without a TLS "
					 "close_notify: the image may be incomplete",
					 rs->body_len);
	else if (rs->curl_code != 0)
		fw->error = ps_xasprintf("after %zu bytes: %s", rs->body_len,
					 rs->curl_error ? rs->curl_error : "transfer failed");
	fw->ok = fw->error == NULL;
	ps_sink_step_end(L->sink, L->hop, PS_STEP_HTTP, fw->ok ? PS_STATUS_OK : PS_STATUS_FAIL,
			 "GET %s, %zu bytes", line, rs->body_len);
}

static void fw_step(struct live *L, const struct ps_http_response *rs, struct fw_check *fw)
{
	if (fw->download) {
		download_step(L, rs, fw);
		return;
	}
	if (fw->audit) {
		http_detail(L, rs);
		fw->status = rs->status;
		fw->size = (long long)rs->body_len;
		fw->ok = rs->status == 200 && rs->body_len > 0;
		free(fw->error);
		fw->error = ps_xstrdup(rs->n_response_headers ? rs->response_headers[0]
				       : rs->curl_error       ? rs->curl_error
							      : "no answer");
		ps_sink_step_end(L->sink, L->hop, PS_STEP_HTTP, PS_STATUS_OK, "%s, %zu bytes",
				 fw->error, rs->body_len);
		return;
	}
	http_detail(L, rs);
	fw->status = rs->status;
	fw->size = rs->content_length;
	free(fw->type);
	fw->type = ps_xstrdup(rs->content_type);
	const char *line = rs->n_response_headers ? rs->response_headers[0] : "";
	fw->ok = rs->status == 200 || rs->status == 206;
	free(fw->error);
	fw->error = fw->ok ? NULL
		    : rs->status
			? ps_xasprintf("the server answered %s", line)
			: ps_xasprintf("no answer: %s", rs->curl_error ? rs->curl_error : "?");
	ps_sink_step_end(L->sink, L->hop, PS_STEP_HTTP, fw->ok ? PS_STATUS_OK : PS_STATUS_FAIL,
			 "%s %s", fw->range ? "GET (first byte)" : "HEAD",
			 fw->ok ? line : fw->error);
}

/* The answer: status, headers and body; the body goes on to the profile
 * steps when the server sent one. Returns the body to decode or NULL. */
static bool http_step(struct live *L, const struct ps_http_response *rs)
{
	http_detail(L, rs);
	const struct ps_sink *sink = L->sink;
	size_t hop = L->hop;
	if (rs->body_capped) {
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_FAIL,
				 "HTTP %ld; the body is larger than %zu bytes", rs->status,
				 L->cfg->max_body);
		ps_sink_finding(sink, (long)hop, PS_F_PROFILE_TOO_LARGE,
				"the body is larger than the %zu-byte cap (--max-size)",
				L->cfg->max_body);
		return false;
	}
	if (L->tftp && rs->curl_code == CURLE_TFTP_NOTFOUND) {
		L->fnf = !L->fnf_fails;
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, L->fnf ? PS_STATUS_WARN : PS_STATUS_FAIL,
				 "TFTP: file not found");
		ps_sink_finding_sev(sink, (long)hop, PS_F_HTTP_NOT_FOUND,
				    L->fnf ? PS_SEV_WARN : PS_SEV_ERROR, "TFTP: file not found");
		return false;
	}
	if (L->tftp && rs->curl_code == CURLE_OK) {
		ps_sink_step_end(sink, hop, PS_STEP_HTTP,
				 rs->body_len ? PS_STATUS_OK : PS_STATUS_FAIL,
				 "TFTP: %zu bytes in %.0f ms", rs->body_len, rs->t_total);
		if (!rs->body_len) {
			ps_sink_finding(sink, (long)hop, PS_F_HTTP_EMPTY,
					"an empty file over TFTP");
			return false;
		}
		return true;
	}
	const char *error = rs->curl_error ? rs->curl_error : rs->pump.error;
	if (rs->status == 0) {
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_FAIL, "no answer: %s",
				 error ? error : "?");
		ps_sink_finding(sink, (long)hop,
				rs->curl_code == CURLE_OPERATION_TIMEDOUT || rs->pump.timed_out
				    ? PS_F_NET_TIMEOUT
				    : PS_F_HTTP_FAILED,
				"%s", error ? error : "no HTTP answer");
		return false;
	}
	if (rs->truncated || rs->curl_code == CURLE_PARTIAL_FILE) {
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_FAIL,
				 "HTTP %ld, %zu bytes, then the connection ended early", rs->status,
				 rs->body_len);
		ps_sink_finding(sink, (long)hop, PS_F_HTTP_TRUNCATED,
				"%zu bytes arrived, then the server closed %s", rs->body_len,
				rs->truncated ? "TCP without a TLS close_notify"
					      : "before the announced length");
		return false;
	}
	const char *status_line = rs->n_response_headers ? rs->response_headers[0] : "";
	if (rs->status == 200) {
		ps_sink_step_end(
		    sink, hop, PS_STEP_HTTP, rs->body_len ? PS_STATUS_OK : PS_STATUS_FAIL,
		    "%s, %zu bytes in %.0f ms", status_line, rs->body_len, rs->t_total);
		if (!rs->body_len) {
			ps_sink_finding(sink, (long)hop, PS_F_HTTP_EMPTY, "%s with no body",
					status_line);
			return false;
		}
		return true;
	}
	if (rs->status == 301 || rs->status == 302 || rs->status == 303 || rs->status == 307 ||
	    rs->status == 308) {
		const char *loc = NULL;
		for (size_t i = 0; i < rs->n_response_headers; i++)
			if (strncasecmp(rs->response_headers[i], "Location:", 9) == 0)
				loc = rs->response_headers[i] + 9;
		while (loc && *loc == ' ')
			loc++;
		CURLU *u = curl_url();
		char *abs = NULL;
		if (loc && *loc && curl_url_set(u, CURLUPART_URL, L->url, 0) == CURLUE_OK &&
		    curl_url_set(u, CURLUPART_URL, loc, 0) == CURLUE_OK &&
		    curl_url_get(u, CURLUPART_URL, &abs, 0) == CURLUE_OK) {
			L->location = ps_xstrdup(abs);
			curl_free(abs);
		}
		curl_url_cleanup(u);
		if (L->location) {
			ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_WARN, "%s -> %s",
					 status_line, L->location);
			if (strncasecmp(L->location, L->url, strcspn(L->url, ":") + 1) != 0)
				ps_sink_finding(sink, (long)hop, PS_F_HTTP_REDIRECT_SCHEME,
						"%s redirects to %s", L->url, L->location);
			return false;
		}
	}
	if (rs->status == 404 && !L->fnf_fails) {
		L->fnf = true;
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_WARN,
				 "%s (Resync_Fails_On_FNF is No: the phone goes on)", status_line);
		ps_sink_finding_sev(sink, (long)hop, PS_F_HTTP_NOT_FOUND, PS_SEV_WARN,
				    "%s for %s; Resync_Fails_On_FNF is No, so this is no failure",
				    status_line, L->t->path);
		return false;
	}
	ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_FAIL, "%s", status_line);
	if (client_cert_page(L, rs))
		return false;
	enum ps_finding_id f = rs->status == 404   ? PS_F_HTTP_NOT_FOUND
			       : rs->status == 403 ? PS_F_HTTP_FORBIDDEN
			       : rs->status == 401 ? PS_F_HTTP_UNAUTHORIZED
						   : PS_F_HTTP_STATUS;
	ps_sink_finding(sink, (long)hop, f, "%s for %s", status_line, L->t->path);
	return false;
}

/* Fetch one URL as a hop: resolve, connect, TLS, HTTP, then the profile
 * steps into `table` (with the rule's options `ro`: --key, --post, --uid). Returns
 * HOP_OK when the profile parsed, HOP_FNF for a 404 the phone does not
 * count as a failure, HOP_FAIL otherwise. */
enum hop_result { HOP_OK, HOP_FNF, HOP_FAIL, HOP_REDIRECT };

/* What the fired alternative's options ask of the request. */
struct req_opts {
	char *key;  /* --key: decrypts the profile */
	char *post; /* --post x: the expanded register, sent as a POST body */
	char *uid, *pwd;
};

static void req_opts_clear(struct req_opts *o)
{
	free(o->key);
	free(o->post);
	free(o->uid);
	free(o->pwd);
	memset(o, 0, sizeof *o);
}

static void download_progress(void *ctx, long long bytes, long long total)
{
	const struct live *L = ctx;
	L->cfg->progress(L->cfg->progress_ctx, bytes, total, 0);
}

static enum hop_result run_hop(const struct ps_run_config *cfg, const struct ps_sink *sink,
			       size_t hop, const struct target *t, double t0, const char *url,
			       const struct req_opts *ro, bool fnf_fails, struct ps_params *table,
			       struct ps_profile_report *prof, struct fw_check *fw, char **location)
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
		return HOP_FAIL;
	}
	struct ps_buf list = { 0 };
	struct ps_buf pin = { 0 };
	char *bare = host_for_tls(t->host);
	ps_buf_printf(&pin, "%s:%u:", bare, t->port);
	for (size_t i = 0; i < n_addrs; i++) {
		struct ps_addr a = { .text = addrs[i].text,
				     .family = addrs[i].ss.ss_family,
				     .pinned = addrs[i].pinned };
		struct ps_detail d = { .kind = PS_DETAIL_ADDR, .addr = &a };
		ps_sink_detail(sink, hop, &d);
		ps_buf_printf(&list, "%s%s", i ? ", " : "", addrs[i].text);
		bool v6 = addrs[i].ss.ss_family == AF_INET6;
		ps_buf_printf(&pin, "%s%s%s%s", i ? "," : "", v6 ? "[" : "", addrs[i].text,
			      v6 ? "]" : "");
	}
	ps_sink_step_end(sink, hop, PS_STEP_RESOLVE, PS_STATUS_OK, "%s -> %s%s", t->host, list.s,
			 addrs[0].pinned ? " (--resolve)" : "");
	ps_buf_free(&list);

	struct live L;
	memset(&L, 0, sizeof L);
	L.cfg = cfg;
	L.sink = sink;
	L.hop = hop;
	L.t = t;
	L.addrs = addrs;
	L.n_addrs = n_addrs;
	L.tls_host = bare;
	L.fnf_fails = fnf_fails;
	L.tftp = strcasecmp(t->scheme, "tftp") == 0;
	L.url = url;
	char **host_addrs = ps_xcalloc(n_addrs, sizeof *host_addrs);
	for (size_t i = 0; i < n_addrs; i++)
		host_addrs[i] = addrs[i].text;
	L.lc = (struct live_chain){ .cfg = cfg,
				    .sink = sink,
				    .hop = hop,
				    .host = bare,
				    .connected = addrs[0].text,
				    .host_addrs = (const char *const *)host_addrs,
				    .n_host_addrs = n_addrs };
	L.tp = (struct ps_tls_params){ .on_certs = live_chain_fn,
				       .on_certs_ctx = &L.lc,
				       .priority = cfg->priority,
				       .server_name = bare,
				       .timeout_ms = cfg->timeout_ms,
				       .creds = cfg->creds,
				       .sink = sink,
				       .hop = hop,
				       .t0_ms = t0 };
	bool https = strcasecmp(t->scheme, "https") == 0;
	struct ps_http_request rq = {
		.url = url,
		.post = ro ? ro->post : NULL,
		.user = ro ? ro->uid : NULL,
		.pwd = ro ? ro->pwd : NULL,
		.head = fw && !fw->range && !fw->download && !fw->audit,
		.range = fw && fw->range,
		.out = fw ? fw->out : NULL,
		.progress = fw && fw->download && cfg->progress ? download_progress : NULL,
		.progress_ctx = &L,
		.user_agent = cfg->user_agent,
		.resolve = pin.s,
		.timeout_ms = cfg->timeout_ms,
		.max_body = fw && fw->download ? PS_FIRMWARE_MAX : cfg->max_body,
		.on_connected = live_connected,
		.ctx = &L
	};
	struct ps_http_response rs;
	ps_sink_step_begin(sink, hop, PS_STEP_CONNECT);
	ps_http_fetch(&rq, &rs);
	bool body = false;
	if (!rs.connected) {
		ps_sink_step_end(sink, hop, PS_STEP_CONNECT, PS_STATUS_FAIL, "%s",
				 rs.curl_error ? rs.curl_error : "no connection");
		ps_sink_finding(sink, (long)hop, connect_finding(&rs), "%s: %s",
				list.s ? list.s : t->host,
				rs.curl_error ? rs.curl_error : "no connection");
	} else if (L.stopped) {
		/* --handshake-only: nothing more to do */
	} else if (https && L.tls_ran && !L.o.ok) {
		if (!L.o.chain_rejected) {
			if (cfg->probe && L.o.probe_useful && L.o.finding != PS_F_NET_TIMEOUT)
				run_probe(cfg, sink, hop, &addrs[L.used], &L.tp, &L.info);
			const struct ps_tls_probe *p = &L.info.probe;
			if (p->version && p->cipher_suite)
				ps_sink_finding(
				    sink, (long)hop, L.o.finding,
				    "%s; the server would accept %s %s (%s) from a modern client; "
				    "an %s cannot offer it",
				    L.o.detail ? L.o.detail : "", p->version, p->cipher_suite,
				    p->kx ? p->kx : "?", cfg->identity->model->product);
			else
				ps_sink_finding(sink, (long)hop, L.o.finding, "%s",
						L.o.detail ? L.o.detail : "");
		}
	} else {
		if (!https) {
			connected_step(&L, addrs[0].text, (long)t->port);
			ps_sink_step_begin(sink, hop, PS_STEP_HTTP);
		}
		if (fw)
			fw_step(&L, &rs, fw);
		else
			body = http_step(&L, &rs);
	}
	if (https && L.tls_ran) {
		struct ps_detail td = { .kind = PS_DETAIL_TLS, .tls = &L.info };
		ps_sink_detail(sink, hop, &td);
		struct ps_detail ad = { .kind = PS_DETAIL_CLIENT_AUTH, .client_auth = &L.ca };
		ps_sink_detail(sink, hop, &ad);
	}
	enum hop_result result = L.fnf ? HOP_FNF : L.location ? HOP_REDIRECT : HOP_FAIL;
	if (location)
		*location = L.location;
	else
		free(L.location);
	if (body && table) {
		prof->sources =
		    ps_xrealloc(prof->sources, (prof->n_sources + 1) * sizeof *prof->sources);
		struct ps_profile_source *src = &prof->sources[prof->n_sources++];
		memset(src, 0, sizeof *src);
		if (ps_engine_profile_steps(cfg, sink, hop, url, rs.body, rs.body_len, table, src,
					    ro ? ro->key : NULL))
			result = HOP_OK;
	}
	if (L.stopped)
		result = HOP_OK;
	ps_http_response_clear(&rs);
	ps_tls_info_clear(&L.info);
	ps_client_auth_clear(&L.ca);
	free(L.o.detail);
	free(host_addrs);
	free(bare);
	ps_buf_free(&pin);
	ps_buf_free(&list);
	free(addrs);
	return result;
}

static const char *param_value(const struct ps_params *t, const char *name)
{
	const struct ps_param *p = ps_params_get(t, name);
	return p ? p->value : "";
}

/* The rule.expand step of one hop: parse and evaluate the rule for the
 * phone, apply its assignments. Returns the expanded URL (caller frees) and
 * the options in *ro, or NULL when the rule fetches nothing (*fail when that
 * is an error). */
static char *expand_step(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
			 const char *name, const char *text, struct ps_params *table,
			 struct req_opts *ro, bool *fail)
{
	memset(ro, 0, sizeof *ro);
	*fail = false;
	ps_sink_step_begin(sink, hop, PS_STEP_RULE_EXPAND);
	struct ps_rule r;
	struct ps_rule_error err;
	memset(&r, 0, sizeof r);
	if (ps_rule_parse(text, PS_RULE_PROFILE, &r, &err) < 0) {
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_FAIL,
				 "%s does not parse at column %ld: %s", name, err.column,
				 err.message);
		ps_sink_finding(sink, (long)hop, PS_F_RULE_SYNTAX,
				"%s, column %ld: %s (expected %s)", name, err.column, err.message,
				err.expected);
		*fail = true;
		return NULL;
	}
	struct ps_phone_env pe = { cfg, table };
	struct ps_macro_env env = { .macro = ps_engine_phone_macro,
				    .param = ps_engine_phone_param,
				    .ctx = &pe };
	struct ps_rule_eval ev;
	memset(&ev, 0, sizeof ev);
	ps_rule_evaluate(&r, &env, &ev);
	char *url = NULL;
	if (ev.fired < 0) {
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_SKIPPED, "%s: %s", name,
				 ev.reason ? ev.reason : "no alternative applies");
		ps_sink_finding(sink, (long)hop, PS_F_RULE_NO_MATCH, "%s: %s", name,
				ev.reason ? ev.reason : "no alternative applies");
	} else if (!ev.url.scheme) {
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_FAIL,
				 "%s: alternative %ld fires but its URL does not resolve: %s", name,
				 ev.fired + 1, ev.url_error ? ev.url_error : "no URL");
		ps_sink_finding(sink, (long)hop, PS_F_RULE_SYNTAX, "%s: %s", name,
				ev.url_error ? ev.url_error : "the alternative has no URL");
		*fail = true;
	} else if (ev.url.host_defaulted) {
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_FAIL,
				 "%s: %s has no server; the phone takes it from DHCP option 66, "
				 "which provscope cannot know",
				 name, ev.url_text);
		ps_sink_finding(sink, (long)hop, PS_F_RULE_SYNTAX,
				"%s: %s names no server (DHCP option 66)", name, ev.url_text);
		*fail = true;
	} else {
		for (size_t i = 0; i < ev.n_assigns; i++) {
			char *src = ps_xasprintf("%s assignment", name);
			ps_params_set(table, ev.assigns[i].param, ev.assigns[i].value, NULL, src,
				      0);
			free(src);
		}
		url = ps_url_format(&ev.url);
		ro->key = ps_xstrdup(ev.opts.key);
		ro->uid = ps_xstrdup(ev.opts.uid);
		ro->pwd = ps_xstrdup(ev.opts.pwd);
		const char *reg = ev.opts.post ? ps_rule_register(ev.opts.post) : NULL;
		if (reg)
			ro->post = ps_macro_expand_env(param_value(table, reg), &env, 0);
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_OK,
				 "%s: alternative %ld of %zu fires: %s%s", name, ev.fired + 1,
				 r.n_alts, url, ev.n_assigns ? " (with assignments)" : "");
	}
	ps_rule_eval_clear(&ev);
	ps_rule_clear(&r);
	return url;
}

/* SHA-256 of a file, hex; NULL when it cannot be read. */
static char *file_sha256(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	gnutls_hash_hd_t h;
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		fclose(f);
		return NULL;
	}
	unsigned char buf[65536], md[32];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		gnutls_hash(h, buf, n);
	bool bad = ferror(f);
	fclose(f);
	gnutls_hash_deinit(h, md);
	if (bad)
		return NULL;
	char *hex = ps_xmalloc(65);
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hex;
}

/* --download-firmware: GET the whole image over the phone's TLS as a hop
 * of its own, into a temporary file beside FILE that replaces FILE only
 * once the image arrived whole (an earlier FILE is never lost to a
 * failed download). */
static void download_firmware(const struct ps_run_config *cfg, const struct ps_sink *sink,
			      const struct target *t, const char *url, struct ps_upgrade_report *up)
{
	size_t hop = ps_sink_hop_begin(sink, url);
	struct ps_detail td = {
		.kind = PS_DETAIL_TARGET, .scheme = t->scheme, .host = t->host, .port = t->port
	};
	ps_sink_detail(sink, hop, &td);
	char *tmp = ps_xasprintf("%s.part-XXXXXX", cfg->download_file);
	int fd = mkstemp(tmp);
	FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	struct fw_check fw = { .download = true, .out = out, .size = -1 };
	if (!out) {
		fw.error = ps_xasprintf("cannot create %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		run_hop(cfg, sink, hop, t, ps_now_ms(), url, NULL, true, NULL, NULL, &fw, NULL);
		if (fclose(out) != 0 && fw.ok) {
			fw.ok = false;
			fw.error = ps_xasprintf("cannot write the image: %s", strerror(errno));
		}
		if (fw.ok && rename(tmp, cfg->download_file) != 0) {
			fw.ok = false;
			fw.error = ps_xasprintf("cannot rename %s to %s: %s", tmp,
						cfg->download_file, strerror(errno));
		}
		if (!fw.ok)
			unlink(tmp);
		if (cfg->progress)
			cfg->progress(cfg->progress_ctx, fw.size, fw.size, fw.ok ? 1 : -1);
		if (!fw.ok && !fw.error)
			fw.error = ps_xstrdup("no answer: the connection or the TLS handshake "
					      "failed (see the steps above)");
	}
	ps_sink_step_begin(sink, hop, PS_STEP_UPGRADE_DOWNLOAD);
	if (fw.ok) {
		up->download_size = fw.size;
		up->download_sha256 = file_sha256(cfg->download_file);
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_DOWNLOAD, PS_STATUS_OK,
				 "%lld bytes written to %s, SHA-256 %s", fw.size,
				 cfg->download_file,
				 up->download_sha256 ? up->download_sha256 : "?");
	} else {
		up->download_error = ps_xstrdup(fw.error);
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_DOWNLOAD, PS_STATUS_FAIL,
				 "%s; %s left as it was", fw.error, cfg->download_file);
		ps_sink_finding(sink, (long)hop, PS_F_UPGRADE_DOWNLOAD_FAILED, "%s: %s", url,
				fw.error);
	}
	free(fw.type);
	free(fw.error);
	free(tmp);
}

/* The firmware URL the phone would fetch: reachable, size, type. The phone
 * fetches firmware over its own TLS too, so https goes the same way. */
static bool firmware_check(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
			   const char *url, struct ps_upgrade_report *up)
{
	struct target t;
	char *err = NULL;
	up->check_done = true;
	if (!parse_target(url, &t, &err)) {
		up->check_error = err;
		return false;
	}
	struct fw_check fw = { .size = -1 };
	struct ps_detail td = {
		.kind = PS_DETAIL_TARGET, .scheme = t.scheme, .host = t.host, .port = t.port
	};
	ps_sink_detail(sink, hop, &td);
	if (strcasecmp(t.scheme, "tftp") == 0) {
		up->check_size = -1;
		up->check_error =
		    ps_xstrdup("TFTP firmware URLs are not checked (TFTP has no HEAD)");
		if (cfg->download_file)
			download_firmware(cfg, sink, &t, url, up);
		target_clear(&t);
		return true;
	}
	run_hop(cfg, sink, hop, &t, ps_now_ms(), url, NULL, true, NULL, NULL, &fw, NULL);
	if (fw.status == 405 || fw.status == 501) {
		/* HEAD refused: ask for the first byte instead. */
		struct fw_check again = { .range = true, .size = -1 };
		run_hop(cfg, sink, hop, &t, ps_now_ms(), url, NULL, true, NULL, NULL, &again, NULL);
		free(fw.type);
		free(fw.error);
		fw = again;
	}
	if (!fw.ok && !fw.error)
		fw.error = ps_xstrdup("no answer: the connection or the TLS handshake failed (see "
				      "the steps above)");
	ps_sink_step_begin(sink, hop, PS_STEP_UPGRADE_CHECK);
	up->check_status = fw.status;
	up->check_size = fw.size;
	up->check_type = fw.type;
	up->check_error = fw.error;
	if (fw.ok)
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_CHECK, PS_STATUS_OK,
				 "the image is there: %lld bytes, %s", fw.size,
				 fw.type ? fw.type : "no Content-Type");
	else {
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_CHECK, PS_STATUS_FAIL, "%s",
				 fw.error ? fw.error : "not there");
		ps_sink_finding(sink, (long)hop, PS_F_UPGRADE_UNREACHABLE, "%s: %s", url,
				fw.error ? fw.error : "not there");
	}
	if (fw.ok && cfg->download_file)
		download_firmware(cfg, sink, &t, url, up);
	target_clear(&t);
	return fw.ok;
}

/* --audit. The audit's own requests are expected to be refused, so what
 * goes wrong inside them (a handshake the server ends, a 400 page) is no
 * finding: a sink that passes everything on but findings. */
static size_t quiet_hop_begin(void *ctx, const char *url)
{
	const struct ps_sink *to = ctx;
	return ps_sink_hop_begin(to, url);
}

static void quiet_step_begin(void *ctx, size_t hop, enum ps_step_id id)
{
	ps_sink_step_begin(ctx, hop, id);
}

static void quiet_step_end(void *ctx, size_t hop, enum ps_step_id id, enum ps_step_status st,
			   const char *summary)
{
	const struct ps_sink *to = ctx;
	to->ops->step_end(to->ctx, hop, id, st, summary);
}

static void quiet_detail(void *ctx, size_t hop, const struct ps_detail *d)
{
	ps_sink_detail(ctx, hop, d);
}

static void quiet_finding(void *ctx, long hop, enum ps_finding_id id, enum ps_severity sev,
			  const char *detail)
{
	(void)ctx, (void)hop, (void)id, (void)sev, (void)detail;
}

static const struct ps_sink_ops quiet_ops = { quiet_hop_begin, quiet_step_begin, quiet_step_end,
					      quiet_detail, quiet_finding };

/* Where `mac` (12 lower-case hex digits) is written in `url`, in either
 * case, bare or with colons; the length of the form found in *n. */
static const char *find_mac(const char *url, const char *mac, const char *colons, size_t *n)
{
	const char *p = strcasestr(url, mac);
	*n = 12;
	if (!p) {
		p = strcasestr(url, colons);
		*n = 17;
	}
	return p;
}

/* The neighbouring MAC (last bit of the last byte flipped), written in the
 * same form and case as the one found at `at`. */
static char *neighbour_url(const char *url, const char *at, size_t n)
{
	char *u = ps_xstrdup(url);
	char *last = u + (at - url) + n - 1;
	int v =
	    isdigit((unsigned char)*last) ? *last - '0' : tolower((unsigned char)*last) - 'a' + 10;
	v ^= 1;
	bool upper = isupper((unsigned char)*last);
	*last = (char)(v < 10 ? '0' + v : (upper ? 'A' : 'a') + v - 10);
	return u;
}

struct audit_try {
	long status;
	size_t body;
	char *answer; /* status line or why nothing came, owned */
	bool served;  /* 200 with a body */
	bool refused_tls;
};

/* One audit request as a hop of its own: GET `url`, with the device
 * certificate or none. */
static size_t audit_fetch(const struct ps_run_config *cfg, const struct ps_sink *sink,
			  const char *url, const struct ps_tls_creds *creds, struct audit_try *out)
{
	memset(out, 0, sizeof *out);
	size_t hop = ps_sink_hop_begin(sink, url);
	struct target t;
	char *err = NULL;
	if (!parse_target(url, &t, &err)) {
		out->answer = err;
		return hop;
	}
	struct ps_detail td = {
		.kind = PS_DETAIL_TARGET, .scheme = t.scheme, .host = t.host, .port = t.port
	};
	ps_sink_detail(sink, hop, &td);
	struct ps_run_config c = *cfg;
	c.creds = creds;
	c.probe = false;
	c.inspect_anyway = true;
	struct ps_sink quiet = { &quiet_ops, (void *)sink };
	struct fw_check fw = { .audit = true, .size = -1 };
	run_hop(&c, &quiet, hop, &t, ps_now_ms(), url, NULL, true, NULL, NULL, &fw, NULL);
	out->status = fw.status;
	out->body = fw.size > 0 ? (size_t)fw.size : 0;
	out->served = fw.ok;
	out->refused_tls = !fw.status;
	out->answer = fw.error ? fw.error
			       : ps_xstrdup("no answer: the handshake ended (see the steps above)");
	free(fw.type);
	target_clear(&t);
	return hop;
}

/* Who else gets a per-device file the pass fetched: a client without a
 * certificate, and this certificate asking for a neighbour's file. */
static void audit_url(const struct ps_run_config *cfg, const struct ps_sink *sink, const char *url,
		      const struct ps_tls_creds *nocert)
{
	const struct ps_identity *id = cfg->identity;
	size_t n;
	const char *at = find_mac(url, id->mac, id->mac_colons, &n);
	bool have_cert = ps_tls_creds_has_cert(cfg->creds);
	struct audit_try a;
	if (!have_cert)
		ps_sink_finding(sink, -1, PS_F_AUDIT_NO_CERT_SERVED,
				"%s was served in this pass, which had no client certificate", url);
	else {
		size_t hop = audit_fetch(cfg, sink, url, nocert, &a);
		ps_sink_step_begin(sink, hop, PS_STEP_AUDIT);
		if (a.served) {
			ps_sink_step_end(sink, hop, PS_STEP_AUDIT, PS_STATUS_FAIL,
					 "without a client certificate: %s, %zu bytes: served",
					 a.answer, a.body);
			ps_sink_finding(sink, (long)hop, PS_F_AUDIT_NO_CERT_SERVED,
					"%s: %s, %zu bytes, to a client without a certificate", url,
					a.answer, a.body);
		} else {
			ps_sink_step_end(sink, hop, PS_STEP_AUDIT, PS_STATUS_OK,
					 "without a client certificate: refused (%s)", a.answer);
		}
		free(a.answer);
	}
	if (!at)
		return;
	char *other = neighbour_url(url, at, n);
	size_t hop = audit_fetch(cfg, sink, other, cfg->creds, &a);
	ps_sink_step_begin(sink, hop, PS_STEP_AUDIT);
	const char *who = have_cert ? "this phone's certificate" : "no certificate";
	if (a.served) {
		ps_sink_step_end(sink, hop, PS_STEP_AUDIT, PS_STATUS_FAIL,
				 "another device's file with %s: %s, %zu bytes: served", who,
				 a.answer, a.body);
		ps_sink_finding(sink, (long)hop, PS_F_AUDIT_OTHER_DEVICE_SERVED,
				"%s: %s, %zu bytes, to %s", other, a.answer, a.body, who);
	} else if (a.status == 404) {
		ps_sink_step_end(sink, hop, PS_STEP_AUDIT, PS_STATUS_SKIPPED,
				 "another device's file with %s: %s: no such device here, "
				 "inconclusive",
				 who, a.answer);
	} else {
		ps_sink_step_end(sink, hop, PS_STEP_AUDIT, PS_STATUS_OK,
				 "another device's file with %s: refused (%s)", who, a.answer);
	}
	free(a.answer);
	free(other);
}

void ps_engine_run(const struct ps_run_config *cfg, const struct ps_sink *sink)
{
	double t0 = ps_now_ms();
	struct ps_params *table = ps_params_new();
	ps_params_load_defaults(table, cfg->identity->model);
	struct ps_profile_report prof;
	memset(&prof, 0, sizeof prof);
	/* Like the phone's resync: Profile_Rule (the target given), then
	 * Profile_Rule_B, _C and _D as the profiles fetched so far set them.
	 * A failure ends the pass. */
	static const char *const names[] = { "Profile_Rule", "Profile_Rule_B", "Profile_Rule_C",
					     "Profile_Rule_D" };
	bool parsed_any = false;
	char **audit_urls = NULL; /* per-device files fetched, for --audit */
	size_t n_audit = 0;
	for (size_t i = 0; i < 4; i++) {
		char *text = ps_xstrdup(i == 0 ? cfg->target : param_value(table, names[i]));
		if (!*text) {
			free(text);
			continue;
		}
		size_t hop = ps_sink_hop_begin(sink, text);
		struct req_opts ro;
		bool fail = false;
		char *url = expand_step(cfg, sink, hop, i == 0 ? "the target" : names[i], text,
					table, &ro, &fail);
		free(text);
		enum hop_result res = fail ? HOP_FAIL : HOP_FNF;
		struct target t;
		char *err = NULL;
		if (url && parse_target(url, &t, &err)) {
			struct ps_detail d = { .kind = PS_DETAIL_TARGET,
					       .scheme = t.scheme,
					       .host = t.host,
					       .port = t.port,
					       .text = url };
			ps_sink_detail(sink, hop, &d);
			bool fnf_fails = ps_param_bool(param_value(table, "Resync_Fails_On_FNF"));
			char *location = NULL;
			res = run_hop(cfg, sink, hop, &t, t0, url, &ro, fnf_fails, table, &prof,
				      NULL, &location);
			char *fetched = ps_xstrdup(url);
			target_clear(&t);
			/* Redirects: followed by our code, each new host with the
			 * phone's TLS, at most five in a row. */
			for (int r = 0; res == HOP_REDIRECT && location; r++) {
				if (r == 5) {
					ps_sink_finding(
					    sink, (long)hop, PS_F_HTTP_STATUS,
					    "more than 5 redirects in a row, last to %s", location);
					res = HOP_FAIL;
					break;
				}
				hop = ps_sink_hop_begin(sink, location);
				if (!parse_target(location, &t, &err)) {
					ps_sink_finding(
					    sink, (long)hop, PS_F_HTTP_STATUS,
					    "a redirect to '%s', which is no usable URL", location);
					res = HOP_FAIL;
					break;
				}
				struct ps_detail rd = { .kind = PS_DETAIL_TARGET,
							.scheme = t.scheme,
							.host = t.host,
							.port = t.port };
				ps_sink_detail(sink, hop, &rd);
				char *next = NULL;
				res = run_hop(cfg, sink, hop, &t, ps_now_ms(), location, &ro,
					      fnf_fails, table, &prof, NULL, &next);
				free(fetched);
				fetched = ps_xstrdup(location);
				target_clear(&t);
				free(location);
				location = next;
			}
			free(location);
			size_t mn;
			if (res == HOP_OK && cfg->audit &&
			    find_mac(fetched, cfg->identity->mac, cfg->identity->mac_colons, &mn)) {
				audit_urls =
				    ps_xrealloc(audit_urls, (n_audit + 1) * sizeof *audit_urls);
				audit_urls[n_audit++] = fetched;
			} else {
				free(fetched);
			}
		}
		free(err);
		free(url);
		req_opts_clear(&ro);
		if (res == HOP_OK)
			parsed_any = true;
		if (res == HOP_FAIL || cfg->handshake_only)
			break;
	}
	if (!cfg->handshake_only) {
		ps_engine_snapshot_params(table, &prof);
		struct ps_detail pd = { .kind = PS_DETAIL_PROFILE, .profile = &prof };
		ps_sink_detail(sink, 0, &pd);
		if (parsed_any)
			ps_engine_upgrade_hop(cfg, sink, table, firmware_check);
	}
	if (n_audit) {
		char *err = NULL;
		struct ps_tls_creds *nocert = ps_tls_creds_new(NULL, NULL, &err);
		for (size_t i = 0; i < n_audit; i++) {
			if (nocert)
				audit_url(cfg, sink, audit_urls[i], nocert);
			free(audit_urls[i]);
		}
		ps_tls_creds_free(nocert);
		free(err);
	}
	free(audit_urls);
	ps_params_free(table);
	ps_profile_report_clear(&prof);
}
