/* Unit tests of the TUI's view formatting (tui/view.h): glyphs, widths,
 * sanitizing, wrapping, durations, the step list, where findings and
 * failures show, the header, the hints, filtering, the clock entry, and
 * every detail view, on reports built through the report sink. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/report.h"
#include "model/sink.h"
#include "tui/view.h"
#include "tui_lines.h"

/* --- helpers ---------------------------------------------------------------- */

/* The model's records hold `char *`; these literals are only read. */
#define S(lit) ((char *)(lit))

static struct ps_tui_ctx ctx(bool utf8, int width)
{
	return (struct ps_tui_ctx){
		.g = ps_tui_glyphs_for(utf8), .utf8 = utf8, .width = width, .clock = "now"
	};
}

static void assert_fits(const struct ps_tui_lines *l, int width)
{
	for (size_t i = 0; i < l->n; i++) {
		if (ps_tui_width(l->v[i].text) > (size_t)width)
			fail_msg("line %zu is %zu columns, more than %d: '%s'", i,
				 ps_tui_width(l->v[i].text), width, l->v[i].text);
		assert_true(l->v[i].mark <= strlen(l->v[i].text));
	}
}

static void assert_ascii(const struct ps_tui_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		for (const unsigned char *p = (const unsigned char *)l->v[i].text; *p; p++)
			if (*p >= 0x80)
				fail_msg("non-ASCII in line %zu: '%s'", i, l->v[i].text);
}

/* A live run's report: hop 0 fetched a profile over https (with a
 * chain the phone rejects, for the chain view), hop 1 checked the
 * firmware URL and got HTTP 404. */
static struct ps_report *sample_report(bool show_secrets)
{
	struct ps_report *r = ps_report_new();
	r->mode = PS_MODE_LIVE;
	r->show_secrets = show_secrets;
	r->target = ps_xstrdup("https://prov.example/spa$MA.xml");
	r->phone.model = ps_xstrdup("spa942");
	r->phone.vendor = ps_xstrdup("Linksys");
	r->phone.product = ps_xstrdup("SPA942");
	r->phone.firmware = ps_xstrdup("6.1.4");
	r->phone.mac = ps_xstrdup("000e08aabbcc");
	struct ps_sink s = ps_report_sink(r);
	size_t h = ps_sink_hop_begin(&s, S("https://prov.example/spa$MA.xml"));
	static const enum ps_step_id ids[] = { PS_STEP_RULE_EXPAND,  PS_STEP_RESOLVE,
					       PS_STEP_CONNECT,      PS_STEP_TLS_HANDSHAKE,
					       PS_STEP_TLS_CHAIN,    PS_STEP_TLS_CLIENT_AUTH,
					       PS_STEP_HTTP,         PS_STEP_PROFILE_DECODE,
					       PS_STEP_PROFILE_PARSE };
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		ps_sink_step_begin(&s, h, ids[i]);
		ps_sink_step_end(&s, h, ids[i], PS_STATUS_OK, S("step %zu done"), i);
	}
	r->hops[h].steps[3].duration_ms = 29.04;

	/* TLS: offered, chosen, messages and an alert. */
	struct ps_suite offered[] = { { 0x0035, S("TLS_RSA_WITH_AES_256_CBC_SHA") },
				      { 0x002f, S("TLS_RSA_WITH_AES_128_CBC_SHA") } };
	struct ps_tls_msg msgs[] = {
		{ .dir = PS_DIR_OUT, .type = S("ClientHello"), .t_ms = 1.3, .info = S("TLS1.0") },
		{ .dir = PS_DIR_IN, .type = S("ServerHello"), .t_ms = 1.9, .info = S("TLS1.0") },
		{ .dir = PS_DIR_IN,
		  .type = S("Alert"),
		  .t_ms = 2.5,
		  .info = S("warning close_notify (0)"),
		  .alert_level = 1,
		  .alert_desc = 0 },
		{ .dir = PS_DIR_IN,
		  .type = S("HelloRequest"),
		  .t_ms = 3.1,
		  .encrypted = true,
		  .info = S("the server asks for a new handshake"),
		  .round = 1 },
	};
	struct ps_tls_info tls = { .attempted = true,
				   .established = true,
				   .priority = S("NONE:+VERS-TLS1.0"),
				   .version = S("TLS1.0"),
				   .cipher_suite = S("TLS_RSA_WITH_AES_256_CBC_SHA"),
				   .suite_id = 0x0035,
				   .kx = S("RSA"),
				   .cipher = S("AES-256-CBC"),
				   .mac = S("SHA1"),
				   .offered = offered,
				   .n_offered = 2,
				   .msgs = msgs,
				   .n_msgs = 4,
				   .sni_check = { .done = true,
						  .server_name = S("prov.example"),
						  .subject = S("CN=prov.example"),
						  .sha256 = S("00ff"),
						  .differs = true,
						  .names_host = true,
						  .cn_matches = true },
				   .alert_received = -1,
				   .alert_sent = -1 };
	struct ps_detail d = { .kind = PS_DETAIL_TLS, .tls = &tls };
	ps_sink_detail(&s, h, &d);

	/* Chain: two certificates, the phone rejects, a modern client accepts. */
	struct ps_chain_report c;
	memset(&c, 0, sizeof c);
	struct ps_cert_info certs[2];
	memset(certs, 0, sizeof certs);
	certs[0].subject = S("CN=prov.example");
	certs[0].issuer = S("CN=Intermediate");
	certs[0].key_type = S("RSA");
	certs[0].key_bits = 2048;
	certs[0].is_ca = 0;
	certs[0].path_len = -1;
	certs[1].subject = S("CN=Intermediate");
	certs[1].issuer = S("CN=Root");
	certs[1].is_ca = 1;
	certs[1].path_len = -1;
	struct ps_chain_link links[2];
	memset(links, 0, sizeof links);
	links[0] = (struct ps_chain_link){ .subject_index = 0,
					   .issuer_source = PS_ISSUER_CHAIN,
					   .issuer_index = 1,
					   .issuer_name = { 1, S("names match") },
					   .signature = { 1, S("verifies") },
					   .validity = { 1, S("valid") },
					   .issuer_is_ca = { 1, S("is a CA") },
					   .path_len = { -1, NULL } };
	links[1] = (struct ps_chain_link){ .subject_index = 1,
					   .issuer_source = PS_ISSUER_NONE,
					   .issuer_name = { -1, NULL },
					   .signature = { 0, S("no issuer key") },
					   .validity = { 1, S("valid") },
					   .issuer_is_ca = { -1, NULL },
					   .path_len = { -1, NULL } };
	char *reject[] = { S("The chain leads to no CA the phone trusts.") };
	char *accept[] = { S("A modern client accepts the chain.") };
	struct ps_chain_finding cf[] = { { PS_F_CHAIN_UNTRUSTED_ROOT, S("CN=Root"), true, false } };
	c.certs = certs;
	c.n_certs = 2;
	c.links = links;
	c.n_links = 2;
	c.host = S("prov.example");
	c.phone = (struct ps_chain_verdict){ .accept = false, .reasons = reject, .n_reasons = 1 };
	c.modern = (struct ps_chain_verdict){
		.accept = true, .reasons = accept, .n_reasons = 1, .anchor = S("CN=Root")
	};
	c.hostname_phone = (struct ps_chain_check){ 1, S("the CN matches") };
	c.hostname_modern = (struct ps_chain_check){ 1, S("the SAN matches") };
	c.findings = cf;
	c.n_findings = 1;
	d = (struct ps_detail){ .kind = PS_DETAIL_CHAIN, .chain = &c };
	ps_sink_detail(&s, h, &d);

	/* Client authentication: two CA names, the second issued the device's. */
	char *cas[] = { S("CN=Other CA"), S("CN=Vendor Client CA") };
	char *types[] = { S("rsa_sign") };
	struct ps_client_auth ca = { .requested = true,
				     .acceptable_cas = cas,
				     .n_acceptable_cas = 2,
				     .cert_types = types,
				     .n_cert_types = 1,
				     .have_cert = true,
				     .cert_subject = S("CN=SPA942-000E08AABBCC"),
				     .cert_issuer = S("CN=Vendor Client CA"),
				     .issuer_accepted = 1,
				     .sent = true };
	d = (struct ps_detail){ .kind = PS_DETAIL_CLIENT_AUTH, .client_auth = &ca };
	ps_sink_detail(&s, h, &d);

	char *req[] = { S("GET /spa000e08aabbcc.xml HTTP/1.1"), S("Host: prov.example") };
	char *resp[] = { S("HTTP/1.1 200 OK"), S("Content-Type: text/xml") };
	struct ps_http_info http = { .attempted = true,
				     .status = 200,
				     .request_headers = req,
				     .n_request_headers = 2,
				     .response_headers = resp,
				     .n_response_headers = 2,
				     .body_size = 221,
				     .t_tls = 29,
				     .t_first_byte = 31,
				     .t_total = 32 };
	d = (struct ps_detail){ .kind = PS_DETAIL_HTTP, .http = &http };
	ps_sink_detail(&s, h, &d);

	struct ps_profile_source src = { .name = S("https://prov.example/spa000e08aabbcc.xml"),
					 .format = S("xml"),
					 .n_set = 3,
					 .ok = true };
	struct ps_param_row rows[] = {
		{ .name = S("Resync_Periodic"),
		  .value = S("86400"),
		  .access = S("rw"),
		  .source = src.name,
		  .line = 2 },
		{ .name = S("Admin_Passwd"),
		  .value = S("very-secret-admin"),
		  .access = S("na"),
		  .source = src.name,
		  .line = 3,
		  .secret = true },
		{ .name = S("Station_Name"),
		  .value = S("reception"),
		  .source = S("factory default") },
	};
	struct ps_profile_report pr = {
		.sources = &src, .n_sources = 1, .params = rows, .n_params = 3
	};
	d = (struct ps_detail){ .kind = PS_DETAIL_HOP_PROFILE, .profile = &pr };
	ps_sink_detail(&s, h, &d);
	d = (struct ps_detail){ .kind = PS_DETAIL_PROFILE, .profile = &pr };
	ps_sink_detail(&s, 0, &d);

	/* Hop 1: the firmware check, which fails with a 404. */
	size_t h1 = ps_sink_hop_begin(&s, S("https://prov.example/fw/spa942-6-1-5a.bin"));
	ps_sink_step_begin(&s, h1, PS_STEP_UPGRADE_RULE);
	ps_sink_step_end(&s, h1, PS_STEP_UPGRADE_RULE, PS_STATUS_OK, S("alternative 1 fires"));
	ps_sink_step_begin(&s, h1, PS_STEP_UPGRADE_DECISION);
	ps_sink_step_end(&s, h1, PS_STEP_UPGRADE_DECISION, PS_STATUS_OK, S("upgrade"));
	ps_sink_step_begin(&s, h1, PS_STEP_HTTP);
	/* findings are raised in the step they belong to, as the engine does;
	 * this one as a warning, as the engine raises it for a HEAD */
	ps_sink_finding_sev(&s, (long)h1, PS_F_HTTP_NOT_FOUND, PS_SEV_WARN, S("HEAD /fw/x.bin"));
	ps_sink_step_end(&s, h1, PS_STEP_HTTP, PS_STATUS_FAIL, S("HEAD HTTP/1.1 404 Not Found"));
	ps_sink_step_begin(&s, h1, PS_STEP_UPGRADE_CHECK);
	ps_sink_step_end(&s, h1, PS_STEP_UPGRADE_CHECK, PS_STATUS_FAIL,
			 S("the image is not there"));
	struct ps_rule_alt_report alt = {
		.text = S("($SWVER lt 6.1.5(a))? https://prov.example/fw/spa942-6-1-5a.bin"),
		.result = 1,
		.explain = S("6.1.4 < 6.1.5(a) is true")
	};
	struct ps_param_row uprows[] = {
		{ .name = S("Upgrade_Enable"), .value = S("Yes"), .source = S("factory default") },
	};
	struct ps_upgrade_report up = {
		.evaluated = true,
		.enabled = true,
		.rule = { .present = true,
			  .name = S("Upgrade_Rule"),
			  .text = alt.text,
			  .alts = &alt,
			  .n_alts = 1,
			  .fired = 0,
			  .url = S("https://prov.example/fw/spa942-6-1-5a.bin") },
		.current_version = S("6.1.4"),
		.target_version = S("6.1.5a"),
		.would_upgrade = true,
		.reason = S("6.1.5a is newer than 6.1.4"),
		.check_done = true,
		.check_status = 404,
		.check_size = -1,
		.check_error = S("HTTP 404 Not Found"),
		.params = uprows,
		.n_params = 1
	};
	d = (struct ps_detail){ .kind = PS_DETAIL_UPGRADE, .upgrade = &up };
	ps_sink_detail(&s, h1, &d);

	ps_sink_finding_in(&s, (long)h, PS_STEP_TLS_CLIENT_AUTH, PS_F_CLIENT_AUTH_CA_MISMATCH,
			   NULL);
	ps_sink_finding(&s, (long)h1, PS_F_UPGRADE_UNREACHABLE, S("HTTP 404 for %s"),
			S("/fw/x.bin"));
	ps_report_finish(r);
	return r;
}

static struct ps_tui_item step_item(const struct ps_report *r, size_t hop, enum ps_step_id id)
{
	for (size_t i = 0; i < r->hops[hop].n_steps; i++)
		if (r->hops[hop].steps[i].id == id)
			return (struct ps_tui_item){ .kind = PS_TUI_STEP, .hop = hop, .step = i };
	fail_msg("no step %s in hop %zu", ps_step_name(id), hop);
	return (struct ps_tui_item){ .kind = PS_TUI_FINDINGS };
}

static char *detail_text(const struct ps_report *r, struct ps_tui_item it,
			 const struct ps_tui_ctx *c, struct ps_tui_lines *l)
{
	ps_tui_detail(l, r, &it, c);
	char *j = joined(l);
	if (getenv("TUI_DUMP"))
		fprintf(stderr, "----\n%s", j);
	assert_fits(l, c->width);
	return j;
}

/* --- text ------------------------------------------------------------------- */

static void test_glyphs(void **state)
{
	(void)state;
	for (int u = 0; u < 2; u++) {
		const struct ps_tui_glyphs *g = ps_tui_glyphs_for(u);
		const char *one[] = { g->ok,    g->warn,   g->fail, g->skipped, g->pending,
				      g->pass,  g->nopass, g->na,   g->chosen,  g->bullet,
				      g->hline, g->vline,  g->bar };
		for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
			assert_int_equal(ps_tui_width(one[i]), 1);
		for (size_t i = 0; i < g->n_spinner; i++)
			assert_int_equal(ps_tui_width(g->spinner[i]), 1);
		/* the statuses look different even without colour */
		assert_string_not_equal(g->ok, g->fail);
		assert_string_not_equal(g->ok, g->warn);
		assert_string_not_equal(g->warn, g->fail);
		assert_string_not_equal(g->pending, g->skipped);
		if (!u) {
			for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
				assert_true((unsigned char)one[i][0] < 0x80);
		}
	}
	assert_string_equal(ps_tui_glyphs_for(true)->ok, "✔");
	assert_string_equal(ps_tui_glyphs_for(false)->ok, "+");
	assert_string_equal(ps_tui_status_glyph(ps_tui_glyphs_for(false), PS_STATUS_FAIL), "x");
	assert_int_equal(ps_tui_status_style(PS_STATUS_FAIL), PS_TS_FAIL);
	assert_int_equal(ps_tui_status_style(PS_STATUS_PENDING), PS_TS_DIM);
	assert_int_equal(ps_tui_severity_style(PS_SEV_WARN), PS_TS_WARN);
}

static void test_width_fit(void **state)
{
	(void)state;
	assert_int_equal(ps_tui_width(""), 0);
	assert_int_equal(ps_tui_width("abc"), 3);
	assert_int_equal(ps_tui_width("✔x"), 2);
	assert_int_equal(ps_tui_width("日本"), 4);
	assert_int_equal(ps_tui_width("a\xff"
				      "b"),
			 3);                          /* an invalid byte counts one */
	assert_int_equal(ps_tui_fit("日本語", 3), 3); /* one wide character, not half */
	assert_int_equal(ps_tui_fit("日本語", 4), 6);
	assert_int_equal(ps_tui_fit("✔✔✔", 2), 6);
	assert_int_equal(ps_tui_fit("abc", 10), 3);
	assert_int_equal(ps_tui_fit("abc", 0), 0);
}

static void test_sanitize(void **state)
{
	(void)state;
	char *s = ps_tui_sanitize("a\tb\033[31mred\r\n", true);
	assert_string_equal(s, "a b?[31mred??");
	free(s);
	s = ps_tui_sanitize("CN=Müller ✔", true);
	assert_string_equal(s, "CN=Müller ✔");
	free(s);
	s = ps_tui_sanitize("CN=Müller ✔", false);
	assert_string_equal(s, "CN=M?ller ?");
	free(s);
	s = ps_tui_sanitize("bad\xc3(\xff", true); /* invalid UTF-8 */
	assert_string_equal(s, "bad?(?");
	free(s);
	s = ps_tui_sanitize("c1 \xc2\x9b"
			    "2J",
			    true); /* U+009B: a C1 control (CSI) */
	assert_string_equal(s, "c1 ?2J");
	free(s);
	s = ps_tui_sanitize(NULL, true);
	assert_string_equal(s, "");
	free(s);
}

static void test_wrap(void **state)
{
	(void)state;
	struct ps_tui_ctx c = ctx(true, 20);
	struct ps_tui_lines l = { 0 };
	ps_tui_wrap(&l, &c, 2, -1, "fix:", PS_TS_INFO, PS_TS_NORMAL,
		    "Enable TLS 1.0 for the provisioning host on a dedicated port");
	assert_fits(&l, 20);
	assert_true(l.n >= 3);
	assert_string_equal(l.v[0].text, "  fix: Enable TLS");
	assert_int_equal(l.v[0].mark, strlen("  fix: "));
	assert_int_equal(l.v[0].mark_style, PS_TS_INFO);
	assert_int_equal(l.v[1].mark, 0);
	/* the next lines hang under the text after the mark */
	assert_memory_equal(l.v[1].text, "       ", 7);
	assert_true(l.v[1].text[7] != ' ');
	ps_tui_lines_clear(&l);
	assert_int_equal(l.n, 0);

	/* a word longer than the line is cut; newlines start new lines */
	ps_tui_wrap(&l, &c, 0, 2, NULL, PS_TS_NORMAL, PS_TS_NORMAL,
		    "sha256 0a504e3ab1016d407a98618bd305254bee2c9c7a\nsecond paragraph");
	assert_fits(&l, 20);
	assert_string_equal(l.v[0].text, "sha256");
	assert_string_equal(l.v[1].text, "  0a504e3ab1016d407a");
	assert_non_null(strstr(l.v[l.n - 1].text, "paragraph"));
	assert_int_equal(l.v[l.n - 1].text[0], ' ');
	ps_tui_lines_clear(&l);

	/* wide characters are not split, and an empty text is one blank line */
	c.width = 5;
	ps_tui_wrap(&l, &c, 0, 0, NULL, PS_TS_NORMAL, PS_TS_NORMAL, "日本語日本語");
	assert_fits(&l, 5);
	assert_string_equal(l.v[0].text, "日本");
	ps_tui_lines_clear(&l);
	ps_tui_wrap(&l, &c, 0, 0, NULL, PS_TS_NORMAL, PS_TS_NORMAL, "");
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].text, "");
	ps_tui_lines_clear(&l);

	/* a control sequence in the text is neutralised */
	c.width = 40;
	ps_tui_wrap(&l, &c, 0, 0, NULL, PS_TS_NORMAL, PS_TS_NORMAL, "Server: \033]0;pwned\007");
	assert_null(strchr(l.v[0].text, '\033'));
	assert_null(strchr(l.v[0].text, '\007'));
	ps_tui_lines_clear(&l);
}

static void test_duration(void **state)
{
	(void)state;
	char b[32];
	ps_tui_duration(b, sizeof b, 0);
	assert_string_equal(b, "0.0 ms");
	ps_tui_duration(b, sizeof b, 0.44);
	assert_string_equal(b, "0.4 ms");
	ps_tui_duration(b, sizeof b, 29.04);
	assert_string_equal(b, "29 ms");
	ps_tui_duration(b, sizeof b, 1234);
	assert_string_equal(b, "1.2 s");
	ps_tui_duration(b, sizeof b, 125000);
	assert_string_equal(b, "2 min 05 s");
	ps_tui_duration(b, sizeof b, -1);
	assert_string_equal(b, "");
}

static void test_clock(void **state)
{
	(void)state;
	time_t at = 42;
	assert_true(ps_tui_parse_clock("", &at));
	assert_int_equal(at, 0);
	at = 42;
	assert_true(ps_tui_parse_clock(" now ", &at));
	assert_int_equal(at, 0);
	assert_true(ps_tui_parse_clock("2030-01-01", &at));
	assert_int_equal(at, 1893456000);
	assert_true(ps_tui_parse_clock(" 2030-01-01 08:30 ", &at));
	assert_int_equal(at, 1893456000 + 8 * 3600 + 30 * 60);
	at = 42;
	assert_false(ps_tui_parse_clock("2030-13-45", &at));
	assert_false(ps_tui_parse_clock("tomorrow", &at));
	assert_int_equal(at, 42);
	char b[64];
	ps_tui_clock_text(b, sizeof b, 0);
	assert_string_equal(b, "now");
	ps_tui_clock_text(b, sizeof b, 1893456000 + 8 * 3600);
	assert_string_equal(b, "2030-01-01 08:00 UTC");
}

static void test_param_filter(void **state)
{
	(void)state;
	struct ps_param_row p = { .name = S("Admin_Passwd"),
				  .value = S("Hunter2"),
				  .secret = true };
	struct ps_param_row q = { .name = S("Resync_Periodic"), .value = S("86400") };
	assert_true(ps_tui_param_matches(&p, NULL, false));
	assert_true(ps_tui_param_matches(&p, "", false));
	assert_true(ps_tui_param_matches(&p, "admin", false)); /* name, any case */
	assert_true(ps_tui_param_matches(&q, "RESYNC", false));
	assert_true(ps_tui_param_matches(&q, "864", false)); /* value */
	assert_false(ps_tui_param_matches(&q, "nope", false));
	/* a hidden secret is not found by its value: that would leak it */
	assert_false(ps_tui_param_matches(&p, "hunter", false));
	assert_true(ps_tui_param_matches(&p, "hunter", true));
}

static void test_hints(void **state)
{
	(void)state;
	struct ps_tui_ctx c = ctx(true, 80);
	char *h = ps_tui_hints(&c, true);
	assert_true(ps_tui_width(h) <= 80);
	assert_non_null(strstr(h, "/ filter"));
	assert_non_null(strstr(h, "r re-run"));
	assert_non_null(strstr(h, "q quit"));
	assert_non_null(strstr(h, "? help"));
	assert_non_null(strstr(h, "↑↓ move"));
	free(h);
	h = ps_tui_hints(&c, false);
	assert_null(strstr(h, "/ filter"));
	assert_non_null(strstr(h, "m model"));
	assert_non_null(strstr(h, "t clock"));
	assert_non_null(strstr(h, "w write"));
	free(h);
	c = ctx(false, 30);
	h = ps_tui_hints(&c, true);
	assert_true(ps_tui_width(h) <= 30);
	assert_non_null(strstr(h, "q quit"));
	assert_non_null(strstr(h, "? help"));
	assert_null(strstr(h, "↑"));
	free(h);
}

/* --- the list, findings and failures ----------------------------------------- */

static void test_items(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_items items = { 0 };
	ps_tui_items_build(&items, r);
	/* hop 0 + 9 steps, hop 1 + 4 steps, report, phone, parameters, findings */
	assert_int_equal(items.n, 1 + 9 + 1 + 4 + 4);
	assert_int_equal(items.v[0].kind, PS_TUI_HOP);
	assert_false(ps_tui_item_selectable(&items.v[0]));
	assert_int_equal(items.v[1].kind, PS_TUI_STEP);
	assert_true(ps_tui_item_selectable(&items.v[1]));
	assert_int_equal(items.v[10].kind, PS_TUI_HOP);
	assert_int_equal(items.v[10].hop, 1);
	assert_int_equal(items.v[15].kind, PS_TUI_GROUP);
	assert_int_equal(items.v[16].kind, PS_TUI_PHONE);
	assert_int_equal(items.v[17].kind, PS_TUI_PARAMS);
	assert_int_equal(items.v[18].kind, PS_TUI_FINDINGS);
	struct ps_tui_item it = step_item(r, 1, PS_STEP_UPGRADE_CHECK);
	assert_int_equal(ps_tui_items_find(&items, &it), 14);
	it.hop = 7;
	assert_int_equal(ps_tui_items_find(&items, &it), items.n);

	/* no parameters entry without a table */
	struct ps_report *e = ps_report_new();
	ps_tui_items_build(&items, e);
	assert_int_equal(items.n, 3);
	assert_int_equal(items.v[2].kind, PS_TUI_FINDINGS);
	ps_report_free(e);
	ps_tui_items_clear(&items);
	ps_report_free(r);
}

static void test_item_rows(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_ctx c = ctx(true, 25);
	struct ps_tui_lines l = { 0 };
	struct ps_tui_item it = step_item(r, 0, PS_STEP_TLS_HANDSHAKE);
	ps_tui_item_row(&l, r, &it, &c);
	/* glyph, name, the duration flush right */
	assert_string_equal(l.v[0].text, "✔ tls.handshake     29 ms");
	assert_int_equal(ps_tui_width(l.v[0].text), 25);
	assert_int_equal(l.v[0].mark, strlen("✔"));
	assert_int_equal(l.v[0].mark_style, PS_TS_OK);
	it = step_item(r, 1, PS_STEP_UPGRADE_CHECK);
	ps_tui_item_row(&l, r, &it, &c);
	assert_memory_equal(l.v[1].text, "✘ upgrade.check", strlen("✘ upgrade.check"));
	assert_int_equal(l.v[1].mark_style, PS_TS_FAIL);
	it = (struct ps_tui_item){ .kind = PS_TUI_HOP, .hop = 1 };
	ps_tui_item_row(&l, r, &it, &c);
	assert_string_equal(l.v[2].text, "hop 2 spa942-6-1-5a.bin");
	assert_int_equal(l.v[2].style, PS_TS_HEAD);
	it = (struct ps_tui_item){ .kind = PS_TUI_FINDINGS };
	ps_tui_item_row(&l, r, &it, &c);
	assert_string_equal(l.v[3].text, "✘ findings (3)");
	it = (struct ps_tui_item){ .kind = PS_TUI_PARAMS };
	ps_tui_item_row(&l, r, &it, &c);
	assert_string_equal(l.v[4].text, "• parameters (3)");
	ps_tui_lines_clear(&l);

	/* a running step: the spinner's frame and the time so far */
	struct ps_sink s = ps_report_sink(r);
	ps_sink_step_begin(&s, 1, PS_STEP_UPGRADE_DOWNLOAD);
	struct ps_step *st = &r->hops[1].steps[r->hops[1].n_steps - 1];
	st->start_ms = 1000;
	c.now_ms = 3500;
	c.spin = 3;
	it = (struct ps_tui_item){ .kind = PS_TUI_STEP, .hop = 1, .step = r->hops[1].n_steps - 1 };
	ps_tui_item_row(&l, r, &it, &c);
	assert_string_equal(l.v[0].text, "⠸ upgrade.download  2.5 s");
	assert_int_equal(l.v[0].mark_style, PS_TS_RUN);
	struct ps_tui_item latest;
	assert_true(ps_tui_latest_item(r, &latest));
	assert_true(ps_tui_item_eq(&latest, &it));
	ps_tui_lines_clear(&l);

	/* ASCII, and narrower than the name and duration: cut, no duration */
	c = ctx(false, 12);
	it = step_item(r, 0, PS_STEP_TLS_CLIENT_AUTH);
	ps_tui_item_row(&l, r, &it, &c);
	assert_fits(&l, 12);
	assert_ascii(&l);
	assert_string_equal(l.v[0].text, "+ tls.clien~");
	ps_tui_lines_clear(&l);
	ps_report_free(r);
}

/* A finding is shown on the step it was raised in (recorded by the report
 * sink), whatever the family of its id; one raised before its hop had a
 * step, or tied to no hop, is on no step. */
static void test_finding_steps(void **state)
{
	(void)state;
	struct ps_report *r = ps_report_new();
	struct ps_sink s = ps_report_sink(r);
	size_t h = ps_sink_hop_begin(&s, "https://x/");
	ps_sink_finding(&s, (long)h, PS_F_NET_DNS, "before any step");
	ps_sink_step_begin(&s, h, PS_STEP_CONNECT);
	ps_sink_step_end(&s, h, PS_STEP_CONNECT, PS_STATUS_OK, NULL);
	ps_sink_step_begin(&s, h, PS_STEP_TLS_HANDSHAKE);
	ps_sink_finding(&s, (long)h, PS_F_NET_TIMEOUT, "no ServerHello"); /* a net.* in TLS */
	ps_sink_step_end(&s, h, PS_STEP_TLS_HANDSHAKE, PS_STATUS_FAIL, NULL);
	ps_sink_finding(&s, -1, PS_F_PROFILE_EMPTY, NULL);
	ps_report_finish(r);
	struct ps_tui_ctx c = ctx(true, 72);
	struct ps_tui_lines l = { 0 };
	char *t = detail_text(r, step_item(r, 0, PS_STEP_TLS_HANDSHAKE), &c, &l);
	assert_non_null(strstr(t, "net.timeout"));
	assert_null(strstr(t, "net.dns"));
	assert_null(strstr(t, "profile.empty"));
	free(t);
	ps_tui_lines_clear(&l);
	t = detail_text(r, step_item(r, 0, PS_STEP_CONNECT), &c, &l);
	assert_null(strstr(t, "net."));
	free(t);
	ps_tui_lines_clear(&l);
	/* the run failed: the TUI goes to the step of the first error, the
	 * first finding (net.dns) having none goes to the findings entry */
	struct ps_tui_item it;
	assert_true(ps_tui_failure_item(r, &it));
	assert_int_equal(it.kind, PS_TUI_FINDINGS);
	r->findings[0].severity = PS_SEV_WARN;
	assert_true(ps_tui_failure_item(r, &it));
	assert_int_equal(it.kind, PS_TUI_STEP);
	assert_int_equal(it.hop, 0);
	assert_int_equal(r->hops[0].steps[it.step].id, PS_STEP_TLS_HANDSHAKE);
	ps_report_free(r);
}

static void test_failure_item(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_item it;
	/* the first error finding (upgrade.unreachable) picks the step */
	assert_true(ps_tui_failure_item(r, &it));
	assert_int_equal(it.kind, PS_TUI_STEP);
	assert_int_equal(it.hop, 1);
	assert_int_equal(r->hops[1].steps[it.step].id, PS_STEP_UPGRADE_CHECK);
	ps_report_free(r);

	/* warnings only and nothing failed: no failure */
	r = ps_report_new();
	struct ps_sink s = ps_report_sink(r);
	size_t h = ps_sink_hop_begin(&s, "https://x/");
	ps_sink_step_begin(&s, h, PS_STEP_CONNECT);
	ps_sink_step_end(&s, h, PS_STEP_CONNECT, PS_STATUS_OK, NULL);
	ps_sink_finding(&s, 0, PS_F_CHAIN_WEAK_KEY, NULL);
	assert_false(ps_tui_failure_item(r, &it));
	/* an error tied to no hop: the findings entry */
	ps_sink_finding(&s, -1, PS_F_PROFILE_EMPTY, NULL);
	assert_true(ps_tui_failure_item(r, &it));
	assert_int_equal(it.kind, PS_TUI_FINDINGS);
	ps_report_free(r);

	/* a failed step without a finding */
	r = ps_report_new();
	s = ps_report_sink(r);
	h = ps_sink_hop_begin(&s, "https://x/");
	ps_sink_step_begin(&s, h, PS_STEP_CONNECT);
	ps_sink_step_end(&s, h, PS_STEP_CONNECT, PS_STATUS_FAIL, NULL);
	assert_true(ps_tui_failure_item(r, &it));
	assert_int_equal(it.kind, PS_TUI_STEP);
	assert_int_equal(it.step, 0);
	ps_report_free(r);
}

static void test_header(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_ctx c = ctx(true, 100);
	c.clock = "2030-01-01 00:00 UTC";
	struct ps_tui_lines l = { 0 };
	ps_tui_header(&l, r, &c);
	assert_int_equal(l.n, 3);
	assert_fits(&l, 100);
	assert_string_equal(l.v[0].text,
			    "✘ FAIL exit 9  Linksys SPA942 │ MAC 000e08aabbcc │ firmware "
			    "6.1.4 │ clock 2030-01-01 00:00 UTC");
	assert_int_equal(l.v[0].mark_style, PS_TS_FAIL);
	assert_string_equal(l.v[1].text, "target https://prov.example/spa$MA.xml");
	assert_non_null(strstr(l.v[2].text, "verdict firmware-upgrade check failed"));
	assert_int_equal(l.v[2].style, PS_TS_FAIL);
	ps_tui_lines_clear(&l);
	/* narrower: the short form, still whole */
	c.width = 80;
	ps_tui_header(&l, r, &c);
	assert_fits(&l, 80);
	assert_string_equal(l.v[0].text, "✘ FAIL exit 9  SPA942  MAC 000e08aabbcc  fw 6.1.4  clock "
					 "2030-01-01 00:00 UTC");
	ps_tui_lines_clear(&l);
	/* while running */
	r->finished = false;
	r->hops[1].steps[3].status = PS_STATUS_RUNNING;
	r->hops[1].steps[3].start_ms = 0;
	c.now_ms = 1500;
	c = (struct ps_tui_ctx){ .g = ps_tui_glyphs_for(false), .width = 80, .now_ms = 1500 };
	ps_tui_header(&l, r, &c);
	assert_ascii(&l);
	assert_memory_equal(l.v[0].text, "| RUNNING  Linksys SPA942",
			    strlen("| RUNNING  Linksys SPA942"));
	assert_string_equal(l.v[2].text, "running hop 2 upgrade.check 1.5 s");
	ps_tui_lines_clear(&l);
	ps_report_free(r);
}

/* --- detail views ----------------------------------------------------------- */

static void test_detail_handshake(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_ctx c = ctx(true, 60);
	struct ps_tui_lines l = { 0 };
	char *t = detail_text(r, step_item(r, 0, PS_STEP_TLS_HANDSHAKE), &c, &l);
	assert_non_null(strstr(t, "✔ ok, 29 ms  hop 1 of 2"));
	assert_non_null(strstr(t, "Offered by the phone (2)"));
	assert_non_null(strstr(t, "► TLS_RSA_WITH_AES_256_CBC_SHA (0x0035)  chosen"));
	assert_non_null(strstr(t, "  TLS_RSA_WITH_AES_128_CBC_SHA (0x002f)\n"));
	assert_non_null(strstr(t, "    1.3 ms → ClientHello  TLS1.0"));
	assert_non_null(strstr(t, "    1.9 ms ← ServerHello  TLS1.0"));
	long a = line_of(&l, "Alerts");
	long w = line_of(&l, "warning close_notify (0) by the server at 2.5 ms");
	assert_true(a >= 0 && w > a);
	assert_non_null(strstr(t, "key exchange RSA, cipher AES-256-CBC, MAC SHA1"));
	/* a renegotiation is a block of its own, after the first handshake's */
	long rn = line_of(&l, "Renegotiation 1 (asked by the server)");
	long hr = line_of(&l, "HelloRequest  the server asks for a new");
	assert_true(rn > line_of(&l, "ServerHello") && hr == rn + 1);
	/* the SNI check */
	assert_true(line_of(&l, "What a client that names the host gets") > 0);
	assert_non_null(strstr(t, "another certificate, for this host: the server chooses"));
	free(t);
	ps_tui_lines_clear(&l);
	ps_report_free(r);
}

static void test_detail_chain(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_ctx c = ctx(true, 70);
	struct ps_tui_lines l = { 0 };
	char *t = detail_text(r, step_item(r, 0, PS_STEP_TLS_CHAIN), &c, &l);
	/* both verdicts, one block per certificate, the checks with marks */
	assert_non_null(strstr(t, "✘ the SPA942 REJECTS"));
	assert_non_null(strstr(t, "- The chain leads to no CA the phone trusts."));
	assert_non_null(strstr(t, "✔ a modern client accepts (anchor CN=Root)"));
	long c0 = line_of(&l, "certificate 0  CN=prov.example");
	long c1 = line_of(&l, "certificate 1  CN=Intermediate");
	assert_true(c0 >= 0 && c1 > c0);
	assert_non_null(strstr(t, "issued    by certificate 1 (sent)"));
	assert_non_null(strstr(t, "✓ issuer name   names match"));
	assert_non_null(strstr(t, "– path length"));
	assert_non_null(strstr(t, "no issuer found: not sent, not a trusted CA"));
	assert_non_null(strstr(t, "✗ signature     no issuer key"));
	assert_non_null(strstr(t, "✓ phone (CN)    the CN matches"));
	/* the chain's finding, whom it concerns, and its fix */
	long f = line_of(&l, "chain.untrusted_root (the phone)");
	assert_true(f > c1);
	assert_non_null(strstr(l.v[f + 1].text, "seen: CN=Root"));
	assert_non_null(strstr(l.v[f + 2].text, "fix:"));
	free(t);
	ps_tui_lines_clear(&l);

	/* ASCII: the same marks, ASCII only */
	c = ctx(false, 70);
	t = detail_text(r, step_item(r, 0, PS_STEP_TLS_CHAIN), &c, &l);
	assert_ascii(&l);
	assert_non_null(strstr(t, "+ issuer name   names match"));
	assert_non_null(strstr(t, "x signature     no issuer key"));
	free(t);
	ps_tui_lines_clear(&l);
	ps_report_free(r);
}

static void test_detail_client_auth(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_ctx c = ctx(true, 80);
	struct ps_tui_lines l = { 0 };
	char *t = detail_text(r, step_item(r, 0, PS_STEP_TLS_CLIENT_AUTH), &c, &l);
	/* the request's CA names with the device certificate's issuer marked */
	assert_non_null(strstr(t, "CA names the server accepts (2):"));
	assert_non_null(strstr(t, "• CN=Other CA\n"));
	assert_non_null(strstr(t, "✓ CN=Vendor Client CA  (issued the device certificate)"));
	assert_non_null(strstr(t, "subject  CN=SPA942-000E08AABBCC"));
	assert_non_null(strstr(t, "✓ its issuer is in the server's list"));
	assert_non_null(strstr(t, "sent      the device certificate"));
	/* the warning finding of this step is on it, with its fix */
	assert_non_null(strstr(t, "▲ warning client_auth.ca_mismatch"));
	free(t);
	ps_tui_lines_clear(&l);
	ps_report_free(r);
}

static void test_detail_http(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_ctx c = ctx(true, 60);
	struct ps_tui_lines l = { 0 };
	char *t = detail_text(r, step_item(r, 0, PS_STEP_HTTP), &c, &l);
	assert_non_null(strstr(t, "> GET /spa000e08aabbcc.xml HTTP/1.1"));
	assert_non_null(strstr(t, "< HTTP/1.1 200 OK"));
	assert_non_null(strstr(t, "< Content-Type: text/xml"));
	assert_non_null(strstr(t, "body   221 bytes"));
	assert_non_null(strstr(t, "tls            29 ms █"));
	assert_non_null(strstr(t, "total          32 ms"));
	free(t);
	ps_tui_lines_clear(&l);
	ps_report_free(r);
}

static void test_detail_profile(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_ctx c = ctx(true, 80);
	struct ps_tui_lines l = { 0 };
	struct ps_tui_item it = step_item(r, 0, PS_STEP_PROFILE_PARSE);
	assert_true(ps_tui_item_filterable(r, &it));
	char *t = detail_text(r, it, &c, &l);
	assert_non_null(
	    strstr(t, "✓ https://prov.example/spa000e08aabbcc.xml: xml, 3 parameters set"));
	assert_non_null(strstr(t, "  Resync_Periodic rw 86400\n"));
	assert_non_null(strstr(t, "  Admin_Passwd    na ********\n"));
	assert_null(strstr(t, "very-secret-admin"));
	free(t);
	ps_tui_lines_clear(&l);

	/* the filter: by name, by value; a hidden secret is not found by value */
	c.filter = "resync";
	t = detail_text(r, it, &c, &l);
	assert_non_null(strstr(t, "filter \"resync\": 1 of 3 rows"));
	assert_non_null(strstr(t, "Resync_Periodic"));
	assert_null(strstr(t, "Admin_Passwd"));
	free(t);
	ps_tui_lines_clear(&l);
	c.filter = "secret";
	t = detail_text(r, it, &c, &l);
	assert_non_null(strstr(t, "No parameter matches."));
	free(t);
	ps_tui_lines_clear(&l);
	/* revealing needs both the report's permission and the key */
	c.reveal = true;
	t = detail_text(r, it, &c, &l);
	assert_non_null(strstr(t, "No parameter matches."));
	free(t);
	ps_tui_lines_clear(&l);
	ps_report_free(r);
	r = sample_report(true);
	t = detail_text(r, it, &c, &l);
	assert_non_null(strstr(t, "filter \"secret\": 1 of 3 rows"));
	assert_non_null(strstr(t, "Admin_Passwd na very-secret-admin"));
	free(t);
	ps_tui_lines_clear(&l);
	c.reveal = false;
	c.filter = NULL;
	t = detail_text(r, it, &c, &l);
	assert_null(strstr(t, "very-secret-admin"));
	free(t);
	ps_tui_lines_clear(&l);

	/* the report's table: every row, defaults dim, sources on a wide pane */
	it = (struct ps_tui_item){ .kind = PS_TUI_PARAMS };
	assert_true(ps_tui_item_filterable(r, &it));
	c.width = 110;
	t = detail_text(r, it, &c, &l);
	long d = line_of(&l, "Station_Name");
	assert_true(d >= 0);
	assert_int_equal(l.v[d].style, PS_TS_DIM);
	assert_non_null(strstr(l.v[d].text, "factory default"));
	assert_non_null(strstr(t, "spa000e08aabbcc.xml:2"));
	free(t);
	ps_tui_lines_clear(&l);
	it = step_item(r, 0, PS_STEP_TLS_CHAIN);
	assert_false(ps_tui_item_filterable(r, &it));
	ps_report_free(r);
}

static void test_detail_upgrade(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_ctx c = ctx(true, 72);
	struct ps_tui_lines l = { 0 };
	char *t = detail_text(r, step_item(r, 1, PS_STEP_UPGRADE_CHECK), &c, &l);
	/* the failure, its finding and fix come first */
	assert_true(line_of(&l, "✘ fail") == 0);
	long f = line_of(&l, "✘ error upgrade.unreachable");
	long fix = line_of(&l, "fix: Put the image at the URL of Upgrade_Rule");
	long dec = line_of(&l, "Decision");
	assert_true(f > 0 && fix > f && dec > fix);
	assert_true(fix < 20); /* on an 80x24 screen without scrolling */
	assert_non_null(strstr(t, "seen: HTTP 404 for /fw/x.bin"));
	assert_non_null(strstr(t, "► the phone upgrades"));
	assert_non_null(strstr(t, "6.1.5a is newer than 6.1.4"));
	assert_non_null(strstr(t, "firmware  6.1.4 → 6.1.5a"));
	assert_non_null(strstr(t, "► alternative 1 fired: ($SWVER lt 6.1.5(a))?"));
	assert_non_null(strstr(t, "6.1.4 < 6.1.5(a) is true"));
	assert_non_null(strstr(t, "Firmware URL check"));
	assert_non_null(strstr(t, "✗ HTTP 404 Not Found"));
	assert_non_null(strstr(t, "Upgrade_Enable"));
	/* http.not_found of the same hop is on its HTTP step, not here */
	assert_null(strstr(t, "http.not_found"));
	free(t);
	ps_tui_lines_clear(&l);
	ps_report_free(r);
}

static void test_detail_findings_phone(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(false);
	struct ps_tui_ctx c = ctx(true, 50);
	struct ps_tui_lines l = { 0 };
	char *t = detail_text(r, (struct ps_tui_item){ .kind = PS_TUI_FINDINGS }, &c, &l);
	assert_non_null(strstr(t, "▲ warning client_auth.ca_mismatch (hop 1)"));
	assert_non_null(strstr(t, "✘ error upgrade.unreachable (hop 2)"));
	assert_non_null(strstr(t, "▲ warning http.not_found (hop 2)"));
	free(t);
	ps_tui_lines_clear(&l);
	t = detail_text(r, (struct ps_tui_item){ .kind = PS_TUI_PHONE }, &c, &l);
	assert_non_null(strstr(t, "model      spa942 (Linksys SPA942)"));
	assert_non_null(strstr(t, "MAC        000e08aabbcc"));
	free(t);
	ps_tui_lines_clear(&l);
	ps_report_free(r);
}

/* Every view, at several widths and in both character sets, stays within
 * its width. */
static void test_all_views_fit(void **state)
{
	(void)state;
	struct ps_report *r = sample_report(true);
	struct ps_tui_items items = { 0 };
	ps_tui_items_build(&items, r);
	const int widths[] = { 20, 40, 53, 83, 120 };
	for (int u = 0; u < 2; u++)
		for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
			struct ps_tui_ctx c = ctx(u, widths[w]);
			c.reveal = true;
			c.filter = w % 2 ? "a" : NULL;
			struct ps_tui_lines l = { 0 };
			for (size_t i = 0; i < items.n; i++) {
				ps_tui_item_row(&l, r, &items.v[i], &c);
				ps_tui_detail(&l, r, &items.v[i], &c);
				char *title = ps_tui_item_title(r, &items.v[i]);
				assert_true(strlen(title) > 0);
				free(title);
			}
			ps_tui_header(&l, r, &c);
			ps_tui_help(&l, &c);
			assert_fits(&l, widths[w]);
			if (!u)
				assert_ascii(&l);
			ps_tui_lines_clear(&l);
		}
	ps_tui_items_clear(&items);
	ps_report_free(r);
}

int main(void)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "en_US.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glyphs),         cmocka_unit_test(test_width_fit),
		cmocka_unit_test(test_sanitize),       cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_duration),       cmocka_unit_test(test_clock),
		cmocka_unit_test(test_param_filter),   cmocka_unit_test(test_hints),
		cmocka_unit_test(test_items),          cmocka_unit_test(test_item_rows),
		cmocka_unit_test(test_finding_steps),  cmocka_unit_test(test_failure_item),
		cmocka_unit_test(test_header),         cmocka_unit_test(test_detail_handshake),
		cmocka_unit_test(test_detail_chain),   cmocka_unit_test(test_detail_client_auth),
		cmocka_unit_test(test_detail_http),    cmocka_unit_test(test_detail_profile),
		cmocka_unit_test(test_detail_upgrade), cmocka_unit_test(test_detail_findings_phone),
		cmocka_unit_test(test_all_views_fit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
