/* One request of a live run as a hop: the core every kind of request
 * shares (see hop.h). */
#include "config.h"

#include "engine/hop.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/util.h"
#include "engine/chain.h"
#include "engine/steps.h"

void ps_target_clear(struct ps_target *t)
{
	free(t->scheme);
	free(t->host);
	free(t->path);
	memset(t, 0, sizeof *t);
}

bool ps_target_parse(const char *url, struct ps_target *t, char **err)
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
		ps_target_clear(t);
	return uc == CURLUE_OK;
}

void ps_target_detail(const struct ps_sink *sink, size_t hop, const struct ps_target *t,
		      const char *shown)
{
	struct ps_detail d = { .kind = PS_DETAIL_TARGET,
			       .scheme = t->scheme,
			       .host = t->host,
			       .port = t->port,
			       .text = shown };
	ps_sink_detail(sink, hop, &d);
}

static char *host_for_tls(const char *host)
{
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		return ps_xstrndup(host + 1, n - 2);
	return ps_xstrdup(host);
}

/* The modern-client probe: a second connection and a handshake with a
 * modern offer. Returns whether that handshake was made (not when the
 * reconnect failed). */
static bool run_probe(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		      const struct ps_sockaddr *addr, const struct ps_tls_params *tp,
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
		return false;
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
	return true;
}

/* A MAC address at `q`: 12 hex digits, or 6 pairs with ':' or '-'
 * between them, not followed by a letter or digit; lower case into `out`. */
static bool mac_at(const char *q, char out[13])
{
	char sep = q[0] && q[1] && (q[2] == ':' || q[2] == '-') ? q[2] : 0;
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)q[0]) || !isxdigit((unsigned char)q[1]))
			return false;
		out[2 * i] = (char)tolower((unsigned char)q[0]);
		out[2 * i + 1] = (char)tolower((unsigned char)q[1]);
		q += 2;
		if (i < 5 && sep && *q++ != sep)
			return false;
	}
	out[12] = '\0';
	return !isalnum((unsigned char)*q);
}

/* Whether a device certificate's subject ("CN=000e08aabbcc,OU=SPA-942,
 * L=88019FA42805,ST=000e08aabbcc") names a MAC standing alone in its CN or
 * its S/ST, where the vendors put it (L holds the serial, which may look
 * like one), and none of those is `phone_mac`: then the first in `mac`. */
static bool cert_mac_differs(const char *subject, const char *phone_mac, char mac[13])
{
	bool named = false;
	for (const char *p = subject; *p;) {
		size_t n = strcspn(p, ",+");
		const char *eq = memchr(p, '=', n);
		size_t k = eq ? (size_t)(eq - p) : 0;
		bool key =
		    (k == 2 && (strncasecmp(p, "CN", 2) == 0 || strncasecmp(p, "ST", 2) == 0)) ||
		    (k == 1 && (*p == 'S' || *p == 's'));
		for (const char *q = key ? eq + 1 : p + n; q < p + n; q++) {
			char cand[13];
			if ((q == eq + 1 || !isalnum((unsigned char)q[-1])) && mac_at(q, cand)) {
				if (strcmp(cand, phone_mac) == 0)
					return false;
				if (!named)
					memcpy(mac, cand, 13);
				named = true;
			}
		}
		p += n;
		p += *p != '\0';
	}
	return named;
}

static void client_auth_step(const struct ps_sink *sink, size_t hop, struct ps_client_auth *ca,
			     const struct ps_tls_outcome *o, bool established,
			     const struct ps_identity *id)
{
	const char *phone_mac = id->mac;
	if (ca->have_cert && ca->cert_issuer && !ca->device_ca) {
		ca->device_ca = ps_model_device_ca_note(id->model, ca->cert_issuer);
		const struct ps_vendor_ca *v = ps_vendor_ca_in(ca->cert_issuer, true);
		ca->device_ca_factory = v && strcmp(v->name, id->model->client_ca) == 0;
	}
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
			/* client_auth.not_requested waits for the exchange: the
			 * server may still ask, by renegotiating (client_auth_after). */
			ca->outcome = ps_xstrdup("not requested");
			ps_sink_step_end(sink, hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_WARN,
					 "the server did not ask for a client certificate in the "
					 "handshake");
		} else {
			ps_sink_step_end(sink, hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_SKIPPED,
					 "the handshake ended before the server asked");
		}
		return;
	}
	char mac[13];
	if (ca->sent && ca->sent_subject && cert_mac_differs(ca->sent_subject, phone_mac, mac))
		ps_sink_finding(sink, (long)hop, PS_F_CLIENT_AUTH_MAC_MISMATCH,
				"the certificate sent ('%s') names %s; the phone's MAC is %s",
				ca->sent_subject, mac, phone_mac);
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

/* The phone sent no server name (SNI) and the name check of the
 * certificate it got failed: ask again naming the host, with a modern
 * client's offer, and judge the names in what comes back as the phone
 * would (`p`, the phone's chain parameters). In h->info.sni_check. */
static void sni_check(struct ps_hop_run *h, const gnutls_datum_t *phone_leaf,
		      const struct ps_chain_params *p)
{
	struct ps_sni_check *sc = &h->info.sni_check;
	sc->done = true;
	sc->server_name = ps_xstrdup(h->tls_host);
	char *err = NULL;
	enum ps_finding_id f;
	int fd = ps_connect(&h->addrs[h->used], h->cfg->timeout_ms, &err, &f);
	if (fd < 0) {
		sc->error = err;
		return;
	}
	struct ps_tls_params pp = h->tp;
	pp.sink = NULL;
	pp.on_certs = NULL;
	gnutls_datum_t leaf;
	int rc = ps_tls_sni_leaf(fd, &pp, &leaf, &err);
	close(fd);
	if (rc < 0) {
		sc->error = err;
		return;
	}
	sc->differs =
	    leaf.size != phone_leaf->size || memcmp(leaf.data, phone_leaf->data, leaf.size) != 0;
	struct ps_chain_params lp = *p;
	lp.memo = NULL;
	struct ps_chain_report rep;
	memset(&rep, 0, sizeof rep);
	ps_chain_analyse(&leaf, 1, &lp, &rep);
	if (rep.n_certs) {
		sc->subject = ps_xstrdup(rep.certs[0].subject);
		sc->sha256 = ps_xstrdup(rep.certs[0].sha256);
		sc->cn_matches = rep.hostname_phone.result == 1;
		sc->names_host = sc->cn_matches || rep.hostname_modern.result == 1;
	} else {
		sc->error = ps_xstrdup("the certificate it sent could not be read");
	}
	ps_chain_report_clear(&rep);
	gnutls_free(leaf.data);
}

/* The hostname findings of `rep` say which certificate it was. */
static void mention_default_host(struct ps_chain_report *rep)
{
	for (size_t i = 0; i < rep->n_findings; i++) {
		struct ps_chain_finding *f = &rep->findings[i];
		if (f->id != PS_F_CHAIN_HOSTNAME_MISMATCH)
			continue;
		char *d = ps_xasprintf("%s; it is the certificate of the server's default host, "
				       "sent to clients that name none (see "
				       "tls.sni_default_certificate)",
				       f->detail ? f->detail : "");
		free(f->detail);
		f->detail = d;
	}
}

static bool live_chain_fn(void *ctx, const gnutls_datum_t *certs, unsigned n)
{
	struct ps_hop_run *h = ctx;
	struct ps_hop_chain *lc = &h->chain;
	ps_sink_step_begin(lc->sink, lc->hop, PS_STEP_TLS_CHAIN);
	struct ps_chain_params p;
	ps_steps_chain_params(lc->cfg, &p, lc->host);
	p.connected_addr = lc->connected;
	p.host_addrs = lc->host_addrs;
	p.n_host_addrs = lc->n_host_addrs;
	struct ps_chain_report rep;
	memset(&rep, 0, sizeof rep);
	ps_chain_analyse(certs, n, &p, &rep);
	if (n > 0 && rep.n_certs && rep.hostname_phone.result == 0 && !h->info.sni && h->tls_host &&
	    !ps_is_ip_literal(h->tls_host)) {
		sni_check(h, &certs[0], &p);
		const struct ps_sni_check *sc = &h->info.sni_check;
		if (sc->subject && sc->differs && sc->names_host) {
			ps_sink_finding(
			    lc->sink, (long)lc->hop, PS_F_TLS_SNI_DEFAULT_CERTIFICATE,
			    "the phone, which names no host, got '%s'; a client that "
			    "names '%s' gets '%s' (SHA-256 %s)%s",
			    rep.certs[0].subject, sc->server_name, sc->subject, sc->sha256,
			    sc->cn_matches ? ", whose CN the phone would accept"
					   : ", but its CN is not that name either, and the "
					     "phone checks the CN only");
			mention_default_host(&rep);
		}
	}
	bool phone_accepts = ps_steps_chain(lc->cfg, lc->sink, lc->hop, &rep);
	ps_chain_report_clear(&rep);
	return phone_accepts || lc->cfg->inspect_anyway;
}

/* After the exchange over an established session: whether the server
 * asked for the client certificate after all (a renegotiation), and how
 * that went. */
static void client_auth_after(struct ps_hop_run *h)
{
	struct ps_client_auth *ca = &h->ca;
	if (ca->renegotiation_error) {
		free(ca->outcome);
		ca->outcome = ps_xstrdup(ca->renegotiation_error);
		ps_sink_finding(
		    h->sink, (long)h->hop, PS_F_CLIENT_AUTH_RENEGOTIATION,
		    "after the request the server asked for a new handshake (a %s "
		    "renegotiation, the only kind the %s knows here)%s; %s",
		    ca->renegotiation ? ca->renegotiation : "?", h->cfg->identity->model->product,
		    ca->requested ? ", with a CertificateRequest" : "", ca->renegotiation_error);
		return;
	}
	if (ca->renegotiated && ca->requested) {
		free(ca->outcome);
		ca->outcome = ps_xasprintf("requested in a %s renegotiation after the request; %s",
					   ca->renegotiation ? ca->renegotiation : "?",
					   ca->sent ? "the device certificate was sent"
						    : "none sent (no --cert); the server went on");
		return;
	}
	if (!ca->requested)
		ps_sink_finding_in(h->sink, (long)h->hop, PS_STEP_TLS_CLIENT_AUTH,
				   PS_F_CLIENT_AUTH_NOT_REQUESTED, NULL);
}

static void connected_step(struct ps_hop_run *L, const char *ip, long port)
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

/* TFTP makes no connection: the connect step says where the read request
 * went over UDP and whether the server answered it (`t_answer` ms, 0 for
 * never). */
static void udp_step(struct ps_hop_run *L, const char *ip, long port, double t_answer)
{
	char *where = ps_xasprintf("%s port %ld", ip, port);
	struct ps_detail cd = { .kind = PS_DETAIL_CONNECTED, .text = where };
	ps_sink_detail(L->sink, L->hop, &cd);
	if (t_answer > 0)
		ps_sink_step_end(L->sink, L->hop, PS_STEP_CONNECT, PS_STATUS_OK,
				 "%s over UDP (TFTP makes no connection): the server answered the "
				 "read request after %.1f ms",
				 where, t_answer);
	else
		ps_sink_step_end(L->sink, L->hop, PS_STEP_CONNECT, PS_STATUS_FAIL,
				 "%s over UDP (TFTP makes no connection): no answer to the read "
				 "request",
				 where);
	free(where);
}

/* curl has connected: run the phone's handshake on the socket. */
static struct ps_tls_conn *live_connected(void *ctx, int tcp, const char *ip, long port)
{
	struct ps_hop_run *L = ctx;
	connected_step(L, ip, port);
	L->chain.connected = L->addrs[L->used].text;
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
	client_auth_step(L->sink, L->hop, &L->ca, &L->o, L->o.ok, L->cfg->identity);
	if (L->o.ok && L->info.cipher && strstr(L->info.cipher, "ARCFOUR"))
		ps_sink_finding_in(L->sink, (long)L->hop, PS_STEP_TLS_HANDSHAKE, PS_F_TLS_RC4,
				   "%s with %s",
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
	return ps_net_finding(rs->os_errno);
}

void ps_hop_http_detail(const struct ps_hop_run *L, const struct ps_http_response *rs)
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

/* The resolve step: the addresses of the target, each a detail; the
 * connection facts for curl and the TLS hook in `h`. False when the name
 * does not resolve (the step failed, with its finding). */
static bool resolve_step(struct ps_hop_run *h)
{
	const struct ps_target *t = h->t;
	ps_sink_step_begin(h->sink, h->hop, PS_STEP_RESOLVE);
	char *err = NULL;
	enum ps_finding_id f = PS_F_COUNT;
	if (!ps_resolve(t->host, t->port, h->cfg->pins, h->cfg->n_pins, &h->addrs, &h->n_addrs,
			&err, &f)) {
		ps_sink_step_end(h->sink, h->hop, PS_STEP_RESOLVE, PS_STATUS_FAIL, "%s", err);
		ps_sink_finding(h->sink, (long)h->hop, f, "%s", err);
		free(err);
		return false;
	}
	for (size_t i = 0; h->cfg->loopback_only && i < h->n_addrs; i++)
		if (!ps_sockaddr_is_loopback(&h->addrs[i])) {
			ps_sink_step_end(h->sink, h->hop, PS_STEP_RESOLVE, PS_STATUS_FAIL,
					 "%s -> %s: not a loopback address", t->host,
					 h->addrs[i].text);
			ps_sink_finding(h->sink, (long)h->hop, PS_F_STORM_NOT_LOOPBACK,
					"%s:%u resolves to %s", t->host, t->port, h->addrs[i].text);
			return false;
		}
	h->tls_host = host_for_tls(t->host);
	h->host_addrs = ps_xcalloc(h->n_addrs, sizeof *h->host_addrs);
	/* curl's own resolve entry for a name; an address (IPv6 in brackets
	 * in the URL) needs none, and curl takes no IPv6 literal before the
	 * port there. */
	bool literal = ps_is_ip_literal(t->host);
	if (!literal)
		ps_buf_printf(&h->pin, "%s:%u:", h->tls_host, t->port);
	for (size_t i = 0; i < h->n_addrs; i++) {
		struct ps_sockaddr *sa = &h->addrs[i];
		struct ps_addr a = { .text = sa->text,
				     .family = sa->ss.ss_family,
				     .pinned = sa->pinned };
		struct ps_detail d = { .kind = PS_DETAIL_ADDR, .addr = &a };
		ps_sink_detail(h->sink, h->hop, &d);
		h->host_addrs[i] = sa->text;
		ps_buf_printf(&h->addr_list, "%s%s", i ? ", " : "", sa->text);
		bool v6 = sa->ss.ss_family == AF_INET6;
		if (!literal)
			ps_buf_printf(&h->pin, "%s%s%s%s", i ? "," : "", v6 ? "[" : "", sa->text,
				      v6 ? "]" : "");
	}
	ps_sink_step_end(h->sink, h->hop, PS_STEP_RESOLVE, PS_STATUS_OK, "%s -> %s%s", t->host,
			 h->addr_list.s, h->addrs[0].pinned ? " (--resolve)" : "");
	return true;
}

/* The phone's TLS parameters for the hop, with the chain check hooked in. */
static void tls_setup(struct ps_hop_run *h, double t0)
{
	h->chain = (struct ps_hop_chain){ .cfg = h->cfg,
					  .sink = h->sink,
					  .hop = h->hop,
					  .host = h->tls_host,
					  .connected = h->addrs[0].text,
					  .host_addrs = h->host_addrs,
					  .n_host_addrs = h->n_addrs };
	h->tp = (struct ps_tls_params){ .on_certs = live_chain_fn,
					.on_certs_ctx = h,
					.priority = h->cfg->priority,
					.server_name = h->tls_host,
					.no_sni = h->cfg->identity->model->no_sni,
					.timeout_ms = h->cfg->timeout_ms,
					.creds = h->cfg->creds,
					.legacy_renegotiation =
					    h->cfg->identity->model->legacy_renegotiation,
					.sink = h->sink,
					.hop = h->hop,
					.t0_ms = t0 };
}

/* The phone's handshake failed: the finding, after the modern-client probe
 * that says whether a modern client would have got through; the
 * explanation follows that evidence (ps_tls_explain). */
/* Nothing came back to the ClientHello: did the server send anything? */
static bool server_silent(const struct ps_tls_info *info)
{
	for (size_t i = 0; i < info->n_msgs; i++)
		if (info->msgs[i].dir == PS_DIR_IN)
			return false;
	return true;
}

/* A plain HTTP port waits for a request line and says nothing to a
 * ClientHello: ask it in clear text (a short wait). The status line it
 * answered with (caller frees), or NULL. */
static char *plain_http_probe(const struct ps_hop_run *h)
{
	unsigned wait = h->cfg->timeout_ms < 3000 ? h->cfg->timeout_ms : 3000;
	char *err = NULL;
	enum ps_finding_id f;
	int fd = ps_connect(&h->addrs[h->used], wait, &err, &f);
	free(err);
	if (fd < 0)
		return NULL;
	char *req = ps_xasprintf("GET / HTTP/1.0\r\nHost: %s\r\n\r\n", h->t->host);
	char buf[128] = "";
	size_t got = 0;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) > 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		while (got < sizeof buf - 1 && poll(&p, 1, (int)wait) > 0) {
			ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
			if (n <= 0)
				break;
			got += (size_t)n;
			if (memchr(buf, '\n', got))
				break;
		}
	}
	free(req);
	close(fd);
	buf[got] = '\0';
	if (strncmp(buf, "HTTP/", 5) != 0)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	return ps_xstrdup(buf);
}

static void tls_failed(struct ps_hop_run *h)
{
	const struct ps_run_config *cfg = h->cfg;
	if (h->o.chain_rejected)
		return; /* the chain step said it all */
	char *line = h->o.finding == PS_F_NET_TIMEOUT && server_silent(&h->info)
			 ? plain_http_probe(h)
			 : NULL;
	if (line) {
		ps_sink_finding_in(h->sink, (long)h->hop, PS_STEP_TLS_HANDSHAKE, PS_F_TLS_NOT_TLS,
				   "the server said nothing to the ClientHello for %.1f s; a plain "
				   "HTTP request to the same port got \"%s\": it speaks plain HTTP "
				   "and was waiting for a request line",
				   cfg->timeout_ms / 1000.0, line);
		free(line);
		return;
	}
	bool probed = false;
	if (cfg->probe && h->o.probe_useful && h->o.finding != PS_F_NET_TIMEOUT)
		probed = run_probe(cfg, h->sink, h->hop, &h->addrs[h->used], &h->tp, &h->info);
	enum ps_finding_id f;
	char *detail = ps_tls_explain(&h->o, probed ? &h->info.probe : NULL,
				      cfg->identity->model->product, &f);
	ps_sink_finding_in(h->sink, (long)h->hop, PS_STEP_TLS_HANDSHAKE, f, "%s", detail);
	free(detail);
}

bool ps_hop_exchange(struct ps_hop_run *h, const struct ps_run_config *cfg,
		     const struct ps_sink *sink, size_t hop, const struct ps_target *t,
		     const char *url, double t0, struct ps_http_request *rq,
		     struct ps_http_response *rs)
{
	memset(h, 0, sizeof *h);
	memset(rs, 0, sizeof *rs);
	h->cfg = cfg;
	h->sink = sink;
	h->hop = hop;
	h->t = t;
	h->url = url;
	h->tftp = ps_str_ieq(t->scheme, "tftp");
	if (!resolve_step(h))
		return false;
	tls_setup(h, t0);
	rq->url = url;
	rq->user_agent = cfg->user_agent;
	rq->resolve = h->pin.s;
	rq->timeout_ms = cfg->timeout_ms;
	rq->on_connected = live_connected;
	rq->ctx = h;
	ps_sink_step_begin(sink, hop, PS_STEP_CONNECT);
	ps_http_fetch(rq, rs);
	if (h->tls_ran && h->o.ok)
		client_auth_after(h);
	bool https = ps_str_ieq(t->scheme, "https");
	if (!rs->connected) {
		const char *why = rs->curl_error ? rs->curl_error : "no connection";
		ps_sink_step_end(sink, hop, PS_STEP_CONNECT, PS_STATUS_FAIL, "%s", why);
		ps_sink_finding(sink, (long)hop, connect_finding(rs), "%s: %s",
				h->addr_list.s ? h->addr_list.s : t->host, why);
		return false;
	}
	if (h->stopped)
		return false;
	if (https && h->tls_ran && !h->o.ok) {
		tls_failed(h);
		return false;
	}
	if (h->tftp)
		udp_step(h, h->addrs[0].text, (long)t->port, rs->t_connect);
	else if (!https)
		connected_step(h, h->addrs[0].text, (long)t->port);
	if (!https)
		ps_sink_step_begin(sink, hop, PS_STEP_HTTP);
	return true;
}

bool ps_hop_stopped(const struct ps_hop_run *h)
{
	return h->stopped;
}

void ps_hop_end(struct ps_hop_run *h)
{
	if (h->tls_ran) {
		struct ps_detail td = { .kind = PS_DETAIL_TLS, .tls = &h->info };
		ps_sink_detail(h->sink, h->hop, &td);
		struct ps_detail ad = { .kind = PS_DETAIL_CLIENT_AUTH, .client_auth = &h->ca };
		ps_sink_detail(h->sink, h->hop, &ad);
	}
	ps_tls_info_clear(&h->info);
	ps_client_auth_clear(&h->ca);
	free(h->o.detail);
	free(h->host_addrs);
	free(h->tls_host);
	ps_buf_free(&h->pin);
	ps_buf_free(&h->addr_list);
	free(h->addrs);
}
