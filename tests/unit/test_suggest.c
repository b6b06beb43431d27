/* Edit distance and "did you mean" (core/suggest.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/suggest.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(ps_edit_distance("", "", 3, false), 0);
	assert_int_equal(ps_edit_distance("abc", "abc", 3, false), 0);
	assert_int_equal(ps_edit_distance("Upgrade_Rulle", "Upgrade_Rule", 3, false), 1);
	assert_int_equal(ps_edit_distance("Upgrade_Rlue", "Upgrade_Rule", 3, false), 1); /* swap */
	assert_int_equal(ps_edit_distance("Upgrad_Rule", "Upgrade_Rule", 3, false), 1);
	assert_int_equal(ps_edit_distance("Upgrade_Ruxe", "Upgrade_Rule", 3, false), 1);
	assert_int_equal(ps_edit_distance("kitten", "sitting", 5, false), 3);
	/* letter case: counted, or not */
	assert_int_equal(ps_edit_distance("upgrade_rule", "Upgrade_Rule", 5, false), 2);
	assert_int_equal(ps_edit_distance("upgrade_rule", "Upgrade_Rule", 5, true), 0);
	/* the cap: cap + 1 as soon as it must be passed */
	assert_int_equal(ps_edit_distance("abcdef", "uvwxyz", 2, false), 3);
	assert_int_equal(ps_edit_distance("a", "abcdefgh", 3, false), 4);
	/* too long to compare */
	char big[200];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(ps_edit_distance(big, big, 2, false), 3);
	/* symmetric */
	assert_int_equal(ps_edit_distance("Line_Enable_1_", "Line_Enable_1", 3, false),
			 ps_edit_distance("Line_Enable_1", "Line_Enable_1_", 3, false));
}

static void test_tolerance(void **state)
{
	(void)state;
	assert_int_equal(ps_suggest_tolerance(1), 1);
	assert_int_equal(ps_suggest_tolerance(4), 1);
	assert_int_equal(ps_suggest_tolerance(5), 2);
	assert_int_equal(ps_suggest_tolerance(12), 2);
	assert_int_equal(ps_suggest_tolerance(13), 3);
}

static void test_suggest(void **state)
{
	(void)state;
	const char *names[] = { "Upgrade_Enable", "Upgrade_Rule", "Profile_Rule",
				"upgrade_rule_x", "UPGRADE_RULE", "Report_Rule" };
	size_t n = sizeof names / sizeof names[0], out[3];
	/* a typo: the one at distance 1 */
	size_t k = ps_suggest("Upgrade_Rulle", names, n, out, 3);
	assert_true(k >= 1);
	assert_string_equal(names[out[0]], "Upgrade_Rule");
	/* letter case only: both case variants first, in the order given,
	 * before a name one edit away */
	k = ps_suggest("upgrade_rule", names, n, out, 3);
	assert_int_equal(k, 3);
	assert_string_equal(names[out[0]], "Upgrade_Rule");
	assert_string_equal(names[out[1]], "UPGRADE_RULE");
	assert_string_equal(names[out[2]], "upgrade_rule_x");
	/* the word itself is not suggested */
	k = ps_suggest("Profile_Rule", names, n, out, 3);
	for (size_t i = 0; i < k; i++)
		assert_string_not_equal(names[out[i]], "Profile_Rule");
	/* nothing near */
	assert_int_equal(ps_suggest("Station_Name", names, n, out, 3), 0);
	/* max 1 */
	assert_int_equal(ps_suggest("upgrade_rule", names, n, out, 1), 1);
	assert_string_equal(names[out[0]], "Upgrade_Rule");
	/* max 0 */
	assert_int_equal(ps_suggest("upgrade_rule", names, n, out, 0), 0);
	/* short words: tolerance 1 */
	const char *tiny[] = { "DHCP", "IP", "ABCD" };
	assert_int_equal(ps_suggest("DHPC", tiny, 3, out, 3), 1);
	assert_string_equal(tiny[out[0]], "DHCP");
	assert_int_equal(ps_suggest("XYZW", tiny, 3, out, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_tolerance),
		cmocka_unit_test(test_suggest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
