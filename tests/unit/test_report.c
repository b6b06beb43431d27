/* Unit tests of the report model: the verdict and exit code, the finding
 * table, and the report sink, which must keep deep copies of all it gets. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model/finding.h"
#include "model/fixes.h"
#include "model/profile.h"
#include "model/report.h"
#include "model/sink.h"

static char *sdup(const char *s)
{
	char *d = malloc(strlen(s) + 1);
	assert_non_null(d);
	strcpy(d, s);
	return d;
}

/* Overwrite and free a string, so that a kept pointer to it shows. */
static void scrub(char *s)
{
	if (s) {
		memset(s, 'X', strlen(s));
		free(s);
	}
}

static int setup_report(void **state)
{
	*state = ps_report_new();
	return *state ? 0 : -1;
}

static int teardown_report(void **state)
{
	ps_report_free(*state);
	return 0;
}

static void test_finish_no_findings(void **state)
{
	struct ps_report *r = *state;
	ps_report_finish(r);
	assert_true(r->finished);
	assert_int_equal(r->exit_code, 0);
	assert_string_equal(r->verdict, "ok");
	assert_non_null(r->summary);
}

static void test_finish_info_warn_only(void **state)
{
	struct ps_report *r = *state;
	ps_report_add_finding(r, 0, PS_F_CLIENT_AUTH_NOT_REQUESTED, NULL);
	ps_report_add_finding(r, 0, PS_F_CLIENT_AUTH_CA_MISMATCH, "CN=Other CA");
	ps_report_finish(r);
	assert_int_equal(r->exit_code, PS_EXIT_OK);
	assert_int_equal(r->exit_code, 0);
	assert_string_equal(r->verdict, "ok");
	assert_int_equal(r->n_findings, 2);
	assert_null(r->findings[0].detail);
	assert_string_equal(r->findings[1].detail, "CN=Other CA");
}

static void test_finish_first_error_wins(void **state)
{
	struct ps_report *r = *state;
	ps_report_add_finding(r, -1, PS_F_CLIENT_AUTH_NOT_REQUESTED, NULL);
	ps_report_add_finding(r, 0, PS_F_NET_REFUSED, "127.0.0.1: Connection refused");
	ps_report_add_finding(r, 1, PS_F_TLS_PROTOCOL_VERSION, NULL);
	ps_report_add_finding(r, 1, PS_F_CLIENT_AUTH_REQUIRED, NULL);
	ps_report_finish(r);
	assert_int_equal(r->exit_code, 3);
	assert_string_equal(r->verdict, "fail");
	assert_string_equal(r->summary, "DNS, connect or timeout: The server refused the TCP "
					"connection: nothing listens on that address and port.");
	assert_true(ps_report_has_finding(r, PS_F_TLS_PROTOCOL_VERSION));
	assert_false(ps_report_has_finding(r, PS_F_NET_DNS));

	/* Finishing again gives the same answer (and frees the old summary). */
	ps_report_finish(r);
	assert_int_equal(r->exit_code, 3);
}

static void test_finish_tls_then_net(void **state)
{
	struct ps_report *r = *state;
	ps_report_add_finding(r, 0, PS_F_CLIENT_AUTH_CA_MISMATCH, NULL);
	ps_report_add_finding(r, 0, PS_F_TLS_NO_SHARED_CIPHER, NULL);
	ps_report_add_finding(r, 0, PS_F_NET_RESET, NULL);
	ps_report_finish(r);
	assert_int_equal(r->exit_code, 4);
	assert_string_equal(r->verdict, "fail");
	assert_string_equal(ps_exit_name(r->exit_code), "tls");
}

static void test_finish_client_auth(void **state)
{
	struct ps_report *r = *state;
	ps_report_add_finding(r, 0, PS_F_CLIENT_AUTH_REJECTED, NULL);
	ps_report_finish(r);
	assert_int_equal(r->exit_code, 6);
}

/* Fixes in the server's own words: every server has its text where a
 * finding has any; the generic fix then names no server; a Server header
 * tells which answered, and another hop to the same place stands in for a
 * hop that got no answer. */
static void test_server_fixes(void **state)
{
	(void)state;
	static const char *const names[] = { "nginx", "Apache", "lighttpd", "HAProxy" };
	size_t with = 0;
	for (int i = 0; i < PS_F_COUNT; i++) {
		enum ps_finding_id id = (enum ps_finding_id)i;
		if (!ps_finding_has_server_fixes(id)) {
			assert_null(ps_finding_fix_for(id, PS_SERVER_NGINX));
			continue;
		}
		with++;
		for (int k = 0; k < PS_SERVER_COUNT; k++) {
			const char *t = ps_finding_fix_for(id, (enum ps_server)k);
			assert_non_null(t);
			assert_true(strlen(t) > 10);
			for (int o = 0; o < PS_SERVER_COUNT; o++)
				assert_true(o == k || !strstr(t, names[o]) ||
					    strstr(t, "SSLInsecure"));
		}
		for (size_t n = 0; n < sizeof names / sizeof names[0]; n++)
			if (strstr(ps_finding_fix(id), names[n]) &&
			    !strstr(ps_finding_fix(id), "SSLInsecureRenegotiation"))
				fail_msg("%s: the generic fix names %s", ps_finding_name(id),
					 names[n]);
		assert_null(ps_finding_fix_for(id, PS_SERVER_UNKNOWN));
	}
	assert_true(with >= 8);
	assert_int_equal(ps_server_from_header(" nginx/1.22.1"), PS_SERVER_NGINX);
	assert_int_equal(ps_server_from_header(" Apache/2.4.57 (Debian) OpenSSL/3.0.11"),
			 PS_SERVER_APACHE);
	assert_int_equal(ps_server_from_header("lighttpd/1.4.69"), PS_SERVER_LIGHTTPD);
	assert_int_equal(ps_server_from_header("Microsoft-IIS/10.0"), PS_SERVER_UNKNOWN);
	assert_int_equal(ps_server_from_header(NULL), PS_SERVER_UNKNOWN);
	assert_string_equal(ps_server_key(PS_SERVER_APACHE), "apache");
	assert_null(ps_server_key(PS_SERVER_UNKNOWN));

	struct ps_report *r = ps_report_new();
	size_t h0 = ps_report_add_hop(r, "https://prov.example.net/a.xml");
	size_t h1 = ps_report_add_hop(r, "https://prov.example.net/b.xml");
	size_t h2 = ps_report_add_hop(r, "https://other.example.net/c.xml");
	r->hops[h0].host = strdup("prov.example.net");
	r->hops[h1].host = strdup("PROV.example.net");
	r->hops[h2].host = strdup("other.example.net");
	r->hops[h0].port = r->hops[h1].port = r->hops[h2].port = 443;
	char *lines[] = { strdup("HTTP/1.1 200 OK"), strdup("server: Apache/2.4.57") };
	r->hops[h1].http.response_headers = malloc(sizeof lines);
	memcpy(r->hops[h1].http.response_headers, lines, sizeof lines);
	r->hops[h1].http.n_response_headers = 2;
	assert_int_equal(ps_report_hop_server(r, (long)h1), PS_SERVER_APACHE);
	assert_int_equal(ps_report_hop_server(r, (long)h0), PS_SERVER_APACHE); /* the same place */
	assert_int_equal(ps_report_hop_server(r, (long)h2), PS_SERVER_UNKNOWN);
	assert_int_equal(ps_report_hop_server(r, -1), PS_SERVER_UNKNOWN);
	enum ps_server order[PS_SERVER_COUNT];
	ps_fix_order(r, (long)h0, order);
	assert_int_equal(order[0], PS_SERVER_APACHE);
	assert_int_equal(order[1], PS_SERVER_NGINX);
	assert_int_equal(order[3], PS_SERVER_HAPROXY);
	ps_fix_order(r, (long)h2, order);
	for (int k = 0; k < PS_SERVER_COUNT; k++)
		assert_int_equal(order[k], (enum ps_server)k);
	ps_report_free(r);
}

static void test_finding_table(void **state)
{
	(void)state;
	for (int i = 0; i < PS_F_COUNT; i++) {
		enum ps_finding_id id = (enum ps_finding_id)i;
		const char *name = ps_finding_name(id);
		assert_non_null(name);
		assert_non_null(strchr(name, '.'));
		assert_int_equal(ps_finding_lookup(name), id);
		assert_true(strlen(ps_finding_text(id)) > 0);
		assert_true(strlen(ps_finding_fix(id)) > 0);
		/* Errors have a failing exit category, the others do not, but
		 * for the profile checks' warnings, which --strict makes errors:
		 * theirs is the category they then have. */
		if (ps_finding_severity(id) == PS_SEV_ERROR || ps_finding_is_lint(id))
			assert_int_not_equal(ps_finding_exit(id), PS_EXIT_OK);
		else
			assert_int_equal(ps_finding_exit(id), PS_EXIT_OK);
		assert_true(!ps_finding_is_lint(id) || ps_finding_severity(id) == PS_SEV_WARN);
		assert_non_null(ps_exit_name(ps_finding_exit(id)));
		for (int k = 0; k < i; k++)
			assert_string_not_equal(ps_finding_name((enum ps_finding_id)k), name);
	}
	assert_int_equal(ps_finding_lookup("tls.protocol_version"), PS_F_TLS_PROTOCOL_VERSION);
	assert_int_equal(ps_finding_lookup("net.refused"), PS_F_NET_REFUSED);
	assert_int_equal(ps_finding_lookup("no.such"), PS_F_COUNT);
	assert_int_equal(ps_finding_lookup(""), PS_F_COUNT);
	assert_int_equal(ps_finding_severity(PS_F_CLIENT_AUTH_NOT_REQUESTED), PS_SEV_INFO);
	assert_int_equal(ps_finding_severity(PS_F_CLIENT_AUTH_CA_MISMATCH), PS_SEV_WARN);
	assert_int_equal(ps_finding_exit(PS_F_NET_DNS), PS_EXIT_NETWORK);
	assert_int_equal(ps_finding_exit(PS_F_TLS_NOT_TLS), PS_EXIT_TLS);
	assert_string_equal(ps_severity_name(PS_SEV_WARN), "warning");
}

static void test_exit_names(void **state)
{
	(void)state;
	assert_string_equal(ps_exit_name(0), "ok");
	assert_string_equal(ps_exit_name(3), "network");
	assert_string_equal(ps_exit_name(4), "tls");
	assert_string_equal(ps_exit_name(6), "client_auth");
	assert_string_equal(ps_exit_name(70), "internal");
	assert_null(ps_exit_name(1));
	assert_null(ps_exit_name(-1));
	assert_string_equal(ps_exit_text(4), "TLS negotiation failed");
	assert_null(ps_exit_text(11));
}

static void test_sink_hops_and_steps(void **state)
{
	struct ps_report *r = *state;
	struct ps_sink s = ps_report_sink(r);
	char *url = sdup("https://prov.example.net/spa942.cfg");
	size_t hop = ps_sink_hop_begin(&s, url);
	scrub(url);
	assert_int_equal(hop, 0);
	url = sdup("https://prov.example.net/second.cfg");
	assert_int_equal(ps_sink_hop_begin(&s, url), 1);
	scrub(url);
	assert_int_equal(r->n_hops, 2);
	assert_string_equal(r->hops[0].url, "https://prov.example.net/spa942.cfg");
	assert_string_equal(r->hops[1].url, "https://prov.example.net/second.cfg");
	assert_int_equal(r->hops[0].tls.alert_received, -1);
	assert_int_equal(r->hops[0].client_auth.issuer_accepted, -1);

	ps_sink_step_begin(&s, 0, PS_STEP_RESOLVE);
	assert_int_equal(r->hops[0].n_steps, 1);
	assert_int_equal(r->hops[0].steps[0].id, PS_STEP_RESOLVE);
	assert_int_equal(r->hops[0].steps[0].status, PS_STATUS_RUNNING);
	char *addr = sdup("127.0.0.1");
	ps_sink_step_end(&s, 0, PS_STEP_RESOLVE, PS_STATUS_OK, "%s (%d address)", addr, 1);
	scrub(addr);
	ps_sink_step_begin(&s, 0, PS_STEP_CONNECT);
	ps_sink_step_end(&s, 0, PS_STEP_CONNECT, PS_STATUS_FAIL, NULL);
	/* A step ended without a begin is created. */
	ps_sink_step_end(&s, 1, PS_STEP_HTTP, PS_STATUS_SKIPPED, "not reached");

	const struct ps_hop *h = &r->hops[0];
	assert_int_equal(h->n_steps, 2);
	assert_int_equal(h->steps[0].id, PS_STEP_RESOLVE);
	assert_int_equal(h->steps[0].status, PS_STATUS_OK);
	assert_string_equal(h->steps[0].summary, "127.0.0.1 (1 address)");
	assert_true(h->steps[0].duration_ms >= 0);
	assert_int_equal(h->steps[1].id, PS_STEP_CONNECT);
	assert_int_equal(h->steps[1].status, PS_STATUS_FAIL);
	assert_null(h->steps[1].summary);
	assert_int_equal(r->hops[1].n_steps, 1);
	assert_int_equal(r->hops[1].steps[0].status, PS_STATUS_SKIPPED);
	assert_string_equal(r->hops[1].steps[0].summary, "not reached");
	assert_string_equal(ps_step_name(PS_STEP_TLS_HANDSHAKE), "tls.handshake");
	assert_string_equal(ps_status_name(PS_STATUS_SKIPPED), "skipped");
}

/* Each finding records its step when it is raised: the step running in its
 * hop, else the hop's last step; none without a hop or a step. */
static void test_sink_finding_steps(void **state)
{
	struct ps_report *r = *state;
	struct ps_sink s = ps_report_sink(r);
	size_t hop = ps_sink_hop_begin(&s, "https://h/x");
	ps_sink_finding(&s, (long)hop, PS_F_NET_DNS, NULL); /* no step yet */
	ps_sink_step_begin(&s, hop, PS_STEP_RESOLVE);
	ps_sink_step_end(&s, hop, PS_STEP_RESOLVE, PS_STATUS_OK, NULL);
	ps_sink_step_begin(&s, hop, PS_STEP_TLS_HANDSHAKE);
	ps_sink_finding(&s, (long)hop, PS_F_TLS_PROTOCOL_VERSION, NULL); /* while it runs */
	ps_sink_step_end(&s, hop, PS_STEP_TLS_HANDSHAKE, PS_STATUS_FAIL, NULL);
	ps_sink_step_end(&s, hop, PS_STEP_TLS_CHAIN, PS_STATUS_SKIPPED, NULL);
	ps_sink_finding(&s, (long)hop, PS_F_CHAIN_EXPIRED, NULL); /* after: the last step */
	ps_sink_finding(&s, -1, PS_F_CLIENT_AUTH_REQUIRED, NULL); /* no hop */
	ps_sink_finding(&s, 7, PS_F_HTTP_NOT_FOUND, NULL);        /* a hop not there */
	/* Told late (after their step ended): the step named when raised. */
	ps_sink_finding_in(&s, (long)hop, PS_STEP_TLS_HANDSHAKE, PS_F_TLS_RC4, NULL);
	ps_sink_step_begin(&s, hop, PS_STEP_HTTP);
	ps_sink_finding_in(&s, (long)hop, PS_STEP_TLS_HANDSHAKE, PS_F_NET_TIMEOUT, NULL);
	ps_sink_finding(&s, (long)hop, PS_F_HTTP_FORBIDDEN, NULL); /* the running step: http */
	/* a step the hop does not have: none */
	ps_sink_finding_in(&s, (long)hop, PS_STEP_TLS_CLIENT_AUTH, PS_F_CLIENT_AUTH_REJECTED, NULL);
	assert_int_equal(r->n_findings, 9);
	static const long want[] = { -1, 1, 2, -1, -1, 1, 1, 3, -1 };
	for (size_t i = 0; i < 9; i++) {
		if (r->findings[i].step != want[i])
			fail_msg("finding %zu: step %ld, not %ld", i, r->findings[i].step, want[i]);
		size_t fh = 99, fs = 99;
		bool has = ps_report_finding_step(r, &r->findings[i], &fh, &fs);
		assert_int_equal(has, want[i] >= 0);
		if (has) {
			assert_int_equal(fh, hop);
			assert_int_equal(fs, (size_t)want[i]);
		}
	}
	/* The step a view is given is always one of the hop's. */
	struct ps_finding bad = { .id = PS_F_NET_DNS, .hop = 0, .step = 9 };
	size_t fh, fs;
	assert_false(ps_report_finding_step(r, &bad, &fh, &fs));
}

static void test_sink_details_deep_copied(void **state)
{
	struct ps_report *r = *state;
	struct ps_sink s = ps_report_sink(r);
	size_t hop = ps_sink_hop_begin(&s, "https://h/x");

	char *scheme = sdup("https"), *host = sdup("prov.example.net");
	struct ps_detail d = {
		.kind = PS_DETAIL_TARGET, .scheme = scheme, .host = host, .port = 443
	};
	ps_sink_detail(&s, hop, &d);
	scrub(scheme);
	scrub(host);

	struct ps_addr a = { .text = sdup("192.0.2.7"), .family = AF_INET, .pinned = true };
	d = (struct ps_detail){ .kind = PS_DETAIL_ADDR, .addr = &a };
	ps_sink_detail(&s, hop, &d);
	scrub(a.text);
	a = (struct ps_addr){ .text = sdup("2001:db8::7"), .family = AF_INET6, .pinned = false };
	ps_sink_detail(&s, hop, &d);
	scrub(a.text);

	char *conn = sdup("192.0.2.7 443");
	d = (struct ps_detail){ .kind = PS_DETAIL_CONNECTED, .text = conn };
	ps_sink_detail(&s, hop, &d);
	scrub(conn);

	struct ps_tls_msg m = { .dir = PS_DIR_IN,
				.type = sdup("Alert"),
				.t_ms = 12.5,
				.length = 2,
				.encrypted = false,
				.info = sdup("fatal protocol_version (70)"),
				.alert_level = 2,
				.alert_desc = 70 };
	d = (struct ps_detail){ .kind = PS_DETAIL_TLS_MSG, .msg = &m };
	ps_sink_detail(&s, hop, &d);
	scrub(m.type);
	scrub(m.info);

	const struct ps_hop *h = &r->hops[hop];
	assert_string_equal(h->scheme, "https");
	assert_string_equal(h->host, "prov.example.net");
	assert_int_equal(h->port, 443);
	assert_int_equal(h->n_addrs, 2);
	assert_string_equal(h->addrs[0].text, "192.0.2.7");
	assert_int_equal(h->addrs[0].family, AF_INET);
	assert_true(h->addrs[0].pinned);
	assert_string_equal(h->addrs[1].text, "2001:db8::7");
	assert_int_equal(h->addrs[1].family, AF_INET6);
	assert_false(h->addrs[1].pinned);
	assert_string_equal(h->connected, "192.0.2.7 443");
	assert_int_equal(h->tls.n_msgs, 1);
	assert_int_equal(h->tls.msgs[0].dir, PS_DIR_IN);
	assert_string_equal(h->tls.msgs[0].type, "Alert");
	assert_string_equal(h->tls.msgs[0].info, "fatal protocol_version (70)");
	assert_int_equal(h->tls.msgs[0].length, 2);
	assert_int_equal(h->tls.msgs[0].alert_level, 2);
	assert_int_equal(h->tls.msgs[0].alert_desc, 70);
}

static void test_sink_tls_and_client_auth_deep_copied(void **state)
{
	struct ps_report *r = *state;
	struct ps_sink s = ps_report_sink(r);
	size_t hop = ps_sink_hop_begin(&s, "https://h/x");

	/* A source record built on the heap, as the engine builds it. */
	struct ps_tls_info t;
	memset(&t, 0, sizeof t);
	t.attempted = t.established = true;
	t.priority = sdup("NONE:+VERS-TLS1.0");
	t.sni = sdup("prov.example.net");
	t.version = sdup("TLS1.0");
	t.cipher_suite = sdup("TLS_RSA_WITH_AES_256_CBC_SHA");
	t.suite_id = 0x0035;
	t.kx = sdup("RSA");
	t.cipher = sdup("AES-256-CBC");
	t.mac = sdup("SHA1");
	t.description = sdup("(TLS1.0)-(RSA)-(AES-256-CBC)-(SHA1)");
	t.error = sdup("none really");
	t.n_offered = 2;
	t.offered = calloc(2, sizeof *t.offered);
	assert_non_null(t.offered);
	t.offered[0] = (struct ps_suite){ 0x0035, sdup("TLS_RSA_WITH_AES_256_CBC_SHA") };
	t.offered[1] = (struct ps_suite){ 0x0004, sdup("TLS_RSA_WITH_RC4_128_MD5") };
	t.n_msgs = t.cap_msgs = 2;
	t.msgs = calloc(2, sizeof *t.msgs);
	assert_non_null(t.msgs);
	t.msgs[0] = (struct ps_tls_msg){ .dir = PS_DIR_OUT,
					 .type = sdup("ClientHello"),
					 .info = sdup("TLS1.0, 4 cipher suites"),
					 .alert_desc = -1 };
	t.msgs[1] =
	    (struct ps_tls_msg){ .dir = PS_DIR_IN, .type = sdup("ServerHello"), .alert_desc = -1 };
	t.server_certs = 1;
	t.alert_received = t.alert_sent = -1;
	t.probe.done = true;
	t.probe.priority = sdup("NORMAL");
	t.probe.version = sdup("TLS1.3");
	t.probe.cipher_suite = sdup("TLS_AES_256_GCM_SHA384");
	t.probe.kx = sdup("ECDHE/DHE (TLS 1.3)");

	struct ps_detail d = { .kind = PS_DETAIL_TLS, .tls = &t };
	ps_sink_detail(&s, hop, &d);
	/* Replacing: a second TLS record takes the place of the first. */
	ps_sink_detail(&s, hop, &d);
	scrub(t.priority);
	scrub(t.sni);
	scrub(t.version);
	scrub(t.cipher_suite);
	scrub(t.kx);
	scrub(t.cipher);
	scrub(t.mac);
	scrub(t.description);
	scrub(t.error);
	scrub(t.offered[0].name);
	scrub(t.offered[1].name);
	free(t.offered);
	scrub(t.msgs[0].type);
	scrub(t.msgs[0].info);
	scrub(t.msgs[1].type);
	free(t.msgs);
	scrub(t.probe.priority);
	scrub(t.probe.version);
	scrub(t.probe.cipher_suite);
	scrub(t.probe.kx);

	struct ps_client_auth ca;
	memset(&ca, 0, sizeof ca);
	ca.requested = true;
	ca.n_acceptable_cas = 2;
	ca.acceptable_cas = calloc(2, sizeof(char *));
	assert_non_null(ca.acceptable_cas);
	ca.acceptable_cas[0] = sdup("CN=Cisco Manufacturing CA");
	ca.acceptable_cas[1] = sdup("CN=Linksys Client CA");
	ca.n_cert_types = 1;
	ca.cert_types = calloc(1, sizeof(char *));
	assert_non_null(ca.cert_types);
	ca.cert_types[0] = sdup("rsa_sign");
	ca.have_cert = true;
	ca.cert_subject = sdup("CN=000e08aabbcc");
	ca.cert_issuer = sdup("CN=Linksys Client CA");
	ca.issuer_accepted = 1;
	ca.sent = true;
	ca.sent_subject = sdup("CN=000e08aabbcc");
	ca.outcome = sdup("accepted");
	d = (struct ps_detail){ .kind = PS_DETAIL_CLIENT_AUTH, .client_auth = &ca };
	ps_sink_detail(&s, hop, &d);
	scrub(ca.acceptable_cas[0]);
	scrub(ca.acceptable_cas[1]);
	free(ca.acceptable_cas);
	scrub(ca.cert_types[0]);
	free(ca.cert_types);
	scrub(ca.cert_subject);
	scrub(ca.cert_issuer);
	scrub(ca.sent_subject);
	scrub(ca.outcome);

	char *detail = sdup("the server sent the fatal alert protocol_version (70)");
	ps_sink_finding(&s, (long)hop, PS_F_TLS_PROTOCOL_VERSION, "%s", detail);
	scrub(detail);
	ps_sink_finding(&s, -1, PS_F_CLIENT_AUTH_NOT_REQUESTED, NULL);

	const struct ps_tls_info *rt = &r->hops[hop].tls;
	assert_true(rt->attempted);
	assert_true(rt->established);
	assert_string_equal(rt->priority, "NONE:+VERS-TLS1.0");
	assert_string_equal(rt->sni, "prov.example.net");
	assert_string_equal(rt->version, "TLS1.0");
	assert_string_equal(rt->cipher_suite, "TLS_RSA_WITH_AES_256_CBC_SHA");
	assert_int_equal(rt->suite_id, 0x0035);
	assert_string_equal(rt->kx, "RSA");
	assert_string_equal(rt->cipher, "AES-256-CBC");
	assert_string_equal(rt->mac, "SHA1");
	assert_string_equal(rt->description, "(TLS1.0)-(RSA)-(AES-256-CBC)-(SHA1)");
	assert_string_equal(rt->error, "none really");
	assert_int_equal(rt->n_offered, 2);
	assert_int_equal(rt->offered[0].id, 0x0035);
	assert_string_equal(rt->offered[0].name, "TLS_RSA_WITH_AES_256_CBC_SHA");
	assert_int_equal(rt->offered[1].id, 0x0004);
	assert_string_equal(rt->offered[1].name, "TLS_RSA_WITH_RC4_128_MD5");
	assert_int_equal(rt->n_msgs, 2);
	assert_string_equal(rt->msgs[0].type, "ClientHello");
	assert_string_equal(rt->msgs[0].info, "TLS1.0, 4 cipher suites");
	assert_string_equal(rt->msgs[1].type, "ServerHello");
	assert_null(rt->msgs[1].info);
	assert_int_equal(rt->server_certs, 1);
	assert_true(rt->probe.done);
	assert_string_equal(rt->probe.priority, "NORMAL");
	assert_string_equal(rt->probe.version, "TLS1.3");
	assert_string_equal(rt->probe.cipher_suite, "TLS_AES_256_GCM_SHA384");
	assert_string_equal(rt->probe.kx, "ECDHE/DHE (TLS 1.3)");
	assert_null(rt->probe.error);

	const struct ps_client_auth *rc = &r->hops[hop].client_auth;
	assert_true(rc->requested);
	assert_int_equal(rc->n_acceptable_cas, 2);
	assert_string_equal(rc->acceptable_cas[0], "CN=Cisco Manufacturing CA");
	assert_string_equal(rc->acceptable_cas[1], "CN=Linksys Client CA");
	assert_int_equal(rc->n_cert_types, 1);
	assert_string_equal(rc->cert_types[0], "rsa_sign");
	assert_true(rc->have_cert);
	assert_string_equal(rc->cert_subject, "CN=000e08aabbcc");
	assert_string_equal(rc->cert_issuer, "CN=Linksys Client CA");
	assert_int_equal(rc->issuer_accepted, 1);
	assert_true(rc->sent);
	assert_string_equal(rc->sent_subject, "CN=000e08aabbcc");
	assert_string_equal(rc->outcome, "accepted");

	assert_int_equal(r->n_findings, 2);
	assert_int_equal(r->findings[0].id, PS_F_TLS_PROTOCOL_VERSION);
	assert_int_equal(r->findings[0].hop, (long)hop);
	assert_string_equal(r->findings[0].detail,
			    "the server sent the fatal alert protocol_version (70)");
	assert_int_equal(r->findings[1].id, PS_F_CLIENT_AUTH_NOT_REQUESTED);
	assert_int_equal(r->findings[1].hop, -1);
	assert_null(r->findings[1].detail);
	ps_report_finish(r);
	assert_int_equal(r->exit_code, 4);
}

static void test_copy_clear_roundtrip(void **state)
{
	(void)state;
	struct ps_tls_msg m = {
		.dir = PS_DIR_OUT, .type = sdup("Finished"), .encrypted = true, .alert_desc = -1
	};
	struct ps_tls_msg c;
	ps_tls_msg_copy(&c, &m);
	assert_ptr_not_equal(c.type, m.type);
	scrub(m.type);
	assert_string_equal(c.type, "Finished");
	assert_true(c.encrypted);
	assert_null(c.info);
	ps_tls_msg_clear(&c);
	assert_null(c.type);

	struct ps_tls_info t, u;
	memset(&t, 0, sizeof t);
	ps_tls_info_copy(&u, &t);
	assert_null(u.msgs);
	assert_null(u.offered);
	ps_tls_info_clear(&u);
	assert_int_equal(u.alert_received, -1);
	assert_int_equal(u.alert_sent, -1);

	struct ps_client_auth a, b;
	memset(&a, 0, sizeof a);
	ps_client_auth_copy(&b, &a);
	assert_null(b.acceptable_cas);
	ps_client_auth_clear(&b);
	assert_int_equal(b.issuer_accepted, -1);
}

#define REPORT_TEST(f) cmocka_unit_test_setup_teardown(f, setup_report, teardown_report)

int main(void)
{
	const struct CMUnitTest tests[] = {
		REPORT_TEST(test_finish_no_findings),
		REPORT_TEST(test_finish_info_warn_only),
		REPORT_TEST(test_finish_first_error_wins),
		REPORT_TEST(test_finish_tls_then_net),
		REPORT_TEST(test_finish_client_auth),
		cmocka_unit_test(test_finding_table),
		cmocka_unit_test(test_server_fixes),
		cmocka_unit_test(test_exit_names),
		REPORT_TEST(test_sink_finding_steps),
		REPORT_TEST(test_sink_hops_and_steps),
		REPORT_TEST(test_sink_details_deep_copied),
		REPORT_TEST(test_sink_tls_and_client_auth_deep_copied),
		cmocka_unit_test(test_copy_clear_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
