/* Offers: the difference between two ClientHellos (tlswire/hellodiff.h),
 * the ClientHello a priority string gives and back (engine/offer.h), the
 * User-Agent capture of learned models (lab/learn.h), and model files
 * (run/modelfile.h) with the catalogue's added models. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/util.h"
#include "engine/offer.h"
#include "lab/learn.h"
#include "phone/catalogue.h"
#include "phone/identity.h"
#include "run/modelfile.h"
#include "tlswire/hellodiff.h"

#define SPA942_PRIORITY                                                                        \
	"NONE:+VERS-TLS1.0:+RSA:+AES-256-CBC:+AES-128-CBC:+ARCFOUR-128:+SHA1:+MD5:+COMP-NULL:" \
	"+SIGN-ALL:%NO_EXTENSIONS"
#define TLS12_PRIORITY                                                                            \
	"NONE:+VERS-TLS1.2:+VERS-TLS1.0:+ECDHE-RSA:+RSA:+AES-128-CBC:+SHA1:+SIGN-ALL:+COMP-NULL:" \
	"+GROUP-SECP256R1:%NO_TICKETS"

static void sample(const char *priority, const char *sni, struct ps_client_hello *ch)
{
	char *err = NULL;
	bool ok = ps_offer_sample(priority, sni, ch, &err);
	if (!ok)
		fprintf(stderr, "%s\n", err);
	assert_true(ok);
	free(err);
}

static void test_sample_phone(void **state)
{
	(void)state;
	struct ps_client_hello ch;
	sample(SPA942_PRIORITY, "prov.example", &ch);
	assert_int_equal(ch.version, 0x0301);
	assert_int_equal(ch.max_version, 0x0301);
	assert_int_equal(ch.n_suites, 4);
	unsigned want[] = { 0x0035, 0x002f, 0x0005, 0x0004 };
	assert_memory_equal(ch.suites, want, sizeof want);
	assert_int_equal(ch.n_extensions, 0); /* %NO_EXTENSIONS: no SNI either */
	assert_int_equal(ch.n_compressions, 1);
	ps_client_hello_free(&ch);
	/* a priority that does not parse, one that offers nothing */
	char *err = NULL;
	assert_false(ps_offer_sample("NONE:+NOSUCH", NULL, &ch, &err));
	assert_non_null(strstr(err, "priority string 'NONE:+NOSUCH'"));
	free(err);
	err = NULL;
	assert_false(ps_offer_sample("NONE:+VERS-TLS1.2", NULL, &ch, &err));
	assert_non_null(err);
	free(err);
}

static void test_diff(void **state)
{
	(void)state;
	struct ps_client_hello a, b;
	sample(SPA942_PRIORITY, NULL, &a);
	sample(SPA942_PRIORITY, NULL, &b);
	struct ps_buf why = { 0 };
	assert_int_equal(ps_hello_diff(&a, &b, "spa942", PS_DIFF_SCSV, &why), 0);
	assert_int_equal(why.len, 0);
	ps_client_hello_free(&b);
	/* the same suites in another order */
	sample("NONE:+VERS-TLS1.0:+RSA:+AES-128-CBC:+AES-256-CBC:+ARCFOUR-128:+SHA1:+MD5:"
	       "+COMP-NULL:+SIGN-ALL:%NO_EXTENSIONS",
	       NULL, &b);
	assert_int_equal(ps_hello_diff(&a, &b, "spa942", PS_DIFF_SCSV, &why), 1);
	assert_string_equal(why.s, "the suites in another order");
	ps_buf_free(&why);
	ps_client_hello_free(&b);
	/* TLS 1.2 with extensions, a suite more, three less */
	sample(TLS12_PRIORITY, "prov.example", &b);
	assert_true(ps_hello_diff(&a, &b, "spa942", 0, &why) > 3);
	assert_non_null(strstr(why.s, "up to TLS1.2 (spa942: TLS1.0); "));
	assert_non_null(strstr(why.s, " extensions (spa942: none); offers ECDHE-RSA-AES128-SHA; "
				      "lacks AES256-SHA, RC4-SHA, RC4-MD5"));
	ps_buf_free(&why);
	/* the other way round: extensions the model sends and this lacks */
	ps_hello_diff(&b, &a, "x", 0, &why);
	assert_non_null(
	    strstr(why.s, "lacks status_request, supported_groups, ec_point_formats and "));
	ps_buf_free(&why);
	/* the SCSV counts only when asked */
	unsigned *s = ps_xcalloc(a.n_suites + 1, sizeof *s);
	memcpy(s, a.suites, a.n_suites * sizeof *s);
	s[a.n_suites] = 0x00ff;
	struct ps_client_hello c = a;
	c.suites = s;
	c.n_suites = a.n_suites + 1;
	assert_int_equal(ps_hello_diff(&a, &c, "spa942", 0, &why), 0);
	assert_int_equal(ps_hello_diff(&a, &c, "spa942", PS_DIFF_SCSV, &why), 1);
	assert_string_equal(why.s, "offers the renegotiation SCSV");
	ps_buf_free(&why);
	free(s);
	/* thorough: the order of the common suites even when the sets differ,
	 * and what the extensions carry even when they are not the same */
	struct ps_client_hello d;
	sample("NONE:+VERS-TLS1.2:+VERS-TLS1.0:+RSA:+ECDHE-RSA:+AES-128-CBC:+SHA1:+SIGN-ALL:"
	       "+COMP-NULL:+GROUP-X25519",
	       "prov.example", &d);
	ps_hello_diff(&b, &d, "x", 0, &why);
	assert_string_equal(why.s, "sends session_ticket; the suites in another order");
	ps_buf_free(&why);
	ps_client_hello_free(&d);
	sample("NONE:+VERS-TLS1.2:+VERS-TLS1.0:+RSA:+ECDHE-RSA:+AES-128-CBC:+AES-256-CBC:+SHA1:"
	       "+SIGN-ALL:+COMP-NULL:+GROUP-X25519:%NO_TICKETS",
	       "prov.example", &d);
	ps_hello_diff(&b, &d, "x", 0, &why);
	assert_string_equal(why.s,
			    "offers AES256-SHA, ECDHE-RSA-AES256-SHA; other supported groups");
	ps_buf_free(&why);
	ps_hello_diff(&b, &d, "x", PS_DIFF_THOROUGH, &why);
	assert_string_equal(why.s, "offers AES256-SHA, ECDHE-RSA-AES256-SHA; the suites in another "
				   "order; other supported groups");
	ps_buf_free(&why);
	ps_client_hello_free(&d);
	ps_client_hello_free(&a);
	ps_client_hello_free(&b);
}

/* A learned offer's priority string gives it back exactly, when GnuTLS
 * can send it. */
static void test_priority_round_trip(void **state)
{
	(void)state;
	const char *prios[] = { SPA942_PRIORITY, TLS12_PRIORITY, "NORMAL:-VERS-TLS1.3" };
	for (size_t i = 0; i < sizeof prios / sizeof prios[0]; i++) {
		struct ps_client_hello ch;
		sample(prios[i], i ? "prov.example" : NULL, &ch);
		bool sni = false;
		char *p = ps_offer_priority(&ch, &sni);
		assert_int_equal(sni, i != 0);
		assert_null(ps_offer_unplayable(&ch, p, sni));
		assert_int_equal(strstr(p, "%NO_EXTENSIONS") != NULL, i == 0);
		assert_int_equal(strstr(p, "%NO_TICKETS") != NULL, i == 1);
		free(p);
		ps_client_hello_free(&ch);
	}
	/* what GnuTLS cannot do: the SCSV without extensions, a compression
	 * method, TLS 1.3's suites after TLS 1.2's */
	struct ps_client_hello ch;
	sample(SPA942_PRIORITY, NULL, &ch);
	unsigned *s = ps_xcalloc(ch.n_suites + 1, sizeof *s);
	memcpy(s, ch.suites, ch.n_suites * sizeof *s);
	s[ch.n_suites] = 0x00ff;
	free(ch.suites);
	ch.suites = s;
	ch.n_suites++;
	unsigned *comp = ps_xcalloc(2, sizeof *comp);
	comp[0] = 1, comp[1] = 0;
	free(ch.compressions);
	ch.compressions = comp;
	ch.n_compressions = 2;
	bool sni;
	char *p = ps_offer_priority(&ch, &sni);
	assert_string_equal(p, SPA942_PRIORITY);
	char *u = ps_offer_unplayable(&ch, p, sni);
	assert_non_null(u);
	assert_non_null(strstr(u, "lacks the renegotiation SCSV"));
	assert_non_null(strstr(u, "compression methods 0 (the phone: 1, 0)"));
	free(u);
	free(p);
	ps_client_hello_free(&ch);
}

static void test_ua_capture(void **state)
{
	(void)state;
	char *v, *sn, *mac;
	assert_true(ps_ua_capture("Linksys/SPA-942-$SWVER ($SN)",
				  "Linksys/SPA-942-6.1.5(a) (88019FA42805)", &v, &sn, &mac));
	assert_string_equal(v, "6.1.5(a)");
	assert_string_equal(sn, "88019FA42805");
	assert_null(mac);
	free(v), free(sn);
	assert_true(ps_ua_capture("Cisco/SPA504G-$SWVER ($MAU)($SN)",
				  "Cisco/SPA504G-7.5.6 (000E08AABBCC)(CBT12345)", &v, &sn, &mac));
	assert_string_equal(v, "7.5.6");
	assert_string_equal(mac, "000E08AABBCC");
	assert_string_equal(sn, "CBT12345");
	free(v), free(sn), free(mac);
	assert_false(ps_ua_capture("Cisco/SPA504G-$SWVER ($MAU)($SN)",
				   "Linksys/SPA-942-6.1.5(a) (x)", &v, &sn, &mac));
	assert_null(v);
	assert_false(ps_ua_capture("Linksys/SPA-942-$SWVER ($SN)", "Linksys/SPA-942-6.1.5 (x) more",
				   &v, &sn, &mac));
	assert_false(
	    ps_ua_capture("Linksys/SPA-942-$SWVER ($SN)", "Linksys/SPA-942- ()", &v, &sn, &mac));
}

static char *write_tmp(const char *text)
{
	char *path = ps_xstrdup("/tmp/provscope-test-model-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_model_file(void **state)
{
	(void)state;
	size_t before = ps_model_count();
	char *path = write_tmp(
	    "{\"provscope_model_file\": 1, \"id\": \"desk-942\", \"based_on\": \"spa942\","
	    " \"learned\": {\"time\": \"2026-12-05T10:00:00Z\", \"peer\": \"192.0.2.50:40112\"},"
	    " \"ua_format\": \"Linksys/SPA-942-$SWVER ($SN)\", \"firmware\": \"6.1.6\","
	    " \"serial\": \"S1\", \"mac\": \"00:0E:08:12:34:56\","
	    " \"client_hello\": {\"version_id\": \"0x0301\", \"max_version_id\": \"0x0301\","
	    " \"cipher_suites\": [{\"id\": \"0x0035\"}, {\"id\": \"0x002f\"}],"
	    " \"compression_methods\": [\"0x00\"], \"extensions\": []}}");
	const struct ps_model *m = NULL;
	char *err = NULL;
	int rc = ps_model_file_load(path, &m, &err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	assert_int_equal(ps_model_count(), before + 1);
	assert_ptr_equal(ps_model_at(before), m);
	assert_ptr_equal(ps_model_find("DESK942"), m); /* case and hyphens ignored */
	assert_ptr_equal(ps_model_find("spa942"), ps_model_at(3));
	assert_string_equal(m->based_on, "spa942");
	assert_string_equal(m->product, "SPA942");
	assert_string_equal(m->firmware, "6.1.6");
	assert_string_equal(m->priority, "NONE:+VERS-TLS1.0:+RSA:+AES-256-CBC:+AES-128-CBC:+SHA1:"
					 "+COMP-NULL:+SIGN-ALL:%NO_EXTENSIONS");
	assert_true(m->no_sni);
	assert_null(m->unplayable);
	assert_string_equal(m->suites,
			    "TLS 1.0; TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA");
	assert_false(ps_model_assumed(m, "suites"));
	struct ps_identity id;
	ps_identity_init(&id, m);
	assert_string_equal(id.mac, "000e08123456");
	char *ua = ps_identity_user_agent(&id);
	assert_string_equal(ua, "Linksys/SPA-942-6.1.6 (S1)");
	free(ua);
	ps_identity_clear(&id);
	/* the same name again: refused, the catalogue unchanged */
	assert_int_equal(ps_model_file_load(path, &m, &err), -1);
	assert_non_null(strstr(err, "the name 'desk-942' is taken"));
	free(err);
	assert_int_equal(ps_model_count(), before + 1);
	unlink(path);
	free(path);
	/* a catalogue name cannot be added */
	struct ps_model twin = *ps_model_default();
	assert_false(ps_model_add(&twin));
	assert_true(ps_model_name_valid("bench-942.v2"));
	assert_false(ps_model_name_valid("Bench"));
	assert_false(ps_model_name_valid("-x"));
	assert_false(ps_model_name_valid("abcdefghijabcdefghijabcdefghijab"));
	assert_false(ps_model_name_valid(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_phone),        cmocka_unit_test(test_diff),
		cmocka_unit_test(test_priority_round_trip), cmocka_unit_test(test_ua_capture),
		cmocka_unit_test(test_model_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
