/* The parameter dictionary and the profile checks (profile/dict.h,
 * profile/lint.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/finding.h"
#include "phone/catalogue.h"
#include "profile/dict.h"
#include "profile/lint.h"
#include "profile/params.h"
#include "profile/spc.h"
#include "profile/xml.h"

/* The dictionary is sorted as its binary search needs, and every entry is
 * sane: a family, a type, a spec where the type needs one. */
static void test_dict_table(void **state)
{
	(void)state;
	assert_true(ps_dict_count > 900);
	for (size_t i = 1; i < ps_dict_count; i++)
		assert_true(strcmp(ps_dict[i - 1].name, ps_dict[i].name) <= 0);
	size_t per_family[4] = { 0 };
	for (size_t i = 0; i < ps_dict_count; i++) {
		const struct ps_pdef *d = &ps_dict[i];
		assert_true(d->fams != 0 && (d->fams & ~PS_FAM_ALL) == 0);
		assert_true(d->type <= PS_PT_SECRET);
		if (d->type == PS_PT_ENUM)
			assert_non_null(d->spec);
		if (d->type == PS_PT_INT || d->type == PS_PT_ENUM || d->type == PS_PT_TIME)
			assert_non_null(d->guide); /* typed from a guide, never guessed */
		for (unsigned f = 0; f < 4; f++)
			per_family[f] += (d->fams >> f) & 1u;
		assert_true(d->srcs != 0 || d->guide);
	}
	for (unsigned f = 0; f < 4; f++)
		assert_true(per_family[f] > 400);
	assert_true(ps_dict_n_sources >= 12);
}

static void test_family(void **state)
{
	(void)state;
	assert_int_equal(ps_dict_family(ps_model_find("spa942")), PS_FAM_SPA9XX);
	/* the SPA901's older engine: the SPA9x2's names and the ATAs' */
	assert_int_equal(ps_dict_family(ps_model_find("spa901")), PS_FAM_SPA9XX | PS_FAM_ATA);
	assert_int_equal(ps_dict_family(ps_model_find("spa303")), PS_FAM_SPA5XX);
	assert_int_equal(ps_dict_family(ps_model_find("spa525g")), PS_FAM_SPA5XX);
	assert_int_equal(ps_dict_family(ps_model_find("pap2t")), PS_FAM_ATA);
	assert_int_equal(ps_dict_family(ps_model_find("spa8000")), PS_FAM_ATA);
	assert_int_equal(ps_dict_family(ps_model_find("spa122")), PS_FAM_SPA1XX);
	assert_int_equal(ps_dict_family(ps_model_find("spa232d")), PS_FAM_SPA1XX);
	/* a learned model takes its base's */
	struct ps_model learned = { .id = "bench", .family = "?", .based_on = "spa504g" };
	assert_int_equal(ps_dict_family(&learned), PS_FAM_SPA5XX);
	assert_int_equal(ps_dict_family(NULL), 0);
	char buf[96];
	assert_string_equal(ps_dict_family_name(PS_FAM_SPA9XX, buf, sizeof buf), "SPA9x2");
	assert_string_equal(ps_dict_family_name(PS_FAM_SPA9XX | PS_FAM_SPA5XX, buf, sizeof buf),
			    "SPA9x2 and SPA3xx/5xx");
	assert_string_equal(ps_dict_family_name(PS_FAM_ALL & ~PS_FAM_ATA, buf, sizeof buf),
			    "SPA9x2, SPA3xx/5xx and SPA1xx");
}

static void test_find(void **state)
{
	(void)state;
	unsigned idx;
	const struct ps_pdef *d = ps_dict_find("Upgrade_Rule", PS_FAM_SPA9XX, &idx);
	assert_non_null(d);
	assert_int_equal(idx, 0);
	assert_int_equal(d->type, PS_PT_RULE);
	assert_null(ps_dict_find("upgrade_rule", PS_FAM_ALL, &idx)); /* letter case counts */
	assert_null(ps_dict_find("Upgrade_Rulle", PS_FAM_ALL, &idx));
	d = ps_dict_find("Line_Enable_3_", PS_FAM_SPA9XX, &idx);
	assert_non_null(d);
	assert_int_equal(idx, 3);
	assert_string_equal(d->name, "Line_Enable");
	assert_true(d->flags & PS_PD_INDEXED);
	assert_int_equal(d->type, PS_PT_BOOL);
	assert_null(ps_dict_find("Line_Enable", PS_FAM_SPA9XX, &idx));   /* no index */
	assert_null(ps_dict_find("Line_Enable_3", PS_FAM_SPA9XX, &idx)); /* no closing _ */
	assert_null(ps_dict_find("Line_Enable__3_", PS_FAM_SPA9XX, &idx));
	assert_null(ps_dict_find("Line_Enable_03_", PS_FAM_SPA9XX, &idx)); /* exactly */
	/* NAME_n_ and NAME are two parameters, of their own families */
	assert_non_null(ps_dict_find("Attn_Transfer_Serv", PS_FAM_SPA9XX, &idx));
	assert_null(ps_dict_find("Attn_Transfer_Serv_1_", PS_FAM_SPA9XX, &idx));
	assert_non_null(ps_dict_find("Attn_Transfer_Serv_1_", PS_FAM_ATA, &idx));
	assert_null(ps_dict_find("Attn_Transfer_Serv", PS_FAM_ATA, &idx));
	/* ATAs spell it ToS, phones TOS */
	assert_non_null(ps_dict_find("SIP_ToS_DiffServ_Value_1_", PS_FAM_ATA, &idx));
	assert_null(ps_dict_find("SIP_ToS_DiffServ_Value_1_", PS_FAM_SPA9XX, &idx));
	assert_non_null(ps_dict_find("SIP_TOS_DiffServ_Value_1_", PS_FAM_SPA9XX, &idx));
	/* another family's */
	assert_null(ps_dict_find("FXS_Port_Impedance", PS_FAM_SPA9XX, &idx));
	assert_non_null(ps_dict_find("FXS_Port_Impedance", PS_FAM_ATA, &idx));
	char buf[64];
	d = ps_dict_find("Proxy_2_", PS_FAM_SPA5XX, &idx);
	assert_string_equal(ps_pdef_name(d, idx, buf, sizeof buf), "Proxy_2_");
	assert_int_equal(ps_pdef_type(d, "Proxy_2_"), PS_PT_STRING);
	d = ps_dict_find("Password_1_", PS_FAM_SPA5XX, &idx);
	assert_int_equal(ps_pdef_type(d, "Password_1_"), PS_PT_SECRET);
}

/* Whether `value` fits `name` in `fams`; *why checked against `want`
 * (a part of it) when it does not. */
static bool fits(const char *name, unsigned fams, const char *value, const char *want)
{
	unsigned idx;
	const struct ps_pdef *d = ps_dict_find(name, fams, &idx);
	assert_non_null(d);
	char *why = NULL;
	bool ok = ps_pdef_value_ok(d, name, value, &why);
	if (!ok) {
		assert_non_null(why);
		if (want && !strstr(why, want)) {
			printf("# %s=%s: '%s' lacks '%s'\n", name, value, why, want);
			fail();
		}
	} else {
		assert_null(why);
	}
	free(why);
	return ok;
}

static void test_values(void **state)
{
	(void)state;
	unsigned F = PS_FAM_SPA9XX;
	/* Yes/No, in any case; Enable/Disable and 1/0 as the compiler takes */
	assert_true(fits("Line_Enable_1_", F, "Yes", NULL));
	assert_true(fits("Line_Enable_1_", F, "no", NULL));
	assert_true(fits("Line_Enable_1_", F, "YES", NULL));
	assert_true(fits("Line_Enable_1_", F, "Disable", NULL));
	assert_true(fits("Line_Enable_1_", F, "1", NULL));
	assert_false(fits("Line_Enable_1_", F, "Maybe", "Yes or No"));
	assert_false(fits("Line_Enable_1_", F, "true", "Yes or No"));
	/* empty, macros and placeholders are never judged */
	assert_true(fits("Line_Enable_1_", F, "", NULL));
	assert_true(fits("Line_Enable_1_", F, "$A", NULL));
	assert_true(fits("Line_Enable_1_", F, "{$enable}", NULL));
	/* integers: decimal, hex, range, a delay list */
	assert_true(fits("Resync_Periodic", F, "3600", NULL));
	assert_true(fits("Resync_Periodic", F, "0x0e10", NULL));
	assert_true(fits("Resync_Periodic", F, "3600+600", NULL));
	assert_true(fits("Resync_Error_Retry_Delay", F, "1800+300,3600+600,7200", NULL));
	assert_false(fits("Resync_Periodic", F, "abc", "a whole number of seconds"));
	assert_false(fits("Resync_Periodic", F, "1h", "list"));
	assert_false(fits("Resync_Periodic", F, "-5", NULL));
	assert_false(fits("Resync_Periodic", F, "+5", NULL));
	assert_false(fits("Forced_Resync_Delay", F, "-0", NULL));
	assert_false(fits("Forced_Resync_Delay", F, "99999999999999999999", NULL));
	assert_true(fits("Forced_Resync_Delay", F, "4294967295", NULL));
	assert_false(fits("Forced_Resync_Delay", F, "4294967296", NULL));
	assert_false(fits("Resync_Periodic", F, "99999999999+5", NULL));
	assert_false(fits("Resync_Error_Retry_Delay", F, "1800,,3600", NULL));
	assert_true(fits("SIP_Port_1_", F, "5060", NULL));
	assert_true(fits("SIP_Port_1_", F, "65535", NULL));
	assert_false(fits("SIP_Port_1_", F, "65536", "from 0 to 65535"));
	assert_false(fits("SIP_Port_1_", F, "50 60", NULL));
	assert_true(fits("SIP_TOS_DiffServ_Value_1_", F, "0x68", NULL));
	assert_false(fits("SIP_TOS_DiffServ_Value_1_", F, "0x1ff", "0 to 255"));
	assert_false(fits("SIP_TOS_DiffServ_Value_1_", F, "0xg", NULL));
	assert_false(fits("Resync_Random_Delay", F, "x", "20-second units"));
	/* words, in any case */
	assert_true(fits("Preferred_Codec_1_", F, "G711u", NULL));
	assert_true(fits("Preferred_Codec_1_", F, "g729A", NULL));
	assert_false(fits("Preferred_Codec_1_", F, "G999", "one of G711u, G711a"));
	assert_true(fits("SIP_Transport_1_", PS_FAM_SPA5XX, "TLS", NULL));
	assert_false(fits("SIP_Transport_1_", PS_FAM_SPA5XX, "SCTP", "UDP, TCP, TLS"));
	assert_true(fits("Jitter_Buffer_Adjustment_1_", PS_FAM_ATA, "disable", NULL));
	/* a time of day */
	assert_true(fits("Resync_At__HHmm_", PS_FAM_SPA5XX, "0230", NULL));
	assert_true(fits("Resync_At__HHmm_", PS_FAM_SPA5XX, "2400", NULL));
	assert_false(fits("Resync_At__HHmm_", PS_FAM_SPA5XX, "2401", "0000 to 2400"));
	assert_false(fits("Resync_At__HHmm_", PS_FAM_SPA5XX, "2:30", NULL));
	assert_false(fits("Resync_At__HHmm_", PS_FAM_SPA5XX, "0260", NULL));
	/* rules: triggers and Report_Rule are parsed here */
	assert_true(fits("Resync_Trigger_1", F, "$REGTMR1 gt 600", NULL));
	assert_false(fits("Resync_Trigger_1", F, "$REGTMR1 gt", "condition that parses"));
	assert_true(fits("Report_Rule", F, "http://r.example.net/$MA.xml", NULL));
	/* Profile_Rule is left to the rule step */
	assert_true(fits("Profile_Rule", F, "((((", NULL));
	/* strings take anything */
	assert_true(fits("Station_Name", F, "any thing at all", NULL));
	/* the effects are sentences */
	for (int t = PS_PT_STRING; t <= PS_PT_SECRET; t++)
		assert_true(strlen(ps_ptype_bad_effect((enum ps_ptype)t)) > 10);
	assert_string_equal(ps_ptype_name(PS_PT_BOOL), "Yes/No");
}

/* Lints an XML text for `model`; the items in `l`. */
static void lint_xml(const char *xml, const char *model, struct ps_lint *l)
{
	struct ps_params *t = ps_params_new();
	struct ps_parse_result res;
	assert_int_equal(ps_profile_parse_xml(xml, strlen(xml), "f.xml", t, &res), 0);
	ps_profile_lint(&res.ops, ps_model_find(model), l);
	ps_parse_result_clear(&res);
	ps_params_free(t);
}

static const struct ps_lint_item *item_for(const struct ps_lint *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

/* The case: a typo, a bad number, a bad Yes/No; with lines. */
static void test_lint_basic(void **state)
{
	(void)state;
	struct ps_lint l;
	lint_xml("<flat-profile>\n"
		 "<Upgrade_Enable>Yes</Upgrade_Enable>\n"
		 "<Upgrade_Rulle>http://fw/spa942-6-1-5a.bin</Upgrade_Rulle>\n"
		 "<Resync_Periodic>abc</Resync_Periodic>\n"
		 "<Line_Enable_1_>Maybe</Line_Enable_1_>\n"
		 "</flat-profile>\n",
		 "spa942", &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.items[0].id, PS_F_PROFILE_UNKNOWN_PARAMETER);
	assert_int_equal(l.items[0].line, 3);
	assert_string_equal(l.items[0].suggest, "Upgrade_Rule");
	assert_non_null(strstr(l.items[0].detail, "did you mean Upgrade_Rule?"));
	assert_non_null(strstr(l.items[0].detail, "SPA942"));
	assert_int_equal(l.items[1].id, PS_F_PROFILE_BAD_VALUE);
	assert_int_equal(l.items[1].line, 4);
	assert_string_equal(l.items[1].name, "Resync_Periodic");
	assert_non_null(strstr(l.items[1].detail, "\"abc\""));
	assert_int_equal(l.items[2].id, PS_F_PROFILE_BAD_VALUE);
	assert_int_equal(l.items[2].line, 5);
	assert_non_null(strstr(l.items[2].detail, "not Yes or No"));
	assert_false(l.no_family);
	ps_lint_clear(&l);
}

/* Case variants, typos across the table, suggestions for lines. */
static void test_lint_suggest(void **state)
{
	(void)state;
	struct ps_lint l;
	lint_xml("<flat-profile>\n"
		 "<upgrade_enable>Yes</upgrade_enable>\n"
		 "<PROFILE_RULE>x</PROFILE_RULE>\n"
		 "<Line_Enable_2>Yes</Line_Enable_2>\n"
		 "<Proxy_0_>p</Proxy_0_>\n"
		 "<Resync_Periodc>60</Resync_Periodc>\n"
		 "<Display_Nmae_2_>Bob</Display_Nmae_2_>\n"
		 "<Completely_Unheard_Of>1</Completely_Unheard_Of>\n"
		 "</flat-profile>\n",
		 "spa942", &l);
	assert_int_equal(l.n, 7);
	const struct ps_lint_item *it = item_for(&l, "upgrade_enable");
	assert_string_equal(it->suggest, "Upgrade_Enable");
	assert_non_null(strstr(it->detail, "letter case"));
	it = item_for(&l, "PROFILE_RULE");
	assert_non_null(it);
	assert_string_equal(it->suggest, "Profile_Rule");
	it = item_for(&l, "Line_Enable_2");
	assert_int_equal(it->id, PS_F_PROFILE_UNKNOWN_PARAMETER);
	assert_string_equal(it->suggest, "Line_Enable_2_");
	it = item_for(&l, "Proxy_0_");
	assert_int_equal(it->id, PS_F_PROFILE_UNKNOWN_PARAMETER);
	it = item_for(&l, "Resync_Periodc");
	assert_non_null(strstr(it->suggest, "Resync_Periodic"));
	it = item_for(&l, "Display_Nmae_2_");
	assert_string_equal(it->suggest, "Display_Name_2_");
	it = item_for(&l, "Completely_Unheard_Of");
	assert_null(it->suggest);
	assert_null(strstr(it->detail, "did you mean"));
	for (size_t i = 0; i < l.n; i++)
		assert_false(l.items[i].secret);
	ps_lint_clear(&l);

	lint_xml("<flat-profile>\n"
		 "<Dial_Plan>(x.)</Dial_Plan>\n"
		 "<Pasword_1_>x</Pasword_1_>\n"
		 "<Line_Enable_5>Yes</Line_Enable_5>\n"
		 "<Line_Enable_2>Yes</Line_Enable_2>\n"
		 "</flat-profile>\n",
		 "spa2102", &l);
	it = item_for(&l, "Dial_Plan"); /* a line's parameter without its line */
	assert_string_equal(it->suggest, "Dial_Plan_1_");
	it = item_for(&l, "Pasword_1_"); /* a secret's name mistyped: its value is one */
	assert_string_equal(it->suggest, "Password_1_");
	assert_true(it->secret);
	it = item_for(&l, "Line_Enable_5"); /* no line 5 on a two-line device */
	assert_null(it->suggest);
	it = item_for(&l, "Line_Enable_2");
	assert_string_equal(it->suggest, "Line_Enable_2_");
	ps_lint_clear(&l);
}

/* Another model's parameters: a line the device does not have, another
 * family's name. */
static void test_lint_other_model(void **state)
{
	(void)state;
	const char *xml = "<flat-profile>\n"
			  "<Line_Enable_5_>Yes</Line_Enable_5_>\n"
			  "<FXS_Port_Impedance>600</FXS_Port_Impedance>\n"
			  "<Text_Logo>x</Text_Logo>\n"
			  "<Line_Enable_13_>Yes</Line_Enable_13_>\n"
			  "</flat-profile>\n";
	struct ps_lint l;
	lint_xml(xml, "spa942", &l); /* four lines */
	const struct ps_lint_item *it = item_for(&l, "Line_Enable_5_");
	assert_int_equal(it->id, PS_F_PROFILE_NOT_FOR_MODEL);
	assert_non_null(strstr(it->detail, "the SPA942 has 4 lines"));
	it = item_for(&l, "FXS_Port_Impedance");
	assert_int_equal(it->id, PS_F_PROFILE_NOT_FOR_MODEL);
	assert_non_null(strstr(it->detail, "Linksys ATA"));
	assert_null(item_for(&l, "Text_Logo"));
	it = item_for(&l, "Line_Enable_13_"); /* no model has 13 lines */
	assert_int_equal(it->id, PS_F_PROFILE_UNKNOWN_PARAMETER);
	ps_lint_clear(&l);
	lint_xml(xml, "spa962", &l); /* six lines */
	assert_null(item_for(&l, "Line_Enable_5_"));
	ps_lint_clear(&l);
	lint_xml(xml, "spa2102", &l); /* two lines, an ATA */
	it = item_for(&l, "Line_Enable_5_");
	assert_int_equal(it->id, PS_F_PROFILE_NOT_FOR_MODEL);
	assert_non_null(strstr(it->detail, "the SPA2102 has 2 lines"));
	assert_null(item_for(&l, "FXS_Port_Impedance"));
	it = item_for(&l, "Text_Logo");
	assert_int_equal(it->id, PS_F_PROFILE_NOT_FOR_MODEL);
	assert_non_null(strstr(it->detail, "SPA9x2 and SPA3xx/5xx"));
	ps_lint_clear(&l);
	lint_xml(xml, "spa921", &l); /* one line */
	it = item_for(&l, "Line_Enable_5_");
	assert_non_null(strstr(it->detail, "has 1 line:"));
	ps_lint_clear(&l);
}

/* Set twice: which one wins; secrets never shown. */
static void test_lint_duplicate(void **state)
{
	(void)state;
	struct ps_lint l;
	lint_xml("<flat-profile>\n"
		 "<Paging_Code>*80</Paging_Code>\n"
		 "<Station_Name>a</Station_Name>\n"
		 "<Paging_Code></Paging_Code>\n"
		 "<Station_Name>a</Station_Name>\n"
		 "<Password_1_>hunter2</Password_1_>\n"
		 "<Password_1_>s3cret</Password_1_>\n"
		 "<Station_Name>a</Station_Name>\n"
		 "</flat-profile>\n",
		 "spa942", &l);
	assert_int_equal(l.n, 3);
	const struct ps_lint_item *it = item_for(&l, "Paging_Code");
	assert_int_equal(it->id, PS_F_PROFILE_DUPLICATE);
	assert_int_equal(it->line, 2);
	assert_non_null(strstr(it->detail, "set 2 times (lines 2, 4), to different values"));
	assert_non_null(strstr(it->detail, "line 4, \"\""));
	it = item_for(&l, "Station_Name");
	assert_non_null(strstr(it->detail, "3 times (lines 3, 5, 8), to the same value"));
	it = item_for(&l, "Password_1_");
	assert_non_null(strstr(it->detail, "a secret value"));
	for (size_t i = 0; i < l.n; i++) {
		assert_null(strstr(l.items[i].detail, "hunter2"));
		assert_null(strstr(l.items[i].detail, "s3cret"));
	}
	ps_lint_clear(&l);
	/* a name the phone ignores anyway is not a duplicate too; a long list
	 * of lines is cut */
	char *xml = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&xml, &len);
	fputs(
	    "<flat-profile>\n<Upgrade_Rulle>a</Upgrade_Rulle>\n<Upgrade_Rulle>b</Upgrade_Rulle>\n",
	    f);
	for (int i = 0; i < 40; i++)
		fputs("<Station_Name>x</Station_Name>\n", f);
	fputs("</flat-profile>\n", f);
	fclose(f);
	lint_xml(xml, "spa942", &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].id, PS_F_PROFILE_UNKNOWN_PARAMETER);
	it = item_for(&l, "Station_Name");
	assert_non_null(
	    strstr(it->detail, "set 40 times (lines 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, ...)"));
	ps_lint_clear(&l);
	free(xml);
	/* <X/> leaves the value: the last one with a value wins */
	lint_xml("<flat-profile>\n<Station_Name>a</Station_Name>\n<Station_Name ua=\"rw\"/>\n"
		 "</flat-profile>\n",
		 "spa942", &l);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.items[0].detail, "line 2, \"a\""));
	ps_lint_clear(&l);
}

/* The SPA122's router-configuration tree is not checked; SPC text is,
 * with its lines. */
static void test_lint_nested_and_spc(void **state)
{
	(void)state;
	struct ps_lint l;
	lint_xml("<flat-profile>\n<router-configuration>\n<Time_Setup>\n<Enable>1</Enable>\n"
		 "</Time_Setup>\n<Log>\n<Enable>0</Enable>\n</Log>\n</router-configuration>\n"
		 "<Line_Enable_1_>Yes</Line_Enable_1_>\n</flat-profile>\n",
		 "spa122", &l);
	assert_int_equal(l.n, 0);
	ps_lint_clear(&l);
	const char *spc = "# comment\nUpgrade_Enable ! \"Yes\" ;\nUpgrade_Rulle \"x\" ;\n"
			  "Line_Enable[1] \"Perhaps\" ;\n";
	struct ps_params *t = ps_params_new();
	struct ps_parse_result res;
	assert_int_equal(ps_profile_parse_spc(spc, strlen(spc), "f.txt", t, &res), 0);
	ps_profile_lint(&res.ops, ps_model_find("spa504g"), &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].line, 3);
	assert_string_equal(l.items[0].suggest, "Upgrade_Rule");
	assert_int_equal(l.items[1].line, 4);
	assert_string_equal(l.items[1].name, "Line_Enable_1_");
	ps_lint_clear(&l);
	ps_parse_result_clear(&res);
	ps_params_free(t);
}

/* A file full of unknown names: every one is an item (the findings are
 * capped where they are raised), in file order. */
static void test_lint_many(void **state)
{
	(void)state;
	char *xml = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&xml, &len);
	fputs("<flat-profile>\n", f);
	for (int i = 0; i < 150; i++)
		fprintf(f, "<No_Such_Thing_%d>x</No_Such_Thing_%d>\n", 149 - i, 149 - i);
	fputs("</flat-profile>\n", f);
	fclose(f);
	struct ps_lint l;
	lint_xml(xml, "spa942", &l);
	assert_int_equal(l.n, 150);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.items[i].line, i + 2);
	ps_lint_clear(&l);
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dict_table),
		cmocka_unit_test(test_family),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_lint_basic),
		cmocka_unit_test(test_lint_suggest),
		cmocka_unit_test(test_lint_other_model),
		cmocka_unit_test(test_lint_duplicate),
		cmocka_unit_test(test_lint_nested_and_spc),
		cmocka_unit_test(test_lint_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
