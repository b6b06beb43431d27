/* Unit tests of the phone catalogue and the phone identity: every model is
 * there, names are found leniently, each row's priority string yields the
 * phone's exact suite list, and the User-Agent and macros are exact. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "phone/catalogue.h"
#include "phone/identity.h"
#include "rules/version.h"

static const char *const model_ids[] = {
	"spa921",  "spa922",  "spa941",  "spa942",  "spa962",  "spa901",  "spa301",  "spa303",
	"spa501g", "spa502g", "spa504g", "spa508g", "spa509g", "spa512g", "spa514g", "spa525g",
	"pap2t",   "spa2102", "spa3102", "spa8000", "spa112",  "spa122",  "spa232d",
};
#define N_MODELS (sizeof model_ids / sizeof model_ids[0])

static bool is_linksys(const struct ps_model *m)
{
	return strcmp(m->vendor, "Linksys") == 0;
}

static void test_all_models_present(void **state)
{
	(void)state;
	assert_int_equal(ps_model_count(), N_MODELS);
	for (size_t i = 0; i < N_MODELS; i++) {
		const struct ps_model *m = ps_model_at(i);
		assert_non_null(m);
		assert_string_equal(m->id, model_ids[i]);
		assert_ptr_equal(ps_model_find(model_ids[i]), m);
		assert_non_null(m->product);
		assert_non_null(m->psn);
		assert_non_null(m->family);
		assert_non_null(m->ua_format);
		assert_non_null(m->priority);
		assert_non_null(m->suites);
		assert_int_equal(strlen(m->mac_prefix), 6);
		assert_non_null(m->kind);
		assert_true(strcmp(m->kind, "phone") == 0 || strcmp(m->kind, "ATA") == 0);
		assert_non_null(m->factory_rule);
		assert_true(m->factory_rule[0] == '/');
		assert_non_null(m->server_ca);
		assert_non_null(m->client_ca);
		assert_non_null(m->sources);
		assert_non_null(m->assumed);
		/* its own firmware is of its family */
		assert_true(ps_version_valid(m->firmware));
		assert_true(ps_model_firmware_major(m, m->firmware));
		/* a newer CA from a firmware on: both or neither */
		assert_true(!m->server_ca_new == !m->server_ca_from);
	}
	assert_null(ps_model_at(N_MODELS));
	assert_null(ps_model_at((size_t)-1));
}

static void test_find_lenient(void **state)
{
	(void)state;
	const struct ps_model *spa942 = ps_model_find("spa942");
	const struct ps_model *spa504g = ps_model_find("spa504g");
	assert_non_null(spa942);
	assert_non_null(spa504g);
	assert_string_equal(spa942->id, "spa942");
	assert_string_equal(spa504g->id, "spa504g");
	assert_ptr_equal(ps_model_find("SPA942"), spa942);
	assert_ptr_equal(ps_model_find("spa-942"), spa942);
	assert_ptr_equal(ps_model_find("SPA-942"), spa942);
	assert_ptr_equal(ps_model_find("Linksys/SPA942"), spa942);
	assert_ptr_equal(ps_model_find("linksys-spa942"), spa942);
	assert_ptr_equal(ps_model_find("cisco spa504g"), spa504g);
	assert_ptr_equal(ps_model_find("Cisco/SPA504G"), spa504g);
	assert_ptr_equal(ps_model_find("SPA-504G"), spa504g);
}

static void test_find_rejects(void **state)
{
	(void)state;
	assert_null(ps_model_find("spa999"));
	assert_null(ps_model_find(""));
	assert_null(ps_model_find(NULL));
	assert_null(ps_model_find("Linksys/"));
	assert_null(ps_model_find("spa94"));
	assert_null(ps_model_find("spa9420"));
	char longname[4096];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_null(ps_model_find(longname));
	/* A known id followed by a long tail is still not a model. */
	memcpy(longname, "spa942", 6);
	assert_null(ps_model_find(longname));
	memset(longname, 'x', 40);
	memcpy(longname + 40, "spa942", 7);
	assert_null(ps_model_find(longname));
}

static void test_default_model(void **state)
{
	(void)state;
	const struct ps_model *m = ps_model_default();
	assert_non_null(m);
	assert_string_equal(m->id, "spa942");
	assert_string_equal(m->product, "SPA942");
	assert_string_equal(m->psn, "942");
}

static void test_vendor_firmware(void **state)
{
	(void)state;
	size_t linksys = 0, cisco = 0, atas = 0;
	for (size_t i = 0; i < ps_model_count(); i++) {
		const struct ps_model *m = ps_model_at(i);
		atas += strcmp(m->kind, "ATA") == 0;
		if (is_linksys(m)) {
			linksys++;
			if (strcmp(m->family, "SPA9x2") == 0)
				assert_string_equal(m->firmware, "6.1.5(a)");
		} else {
			cisco++;
			assert_string_equal(m->vendor, "Cisco");
			if (strcmp(m->kind, "phone") == 0)
				assert_string_equal(m->firmware, "7.5.5");
		}
	}
	assert_int_equal(linksys, 10);
	assert_int_equal(cisco, 13);
	assert_int_equal(atas, 7);
	/* Reference facts: versions and names as the sources give them. */
	assert_string_equal(ps_model_find("spa2102")->firmware, "5.2.12");
	assert_string_equal(ps_model_find("spa3102")->firmware, "5.1.10(GW)");
	assert_string_equal(ps_model_find("spa122")->psn, "122");
	assert_string_equal(ps_model_find("pap2t")->factory_rule, "/init.cfg");
	assert_true(ps_model_assumed(ps_model_find("pap2t"), "factory_rule"));
	assert_false(ps_model_assumed(ps_model_find("spa2102"), "ua"));
	assert_true(ps_model_assumed(ps_model_find("spa3102"), "ua"));
	/* No firmware upgrade over HTTPS on the Linksys ATAs (LATA p.3-4). */
	assert_false(ps_model_find("spa2102")->https_upgrade);
	assert_true(ps_model_find("spa504g")->https_upgrade);
	/* Firmware families by first number. */
	assert_false(ps_model_firmware_major(ps_model_find("spa942"), "7.5.5"));
	assert_false(ps_model_firmware_major(ps_model_find("spa112"), "5.2.12"));
	assert_true(ps_model_firmware_major(ps_model_find("spa112"), "1.3.5_004p"));
	assert_string_equal(ps_model_article(ps_model_find("spa942")), "an");
	assert_string_equal(ps_model_article(ps_model_find("pap2t")), "a");
}

/* Cisco's SPA CA list, by model and firmware (spa-family.md §6). */
static void test_vendor_trust(void **state)
{
	(void)state;
	const struct ps_vendor_ca *sipura = ps_vendor_ca_in("CN=Sipura CA,O=Sipura", false);
	const struct ps_vendor_ca *sb = ps_vendor_ca_in("CN=Cisco Small Business CA", false);
	const struct ps_vendor_ca *sb2k = ps_vendor_ca_in("CN=Cisco 2k Small Business CA", false);
	assert_non_null(sipura);
	assert_non_null(sb);
	assert_non_null(sb2k);
	assert_ptr_not_equal(sb, sb2k);
	assert_null(ps_vendor_ca_in("CN=Let's Encrypt R3,O=Let's Encrypt", false));
	assert_null(ps_vendor_ca_in(NULL, false));
	const struct ps_model *spa942 = ps_model_find("spa942"),
			      *spa504g = ps_model_find("spa504g");
	const struct ps_model *spa122 = ps_model_find("spa122"), *spa303 = ps_model_find("spa303");
	assert_true(ps_model_trusts(spa942, NULL, sipura));
	assert_false(ps_model_trusts(spa942, NULL, sb));
	assert_true(ps_model_trusts(spa504g, "7.5.5", sb));
	assert_false(ps_model_trusts(spa504g, "7.5.5", sb2k));
	assert_true(ps_model_trusts(spa504g, "7.5.6", sb2k));
	assert_true(ps_model_trusts(spa504g, "7.6.2c", sb));
	assert_false(ps_model_trusts(spa122, "1.3.2(014)", sb2k));
	assert_true(ps_model_trusts(spa122, "1.3.3", sb2k));
	/* SPA3xx: under both the SB and the Sipura CA, never the 2k CA */
	assert_true(ps_model_trusts(spa303, NULL, sb));
	assert_true(ps_model_trusts(spa303, NULL, sipura));
	assert_false(ps_model_trusts(spa303, "7.6.2", sb2k));
	char *cas = ps_model_server_cas(spa504g, "7.5.6");
	assert_string_equal(cas, "the Cisco 2k Small Business CA or the Cisco Small Business CA");
	free(cas);
	cas = ps_model_server_cas(spa303, NULL);
	assert_string_equal(cas, "the Cisco Small Business CA or the Sipura CA");
	free(cas);
	/* device CAs */
	char *note = ps_model_device_ca_note(spa942, "CN=Linksys CA Client Root");
	assert_non_null(strstr(note, "which signs an SPA942's factory certificate"));
	assert_null(strstr(note, "not"));
	free(note);
	note = ps_model_device_ca_note(spa942, "CN=Sipura CA Client Root");
	assert_non_null(strstr(note, "not the Linksys CA Client Root"));
	free(note);
	note = ps_model_device_ca_note(spa942, "CN=provscope lab vendor CA");
	assert_non_null(strstr(note, "the server's own PKI"));
	free(note);
}

/* The 2-byte suite ids a priority string yields, in order. */
static size_t priority_suites(const char *prio, unsigned *ids, size_t max)
{
	gnutls_priority_t p;
	const char *pos = NULL;
	int rc = gnutls_priority_init(&p, prio, &pos);
	if (rc < 0)
		fail_msg("priority '%s' rejected: %s at %s", prio, gnutls_strerror(rc),
			 pos ? pos : "?");
	size_t n = 0;
	for (unsigned i = 0;; i++) {
		unsigned idx;
		rc = gnutls_priority_get_cipher_suite_index(p, i, &idx);
		if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (rc < 0)
			continue; /* a suite this GnuTLS build does not offer */
		unsigned char id[2];
		if (!gnutls_cipher_suite_info(idx, id, NULL, NULL, NULL, NULL))
			continue;
		if (n < max)
			ids[n] = ((unsigned)id[0] << 8) | id[1];
		n++;
	}
	gnutls_priority_deinit(p);
	return n;
}

static void test_priority_suites(void **state)
{
	(void)state;
	static const unsigned linksys[] = { 0x0035, 0x002F, 0x0005, 0x0004 };
	static const unsigned cisco[] = { 0x0039, 0x0033, 0x0035, 0x002F, 0x0005, 0x0004 };
	for (size_t i = 0; i < ps_model_count(); i++) {
		const struct ps_model *m = ps_model_at(i);
		/* the SPA9xx phones: RSA only; the ATAs and Cisco phones: DHE too */
		bool rsa_only = is_linksys(m) && strcmp(m->kind, "phone") == 0;
		const unsigned *want = rsa_only ? linksys : cisco;
		size_t n_want = rsa_only ? 4 : 6;
		unsigned got[32];
		size_t n = priority_suites(m->priority, got, 32);
		assert_int_equal(n, n_want);
		for (size_t k = 0; k < n; k++) {
			if (got[k] != want[k])
				fail_msg("%s suite %zu: 0x%04X, want 0x%04X", m->id, k, got[k],
					 want[k]);
		}
	}
}

static void test_user_agent_spa942(void **state)
{
	(void)state;
	struct ps_identity id;
	ps_identity_init(&id, ps_model_default());
	char *ua = ps_identity_user_agent(&id);
	assert_string_equal(ua, "Linksys/SPA-942-6.1.5(a) (88019FA42805)");
	free(ua);
	ps_identity_clear(&id);
}

static void test_user_agent_spa504g(void **state)
{
	(void)state;
	struct ps_identity id;
	ps_identity_init(&id, ps_model_find("spa504g"));
	assert_true(ps_identity_set_mac(&id, "00:02:fd:ff:21:03"));
	ps_identity_set_serial(&id, "CBT141400UK");
	char *ua = ps_identity_user_agent(&id);
	assert_string_equal(ua, "Cisco/SPA504G-7.5.5 (0002FDFF2103)(CBT141400UK)");
	free(ua);
	ps_identity_set_firmware(&id, "7.6.2");
	ps_identity_set_serial(&id, "XYZ");
	ua = ps_identity_user_agent(&id);
	assert_string_equal(ua, "Cisco/SPA504G-7.6.2 (0002FDFF2103)(XYZ)");
	free(ua);
	ps_identity_clear(&id);
}

static void test_user_agent_spa525g(void **state)
{
	(void)state;
	struct ps_identity id;
	ps_identity_init(&id, ps_model_find("spa525g"));
	assert_true(ps_identity_set_mac(&id, "00:02:fd:ff:21:03"));
	char *ua = ps_identity_user_agent(&id);
	assert_string_equal(ua, "Cisco/SPA525G-7.5.5 (CBT141400UK)");
	assert_null(strstr(ua, "0002FDFF2103"));
	free(ua);
	ps_identity_clear(&id);
}

static void test_set_mac_forms(void **state)
{
	(void)state;
	static const char *const good[] = {
		"0002fdff2103",      "00:02:fd:ff:21:03", "00:02:FD:FF:21:03",
		"00-02-fd-ff-21-03", "0002.fdff.2103",    "0002FDFF2103",
	};
	struct ps_identity id;
	ps_identity_init(&id, ps_model_default());
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_true(ps_identity_set_mac(&id, "000e08aabbcc"));
		assert_true(ps_identity_set_mac(&id, good[i]));
		assert_string_equal(id.mac, "0002fdff2103");
		assert_string_equal(id.mau, "0002FDFF2103");
		assert_string_equal(id.mac_colons, "00:02:fd:ff:21:03");
	}
	ps_identity_clear(&id);
}

static void test_set_mac_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"0002fdff210",       /* 11 digits */
		"0002fdff21033",     /* 13 digits */
		"00:02:fd:ff:21",    /* 10 */
		"00:02:fd:ff:21:0g", /* not hex */
		"00 02 fd ff 21 03", /* spaces are no separator */
		"",
		"0002fdff2103000000", /* 18 */
	};
	struct ps_identity id;
	ps_identity_init(&id, ps_model_default());
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (ps_identity_set_mac(&id, bad[i]))
			fail_msg("accepted MAC '%s'", bad[i]);
		/* The MAC is left as it was. */
		assert_string_equal(id.mac, "000e08aabbcc");
		assert_string_equal(id.mau, "000E08AABBCC");
	}
	ps_identity_clear(&id);
}

static void test_macros(void **state)
{
	(void)state;
	struct ps_identity id;
	ps_identity_init(&id, ps_model_default());
	assert_string_equal(ps_identity_macro(&id, "MA"), "000e08aabbcc");
	assert_string_equal(ps_identity_macro(&id, "MAU"), "000E08AABBCC");
	assert_string_equal(ps_identity_macro(&id, "MAC"), "00:0e:08:aa:bb:cc");
	assert_string_equal(ps_identity_macro(&id, "PN"), "SPA942");
	assert_string_equal(ps_identity_macro(&id, "PSN"), "942");
	assert_string_equal(ps_identity_macro(&id, "SN"), "88019FA42805");
	assert_string_equal(ps_identity_macro(&id, "SWVER"), "6.1.5(a)");
	assert_null(ps_identity_macro(&id, "NOPE"));
	assert_null(ps_identity_macro(&id, "ma"));
	assert_null(ps_identity_macro(&id, ""));
	ps_identity_clear(&id);

	ps_identity_init(&id, ps_model_find("spa504g"));
	assert_true(ps_identity_set_mac(&id, "00-02-FD-FF-21-03"));
	ps_identity_set_serial(&id, "CBT999");
	ps_identity_set_firmware(&id, "7.5.6");
	assert_string_equal(ps_identity_macro(&id, "MA"), "0002fdff2103");
	assert_string_equal(ps_identity_macro(&id, "MAU"), "0002FDFF2103");
	assert_string_equal(ps_identity_macro(&id, "MAC"), "00:02:fd:ff:21:03");
	assert_string_equal(ps_identity_macro(&id, "PN"), "SPA504G");
	assert_string_equal(ps_identity_macro(&id, "PSN"), "504G");
	assert_string_equal(ps_identity_macro(&id, "SN"), "CBT999");
	assert_string_equal(ps_identity_macro(&id, "SWVER"), "7.5.6");
	ps_identity_clear(&id);
}

/* A control character in a value never reaches the header: CR LF would
 * start a header of its own. */
static void test_user_agent_no_control(void **state)
{
	(void)state;
	struct ps_identity id;
	ps_identity_init(&id, ps_model_find("spa942"));
	ps_identity_set_serial(&id, "A\r\nX-Injected: 1");
	char *ua = ps_identity_user_agent(&id);
	assert_string_equal(ua, "Linksys/SPA-942-6.1.5(a) (A??X-Injected: 1)");
	free(ua);
	ps_identity_clear(&id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_models_present),
		cmocka_unit_test(test_find_lenient),
		cmocka_unit_test(test_find_rejects),
		cmocka_unit_test(test_default_model),
		cmocka_unit_test(test_vendor_firmware),
		cmocka_unit_test(test_vendor_trust),
		cmocka_unit_test(test_priority_suites),
		cmocka_unit_test(test_user_agent_spa942),
		cmocka_unit_test(test_user_agent_no_control),
		cmocka_unit_test(test_user_agent_spa504g),
		cmocka_unit_test(test_user_agent_spa525g),
		cmocka_unit_test(test_set_mac_forms),
		cmocka_unit_test(test_set_mac_rejects),
		cmocka_unit_test(test_macros),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
