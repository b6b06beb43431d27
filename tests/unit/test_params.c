/* Unit tests of the parameter table: order, lookups, the set rules, growth;
 * factory defaults for an SPA942 and an SPA504G; the secret rule and how
 * secrets are displayed; the batch and placeholder helpers. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phone/catalogue.h"
#include "profile/defaults.h"
#include "profile/params.h"

static void test_set_get_order(void **state)
{
	(void)state;
	struct ps_params *t = ps_params_new();
	assert_int_equal(ps_params_count(t), 0);
	assert_null(ps_params_get(t, "A"));
	assert_null(ps_params_at(t, 0));

	ps_params_set(t, "B", "2", NULL, NULL, 0);
	ps_params_set(t, "A", "1", "rw", "one.xml", 7);
	ps_params_set(t, "C", "3", NULL, NULL, 0);
	assert_int_equal(ps_params_count(t), 3);
	assert_string_equal(ps_params_at(t, 0)->name, "B");
	assert_string_equal(ps_params_at(t, 1)->name, "A");
	assert_string_equal(ps_params_at(t, 2)->name, "C");

	const struct ps_param *b = ps_params_get(t, "B");
	assert_non_null(b);
	assert_string_equal(b->value, "2");
	assert_null(b->access);
	assert_string_equal(b->source, "factory default");
	assert_int_equal(b->line, 0);

	const struct ps_param *a = ps_params_get(t, "A");
	assert_string_equal(a->access, "rw");
	assert_string_equal(a->source, "one.xml");
	assert_int_equal(a->line, 7);

	/* Names are case-sensitive. */
	assert_null(ps_params_get(t, "a"));
	ps_params_free(t);
	ps_params_free(NULL);
}

static void test_set_rules(void **state)
{
	(void)state;
	struct ps_params *t = ps_params_new();
	ps_params_set(t, "Upgrade_Enable", "Yes", NULL, NULL, 0);
	ps_params_set(t, "Other", "x", NULL, NULL, 0);

	/* A value replaces; the position in the table stays. */
	ps_params_set(t, "Upgrade_Enable", "No", "ro", "a.xml", 3);
	const struct ps_param *p = ps_params_get(t, "Upgrade_Enable");
	assert_string_equal(p->value, "No");
	assert_string_equal(p->access, "ro");
	assert_string_equal(p->source, "a.xml");
	assert_int_equal(p->line, 3);
	assert_string_equal(ps_params_at(t, 0)->name, "Upgrade_Enable");

	/* NULL value (XML <X/>) and NULL access leave both; source and line
	 * follow the last file that named the parameter. */
	ps_params_set(t, "Upgrade_Enable", NULL, NULL, "b.xml", 9);
	assert_string_equal(p->value, "No");
	assert_string_equal(p->access, "ro");
	assert_string_equal(p->source, "b.xml");
	assert_int_equal(p->line, 9);

	/* Access alone. */
	ps_params_set(t, "Upgrade_Enable", NULL, "na", "c.xml", 1);
	assert_string_equal(p->value, "No");
	assert_string_equal(p->access, "na");

	/* "" is a value, not "leave it". */
	ps_params_set(t, "Upgrade_Enable", "", NULL, "d.xml", 2);
	assert_string_equal(p->value, "");

	/* A new name with no value gets "". */
	ps_params_set(t, "New_Param", NULL, "rw", "e.xml", 4);
	assert_string_equal(ps_params_get(t, "New_Param")->value, "");
	assert_int_equal(ps_params_count(t), 3);
	ps_params_free(t);
}

static void test_many_and_stable_pointers(void **state)
{
	(void)state;
	struct ps_params *t = ps_params_new();
	ps_params_set(t, "First", "v", NULL, NULL, 0);
	const struct ps_param *first = ps_params_get(t, "First");
	char name[32], value[32];
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "Param_%u_", i);
		snprintf(value, sizeof value, "%u", i * 7);
		ps_params_set(t, name, value, NULL, NULL, 0);
	}
	assert_int_equal(ps_params_count(t), 5001);
	/* The pointer taken before the table grew is still the parameter. */
	assert_ptr_equal(first, ps_params_get(t, "First"));
	assert_string_equal(first->value, "v");
	for (unsigned i = 0; i < 5000; i += 97) {
		snprintf(name, sizeof name, "Param_%u_", i);
		snprintf(value, sizeof value, "%u", i * 7);
		const struct ps_param *p = ps_params_get(t, name);
		assert_non_null(p);
		assert_string_equal(p->value, value);
		assert_string_equal(ps_params_at(t, i + 1)->name, name);
	}
	assert_null(ps_params_get(t, "Param_5000_"));
	ps_params_free(t);
}

static void expect(const struct ps_params *t, const char *name, const char *value)
{
	const struct ps_param *p = ps_params_get(t, name);
	if (!p)
		fail_msg("default %s is missing", name);
	if (strcmp(p->value, value) != 0)
		fail_msg("default %s is '%s', want '%s'", name, p->value, value);
	assert_string_equal(p->source, "factory default");
	assert_null(p->access);
	assert_int_equal(p->line, 0);
}

/* The §1-2 parameters every model has. */
static void expect_common(const struct ps_params *t)
{
	expect(t, "Provision_Enable", "Yes");
	expect(t, "Resync_On_Reset", "Yes");
	expect(t, "Resync_Random_Delay", "2");
	expect(t, "Resync_Periodic", "3600");
	expect(t, "Resync_Error_Retry_Delay", "3600");
	expect(t, "Forced_Resync_Delay", "14400");
	expect(t, "Resync_From_SIP", "Yes");
	expect(t, "Resync_After_Upgrade_Attempt", "Yes");
	expect(t, "Resync_Trigger_1", "");
	expect(t, "Resync_Trigger_2", "");
	expect(t, "Resync_Fails_On_FNF", "Yes");
	expect(t, "Profile_Rule", "/spa$PSN.cfg");
	expect(t, "Profile_Rule_B", "");
	expect(t, "Profile_Rule_C", "");
	expect(t, "Profile_Rule_D", "");
	expect(t, "Log_Resync_Request_Msg",
	       "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH");
	expect(t, "Log_Resync_Success_Msg",
	       "$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH");
	expect(t, "Log_Resync_Failure_Msg", "$PN $MAC -- Resync failed: $ERR");
	expect(t, "Report_Rule", "");
	expect(t, "User_Configurable_Resync", "Yes");
	char name[16];
	for (char c = 'A'; c <= 'P'; c++) {
		snprintf(name, sizeof name, "GPP_%c", c);
		expect(t, name, "");
	}
	for (char c = 'A'; c <= 'D'; c++) {
		snprintf(name, sizeof name, "GPP_S%c", c);
		expect(t, name, "");
	}
	expect(t, "Upgrade_Enable", "Yes");
	expect(t, "Upgrade_Error_Retry_Delay", "3600");
	expect(t, "Downgrade_Rev_Limit", "");
	expect(t, "Upgrade_Rule", "");
	expect(t, "Log_Upgrade_Request_Msg",
	       "$PN $MAC -- Requesting upgrade $SCHEME://$SERVIP:$PORT$PATH");
	expect(t, "Log_Upgrade_Success_Msg",
	       "$PN $MAC -- Successful upgrade $SCHEME://$SERVIP:$PORT$PATH -- $ERR");
	expect(t, "Log_Upgrade_Failure_Msg", "$PN $MAC -- Upgrade failed: $ERR");
	expect(t, "License_Keys", "");
	expect(t, "Admin_Passwd", "");
	expect(t, "User_Password", "");
	expect(t, "User_ID_1_", "");
	expect(t, "Password_1_", "");
	expect(t, "Line_Enable_1_", "Yes");
	expect(t, "SIP_Port_1_", "5060");
	expect(t, "SIP_Port_2_", "5061");
}

static void test_defaults_spa942(void **state)
{
	(void)state;
	struct ps_params *t = ps_params_new();
	ps_params_load_defaults(t, ps_model_find("spa942"));
	expect_common(t);
	expect(t, "User_ID_4_", "");
	expect(t, "Register_Expires_4_", "3600");
	assert_null(ps_params_get(t, "User_ID_5_"));
	/* SPA5xx-only parameters are absent on a 9x2. */
	assert_null(ps_params_get(t, "Resync_At__HHmm_"));
	assert_null(ps_params_get(t, "DHCP_Option_To_Use"));
	assert_int_equal(ps_model_lines(ps_model_find("spa942")), 4);
	assert_true(ps_params_get(t, "GPP_SA")->secret);
	assert_false(ps_params_get(t, "GPP_A")->secret);
	size_t n = ps_params_count(t);
	ps_params_free(t);

	/* NULL means the default model, the SPA942. */
	t = ps_params_new();
	ps_params_load_defaults(t, NULL);
	assert_int_equal(ps_params_count(t), n);
	ps_params_free(t);
}

static void test_defaults_spa504g(void **state)
{
	(void)state;
	struct ps_params *t = ps_params_new();
	ps_params_load_defaults(t, ps_model_find("spa504g"));
	expect_common(t);
	expect(t, "Resync_At__HHmm_", "");
	expect(t, "Resync_At_Random_Delay", "600");
	expect(t, "DHCP_Option_To_Use", "66,160,159,150");
	expect(t, "Transport_Protocol", "tftp");
	expect(t, "Display_Name_4_", "");
	assert_null(ps_params_get(t, "Display_Name_5_"));
	ps_params_free(t);

	t = ps_params_new();
	ps_params_load_defaults(t, ps_model_find("spa508g"));
	expect(t, "Line_Enable_8_", "Yes");
	expect(t, "SIP_Port_8_", "5067");
	ps_params_free(t);
}

static void test_secret_rule(void **state)
{
	(void)state;
	static const char *const secret[] = {
		"Password_1_",
		"Password_12_",
		"Admin_Passwd",
		"User_Password",
		"LDAP_Password",
		"XML_Password",
		"PPPoE_Login_Password",
		"Auth_Page_Password_3_",
		"MAIL_Smtp_Passwd",
		"IVR_Admin_Passwd",
		"TR_069_ACS_Password",
		"GPP_SA",
		"GPP_SB",
		"GPP_SC",
		"GPP_SD",
		"Voicemail_PW",
		"Mailbox_PW_2_",
		"IKM_HTTP_Encrypt_Content",
		"Shared_Secret",
		"SIP_Shared_Secret_1_",
		"SRTP_Private_Key_1_",
	};
	static const char *const plain[] = {
		"GPP_A",
		"GPP_P",
		"GPP_S",
		"GPP_SE",
		"User_ID_1_",
		"Auth_ID_1_",
		"Use_Auth_ID_1_",
		"License_Keys",
		"Idle_Key_List",
		"Unit_1_Key_1",
		"Feature_Key_Sync_1_",
		"Mini_Certificate_1_",
		"IPSec_Passthrough",
		"FAX_Passthru_Codec_1_",
		"Multicast_Passthru",
		"Profile_Rule",
		"Key_System_IP_Address",
		"PW",
		"Secret_Santa",
		"",
	};
	for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
		if (!ps_param_is_secret(secret[i]))
			fail_msg("%s should be secret", secret[i]);
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (ps_param_is_secret(plain[i]))
			fail_msg("%s should not be secret", plain[i]);
	assert_false(ps_param_is_secret(NULL));
}

static void test_display(void **state)
{
	(void)state;
	struct ps_params *t = ps_params_new();
	ps_params_set(t, "Password_1_", "a", NULL, NULL, 0);
	ps_params_set(t, "Admin_Passwd", "a-very-long-password-of-forty-characters", NULL, NULL, 0);
	ps_params_set(t, "GPP_SA", "", NULL, NULL, 0);
	ps_params_set(t, "GPP_A", "visible", NULL, NULL, 0);
	const struct ps_param *pw = ps_params_get(t, "Password_1_");
	const struct ps_param *adm = ps_params_get(t, "Admin_Passwd");
	/* Always eight stars, whatever the length. */
	assert_string_equal(ps_param_display(pw, false), "********");
	assert_string_equal(ps_param_display(adm, false), "********");
	assert_string_equal(ps_param_display(pw, true), "a");
	assert_string_equal(ps_param_display(adm, true),
			    "a-very-long-password-of-forty-characters");
	/* An empty secret shows as empty: that it is unset is worth knowing. */
	assert_string_equal(ps_param_display(ps_params_get(t, "GPP_SA"), false), "");
	assert_string_equal(ps_param_display(ps_params_get(t, "GPP_A"), false), "visible");
	assert_string_equal(ps_param_display(NULL, false), "");
	ps_params_free(t);
}

static void test_access_norm(void **state)
{
	(void)state;
	assert_string_equal(ps_param_access_norm("na"), "na");
	assert_string_equal(ps_param_access_norm("ro"), "ro");
	assert_string_equal(ps_param_access_norm("rw"), "rw");
	assert_null(ps_param_access_norm("RW"));
	assert_null(ps_param_access_norm("yes"));
	assert_null(ps_param_access_norm(""));
	assert_null(ps_param_access_norm(NULL));
}

static void test_batch(void **state)
{
	(void)state;
	struct ps_param_batch b = { 0 };
	ps_param_batch_add(&b, "A", "1", NULL, 1);
	ps_param_batch_add(&b, "B", NULL, "rw", 2);
	ps_param_batch_add(&b, "A", "2", "ro", 3);
	assert_int_equal(ps_param_batch_distinct(&b), 2);
	struct ps_params *t = ps_params_new();
	ps_params_set(t, "B", "old", NULL, NULL, 0);
	assert_int_equal(ps_param_batch_apply(&b, t, "f.xml"), 2);
	assert_string_equal(ps_params_get(t, "A")->value, "2");
	assert_string_equal(ps_params_get(t, "A")->access, "ro");
	assert_int_equal(ps_params_get(t, "A")->line, 3);
	assert_string_equal(ps_params_get(t, "B")->value, "old");
	assert_string_equal(ps_params_get(t, "B")->access, "rw");
	assert_string_equal(ps_params_get(t, "B")->source, "f.xml");
	ps_params_free(t);
	ps_param_batch_clear(&b);
	assert_int_equal(b.n, 0);
}

static void test_placeholders(void **state)
{
	(void)state;
	assert_true(ps_value_has_placeholder("{$server.ip.1}"));
	assert_true(ps_value_has_placeholder("http://${PBX_SIP_VIP}/cathy.xml"));
	assert_true(ps_value_has_placeholder("{{ XX_server_url }}/spa-phone.xml"));
	assert_true(ps_value_has_placeholder("{{x}}"));
	/* SPA macros are the phone's, not the server's. */
	assert_false(ps_value_has_placeholder("http://x/spa$MA.xml"));
	assert_false(ps_value_has_placeholder("$(MA:0:6)$$"));
	assert_false(ps_value_has_placeholder("{}"));
	assert_false(ps_value_has_placeholder("${}"));
	assert_false(ps_value_has_placeholder("{$ unterminated"));
	assert_false(ps_value_has_placeholder(""));
	assert_false(ps_value_has_placeholder(NULL));

	struct ps_param_batch b = { 0 };
	char name[16];
	for (int i = 1; i <= 7; i++) {
		snprintf(name, sizeof name, "P%d", i);
		ps_param_batch_add(&b, name, "{$x}", NULL, (unsigned)i + 10);
	}
	ps_param_batch_add(&b, "Fixed", "{$x}", NULL, 30);
	ps_param_batch_add(&b, "Fixed", "rendered", NULL, 31); /* the last value counts */
	struct ps_profile_issue w = { .id = PS_F_COUNT };
	assert_int_equal(ps_param_batch_check_placeholders(&b, &w), 7);
	assert_int_equal(w.id, PS_F_PROFILE_PLACEHOLDER);
	assert_int_equal(w.line, 11);
	assert_non_null(strstr(w.detail, "P1, P2, P3, P4, P5 and 2 more"));
	assert_null(strstr(w.detail, "Fixed"));
	ps_profile_issue_clear(&w);
	assert_int_equal(w.id, PS_F_COUNT);
	assert_null(w.detail);
	ps_param_batch_clear(&b);

	assert_false(ps_placeholders_mean_template(1, 996));
	assert_false(ps_placeholders_mean_template(2, 19));
	assert_false(ps_placeholders_mean_template(2, 2));
	assert_true(ps_placeholders_mean_template(15, 30));
	assert_true(ps_placeholders_mean_template(3, 9));
	assert_false(ps_placeholders_mean_template(3, 10));
}

static void test_parse_result(void **state)
{
	(void)state;
	struct ps_parse_result r;
	ps_parse_result_init(&r);
	assert_int_equal(r.error.id, PS_F_COUNT);
	assert_int_equal(r.warning.id, PS_F_COUNT);
	ps_parse_result_note(&r, "note %d", 1);
	ps_parse_result_note(&r, "note %d", 2);
	ps_profile_issue_set(&r.error, PS_F_PROFILE_EMPTY, 3, 4, "x%s", "y");
	ps_profile_issue_set(&r.error, PS_F_PROFILE_EMPTY, 5, 6, "again");
	assert_int_equal(r.n_notes, 2);
	assert_string_equal(r.notes[1], "note 2");
	assert_string_equal(r.error.detail, "again");
	assert_int_equal(r.error.line, 5);
	assert_int_equal(r.error.column, 6);
	ps_parse_result_clear(&r);
	assert_int_equal(r.n_notes, 0);
	assert_int_equal(r.error.id, PS_F_COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_get_order),
		cmocka_unit_test(test_set_rules),
		cmocka_unit_test(test_many_and_stable_pointers),
		cmocka_unit_test(test_defaults_spa942),
		cmocka_unit_test(test_defaults_spa504g),
		cmocka_unit_test(test_secret_rule),
		cmocka_unit_test(test_display),
		cmocka_unit_test(test_access_norm),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_parse_result),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
