/* Unit tests of the phone's TLS handshake against an in-process GnuTLS
 * server on a socketpair: the exact message order the phone reports, and
 * the diagnosis when the server refuses its version or takes RC4-MD5. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "core/util.h"
#include "engine/tls.h"
#include "model/report.h"
#include "model/sink.h"
#include "phone/catalogue.h"

/* Generous: valgrind makes RSA slow. Nothing waits this long normally. */
#define TIMEOUT_MS 60000

/* Shared by the group: the server's credentials, made once. */
struct group {
	gnutls_certificate_credentials_t server_cred;
	gnutls_datum_t server_der;        /* the server certificate, DER */
	struct ps_tls_creds *phone_creds; /* no device certificate */
};

/* The server end of one handshake, run on a thread. */
struct server {
	int fd;
	const char *priority; /* NULL: the scripted server below */
	gnutls_certificate_credentials_t cred;
	/* The scripted server: its certificate, whether it asks for one, and
	 * the fatal alerts it sends after the phone's ClientKeyExchange. */
	const gnutls_datum_t *der;
	bool cert_request;
	unsigned char alerts[2];
	size_t n_alerts;
	int handshake_rc;
	/* After the handshake: answer one HTTP request, then end with
	 * close_notify, or (truncate) close TCP without it. */
	bool http, truncate;
};

/* One test case: the socketpair, the server thread and what the phone saw. */
struct tcase {
	const struct group *g;
	int sv[2];
	pthread_t thread;
	bool thread_running;
	struct server srv;
	struct ps_report *report;
	size_t hop;
	struct ps_tls_info info;
	struct ps_client_auth ca;
	struct ps_tls_outcome out;
};

static int make_server_cred(gnutls_certificate_credentials_t *out, gnutls_datum_t *der)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	static const char cn[] = "prov.test";
	time_t now = time(NULL);
	int rc = gnutls_x509_privkey_init(&key);
	if (rc >= 0)
		rc = gnutls_x509_privkey_generate(key, GNUTLS_PK_RSA, 2048, 0);
	if (rc >= 0)
		rc = gnutls_x509_crt_init(&crt);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_version(crt, 3);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_serial(crt, "\x01\x02", 2);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_activation_time(crt, now - 3600);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_expiration_time(crt, now + 86400);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
						   sizeof cn - 1);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_key(crt, key);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
							    GNUTLS_KEY_KEY_ENCIPHERMENT);
	if (rc >= 0)
		rc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
	if (rc >= 0)
		rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, der);
	if (rc >= 0)
		rc = gnutls_certificate_allocate_credentials(out);
	if (rc >= 0) {
		rc = gnutls_certificate_set_x509_key(*out, &crt, 1, key);
		if (rc < 0) {
			gnutls_certificate_free_credentials(*out);
			*out = NULL;
		}
	}
	if (rc < 0)
		fprintf(stderr, "server certificate: %s\n", gnutls_strerror(rc));
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return rc < 0 ? -1 : 0;
}

static int group_setup(void **state)
{
	/* A peer that goes away must not kill the test with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	struct group *g = calloc(1, sizeof *g);
	if (!g)
		return -1;
	char *err = NULL;
	g->phone_creds = ps_tls_creds_new(NULL, NULL, &err);
	if (!g->phone_creds) {
		fprintf(stderr, "phone creds: %s\n", err ? err : "?");
		free(err);
		free(g);
		return -1;
	}
	if (make_server_cred(&g->server_cred, &g->server_der) < 0) {
		gnutls_free(g->server_der.data);
		ps_tls_creds_free(g->phone_creds);
		free(g);
		return -1;
	}
	*state = g;
	return 0;
}

static int group_teardown(void **state)
{
	struct group *g = *state;
	if (g) {
		gnutls_certificate_free_credentials(g->server_cred);
		gnutls_free(g->server_der.data);
		ps_tls_creds_free(g->phone_creds);
		free(g);
	}
	return 0;
}

static int case_setup(void **state)
{
	struct tcase *t = calloc(1, sizeof *t);
	if (!t)
		return -1;
	t->g = *state;
	t->sv[0] = t->sv[1] = -1;
	*state = t;
	return 0;
}

/* Wait for the server, then close what is still open. */
static void case_finish(struct tcase *t)
{
	if (t->sv[0] >= 0) {
		close(t->sv[0]);
		t->sv[0] = -1;
	}
	if (t->thread_running) {
		pthread_join(t->thread, NULL);
		t->thread_running = false;
	}
	if (t->sv[1] >= 0) {
		close(t->sv[1]);
		t->sv[1] = -1;
	}
}

static int case_teardown(void **state)
{
	struct tcase *t = *state;
	case_finish(t);
	ps_tls_info_clear(&t->info);
	ps_client_auth_clear(&t->ca);
	free(t->out.detail);
	ps_report_free(t->report);
	free(t);
	return 0;
}

static void *server_main(void *arg)
{
	struct server *sv = arg;
	gnutls_session_t s = NULL;
	int rc = gnutls_init(&s, GNUTLS_SERVER | GNUTLS_NO_SIGNAL);
	if (rc >= 0)
		rc = gnutls_priority_set_direct(s, sv->priority, NULL);
	if (rc >= 0)
		rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, sv->cred);
	if (rc >= 0) {
		gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
		gnutls_transport_set_int(s, sv->fd);
		gnutls_handshake_set_timeout(s, TIMEOUT_MS);
		do
			rc = gnutls_handshake(s);
		while (rc < 0 && !gnutls_error_is_fatal(rc));
		sv->handshake_rc = rc;
		if (rc < 0) {
			gnutls_alert_send_appropriate(s, rc);
		} else if (sv->http) {
			/* Read the request up to its blank line, answer, and end. */
			char req[1024];
			size_t have = 0;
			ssize_t n;
			gnutls_record_set_timeout(s, TIMEOUT_MS);
			while (have < sizeof req - 1 &&
			       (n = gnutls_record_recv(s, req + have, sizeof req - 1 - have)) > 0) {
				have += (size_t)n;
				req[have] = '\0';
				if (strstr(req, "\r\n\r\n"))
					break;
			}
			static const char answer[] =
			    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
			gnutls_record_send(s, answer, sizeof answer - 1);
			if (!sv->truncate)
				gnutls_bye(s, GNUTLS_SHUT_WR);
		} else {
			/* Read until the phone's close_notify, EOF or the timeout. */
			char buf[256];
			ssize_t n;
			gnutls_record_set_timeout(s, TIMEOUT_MS);
			do
				n = gnutls_record_recv(s, buf, sizeof buf);
			while (n > 0 || n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
		}
	} else {
		sv->handshake_rc = rc;
	}
	if (s)
		gnutls_deinit(s);
	shutdown(sv->fd, SHUT_RDWR);
	return NULL;
}

static bool read_full(int fd, unsigned char *b, size_t n)
{
	while (n) {
		ssize_t k = read(fd, b, n);
		if (k <= 0)
			return false;
		b += k;
		n -= (size_t)k;
	}
	return true;
}

static void put_u8(unsigned char **p, unsigned v)
{
	*(*p)++ = (unsigned char)v;
}

static void put_u16(unsigned char **p, unsigned v)
{
	put_u8(p, v >> 8);
	put_u8(p, v & 255);
}

static void put_u24(unsigned char **p, size_t v)
{
	put_u8(p, (unsigned)(v >> 16) & 255);
	put_u8(p, (unsigned)(v >> 8) & 255);
	put_u8(p, (unsigned)v & 255);
}

/* Read one record into `rec` (`cap` bytes); returns its type, or -1. */
static int read_record(int fd, unsigned char *rec, size_t cap, size_t *len)
{
	unsigned char hdr[5];
	if (!read_full(fd, hdr, 5))
		return -1;
	*len = ((size_t)hdr[3] << 8) | hdr[4];
	if (*len > cap || !read_full(fd, rec, *len))
		return -1;
	return hdr[0];
}

/* A scripted TLS 1.0 server: after the ClientHello it sends ServerHello,
 * Certificate, maybe CertificateRequest and ServerHelloDone; once the
 * phone's ClientKeyExchange is in, it sends its fatal alerts and goes away
 * at once, as gnutls-serv does when it refuses a client certificate. The
 * phone's ChangeCipherSpec and Finished may or may not get out first. */
static void *scripted_server_main(void *arg)
{
	struct server *sv = arg;
	unsigned char rec[16384];
	size_t len;
	sv->handshake_rc = -1;
	if (read_record(sv->fd, rec, sizeof rec, &len) != 22)
		goto out;
	size_t der = sv->der->size;
	size_t body = (4 + 2 + 32 + 1 + 2 + 1) + (4 + 3 + 3 + der) +
		      (sv->cert_request ? 4 + 1 + 1 + 2 : 0) + 4;
	unsigned char *buf = malloc(5 + body);
	if (!buf)
		goto out;
	unsigned char *p = buf;
	put_u8(&p, 22);
	put_u16(&p, 0x0301);
	put_u16(&p, (unsigned)body);
	put_u8(&p, 2); /* ServerHello: TLS 1.0, AES256-SHA, no extensions */
	put_u24(&p, 2 + 32 + 1 + 2 + 1);
	put_u16(&p, 0x0301);
	memset(p, 0x42, 32);
	p += 32;
	put_u8(&p, 0);
	put_u16(&p, 0x0035);
	put_u8(&p, 0);
	put_u8(&p, 11); /* Certificate */
	put_u24(&p, 3 + 3 + der);
	put_u24(&p, 3 + der);
	put_u24(&p, der);
	memcpy(p, sv->der->data, der);
	p += der;
	if (sv->cert_request) {
		put_u8(&p, 13); /* CertificateRequest: rsa_sign, no CA names */
		put_u24(&p, 1 + 1 + 2);
		put_u8(&p, 1);
		put_u8(&p, 1);
		put_u16(&p, 0);
	}
	put_u8(&p, 14); /* ServerHelloDone */
	put_u24(&p, 0);
	ssize_t w = write(sv->fd, buf, (size_t)(p - buf));
	free(buf);
	if (w != (ssize_t)(5 + body))
		goto out;
	/* Wait for the ClientKeyExchange (each message in its own record). */
	for (int i = 0; i < 8; i++) {
		int type = read_record(sv->fd, rec, sizeof rec, &len);
		if (type < 0)
			goto out;
		if (type == 22 && len >= 4 && rec[0] == 16)
			break;
	}
	unsigned char alerts[2 * 7];
	p = alerts;
	for (size_t i = 0; i < sv->n_alerts; i++) {
		put_u8(&p, 21);
		put_u16(&p, 0x0301);
		put_u16(&p, 2);
		put_u8(&p, 2);
		put_u8(&p, sv->alerts[i]);
	}
	if (write(sv->fd, alerts, (size_t)(p - alerts)) == p - alerts)
		sv->handshake_rc = 0;
out:
	shutdown(sv->fd, SHUT_RDWR);
	return NULL;
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = TIMEOUT_MS / 1000, .tv_usec = 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Play the spa942 against a GnuTLS server with `server_priority`, or
 * against the scripted server (set up in t->srv first) when it is NULL. Everything is
 * closed and joined when this returns, so assertions can follow. */
static void run_case(struct tcase *t, const char *server_priority)
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, t->sv), 0);
	set_timeouts(t->sv[0]);
	set_timeouts(t->sv[1]);
	t->srv.fd = t->sv[1];
	t->srv.priority = server_priority;
	t->srv.cred = t->g->server_cred;
	t->srv.der = &t->g->server_der;
	t->srv.handshake_rc = 1;
	assert_int_equal(pthread_create(&t->thread, NULL,
					server_priority ? server_main : scripted_server_main,
					&t->srv),
			 0);
	t->thread_running = true;

	t->report = ps_report_new();
	struct ps_sink sink = ps_report_sink(t->report);
	t->hop = ps_sink_hop_begin(&sink, "https://prov.test/spa942.cfg");
	struct ps_tls_params p = {
		.priority = ps_model_default()->priority,
		.server_name = "prov.test",
		.timeout_ms = TIMEOUT_MS,
		.creds = t->g->phone_creds,
		.sink = &sink,
		.hop = t->hop,
		.t0_ms = ps_now_ms(),
	};
	ps_tls_handshake(t->sv[0], &p, &t->info, &t->ca, &t->out);
	case_finish(t);
}

struct pump_job {
	struct ps_tls_conn *conn;
	int fd;
	struct ps_pump_result res;
};

static void *pump_main(void *arg)
{
	struct pump_job *j = arg;
	ps_tls_pump(j->conn, j->fd, TIMEOUT_MS, &j->res);
	close(j->fd);
	return NULL;
}

/* The phone's session kept open and pumped: a plaintext HTTP exchange on
 * one side comes out of the TLS session on the other. */
static void pump_case(struct tcase *t, bool truncate, char *answer, size_t cap,
		      struct ps_pump_result *res)
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, t->sv), 0);
	set_timeouts(t->sv[0]);
	set_timeouts(t->sv[1]);
	t->srv.fd = t->sv[1];
	t->srv.priority = "NORMAL:+VERS-TLS1.0";
	t->srv.cred = t->g->server_cred;
	t->srv.http = true;
	t->srv.truncate = truncate;
	assert_int_equal(pthread_create(&t->thread, NULL, server_main, &t->srv), 0);
	t->thread_running = true;
	struct ps_tls_params p = {
		.priority = ps_model_default()->priority,
		.server_name = "prov.test",
		.timeout_ms = TIMEOUT_MS,
		.creds = t->g->phone_creds,
		.t0_ms = ps_now_ms(),
	};
	struct ps_tls_conn *conn = ps_tls_open(t->sv[0], &p, &t->info, &t->ca, &t->out);
	assert_non_null(conn);
	assert_true(t->out.ok);
	int pp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pp), 0);
	set_timeouts(pp[0]);
	struct pump_job job = { .conn = conn, .fd = pp[1] };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, pump_main, &job), 0);
	static const char req[] = "GET /spa942.cfg HTTP/1.1\r\nHost: prov.test\r\n\r\n";
	assert_int_equal(send(pp[0], req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)(sizeof req - 1));
	size_t have = 0;
	ssize_t n;
	while (have < cap - 1 && (n = recv(pp[0], answer + have, cap - 1 - have, 0)) > 0)
		have += (size_t)n;
	answer[have] = '\0';
	close(pp[0]);
	pthread_join(th, NULL);
	ps_tls_close(conn);
	case_finish(t);
	*res = job.res;
}

static void test_pump_exchange(void **state)
{
	struct tcase *t = *state;
	char answer[256];
	struct ps_pump_result res;
	pump_case(t, false, answer, sizeof answer, &res);
	assert_string_equal(answer, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
	assert_true(res.server_closed);
	assert_false(res.truncated);
	assert_false(res.timed_out);
	assert_int_equal(res.bytes_in, strlen(answer));
	assert_int_equal(res.bytes_out,
			 strlen("GET /spa942.cfg HTTP/1.1\r\nHost: prov.test\r\n\r\n"));
	assert_null(res.error);
}

static void test_pump_truncated(void **state)
{
	struct tcase *t = *state;
	char answer[256];
	struct ps_pump_result res;
	pump_case(t, true, answer, sizeof answer, &res);
	assert_string_equal(answer, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
	/* The answer came whole, but without close_notify: only the pump
	 * can tell (curl over a plaintext socket never could). */
	assert_true(res.truncated);
	assert_false(res.server_closed);
	free(res.error);
}

struct want_msg {
	enum ps_dir dir;
	const char *type;
	bool encrypted;
};

static void print_msgs(const struct ps_tls_info *info)
{
	for (size_t i = 0; i < info->n_msgs; i++) {
		const struct ps_tls_msg *m = &info->msgs[i];
		print_message("  %zu %s %s%s %s\n", i, m->dir == PS_DIR_OUT ? "out" : "in ",
			      m->type, m->encrypted ? " (encrypted)" : "", m->info ? m->info : "");
	}
}

/* The messages are exactly `want`, in order, and the report sink got the
 * same ones live. */
static void assert_msgs(const struct tcase *t, const struct want_msg *want, size_t n)
{
	const struct ps_tls_info *info = &t->info;
	bool same = info->n_msgs == n;
	for (size_t i = 0; same && i < n; i++)
		same = info->msgs[i].dir == want[i].dir &&
		       strcmp(info->msgs[i].type, want[i].type) == 0 &&
		       info->msgs[i].encrypted == want[i].encrypted;
	if (!same) {
		print_message("messages seen:\n");
		print_msgs(info);
		fail_msg("the message sequence differs (%zu messages, %zu expected)", info->n_msgs,
			 n);
	}
	for (size_t i = 1; i < n; i++)
		assert_true(info->msgs[i].t_ms >= info->msgs[i - 1].t_ms);
	const struct ps_tls_info *live = &t->report->hops[t->hop].tls;
	assert_int_equal(live->n_msgs, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(live->msgs[i].dir, info->msgs[i].dir);
		assert_string_equal(live->msgs[i].type, info->msgs[i].type);
		assert_int_equal(live->msgs[i].encrypted, info->msgs[i].encrypted);
	}
}

static void test_event_order(void **state)
{
	struct tcase *t = *state;
	run_case(t, "NORMAL:+VERS-TLS1.0:+ARCFOUR-128:+MD5");
	if (!t->out.ok) {
		print_msgs(&t->info);
		fail_msg("handshake failed: %s", t->out.detail ? t->out.detail : "?");
	}
	assert_int_equal(t->srv.handshake_rc, 0);
	/* The phone sends no extensions, so no session ticket comes back. */
	static const struct want_msg want[] = {
		{ PS_DIR_OUT, "ClientHello", false },
		{ PS_DIR_IN, "ServerHello", false },
		{ PS_DIR_IN, "Certificate", false },
		{ PS_DIR_IN, "CertificateRequest", false },
		{ PS_DIR_IN, "ServerHelloDone", false },
		{ PS_DIR_OUT, "Certificate", false },
		{ PS_DIR_OUT, "ClientKeyExchange", false },
		{ PS_DIR_OUT, "ChangeCipherSpec", false },
		{ PS_DIR_OUT, "Finished", true },
		{ PS_DIR_IN, "ChangeCipherSpec", false },
		{ PS_DIR_IN, "Finished", true },
	};
	assert_msgs(t, want, sizeof want / sizeof want[0]);
	assert_string_equal(t->info.msgs[0].info, "TLS1.0, 4 cipher suites, no extensions");
	assert_string_equal(t->info.msgs[1].info,
			    "TLS1.0, TLS_RSA_WITH_AES_256_CBC_SHA, no extensions");
	assert_int_equal(t->info.n_extensions, 0);
	assert_string_equal(t->info.msgs[2].info, "1 certificate");
	/* GnuTLS names no CAs when its credentials hold no trust anchors. */
	const char *cr = t->info.msgs[3].info;
	assert_non_null(cr);
	assert_true(strncmp(cr, "types rsa_sign", 14) == 0);
	assert_non_null(strstr(cr, "; 0 CA names"));
	assert_string_equal(t->info.msgs[5].info, "empty: no certificate");

	assert_true(t->info.attempted);
	assert_true(t->info.established);
	assert_string_equal(t->info.version, "TLS1.0");
	assert_string_equal(t->info.cipher_suite, "TLS_RSA_WITH_AES_256_CBC_SHA");
	assert_null(t->info.sni);
	assert_int_equal(t->info.server_certs, 1);
	assert_int_equal(t->info.n_offered, 4);
	assert_int_equal(t->info.offered[0].id, 0x0035);
	assert_int_equal(t->info.offered[1].id, 0x002F);
	assert_int_equal(t->info.offered[2].id, 0x0005);
	assert_int_equal(t->info.offered[3].id, 0x0004);
	assert_int_equal(t->info.alert_received, -1);
	assert_int_equal(t->info.error_code, 0);
	assert_null(t->info.error);
	assert_true(t->ca.requested);
	assert_false(t->ca.sent);
	assert_false(t->ca.have_cert);
	assert_null(t->ca.sent_subject);
	assert_int_equal(t->ca.n_acceptable_cas, 0);
	assert_true(t->ca.n_cert_types >= 1);
	assert_string_equal(t->ca.cert_types[0], "rsa_sign");
	assert_int_equal(t->out.finding, PS_F_COUNT);
	assert_null(t->out.detail);
}

static void test_protocol_version_refused(void **state)
{
	struct tcase *t = *state;
	run_case(t, "NORMAL:-VERS-ALL:+VERS-TLS1.2");
	assert_int_equal(t->srv.handshake_rc, GNUTLS_E_UNSUPPORTED_VERSION_PACKET);
	assert_false(t->out.ok);
	assert_int_equal(t->out.finding, PS_F_TLS_PROTOCOL_VERSION);
	assert_false(t->out.client_auth_failure);
	assert_true(t->out.probe_useful);
	assert_non_null(t->out.detail);
	assert_string_equal(t->out.detail, "the server answered the ClientHello (TLS1.0 only) "
					   "with the fatal alert protocol_version (70)");
	static const struct want_msg want[] = {
		{ PS_DIR_OUT, "ClientHello", false },
		{ PS_DIR_IN, "Alert", false },
	};
	assert_msgs(t, want, sizeof want / sizeof want[0]);
	const struct ps_tls_msg *last = &t->info.msgs[t->info.n_msgs - 1];
	assert_int_equal(last->dir, PS_DIR_IN);
	assert_string_equal(last->type, "Alert");
	assert_int_equal(last->alert_level, 2);
	assert_int_equal(last->alert_desc, 70);
	assert_string_equal(last->info, "fatal protocol_version (70)");
	assert_false(t->info.established);
	assert_int_equal(t->info.alert_received, 70);
	assert_int_equal(t->info.error_code, GNUTLS_E_FATAL_ALERT_RECEIVED);
	assert_null(t->info.version);
	assert_false(t->ca.requested);
}

static void test_rc4_md5_chosen(void **state)
{
	struct tcase *t = *state;
	run_case(t, "NORMAL:+VERS-TLS1.0:-CIPHER-ALL:+ARCFOUR-128:-MAC-ALL:+MD5");
	if (!t->out.ok) {
		print_msgs(&t->info);
		fail_msg("handshake failed: %s", t->out.detail ? t->out.detail : "?");
	}
	assert_string_equal(t->info.version, "TLS1.0");
	assert_string_equal(t->info.cipher_suite, "TLS_RSA_WITH_RC4_128_MD5");
	assert_int_equal(t->info.suite_id, 0x0004);
	assert_string_equal(t->info.cipher, "ARCFOUR-128");
	assert_string_equal(t->info.mac, "MD5");
	assert_string_equal(t->info.msgs[1].info,
			    "TLS1.0, TLS_RSA_WITH_RC4_128_MD5, no extensions");
}

static void test_first_fatal_alert_wins(void **state)
{
	struct tcase *t = *state;
	t->srv.cert_request = true;
	t->srv.alerts[0] = 49; /* access_denied */
	t->srv.alerts[1] = 42; /* bad_certificate */
	t->srv.n_alerts = 2;
	run_case(t, NULL);
	assert_int_equal(t->srv.handshake_rc, 0);
	assert_false(t->out.ok);
	/* Whether the phone learns of it by reading or by a failed write, the
	 * reason is the first alert; the second changes nothing. */
	if (t->out.finding != PS_F_CLIENT_AUTH_REQUIRED || t->info.alert_received != 49) {
		print_msgs(&t->info);
		fail_msg("finding %s, alert %d: %s", ps_finding_name(t->out.finding),
			 t->info.alert_received, t->out.detail ? t->out.detail : "?");
	}
	assert_true(t->out.client_auth_failure);
	assert_string_equal(t->out.detail, "the server sent the fatal alert access_denied (49) "
					   "after an empty Certificate message");
	assert_true(t->ca.requested);
	assert_false(t->ca.sent);
	static const struct want_msg want[] = {
		{ PS_DIR_OUT, "ClientHello", false },    { PS_DIR_IN, "ServerHello", false },
		{ PS_DIR_IN, "Certificate", false },     { PS_DIR_IN, "CertificateRequest", false },
		{ PS_DIR_IN, "ServerHelloDone", false },
	};
	assert_true(t->info.n_msgs > 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(t->info.msgs[i].dir, want[i].dir);
		assert_string_equal(t->info.msgs[i].type, want[i].type);
	}
	size_t k = 5;
	while (k < t->info.n_msgs && t->info.msgs[k].dir == PS_DIR_OUT)
		k++;
	assert_true(k < t->info.n_msgs);
	assert_string_equal(t->info.msgs[k].type, "Alert");
	assert_int_equal(t->info.msgs[k].alert_desc, 49);
}

static void test_alert_after_key_exchange(void **state)
{
	struct tcase *t = *state;
	t->srv.cert_request = false;
	t->srv.alerts[0] = 40; /* handshake_failure */
	t->srv.n_alerts = 1;
	run_case(t, NULL);
	assert_int_equal(t->srv.handshake_rc, 0);
	assert_false(t->out.ok);
	assert_int_equal(t->out.finding, PS_F_TLS_HANDSHAKE_FAILED);
	assert_false(t->out.client_auth_failure);
	assert_false(t->out.probe_useful);
	/* The alert is named once, and placed after the server's last
	 * handshake message, not after itself. */
	assert_string_equal(t->out.detail, "the server sent the fatal alert handshake_failure (40) "
					   "after the server's ServerHelloDone");
	assert_int_equal(t->info.alert_received, 40);
	assert_false(t->ca.requested);
	const struct ps_tls_msg *last = &t->info.msgs[t->info.n_msgs - 1];
	assert_int_equal(last->dir, PS_DIR_IN);
	assert_string_equal(last->type, "Alert");
	assert_int_equal(last->alert_desc, 40);
}

/* A PEM key of its own and a self-signed certificate for `cert_key`. */
static char *pem_key(gnutls_x509_privkey_t k)
{
	gnutls_datum_t d = { NULL, 0 };
	assert_int_equal(gnutls_x509_privkey_export2(k, GNUTLS_X509_FMT_PEM, &d), 0);
	char *s = strndup((const char *)d.data, d.size);
	gnutls_free(d.data);
	return s;
}

static char *pem_self_signed(gnutls_x509_privkey_t k)
{
	gnutls_x509_crt_t c;
	assert_int_equal(gnutls_x509_crt_init(&c), 0);
	assert_int_equal(gnutls_x509_crt_set_version(c, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(c, "\x01", 1), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(c, time(NULL)), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(c, time(NULL) + 3600), 0);
	assert_int_equal(gnutls_x509_crt_set_dn(c, "CN=SPA942-000E08AABBCC", NULL), 0);
	assert_int_equal(gnutls_x509_crt_set_key(c, k), 0);
	assert_int_equal(gnutls_x509_crt_sign2(c, c, k, GNUTLS_DIG_SHA256, 0), 0);
	gnutls_datum_t d = { NULL, 0 };
	assert_int_equal(gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &d), 0);
	char *s = strndup((const char *)d.data, d.size);
	gnutls_free(d.data);
	gnutls_x509_crt_deinit(c);
	return s;
}

/* The device key must belong to the device certificate. */
static void test_creds_key_match(void **state)
{
	(void)state;
	gnutls_x509_privkey_t k[2];
	for (int i = 0; i < 2; i++) {
		assert_int_equal(gnutls_x509_privkey_init(&k[i]), 0);
		assert_int_equal(
		    gnutls_x509_privkey_generate(
			k[i], GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
		    0);
	}
	char *cert = pem_self_signed(k[0]), *mine = pem_key(k[0]), *other = pem_key(k[1]);
	char *err = NULL;
	struct ps_tls_creds *c = ps_tls_creds_new_mem(cert, mine, &err);
	assert_non_null(c);
	assert_null(err);
	assert_true(ps_tls_creds_has_cert(c));
	ps_tls_creds_free(c);
	assert_null(ps_tls_creds_new_mem(cert, other, &err));
	assert_non_null(strstr(err, "the key does not belong to the certificate"));
	free(err);
	free(cert);
	free(mine);
	free(other);
	for (int i = 0; i < 2; i++)
		gnutls_x509_privkey_deinit(k[i]);
}

/* ps_tls_explain: the finding follows the modern-client probe's evidence. */
static void explain_case(int alert, enum ps_finding_id phone_finding, const struct ps_tls_probe *p,
			 enum ps_finding_id want, const char *has, const char *lacks)
{
	struct ps_tls_outcome o = { .finding = phone_finding,
				    .detail = (char *)"SEEN",
				    .probe_useful = true,
				    .hello_alert = alert };
	enum ps_finding_id f = PS_F_COUNT;
	char *d = ps_tls_explain(&o, p, "SPA942", &f);
	if (f != want || !strstr(d, has) || (lacks && strstr(d, lacks)))
		fail_msg("alert %d: got %s \"%s\"; want %s with \"%s\"%s%s", alert,
			 ps_finding_name(f), d, ps_finding_name(want), has,
			 lacks ? " without " : "", lacks ? lacks : "");
	assert_true(strncmp(d, "SEEN", 4) == 0);
	free(d);
}

static void test_explain_follows_probe(void **state)
{
	(void)state;
	struct ps_tls_probe failed = { .done = true,
				       .priority = (char *)"NORMAL",
				       .error = (char *)"fatal alert internal_error (80)" };
	struct ps_tls_probe through = { .done = true,
					.priority = (char *)"NORMAL",
					.version = (char *)"TLS1.3",
					.cipher_suite = (char *)"TLS_AES_256_GCM_SHA384",
					.kx = (char *)"ECDHE-RSA" };
	/* internal_error to both: the server's own fault, not the protocol */
	explain_case(80, PS_F_TLS_PROTOCOL_VERSION, &failed, PS_F_TLS_SERVER_ERROR,
		     "a modern client's handshake (GnuTLS priority NORMAL) fails too",
		     "security level");
	/* internal_error to the phone only: its TLS 1.0 is refused */
	explain_case(80, PS_F_TLS_PROTOCOL_VERSION, &through, PS_F_TLS_PROTOCOL_VERSION,
		     "the server would accept TLS1.3 TLS_AES_256_GCM_SHA384 (ECDHE-RSA) from a "
		     "modern client; an SPA942 cannot offer it",
		     "fails too");
	/* a modern client gets TLS 1.0: the version is not what is refused */
	struct ps_tls_probe tls10 = through;
	tls10.version = (char *)"TLS1.0";
	tls10.cipher_suite = (char *)"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA";
	explain_case(80, PS_F_TLS_PROTOCOL_VERSION, &tls10, PS_F_TLS_NO_SHARED_CIPHER,
		     "the phone's suites it refuses, not its version", "security level");
	/* no probe (--no-probe): neither reading is claimed */
	explain_case(80, PS_F_TLS_PROTOCOL_VERSION, NULL, PS_F_TLS_HANDSHAKE_FAILED,
		     "no modern client was tried", "would accept");
	/* protocol_version says it itself */
	explain_case(70, PS_F_TLS_PROTOCOL_VERSION, NULL, PS_F_TLS_PROTOCOL_VERSION, "SEEN",
		     "modern");
	explain_case(70, PS_F_TLS_PROTOCOL_VERSION, &failed, PS_F_TLS_SERVER_ERROR, "fails too",
		     NULL);
	explain_case(40, PS_F_TLS_NO_SHARED_CIPHER, &through, PS_F_TLS_NO_SHARED_CIPHER,
		     "none of the suites the phone offers", NULL);
	explain_case(40, PS_F_TLS_NO_SHARED_CIPHER, &failed, PS_F_TLS_SERVER_ERROR, "fails too",
		     "none of the suites");
	/* a close or a reset without an alert */
	explain_case(-1, PS_F_TLS_CLOSED, &failed, PS_F_TLS_SERVER_ERROR, "fails too", NULL);
	explain_case(-1, PS_F_NET_RESET, &through, PS_F_NET_RESET, "would accept TLS1.3", NULL);
	explain_case(-1, PS_F_TLS_CLOSED, NULL, PS_F_TLS_CLOSED, "SEEN", "modern");

	/* After the ServerHello the probe has nothing to say. */
	struct ps_tls_outcome o = { .finding = PS_F_TLS_HANDSHAKE_FAILED,
				    .detail = (char *)"SEEN",
				    .hello_alert = -1 };
	enum ps_finding_id f;
	char *d = ps_tls_explain(&o, NULL, "SPA942", &f);
	assert_int_equal(f, PS_F_TLS_HANDSHAKE_FAILED);
	assert_string_equal(d, "SEEN");
	free(d);
}

#define TLS_TEST(f) cmocka_unit_test_setup_teardown(f, case_setup, case_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TLS_TEST(test_event_order),
		TLS_TEST(test_protocol_version_refused),
		TLS_TEST(test_rc4_md5_chosen),
		TLS_TEST(test_first_fatal_alert_wins),
		TLS_TEST(test_alert_after_key_exchange),
		TLS_TEST(test_pump_exchange),
		TLS_TEST(test_pump_truncated),
		cmocka_unit_test(test_creds_key_match),
		cmocka_unit_test(test_explain_follows_probe),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
