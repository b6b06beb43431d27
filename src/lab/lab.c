/* The lab provisioning server (see lab.h). libmicrohttpd does HTTP and the
 * TLS handshake; this file chooses the TLS settings and certificate for
 * the fault being played, checks client certificates itself (MHD only
 * asks for them: reference curl-over-own-tls.md Q2), decides who may read
 * what, builds the answer and logs it. */
#include "config.h"

#include "lab/lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#include "core/util.h"
#include "lab/learn.h"
#include "lab/match.h"
#include "lab/record.h"
#include "phone/catalogue.h"
#include "tlswire/tlsnames.h"
#include "tlswire/tlswire.h"

#define DEFAULT_SLOW_S 30u
#define MAX_SLOW_S 3600u
#define DEFAULT_TIMEOUT_S 15u
#define DEFAULT_MAX_FILE ((size_t)16 * 1024 * 1024)
#define DEFAULT_MAX_BODY ((size_t)64 * 1024)
#define MAX_CONNECTIONS 64u
#define MAX_PEER_CERTS 8u

/* ---- faults --------------------------------------------------------- */

static const struct {
	const char *name, *text;
} fault_table[] = {
#define PS_X(e, name, text) { name, text },
	PS_LAB_FAULTS(PS_X)
#undef PS_X
};

const char *ps_lab_fault_name(enum ps_lab_fault f)
{
	return f < PS_LAB_FAULT_COUNT ? fault_table[f].name : "?";
}

const char *ps_lab_library_version(void)
{
	return MHD_get_version();
}

char *ps_lab_fault_help(void)
{
	struct ps_buf b = { 0 };
	for (size_t i = 0; i < PS_LAB_FAULT_COUNT; i++) {
		ps_buf_printf(&b, "%-21s ", fault_table[i].name);
		ps_buf_fold(&b, fault_table[i].text, 22, 22, 80);
	}
	return ps_buf_take(&b);
}

/* Faults of one group choose the same thing, so at most one per group. */
static int fault_group(enum ps_lab_fault f)
{
	switch (f) {
	case PS_LAB_FAULT_MODERN_ONLY:
	case PS_LAB_FAULT_RC4_ONLY:
		return 1; /* the TLS priority */
	case PS_LAB_FAULT_UNTRUSTED_CA:
	case PS_LAB_FAULT_EXPIRED:
	case PS_LAB_FAULT_NOT_YET_VALID:
	case PS_LAB_FAULT_MISSING_INTERMEDIATE:
	case PS_LAB_FAULT_WRONG_NAME:
	case PS_LAB_FAULT_WEAK_KEY:
		return 2; /* the server certificate */
	case PS_LAB_FAULT_NO_CLIENT_AUTH:
	case PS_LAB_FAULT_CROSS_DEVICE:
		return 3; /* the access rule */
	case PS_LAB_FAULT_NOT_FOUND:
	case PS_LAB_FAULT_TRUNCATED:
	case PS_LAB_FAULT_WRONG_PROFILE_KEY:
		return 4; /* what happens to a file */
	case PS_LAB_FAULT_WRONG_MODEL_IMAGE:
	case PS_LAB_FAULT_DOWNGRADE:
	case PS_LAB_FAULT_MISLABELLED_IMAGE:
		return 5; /* the firmware the phone is sent */
	case PS_LAB_FAULT_SLOW_HANDSHAKE:
	case PS_LAB_FAULT_COUNT:
		break;
	}
	return 0;
}

static char *fault_names(void)
{
	struct ps_buf b = { 0 };
	for (int i = 0; i < PS_LAB_FAULT_COUNT; i++)
		ps_buf_printf(&b, "%s%s", i ? ", " : "", fault_table[i].name);
	return ps_buf_take(&b);
}

int ps_lab_fault_parse(const char *spec, unsigned *mask, char **err)
{
	*mask = 0;
	if (!spec || !*spec || strcmp(spec, "none") == 0)
		return 0;
	int chosen[6] = { -1, -1, -1, -1, -1, -1 };
	for (const char *p = spec; *p;) {
		size_t n = strcspn(p, ",");
		while (n && (*p == ' ')) {
			p++;
			n--;
		}
		size_t m = n;
		while (m && p[m - 1] == ' ')
			m--;
		int found = -1;
		for (int i = 0; i < PS_LAB_FAULT_COUNT; i++)
			if (strlen(fault_table[i].name) == m &&
			    strncmp(p, fault_table[i].name, m) == 0)
				found = i;
		if (found < 0) {
			char *names = fault_names();
			*err = ps_xasprintf("unknown fault '%.*s'; the faults are: %s", (int)m, p,
					    names);
			free(names);
			return -1;
		}
		int g = fault_group((enum ps_lab_fault)found);
		if (g && chosen[g] >= 0 && chosen[g] != found) {
			*err = ps_xasprintf("the faults %s and %s cannot be combined (both change "
					    "the %s)",
					    fault_table[chosen[g]].name, fault_table[found].name,
					    g == 1   ? "TLS priority"
					    : g == 2 ? "server certificate"
					    : g == 3 ? "access rule"
					    : g == 4 ? "file served"
						     : "firmware sent");
			*mask = 0;
			return -1;
		}
		if (g)
			chosen[g] = found;
		*mask |= 1u << found;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* ---- the lab -------------------------------------------------------- */

struct ps_lab;

/* One listener: the closure of its daemon's callbacks. */
struct listener {
	struct ps_lab *lab;
	bool https;
};

struct ps_lab {
	unsigned faults;
	enum ps_lab_server_cert cert;
	const char *priority;
	char *host;     /* config host for profile URLs, or NULL */
	char *url_host; /* fallback host for profile URLs */
	char *dir;      /* realpath of --dir, or NULL */
	bool encrypt, verbose;
	unsigned slow_ms, timeout_s;
	size_t max_file, max_body;
	FILE *log;
	struct ps_lab_pki *pki;
	bool own_pki;
	gnutls_x509_trust_list_t trust; /* the vendor CA, for client certificates */
	pthread_mutex_t trust_lock;
	char *dh_pem;
	int stop_pipe[2]; /* written once by ps_lab_stop: wakes slow handshakes */
	struct listener ls[2];
	struct MHD_Daemon *https, *http;
	unsigned https_port, http_port;
	pthread_mutex_t err_lock;
	FILE *record;                  /* --record, NULL: none */
	char *learn_name, *learn_path; /* --learn-model, NULL: none */
	pthread_mutex_t learn_lock;
	bool learned;      /* the model file is written (or failed) */
	char learn_ip[64]; /* the learned phone's address while its User-Agent is missing */
	struct ps_offer_match learn_offer; /* its offer's match, for the User-Agent's update */
	char *mhd_error;                   /* the last libmicrohttpd message */
	/* the live view's observers (lab.h) */
	void (*on_log)(void *ctx, const char *line);
	void *on_log_ctx;
	void (*on_client)(void *ctx, const struct ps_lab_client_view *v);
	void *on_client_ctx;
};

static bool has(const struct ps_lab *lab, enum ps_lab_fault f)
{
	return (lab->faults & (1u << f)) != 0;
}

unsigned ps_lab_https_port(const struct ps_lab *lab)
{
	return lab->https_port;
}

unsigned ps_lab_http_port(const struct ps_lab *lab)
{
	return lab->http_port;
}

unsigned ps_lab_faults(const struct ps_lab *lab)
{
	return lab->faults;
}

struct ps_lab_pki *ps_lab_pki(const struct ps_lab *lab)
{
	return lab->pki;
}

const char *ps_lab_vendor_ca_pem(const struct ps_lab *lab)
{
	return ps_lab_pki_vendor_ca_pem(lab->pki);
}

enum ps_lab_server_cert ps_lab_server_cert(const struct ps_lab *lab)
{
	return lab->cert;
}

int ps_lab_mint_device(struct ps_lab *lab, const char *mac, const char *product, const char *serial,
		       char **cert_pem, char **key_pem, char **err)
{
	return ps_lab_pki_mint_device(lab->pki, mac, product, serial, cert_pem, key_pem, err);
}

char *ps_lab_url(const struct ps_lab *lab, bool https, const char *host, const char *path)
{
	return ps_xasprintf("%s://%s:%u%s", https ? "https" : "http",
			    host ? host : PS_LAB_SERVER_NAME,
			    https ? lab->https_port : lab->http_port, path);
}

/* ---- logging -------------------------------------------------------- */

static void log_line(struct ps_lab *lab, const char *text)
{
	if (lab->on_log) {
		lab->on_log(lab->on_log_ctx, text);
		return;
	}
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One call, so that lines from connection threads do not mix. */
	fprintf(lab->log, "%s lab: %s\n", when, text);
	fflush(lab->log);
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct ps_lab *lab = cls;
	char *msg = ps_xvasprintf(fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	pthread_mutex_lock(&lab->err_lock);
	free(lab->mhd_error);
	lab->mhd_error = ps_xstrdup(msg);
	pthread_mutex_unlock(&lab->err_lock);
	if (lab->verbose) {
		char *line = ps_xasprintf("libmicrohttpd: %s", msg);
		log_line(lab, line);
		free(line);
	}
	free(msg);
}

/* Text from the client (path, method, certificate subject) as it may be
 * logged and echoed: control and non-ASCII bytes as \xNN, at most 300
 * bytes shown. Caller frees. */
static char *printable(const char *s)
{
	struct ps_buf b = { 0 };
	size_t i = 0;
	for (; s && s[i] && i < 300; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch > 0x7e || ch == '\\')
			ps_buf_printf(&b, "\\x%02x", ch);
		else
			ps_buf_add(&b, s + i, 1);
	}
	if (s && s[i])
		ps_buf_puts(&b, "...");
	return ps_buf_take(&b);
}

/* ---- connections ---------------------------------------------------- */

/* What the lab knows about one connection. */
struct conn {
	struct ps_lab *lab;
	bool https;
	unsigned requests;
	char peer[64];               /* "127.0.0.1:41234" */
	char hello[200];             /* what the ClientHello offered, "" before one */
	struct ps_offer_match offer; /* its fingerprints and model match */
	bool have_offer;
	/* for --record: */
	struct ps_client_hello ch; /* kept from the hook (have_offer) */
	char opened[24];
	struct ps_lab_cert_seen cert;
	bool have_cert;
	char *ua;
	const char *model;
	char **asked; /* "GET /spa942.cfg 200", each request */
	size_t n_asked;
	bool held;                /* slow-handshake held this one */
	const char *alert;        /* the alert sent to end the handshake, or NULL (static) */
	const char *client_alert; /* the alert the client sent to end it, or NULL (static) */
	bool server_hello;        /* the lab answered the ClientHello */
	unsigned finished;        /* Finished messages sent and received */
};

static void peer_text(const struct sockaddr *sa, char *out, size_t n)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
		port = ntohs(s4->sin_port);
		snprintf(out, n, "%s:%u", a, port);
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
		port = ntohs(s6->sin6_port);
		snprintf(out, n, "[%s]:%u", a, port);
	} else
		snprintf(out, n, "?");
}

/* What a ClientHello offers, for the log of a failed handshake: the
 * version and, when they are few (a phone), the suites by name (OpenSSL's,
 * as the comparison with the catalogue gives them). */
static void offer_text(const struct ps_client_hello *ch, char *out, size_t size)
{
	struct ps_buf b = { 0 };
	const char *v = ps_version_name(ch->max_version);
	ps_buf_puts(&b, v ? v : "an unknown version");
	if (ch->sslv2)
		ps_buf_puts(&b, " in an SSLv2-format ClientHello");
	size_t shown = 0;
	if (ch->n_suites > 8)
		ps_buf_printf(&b, ", %zu suites", ch->n_suites);
	else
		for (size_t i = 0; i < ch->n_suites; i++) {
			unsigned id = ch->suites[i];
			if (id == 0x00ff)
				continue; /* the renegotiation SCSV */
			const char *name = ps_suite_openssl_name(id);
			ps_buf_puts(&b, shown++ ? " " : ", suites ");
			if (name)
				ps_buf_puts(&b, name);
			else
				ps_buf_printf(&b, "0x%04x", id);
		}
	snprintf(out, size, "%s", b.s);
	ps_buf_free(&b);
}

/* libmicrohttpd ends a failed handshake without an alert. Where the fault
 * makes the outcome plain from the ClientHello alone, send the alert a
 * GnuTLS or OpenSSL server would, so the client learns why. Returns what
 * the hook returns. */
static int fault_alert(gnutls_session_t s, struct conn *cn, const struct ps_client_hello *ch)
{
	bool rc4 = false;
	for (size_t i = 0; i < ch->n_suites; i++)
		rc4 |= ch->suites[i] == 0x0004 || ch->suites[i] == 0x0005;
	if (has(cn->lab, PS_LAB_FAULT_MODERN_ONLY) && ch->max_version < 0x0303) {
		cn->alert = "protocol_version";
		gnutls_alert_send(s, GNUTLS_AL_FATAL, GNUTLS_A_PROTOCOL_VERSION);
		return GNUTLS_E_UNSUPPORTED_VERSION_PACKET;
	}
	if (has(cn->lab, PS_LAB_FAULT_RC4_ONLY) && ch->n_suites && !rc4) {
		cn->alert = "handshake_failure";
		gnutls_alert_send(s, GNUTLS_AL_FATAL, GNUTLS_A_HANDSHAKE_FAILURE);
		return GNUTLS_E_NO_CIPHER_SUITES;
	}
	return 0;
}

/* Records what the client offers (tlswire decodes the ClientHello) and
 * plays the faults it decides; counts the Finished messages (two: the
 * handshake completed). */
static int hello_hook(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming,
		      const gnutls_datum_t *msg)
{
	struct conn *cn = gnutls_db_get_ptr(s);
	if (cn && htype == GNUTLS_HANDSHAKE_FINISHED && when == GNUTLS_HOOK_POST)
		cn->finished++;
	if (cn && htype == GNUTLS_HANDSHAKE_SERVER_HELLO && !incoming)
		cn->server_hello = true;
	/* an old stack's SSLv2-format ClientHello too, which GnuTLS takes */
	bool v2 = htype == GNUTLS_HANDSHAKE_CLIENT_HELLO_V2;
	if (!cn || (htype != GNUTLS_HANDSHAKE_CLIENT_HELLO && !v2) || when != GNUTLS_HOOK_PRE ||
	    !incoming || !msg)
		return 0;
	struct ps_client_hello ch;
	if (!(v2 ? ps_parse_client_hello_v2(msg->data, msg->size, &ch)
		 : ps_parse_client_hello(msg->data, msg->size, &ch)))
		return 0; /* GnuTLS refuses it itself */
	offer_text(&ch, cn->hello, sizeof cn->hello);
	ps_offer_match(&ch, &cn->offer);
	int rc = fault_alert(s, cn, &ch);
	if (cn->have_offer) /* a second ClientHello (renegotiation): the last */
		ps_client_hello_free(&cn->ch);
	cn->ch = ch;
	cn->have_offer = true;
	return rc;
}

/* slow-handshake: hold the handshake after the ClientHello; ps_lab_stop
 * cuts the wait short (and the handshake then fails). */
static int slow_hello(gnutls_session_t s)
{
	struct conn *cn = gnutls_db_get_ptr(s);
	if (!cn)
		return 0;
	struct ps_lab *lab = cn->lab;
	cn->held = true;
	double end = ps_now_ms() + lab->slow_ms;
	for (;;) {
		double left = end - ps_now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = { .fd = lab->stop_pipe[0], .events = POLLIN };
		int r = poll(&p, 1, left > 1000 ? 1000 : (int)left + 1);
		if (r > 0)
			return GNUTLS_E_INTERNAL_ERROR; /* the lab stops */
		if (r < 0 && errno != EINTR)
			return 0;
	}
}

/* What --record and --learn-model keep of a connection. */
static void session_of(const struct conn *cn, struct ps_lab_session *rs)
{
	*rs = (struct ps_lab_session){ .https = cn->https,
				       .ch = cn->have_offer ? &cn->ch : NULL,
				       .offer = cn->have_offer ? &cn->offer : NULL,
				       .cert = cn->have_cert ? &cn->cert : NULL,
				       .user_agent = cn->ua,
				       .model = cn->model,
				       .requests = (const char *const *)cn->asked,
				       .n_requests = cn->n_asked,
				       .alert = cn->alert,
				       .client_alert = cn->client_alert,
				       .handshake_completed = !cn->https || cn->finished >= 2 };
	snprintf(rs->time, sizeof rs->time, "%s", cn->opened);
	snprintf(rs->peer, sizeof rs->peer, "%s", cn->peer);
}

/* --learn-model: the first client with a ClientHello, at its first
 * request or, when it makes none, as its connection closes. */
static void learn(struct ps_lab *lab, const struct conn *cn)
{
	if (!lab->learn_name || !cn->have_offer)
		return;
	pthread_mutex_lock(&lab->learn_lock);
	bool first = !lab->learned;
	lab->learned = true;
	pthread_mutex_unlock(&lab->learn_lock);
	if (!first)
		return;
	struct ps_lab_session rs;
	session_of(cn, &rs);
	char *said = NULL, *err = NULL;
	int rc = ps_lab_learn(lab->learn_path, lab->learn_name, &rs, &said, &err);
	if (rc < 0) {
		said = rc == -2
			   ? ps_xasprintf("not learned from %s: %s; waiting for the next client",
					  cn->peer, err)
			   : ps_xasprintf("could not write the model file of %s: %s; waiting "
					  "for the next client",
					  lab->learn_name, err);
		pthread_mutex_lock(&lab->learn_lock);
		lab->learned = false;
		pthread_mutex_unlock(&lab->learn_lock);
	} else if (!cn->ua) {
		/* a later plain-HTTP request from the phone gives it */
		pthread_mutex_lock(&lab->learn_lock);
		lab->learn_offer = cn->offer;
		snprintf(lab->learn_ip, sizeof lab->learn_ip, "%.*s",
			 (int)(strrchr(cn->peer, ':') ? strrchr(cn->peer, ':') - cn->peer
						      : (ptrdiff_t)strlen(cn->peer)),
			 cn->peer);
		pthread_mutex_unlock(&lab->learn_lock);
		char *more = ps_xasprintf("%s; it sent no request, so its User-Agent is missing: a "
					  "plain-HTTP request from %s (Profile_Rule_B "
					  "http://%s%s%s:%u/spa$PSN.cfg) will add it",
					  said, lab->learn_ip,
					  strchr(lab->url_host, ':') ? "[" : "", lab->url_host,
					  strchr(lab->url_host, ':') ? "]" : "", lab->http_port);
		free(said);
		said = more;
	}
	log_line(lab, said);
	free(said);
	free(err);
}

/* --learn-model: the User-Agent of a plain-HTTP request from the phone
 * whose HTTPS connection made none. */
static void learn_ua(struct ps_lab *lab, const struct conn *cn)
{
	if (!lab->learn_name || !cn->ua)
		return;
	pthread_mutex_lock(&lab->learn_lock);
	size_t n = strlen(lab->learn_ip);
	bool same = n && strncmp(cn->peer, lab->learn_ip, n) == 0 && cn->peer[n] == ':';
	if (same)
		lab->learn_ip[0] = '\0';
	pthread_mutex_unlock(&lab->learn_lock);
	if (!same)
		return;
	char *said = NULL, *err = NULL;
	char *match = ps_offer_match_text(&lab->learn_offer,
					  cn->model ? ps_model_find(cn->model) : NULL, NULL);
	int rc = ps_lab_learn_ua(lab->learn_path, cn->ua, match, &said, &err);
	free(match);
	if (rc < 0)
		said =
		    ps_xasprintf("could not update the model file of %s: %s", lab->learn_name, err);
	log_line(lab, said);
	free(said);
	free(err);
}

/* The connection's part of a client view (lab.h); `addr` holds the
 * address without the port. */
static void view_of_conn(const struct conn *cn, struct ps_lab_client_view *v, char addr[64])
{
	memset(v, 0, sizeof *v);
	snprintf(addr, 64, "%s", cn->peer[0] == '[' ? cn->peer + 1 : cn->peer);
	char *end = strrchr(addr, cn->peer[0] == '[' ? ']' : ':');
	if (end)
		*end = '\0';
	v->https = cn->https;
	v->peer = cn->peer;
	v->address = addr;
	v->offer = cn->have_offer ? &cn->offer : NULL;
	v->requests = cn->requests;
	v->when = time(NULL);
}

/* Tell the live view of an HTTPS connection that closed without a
 * request. */
static void view_closed(struct ps_lab *lab, const struct conn *cn)
{
	struct ps_lab_client_view v;
	char addr[64], result[64];
	view_of_conn(cn, &v, addr);
	char *text = cn->have_offer ? ps_offer_match_text(&cn->offer, NULL, &cn->ch) : NULL;
	v.offer_text = text;
	if (cn->alert)
		snprintf(result, sizeof result, "alert %s", cn->alert);
	else
		snprintf(result, sizeof result, "%s",
			 cn->finished >= 2 ? "no request" : "handshake failed");
	v.result = result;
	lab->on_client(lab->on_client_ctx, &v);
	free(text);
}

static void notify(void *cls, struct MHD_Connection *c, void **socket_context,
		   enum MHD_ConnectionNotificationCode toe)
{
	struct listener *ls = cls;
	struct ps_lab *lab = ls->lab;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		struct conn *cn = ps_xcalloc(1, sizeof *cn);
		cn->lab = lab;
		cn->https = ls->https;
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(cn->opened, sizeof cn->opened, "%Y-%m-%dT%H:%M:%SZ", &tm);
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		peer_text(ci ? ci->client_addr : NULL, cn->peer, sizeof cn->peer);
		*socket_context = cn;
		if (!ls->https)
			return;
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
		gnutls_session_t s = ci ? (gnutls_session_t)ci->tls_session : NULL;
		if (!s)
			return;
		/* libmicrohttpd keeps the session pointer for itself; the
		 * session database pointer is unused (no resumption database),
		 * so the hooks find the connection there. */
		gnutls_db_set_ptr(s, cn);
		gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_BOTH,
						   hello_hook);
		if (has(lab, PS_LAB_FAULT_SLOW_HANDSHAKE))
			gnutls_handshake_set_post_client_hello_function(s, slow_hello);
		return;
	}
	struct conn *cn = *socket_context;
	if (!cn)
		return;
	if (cn->https && cn->finished < 2) {
		/* the alert that ended a failed handshake from the client's
		 * side: a phone that does not trust the lab's CA says so */
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
		gnutls_session_t s = ci ? (gnutls_session_t)ci->tls_session : NULL;
		gnutls_alert_description_t a = s ? gnutls_alert_get(s) : GNUTLS_A_CLOSE_NOTIFY;
		if (a != GNUTLS_A_CLOSE_NOTIFY && cn->have_offer)
			cn->client_alert = ps_alert_name((unsigned)a);
	}
	if (cn->requests == 0 && cn->https) {
		char *match =
		    cn->have_offer ? ps_offer_match_text(&cn->offer, NULL, &cn->ch) : NULL;
		char *line = ps_xasprintf(
		    "https %s | %s%s%s%s%s%s%s%s%s%s%s%s", cn->peer,
		    cn->finished >= 2
			? "TLS handshake completed, then the connection closed without "
			  "a request"
			: "connection closed before the TLS handshake completed",
		    cn->client_alert ? " | the client sent alert " : "",
		    cn->client_alert ? cn->client_alert : "",
		    cn->client_alert && (strcmp(cn->client_alert, "bad_certificate") == 0 ||
					 strcmp(cn->client_alert, "unknown_ca") == 0)
			? " (it does not trust the lab's certificate: a phone trusts only its "
			  "vendor's CA)"
			: "",
		    cn->hello[0] ? " | client offered " : "", cn->hello, match ? " | JA4 " : "",
		    match ? cn->offer.ja4 : "", match ? " | " : "", match ? match : "",
		    cn->alert ? " | sent alert " : "", cn->alert ? cn->alert : "");
		/* GnuTLS ends a handshake with nothing in common without an alert */
		bool nothing = cn->have_offer && !cn->server_hello && !cn->alert &&
			       !cn->client_alert && !cn->held;
		bool bad_sni = false;
		for (size_t i = 0; nothing && i < cn->ch.n_extensions; i++)
			bad_sni |= cn->ch.extensions[i] == 0 && !cn->ch.sni;
		char *held = ps_xasprintf(
		    "%s%s%s", line, cn->held ? " | held by slow-handshake" : "",
		    !nothing ? ""
		    : bad_sni
			? " | no ServerHello: GnuTLS refused the ClientHello, whose server_name "
			  "extension is malformed (it closes without an alert)"
			: " | no ServerHello: the lab has no protocol version or suite in common "
			  "with this offer, or GnuTLS refused the ClientHello (it closes without "
			  "an "
			  "alert)");
		log_line(lab, held);
		free(held);
		free(line);
		free(match);
	} else if (cn->requests == 0 && lab->verbose) {
		char *line =
		    ps_xasprintf("http %s | connection closed before any request", cn->peer);
		log_line(lab, line);
		free(line);
	}
	if (cn->requests == 0)
		learn(lab, cn);
	if (cn->requests == 0 && cn->https && lab->on_client)
		view_closed(lab, cn);
	if (lab->record) {
		struct ps_lab_session rs;
		session_of(cn, &rs);
		char *json = ps_lab_session_json(&rs);
		fprintf(lab->record, "%s\n", json); /* one call: lines do not mix */
		fflush(lab->record);
		free(json);
	}
	if (cn->have_offer)
		ps_client_hello_free(&cn->ch);
	ps_lab_cert_seen_clear(&cn->cert);
	free(cn->ua);
	for (size_t i = 0; i < cn->n_asked; i++)
		free(cn->asked[i]);
	free(cn->asked);
	*socket_context = NULL;
	free(cn);
}

/* ---- client certificates -------------------------------------------- */

enum cert_state { CERT_NONE, CERT_TRUSTED, CERT_UNTRUSTED };

struct client {
	enum cert_state state;
	char *subject; /* the leaf's DN as printable() shows it, owned */
	char mac[13];  /* from ST, else CN; "" when neither is one */
	char *product; /* OU, owned, may be NULL */
	char *reason;  /* why it is not trusted, owned */
};

static void client_clear(struct client *cl)
{
	free(cl->subject);
	free(cl->product);
	free(cl->reason);
	memset(cl, 0, sizeof *cl);
}

static char *dn_attr(gnutls_x509_crt_t c, const char *oid)
{
	char buf[256];
	size_t n = sizeof buf;
	if (gnutls_x509_crt_get_dn_by_oid(c, oid, 0, 0, buf, &n) < 0)
		return NULL;
	return ps_xstrdup(buf);
}

/* A MAC from a certificate field: the whole value ("000e08aabbcc",
 * "00:0E:08:AA:BB:CC"), or 12 hex digits at its end ("SPA942-000E08AABBCC"). */
static bool field_mac(const char *v, char mac[13])
{
	if (!v)
		return false;
	if (ps_lab_mac_normalize(v, mac))
		return true;
	size_t n = strlen(v);
	return n > 12 && ps_lab_mac_normalize(v + n - 12, mac);
}

static void check_client(struct ps_lab *lab, gnutls_session_t s, struct client *cl)
{
	memset(cl, 0, sizeof *cl);
	unsigned n = 0;
	const gnutls_datum_t *peers = s ? gnutls_certificate_get_peers(s, &n) : NULL;
	if (!peers || n == 0) {
		cl->state = CERT_NONE;
		return;
	}
	if (n > MAX_PEER_CERTS)
		n = MAX_PEER_CERTS;
	gnutls_x509_crt_t crts[MAX_PEER_CERTS];
	unsigned have = 0;
	for (; have < n; have++) {
		if (gnutls_x509_crt_init(&crts[have]) < 0)
			break;
		if (gnutls_x509_crt_import(crts[have], &peers[have], GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(crts[have]);
			break;
		}
	}
	cl->state = CERT_UNTRUSTED;
	if (have == 0) {
		cl->reason = ps_xstrdup("the client certificate does not parse");
		return;
	}
	gnutls_datum_t dn = { NULL, 0 };
	if (gnutls_x509_crt_get_dn3(crts[0], &dn, 0) >= 0) {
		char *raw = ps_xstrndup((const char *)dn.data, dn.size);
		cl->subject = printable(raw);
		free(raw);
		gnutls_free(dn.data);
	}
	char *st = dn_attr(crts[0], GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME);
	char *cn = dn_attr(crts[0], GNUTLS_OID_X520_COMMON_NAME);
	if (!field_mac(st, cl->mac) && !field_mac(cn, cl->mac))
		cl->mac[0] = '\0';
	free(st);
	free(cn);
	cl->product = dn_attr(crts[0], GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME);
	gnutls_typed_vdata_st vd = { .type = GNUTLS_DT_KEY_PURPOSE_OID,
				     .data = (void *)GNUTLS_KP_TLS_WWW_CLIENT };
	unsigned status = 0;
	pthread_mutex_lock(&lab->trust_lock);
	int rc =
	    gnutls_x509_trust_list_verify_crt2(lab->trust, crts, have, &vd, 1, 0, &status, NULL);
	pthread_mutex_unlock(&lab->trust_lock);
	if (rc < 0)
		cl->reason = ps_xasprintf("verification failed: %s", gnutls_strerror(rc));
	else if (status) {
		gnutls_datum_t out = { NULL, 0 };
		if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out,
								 0) >= 0) {
			cl->reason = ps_xstrndup((const char *)out.data, out.size);
			gnutls_free(out.data);
		} else
			cl->reason = ps_xasprintf("verification status 0x%x", status);
	} else
		cl->state = CERT_TRUSTED;
	for (unsigned i = 0; i < have; i++)
		gnutls_x509_crt_deinit(crts[i]);
}

/* ---- requests ------------------------------------------------------- */

/* Per request: the body received so far (counted, not kept). */
struct req {
	size_t body;
	bool too_big;
};

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*req_cls);
	*req_cls = NULL;
}

/* A file body cut short: the truncated fault. */
struct cut {
	unsigned char *data;
	size_t at; /* bytes sent before the error */
	struct MHD_Connection *c;
};

static ssize_t cut_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut *ct = cls;
	if (pos >= ct->at) {
		/* Ending with an error alone makes libmicrohttpd send
		 * close_notify (gnutls_bye). Shutting the socket first sends
		 * the FIN after the bytes already written, and the
		 * close_notify can no longer go out: the client sees a TLS
		 * stream cut short, as with a crashed or killed server. */
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(ct->c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci)
			shutdown(ci->connect_fd, SHUT_RDWR);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	size_t n = ct->at - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, ct->data + pos, n);
	return (ssize_t)n;
}

static void cut_free(void *cls)
{
	struct cut *ct = cls;
	free(ct->data);
	free(ct);
}

/* The answer being built. */
struct answer {
	int status;
	unsigned char *body; /* owned until queued */
	size_t len;
	const char *type;
	char *reason; /* why refused or what is odd, for the log and the body */
	char *note;   /* a remark for the log only */
	bool file;    /* a file body (ranges and the truncated fault apply) */
};

static void refuse(struct answer *a, int status, char *reason)
{
	a->status = status;
	free(a->reason);
	a->reason = reason;
	free(a->body);
	const char *phrase = status == 400   ? "Bad Request"
			     : status == 403 ? "Forbidden"
			     : status == 404 ? "Not Found"
			     : status == 405 ? "Method Not Allowed"
			     : status == 413 ? "Content Too Large"
			     : status == 416 ? "Range Not Satisfiable"
					     : "Internal Server Error";
	a->body = (unsigned char *)ps_xasprintf("%d %s: %s\n", status, phrase, reason);
	a->len = strlen((const char *)a->body);
	a->type = "text/plain; charset=utf-8";
	a->file = false;
}

static void note(struct answer *a, const char *text)
{
	char *n = a->note ? ps_xasprintf("%s; %s", a->note, text) : ps_xstrdup(text);
	free(a->note);
	a->note = n;
}

/* The host for profile URLs: the configured one, else the request's Host
 * when it is a plain name or address, else the listen address. `port` is
 * set from the Host when it names one and the request came over HTTPS. */
static char *site_host(struct ps_lab *lab, struct MHD_Connection *c, bool https, unsigned *port)
{
	*port = lab->https_port;
	if (lab->host)
		return ps_xstrdup(lab->host);
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	if (!h || !*h || strlen(h) > 255)
		return ps_xstrdup(lab->url_host);
	size_t hl;
	if (h[0] == '[') {
		const char *e = strchr(h, ']');
		if (!e)
			return ps_xstrdup(lab->url_host);
		hl = (size_t)(e - h) + 1;
		for (size_t i = 1; i + 1 < hl; i++)
			if (!strchr("0123456789abcdefABCDEF:.", h[i]))
				return ps_xstrdup(lab->url_host);
	} else {
		hl = strcspn(h, ":");
		for (size_t i = 0; i < hl; i++) {
			char ch = h[i];
			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
				return ps_xstrdup(lab->url_host);
		}
	}
	if (hl == 0)
		return ps_xstrdup(lab->url_host);
	if (https && h[hl] == ':') {
		char *end = NULL;
		unsigned long p = strtoul(h + hl + 1, &end, 10);
		if (end && !*end && p > 0 && p < 65536)
			*port = (unsigned)p;
	}
	return ps_xstrndup(h, hl);
}

/* The model of the device asking, as provisioning servers tell it (WAZO
 * reads the User-Agent): its User-Agent ("Linksys/SPA-942-6.1.5(a) (...)",
 * "Cisco/SPA504G-7.5.5 ..."), else its certificate's OU, else the default
 * model. The User-Agent comes first so that one device certificate played
 * with several models (provscope scan --cert) gets each model its own
 * file, as a server would answer each phone. */
/* The model a User-Agent names ("Linksys/SPA-942-6.1.5(a) (...)"), NULL
 * when none. */
static const struct ps_model *ua_model(struct MHD_Connection *c)
{
	const char *ua =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_USER_AGENT);
	/* a learned model whose User-Agent is its own, not its base model's
	 * form (a client that names no catalogue model) */
	for (size_t i = ps_model_builtin_count(); ua && ps_model_at(i); i++) {
		const struct ps_model *m = ps_model_at(i), *base = ps_model_find(m->based_on);
		char *v = NULL, *sn = NULL, *mac = NULL;
		bool own = base && strcmp(m->ua_format, base->ua_format) != 0 &&
			   ps_ua_capture(m->ua_format, ua, &v, &sn, &mac);
		free(v), free(sn), free(mac);
		if (own)
			return m;
	}
	return ps_ua_names(ua);
}

static const struct ps_model *device_model(struct MHD_Connection *c, const struct client *cl)
{
	const struct ps_model *m = ua_model(c);
	if (!m && cl->product)
		m = ps_model_find(cl->product);
	/* a learned model gets the files of the catalogue model it is based on */
	if (m && m->hello)
		m = ps_model_find(m->based_on);
	return m ? m : ps_model_default();
}

static const char *file_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && strchr(dot, '/'))
		dot = NULL;
	if (dot && (ps_str_ieq(dot, ".xml") || ps_str_ieq(dot, ".cfg")))
		return "text/xml";
	if (dot && ps_str_ieq(dot, ".txt"))
		return "text/plain";
	return "application/octet-stream";
}

/* The file itself: built-in or from --dir; the per-device rules and the
 * file faults apply. */
static void build_file(struct ps_lab *lab, struct MHD_Connection *c, bool https, const char *path,
		       const char *shown, const struct ps_lab_path *lp, bool device,
		       const struct client *cl, struct answer *a)
{
	unsigned port;
	char *host = site_host(lab, c, https, &port);
	bool keyed = lab->encrypt || has(lab, PS_LAB_FAULT_WRONG_PROFILE_KEY);
	struct ps_lab_site site = { .host = host,
				    .port = port,
				    .key = keyed ? PS_LAB_PROFILE_KEY : NULL,
				    .http_port = lab->http_port,
				    .image = has(lab, PS_LAB_FAULT_WRONG_MODEL_IMAGE)
						 ? PS_LAB_IMAGE_OTHER_MODEL
					     : has(lab, PS_LAB_FAULT_DOWNGRADE)
						 ? PS_LAB_IMAGE_OLDER
						 : PS_LAB_IMAGE_OWN };
	if (device && has(lab, PS_LAB_FAULT_NOT_FOUND)) {
		refuse(a, 404,
		       ps_xasprintf("no such file (fault not-found: %s is withheld)", path));
		free(host);
		return;
	}
	a->status = 200;
	a->file = true;
	if (lab->dir) {
		char *why = NULL;
		int st = ps_lab_dir_read(lab->dir, path, lab->max_file, &a->body, &a->len, &why);
		if (st != 200) {
			refuse(a, st, why);
			free(host);
			return;
		}
		a->type = file_type(path);
	} else if (lp->kind == PS_LAB_PATH_INDEX) {
		a->body = (unsigned char *)ps_lab_index(&site);
		a->len = strlen((const char *)a->body);
		a->type = "text/plain; charset=utf-8";
		a->file = false;
	} else if (lp->kind == PS_LAB_PATH_MODEL) {
		a->body = (unsigned char *)ps_lab_model_profile(lp->model, &site);
		a->len = strlen((const char *)a->body);
		a->type = "text/xml";
	} else if (lp->kind == PS_LAB_PATH_DEVICE) {
		const struct ps_model *m = device_model(c, cl);
		a->body = (unsigned char *)ps_lab_device_profile(m, lp->mac, &site);
		a->len = strlen((const char *)a->body);
		a->type = "text/xml";
	} else if (lp->kind == PS_LAB_PATH_FIRMWARE) {
		a->body = ps_lab_firmware_image(lp->model, lp->version,
						has(lab, PS_LAB_FAULT_MISLABELLED_IMAGE)
						    ? ps_lab_other_family(lp->model)
						    : lp->model,
						&a->len);
		a->type = "application/octet-stream";
	} else {
		refuse(a, 404, ps_xasprintf("no such file: %s", shown));
		free(host);
		return;
	}
	free(host);
	if (device && keyed) {
		bool wrong = has(lab, PS_LAB_FAULT_WRONG_PROFILE_KEY);
		size_t n = 0;
		unsigned char *enc = ps_lab_encrypt(
		    a->body, a->len, wrong ? PS_LAB_WRONG_PROFILE_KEY : PS_LAB_PROFILE_KEY, wrong,
		    &n);
		if (!enc) {
			refuse(a, 500, ps_xstrdup("encrypting the profile failed"));
			return;
		}
		free(a->body);
		a->body = enc;
		a->len = n;
		a->type = "application/octet-stream";
		note(a, wrong ? "fault wrong-profile-key: encrypted with another key than the "
				"model file's [--key]"
			      : "encrypted with the lab's profile key");
	}
}

/* "bytes=A-B", "bytes=A-", "bytes=-N": 1 with the range, 0 to ignore the
 * header (several ranges or an unreadable one), -1 unsatisfiable. */
static int parse_range(const char *h, size_t len, size_t *from, size_t *to)
{
	if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
		return 0;
	const char *p = h + 6;
	char *end;
	if (*p == '-') {
		if (p[1] < '0' || p[1] > '9')
			return 0;
		unsigned long long n = strtoull(p + 1, &end, 10);
		if (*end)
			return 0;
		if (n == 0 || len == 0)
			return -1;
		*from = n >= len ? 0 : len - (size_t)n;
		*to = len - 1;
		return 1;
	}
	if (*p < '0' || *p > '9')
		return 0;
	unsigned long long a = strtoull(p, &end, 10), b = ULLONG_MAX;
	if (*end != '-')
		return 0;
	if (end[1] != '\0') {
		if (end[1] < '0' || end[1] > '9')
			return 0;
		b = strtoull(end + 1, &end, 10);
		if (*end || b < a)
			return 0; /* unreadable: ignored, as RFC 9110 says */
	}
	if (a >= len)
		return -1;
	*from = (size_t)a;
	*to = b >= len ? len - 1 : (size_t)b;
	return 1;
}

/* The TLS side of an HTTPS request, for the log, and the check of the
 * client certificate into `*cl`. */
/* What --record keeps of the client certificate of session `s`. */
static void cert_seen(gnutls_session_t s, const struct client *cl, struct ps_lab_cert_seen *out)
{
	unsigned n = 0;
	const gnutls_datum_t *peers = s ? gnutls_certificate_get_peers(s, &n) : NULL;
	gnutls_x509_crt_t crt;
	if (!peers || !n || gnutls_x509_crt_init(&crt) < 0)
		return;
	if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) >= 0) {
		gnutls_datum_t dn = { NULL, 0 };
		if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
			out->subject = ps_xstrndup((const char *)dn.data, dn.size);
			gnutls_free(dn.data);
		}
		if (gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) >= 0) {
			out->issuer = ps_xstrndup((const char *)dn.data, dn.size);
			gnutls_free(dn.data);
		}
		time_t t[2] = { gnutls_x509_crt_get_activation_time(crt),
				gnutls_x509_crt_get_expiration_time(crt) };
		char *when[2] = { NULL, NULL };
		for (int i = 0; i < 2; i++) {
			struct tm tm;
			char buf[32];
			if (t[i] != (time_t)-1 && gmtime_r(&t[i], &tm) &&
			    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
				when[i] = ps_xstrdup(buf);
		}
		out->not_before = when[0];
		out->not_after = when[1];
		unsigned bits = 0;
		int alg = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
		const char *an = alg >= 0 ? gnutls_pk_get_name((gnutls_pk_algorithm_t)alg) : NULL;
		out->key = ps_xasprintf("%s %u bits", an ? an : "?", bits);
	}
	gnutls_x509_crt_deinit(crt);
	memcpy(out->mac, cl->mac, sizeof out->mac);
	out->product = ps_xstrdup(cl->product);
	out->trusted = cl->state == CERT_TRUSTED;
	out->reason = ps_xstrdup(cl->reason);
}

static void tls_client(struct ps_lab *lab, struct MHD_Connection *c, struct ps_buf *logb,
		       struct client *cl)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t s = ci ? (gnutls_session_t)ci->tls_session : NULL;
	const char *suite = s ? gnutls_ciphersuite_get(s) : NULL;
	ps_buf_printf(logb, " | %s %s",
		      s ? gnutls_protocol_get_name(gnutls_protocol_get_version(s)) : "?",
		      suite ? suite : "?");
	check_client(lab, s, cl);
	const union MHD_ConnectionInfo *sc =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *cn = sc ? sc->socket_context : NULL;
	if ((lab->record || lab->learn_name) && cn && !cn->have_cert && cl->state != CERT_NONE) {
		cert_seen(s, cl, &cn->cert);
		cn->have_cert = true;
	}
	if (cl->state == CERT_NONE)
		ps_buf_puts(logb, " | no client certificate");
	else
		ps_buf_printf(logb, " | cert \"%s\" %s", cl->subject ? cl->subject : "?",
			      cl->state == CERT_TRUSTED ? "(trusted)" : "(NOT trusted)");
}

/* A request as the access rules see it. */
struct asked {
	const char *url, *method;
	const char *shown, *shown_method; /* printable, for messages */
	const struct req *rq;
	const struct client *cl;
};

/* Who may read what (lab.h): refuse the request, or build its answer. */
static void decide(struct listener *ls, struct MHD_Connection *c, const struct asked *q,
		   struct answer *a)
{
	struct ps_lab *lab = ls->lab;
	const struct client *cl = q->cl;
	bool head = strcmp(q->method, MHD_HTTP_METHOD_HEAD) == 0;
	bool get = strcmp(q->method, MHD_HTTP_METHOD_GET) == 0;
	struct ps_lab_path lp;
	ps_lab_path_classify(q->url, &lp);
	char mac[13] = "";
	bool device = lab->dir ? ps_lab_path_mac(q->url, mac) : lp.kind == PS_LAB_PATH_DEVICE;
	if (!lab->dir && device)
		memcpy(mac, lp.mac, sizeof mac);
	bool open_path = !lab->dir && lp.kind == PS_LAB_PATH_INDEX;
	bool check = ls->https && !has(lab, PS_LAB_FAULT_NO_CLIENT_AUTH) && !open_path;

	if (!get && !head && strcmp(q->method, MHD_HTTP_METHOD_POST) != 0)
		refuse(a, 405,
		       ps_xasprintf("method %s is not served (GET, HEAD, POST)", q->shown_method));
	else if (q->rq->too_big)
		refuse(a, 413,
		       ps_xasprintf("the request body is over the %zu-byte cap", lab->max_body));
	else if (check && cl->state == CERT_NONE)
		refuse(a, 403, ps_xstrdup("no client certificate"));
	else if (check && cl->state == CERT_UNTRUSTED)
		refuse(a, 403,
		       ps_xasprintf("the client certificate is not trusted: %s",
				    cl->reason ? cl->reason : "?"));
	else if (check && device && !cl->mac[0])
		refuse(a, 403,
		       ps_xstrdup("the client certificate carries no MAC (neither ST "
				  "nor CN is one)"));
	else if (check && device && strcmp(cl->mac, mac) != 0 &&
		 !has(lab, PS_LAB_FAULT_CROSS_DEVICE))
		refuse(a, 403, ps_xasprintf("device %s may not read %s", cl->mac, q->shown));
	else {
		if (check && device && strcmp(cl->mac, mac) != 0)
			note(a, "fault cross-device: served another device's file");
		if (!ls->https && !open_path)
			note(a, "plain HTTP: served without client authentication");
		else if (ls->https && !check && !open_path)
			note(a, "fault no-client-auth: served without client authentication");
		build_file(lab, c, ls->https, q->url, q->shown, &lp, device, cl, a);
	}
}

/* Queue the answer: a range (GET) and then the truncated fault on file
 * bodies, the headers. The body passes to libmicrohttpd. */
static enum MHD_Result send_answer(struct ps_lab *lab, struct MHD_Connection *c, bool get,
				   struct answer *a)
{
	size_t from = 0, to = 0;
	int rg = 0;
	bool cut = a->status == 200 && a->file && has(lab, PS_LAB_FAULT_TRUNCATED);
	if (a->status == 200 && a->file && get && !cut)
		rg = parse_range(
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE), a->len,
		    &from, &to);
	size_t full = a->len;
	if (rg < 0)
		refuse(a, 416, ps_xasprintf("the range is outside the %zu-byte file", full));
	else if (rg > 0) {
		a->status = 206;
		memmove(a->body, a->body + from, to - from + 1);
		a->len = to - from + 1;
	}
	struct MHD_Response *resp;
	if (cut) {
		struct cut *ct = ps_xmalloc(sizeof *ct);
		ct->data = a->body;
		ct->at = a->len / 2;
		ct->c = c;
		resp = MHD_create_response_from_callback(a->len, 4096, cut_read, ct, cut_free);
		note(a, "fault truncated: the body stops halfway and the connection closes "
			"without close_notify");
	} else
		resp = MHD_create_response_from_buffer(a->len, a->body, MHD_RESPMEM_MUST_FREE);
	a->body = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				a->type ? a->type : "application/octet-stream");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_SERVER, "provscope-lab");
	if (a->file && (a->status == 200 || a->status == 206))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	if (a->status == 206 || rg < 0) {
		char cr[96];
		if (rg < 0)
			snprintf(cr, sizeof cr, "bytes */%zu", full);
		else
			snprintf(cr, sizeof cr, "bytes %zu-%zu/%zu", from, to, full);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
	}
	if (a->status == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, POST");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)a->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* End the log line of a request with its answer and write it. */
static void log_answer(struct ps_lab *lab, struct ps_buf *logb, const struct answer *a, bool head)
{
	ps_buf_printf(logb, " | %d", a->status);
	if (a->status == 200 || a->status == 206)
		ps_buf_printf(logb, " %zu bytes%s", a->len, head ? " (HEAD: headers only)" : "");
	if (a->reason)
		ps_buf_printf(logb, " | %s: %s",
			      a->status == 403 || a->status == 400 ? "refused" : "reason",
			      a->reason);
	if (a->note)
		ps_buf_printf(logb, " | %s", a->note);
	char *line = ps_buf_take(logb);
	log_line(lab, line);
	free(line);
}

/* Tell the live view of a request answered. */
static void view_request(struct ps_lab *lab, struct MHD_Connection *c, const struct conn *cn,
			 const struct client *cl, const char *method, const char *path,
			 const struct answer *a)
{
	struct ps_lab_client_view v;
	char addr[64], result[16];
	view_of_conn(cn, &v, addr);
	const char *ua =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_USER_AGENT);
	char *shown_ua = ua ? printable(ua) : NULL;
	const struct ps_model *um = ua_model(c);
	char *text = cn->have_offer ? ps_offer_match_text(&cn->offer, um, &cn->ch) : NULL;
	v.user_agent = shown_ua;
	v.model = um ? um->id : NULL;
	v.offer_text = text;
	v.cert = cl->state == CERT_TRUSTED     ? PS_LAB_CLIENT_CERT_TRUSTED
		 : cl->state == CERT_UNTRUSTED ? PS_LAB_CLIENT_CERT_UNTRUSTED
					       : PS_LAB_CLIENT_CERT_NONE;
	v.cert_mac = cl->mac[0] ? cl->mac : NULL;
	v.cert_subject = cl->subject;
	v.cert_reason = cl->reason;
	v.method = method;
	v.path = path;
	v.status = a->status;
	v.bytes = a->len;
	v.reason = a->reason;
	if (a->status == 200 || a->status == 206)
		snprintf(result, sizeof result, "ok");
	else
		snprintf(result, sizeof result, "%d", a->status);
	v.result = result;
	lab->on_client(lab->on_client_ctx, &v);
	free(text);
	free(shown_ua);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload_data,
			       size_t *upload_data_size, void **req_cls)
{
	(void)version;
	(void)upload_data;
	struct listener *ls = cls;
	struct ps_lab *lab = ls->lab;
	struct req *rq = *req_cls;
	if (!rq) {
		*req_cls = ps_xcalloc(1, sizeof *rq);
		return MHD_YES;
	}
	if (*upload_data_size) {
		rq->body += *upload_data_size;
		if (rq->body > lab->max_body)
			rq->too_big = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *cn = ci ? ci->socket_context : NULL;
	if (cn)
		cn->requests++;

	struct ps_buf logb = { 0 };
	ps_buf_printf(&logb, "%s %s", ls->https ? "https" : "http", cn ? cn->peer : "?");
	struct client cl;
	memset(&cl, 0, sizeof cl);
	if (ls->https)
		tls_client(lab, c, &logb, &cl);
	if (cn && cn->requests == 1 && (lab->record || lab->learn_name)) {
		const char *ua =
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_USER_AGENT);
		cn->ua = ua ? printable(ua) : NULL;
		const struct ps_model *um = ua_model(c);
		cn->model = um ? um->id : NULL;
		if (!ls->https)
			learn_ua(lab, cn);
	}
	if (ls->https && cn && cn->have_offer && cn->requests == 1) {
		/* the connection's first request: what its ClientHello says */
		char *match = ps_offer_match_text(&cn->offer, ua_model(c), &cn->ch);
		ps_buf_printf(&logb, " | JA4 %s | %s", cn->offer.ja4, match);
		free(match);
		learn(lab, cn);
	}
	char *shown = printable(url), *shown_method = printable(method);
	ps_buf_printf(&logb, " | %s %s", shown_method, shown);

	struct answer a = { 0 };
	struct asked q = { .url = url,
			   .method = method,
			   .shown = shown,
			   .shown_method = shown_method,
			   .rq = rq,
			   .cl = &cl };
	decide(ls, c, &q, &a);
	enum MHD_Result ret = send_answer(lab, c, strcmp(method, MHD_HTTP_METHOD_GET) == 0, &a);
	if (cn && lab->record && cn->n_asked < 64) {
		cn->asked = ps_xrealloc(cn->asked, (cn->n_asked + 1) * sizeof *cn->asked);
		cn->asked[cn->n_asked++] = ps_xasprintf("%s %s %d", shown_method, shown, a.status);
	}
	log_answer(lab, &logb, &a, strcmp(method, MHD_HTTP_METHOD_HEAD) == 0);
	if (cn && lab->on_client)
		view_request(lab, c, cn, &cl, shown_method, shown, &a);
	free(a.reason);
	free(a.note);
	free(shown);
	free(shown_method);
	client_clear(&cl);
	return ret;
}

/* ---- start and stop ------------------------------------------------- */

/* A listening socket on addr:port; the kernel picks when port is 0. */
static int open_listener(const char *addr, unsigned port, int *fd_out, unsigned *chosen, bool *v6,
			 char **err)
{
	if (port > 65535) {
		*err = ps_xasprintf("port %u is out of range", port);
		return -1;
	}
	char ps[8];
	snprintf(ps, sizeof ps, "%u", port);
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(addr, ps, &hints, &res);
	if (rc != 0 || !res) {
		*err = ps_xasprintf("listen address '%s' is not an IP address (%s)", addr,
				    gai_strerror(rc));
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (res->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	}
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		int e = errno;
		*err = ps_xasprintf("cannot listen on %s%s%s:%u: %s",
				    res->ai_family == AF_INET6 ? "[" : "", addr,
				    res->ai_family == AF_INET6 ? "]" : "", port, strerror(e));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	*v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		*err = ps_xasprintf("getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*chosen = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port)
					   : ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port);
	*fd_out = fd;
	return 0;
}

/* The RFC 7919 ffdhe2048 group as PKCS#3 PEM: DHE-RSA for the Cisco
 * phones, whose ClientHello names no groups. */
static char *dh_params_pem(void)
{
	gnutls_dh_params_t dh;
	gnutls_datum_t out = { NULL, 0 };
	char *pem = NULL;
	if (gnutls_dh_params_init(&dh) < 0)
		return NULL;
	if (gnutls_dh_params_import_raw2(dh, &gnutls_ffdhe_2048_group_prime,
					 &gnutls_ffdhe_2048_group_generator,
					 gnutls_ffdhe_2048_key_bits) >= 0 &&
	    gnutls_dh_params_export2_pkcs3(dh, GNUTLS_X509_FMT_PEM, &out) >= 0) {
		pem = ps_xstrndup((const char *)out.data, out.size);
		gnutls_free(out.data);
	}
	gnutls_dh_params_deinit(dh);
	return pem;
}

static struct MHD_Daemon *start_daemon(struct ps_lab *lab, bool https, int fd, bool v6, char **err)
{
	struct listener *ls = &lab->ls[https ? 0 : 1];
	ls->lab = lab;
	ls->https = https;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_ERROR_LOG | (https ? MHD_USE_TLS : 0) | (v6 ? MHD_USE_IPv6 : 0);
	struct MHD_OptionItem tls[8];
	size_t n = 0;
	/* A held handshake must not count as idle: libmicrohttpd would close
	 * the connection right after the hold, and even a patient client
	 * would fail. */
	unsigned timeout = lab->timeout_s;
	if (https && has(lab, PS_LAB_FAULT_SLOW_HANDSHAKE))
		timeout += lab->slow_ms / 1000u;
	if (https) {
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
						    (void *)ps_lab_pki_server_key_pem(lab->pki,
										      lab->cert) };
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
						    (void *)ps_lab_pki_server_chain_pem(
							lab->pki, lab->cert) };
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
						    (void *)lab->priority };
		if (lab->dh_pem)
			tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_DHPARAMS, 0,
							    lab->dh_pem };
		/* Asks the client for a certificate; nothing more (the handler
		 * verifies it). */
		if (!has(lab, PS_LAB_FAULT_NO_CLIENT_AUTH))
			tls[n++] =
			    (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0,
						     (void *)ps_lab_pki_vendor_ca_pem(lab->pki) };
	}
	tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, 0, NULL, NULL, handler, ls, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_LIMIT, MAX_CONNECTIONS,
	    MHD_OPTION_NOTIFY_CONNECTION, notify, ls, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, lab, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (!d) {
		pthread_mutex_lock(&lab->err_lock);
		*err = ps_xasprintf("libmicrohttpd did not start the %s server%s%s",
				    https ? "HTTPS" : "HTTP", lab->mhd_error ? ": " : "",
				    lab->mhd_error ? lab->mhd_error : "");
		pthread_mutex_unlock(&lab->err_lock);
	}
	return d;
}

static void lab_free(struct ps_lab *lab)
{
	if (lab->trust)
		gnutls_x509_trust_list_deinit(lab->trust, 1);
	if (lab->own_pki)
		ps_lab_pki_free(lab->pki);
	for (int i = 0; i < 2; i++)
		if (lab->stop_pipe[i] >= 0)
			close(lab->stop_pipe[i]);
	pthread_mutex_destroy(&lab->trust_lock);
	pthread_mutex_destroy(&lab->err_lock);
	pthread_mutex_destroy(&lab->learn_lock);
	free(lab->learn_name);
	free(lab->learn_path);
	free(lab->host);
	free(lab->url_host);
	free(lab->dir);
	free(lab->dh_pem);
	free(lab->mhd_error);
	free(lab);
}

void ps_lab_stop(struct ps_lab *lab)
{
	if (!lab)
		return;
	/* Wake any held handshake first, so the daemons' threads can end. */
	if (lab->stop_pipe[1] >= 0) {
		ssize_t w;
		do
			w = write(lab->stop_pipe[1], "x", 1);
		while (w < 0 && errno == EINTR);
	}
	if (lab->https)
		MHD_stop_daemon(lab->https);
	if (lab->http)
		MHD_stop_daemon(lab->http);
	lab_free(lab);
}

static enum ps_lab_server_cert fault_cert(unsigned faults)
{
	static const struct {
		enum ps_lab_fault f;
		enum ps_lab_server_cert c;
	} map[] = {
		{ PS_LAB_FAULT_UNTRUSTED_CA, PS_LAB_CERT_UNTRUSTED_CA },
		{ PS_LAB_FAULT_EXPIRED, PS_LAB_CERT_EXPIRED },
		{ PS_LAB_FAULT_NOT_YET_VALID, PS_LAB_CERT_NOT_YET_VALID },
		{ PS_LAB_FAULT_MISSING_INTERMEDIATE, PS_LAB_CERT_MISSING_INTERMEDIATE },
		{ PS_LAB_FAULT_WRONG_NAME, PS_LAB_CERT_WRONG_NAME },
		{ PS_LAB_FAULT_WEAK_KEY, PS_LAB_CERT_WEAK_KEY },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (faults & (1u << map[i].f))
			return map[i].c;
	return PS_LAB_CERT_NORMAL;
}

int ps_lab_start(const struct ps_lab_config *cfg, struct ps_lab **out, char **err)
{
	*out = NULL;
	struct ps_lab *lab = ps_xcalloc(1, sizeof *lab);
	lab->stop_pipe[0] = lab->stop_pipe[1] = -1;
	pthread_mutex_init(&lab->trust_lock, NULL);
	pthread_mutex_init(&lab->err_lock, NULL);
	pthread_mutex_init(&lab->learn_lock, NULL);
	if (ps_lab_fault_parse(cfg->fault, &lab->faults, err) < 0)
		goto fail;
	lab->cert = fault_cert(lab->faults);
	lab->priority = has(lab, PS_LAB_FAULT_MODERN_ONLY) ? PS_LAB_PRIORITY_MODERN
			: has(lab, PS_LAB_FAULT_RC4_ONLY)  ? PS_LAB_PRIORITY_RC4
							   : PS_LAB_PRIORITY_NORMAL;
	lab->encrypt = cfg->encrypt;
	lab->verbose = cfg->verbose;
	unsigned slow = cfg->slow_seconds ? cfg->slow_seconds : DEFAULT_SLOW_S;
	lab->slow_ms = (slow < MAX_SLOW_S ? slow : MAX_SLOW_S) * 1000u;
	lab->timeout_s = cfg->timeout_s ? cfg->timeout_s : DEFAULT_TIMEOUT_S;
	lab->max_file = cfg->max_file ? cfg->max_file : DEFAULT_MAX_FILE;
	lab->max_body = cfg->max_body ? cfg->max_body : DEFAULT_MAX_BODY;
	lab->log = cfg->log ? cfg->log : stderr;
	lab->record = cfg->record;
	lab->learn_name = cfg->learn_name ? ps_xstrdup(cfg->learn_name) : NULL;
	lab->learn_path = cfg->learn_path ? ps_xstrdup(cfg->learn_path) : NULL;
	lab->on_log = cfg->on_log;
	lab->on_log_ctx = cfg->on_log_ctx;
	lab->on_client = cfg->on_client;
	lab->on_client_ctx = cfg->on_client_ctx;
	lab->host = ps_xstrdup(cfg->host && *cfg->host ? cfg->host : NULL);
	const char *listen = cfg->listen && *cfg->listen ? cfg->listen : "127.0.0.1";
	if (strcmp(listen, "localhost") == 0)
		listen = "127.0.0.1";
	if (strchr(listen, ':'))
		lab->url_host =
		    strcmp(listen, "::") == 0 ? ps_xstrdup("[::1]") : ps_xasprintf("[%s]", listen);
	else
		lab->url_host = ps_xstrdup(strcmp(listen, "0.0.0.0") == 0 ? "127.0.0.1" : listen);

	if (cfg->dir) {
		lab->dir = realpath(cfg->dir, NULL);
		int fd = lab->dir ? open(lab->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (fd < 0) {
			*err = ps_xasprintf("--dir %s: %s", cfg->dir, strerror(errno));
			goto fail;
		}
		close(fd);
	}
	if (cfg->pki)
		lab->pki = cfg->pki;
	else if (ps_lab_pki_open(cfg->pki_dir, &lab->pki, err) < 0)
		goto fail;
	else
		lab->own_pki = true;

	gnutls_datum_t ca = { (unsigned char *)ps_lab_pki_vendor_ca_pem(lab->pki),
			      (unsigned)strlen(ps_lab_pki_vendor_ca_pem(lab->pki)) };
	if (gnutls_x509_trust_list_init(&lab->trust, 0) < 0 ||
	    gnutls_x509_trust_list_add_trust_mem(lab->trust, &ca, NULL, GNUTLS_X509_FMT_PEM, 0,
						 0) != 1) {
		*err = ps_xstrdup("the vendor CA does not load into a GnuTLS trust list");
		goto fail;
	}
	lab->dh_pem = dh_params_pem();
	if (pipe2(lab->stop_pipe, O_CLOEXEC) < 0) {
		*err = ps_xasprintf("pipe: %s", strerror(errno));
		goto fail;
	}

	int fd = -1;
	bool v6 = false;
	if (open_listener(listen, cfg->https_port, &fd, &lab->https_port, &v6, err) < 0)
		goto fail;
	lab->https = start_daemon(lab, true, fd, v6, err);
	if (!lab->https) {
		close(fd);
		goto fail;
	}
	if (!cfg->no_http) {
		if (open_listener(listen, cfg->http_port, &fd, &lab->http_port, &v6, err) < 0)
			goto fail;
		lab->http = start_daemon(lab, false, fd, v6, err);
		if (!lab->http) {
			close(fd);
			goto fail;
		}
	}
	*out = lab;
	return 0;
fail:
	ps_lab_stop(lab);
	return -1;
}
