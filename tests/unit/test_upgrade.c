/* Unit tests of the firmware-upgrade helpers: the retry schedule spelled
 * out, and the redaction of --key/--pwd in rule strings. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine/upgrade.h"
#include "model/profile.h"

static void check_schedule(const char *in, const char *want)
{
	char *got = ps_retry_schedule(in);
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_retry_schedule(void **state)
{
	(void)state;
	check_schedule("3600", "retry every 1 hour");
	check_schedule("30", "retry every 30 s");
	check_schedule("86400", "retry every 1 day");
	check_schedule("1800+300,3600+600,7200+900",
		       "after 30 min plus up to 5 min at random, then after 1 hour plus up to 10 "
		       "min at random, then every 2 hours plus up to 15 min at random");
	check_schedule("60, 120", "after 1 min, then every 2 min");
	check_schedule("0", "0: a failed attempt counts as done; no retry until the next "
			    "trigger or reboot");
	check_schedule("", "empty: no retry is scheduled after a failure");
	check_schedule("abc", NULL);
	check_schedule("60,", NULL);
	check_schedule("60+", NULL);
	check_schedule("60 70", NULL);
	check_schedule("99999999999999999999", NULL);
}

static void check_redact(const char *in, const char *want)
{
	char *got = ps_redact_secrets(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_redact(void **state)
{
	(void)state;
	check_redact("[--key secret] http://p/$MA.xml", "[--key ********] http://p/$MA.xml");
	check_redact("[--key \"my secret phrase\" --post a] http://p/x",
		     "[--key ******** --post a] http://p/x");
	check_redact("[--uid bob --pwd hunter2] https://p/x",
		     "[--uid bob --pwd ********] https://p/x");
	check_redact("[--key $SA] http://p/x", "[--key $SA] http://p/x");
	check_redact("http://p/x", "http://p/x");
	check_redact("[--key]", "[--key]");
	check_redact("--key", "--key");
	check_redact("", "");
	/* the rule grammar takes options in any case: so does the redaction */
	check_redact("[--KEY s3cret] http://p/x", "[--KEY ********] http://p/x");
	check_redact("[--Pwd s3cret --uid u] http://p/x", "[--Pwd ******** --uid u] http://p/x");
	check_redact("[--kEy \"a b\"]http://p/x", "[--kEy ********]http://p/x");
	/* an option whose name only begins so is not one */
	check_redact("[--keyboard x] http://p/x", "[--keyboard x] http://p/x");
	check_redact("http://p/x--key", "http://p/x--key");
	/* a URL's password, in any scheme, anywhere in the text */
	check_redact("https://alice:s3cret@prov.example.net/spa.xml",
		     "https://alice:********@prov.example.net/spa.xml");
	check_redact("( $A == 1 )? [--key k] HTTP://u:p@h:8443/a | tftp://h/b",
		     "( $A == 1 )? [--key ********] HTTP://u:********@h:8443/a | tftp://h/b");
	check_redact("line 3: 'ftp://bob:pw@h/x': not a scheme",
		     "line 3: 'ftp://bob:********@h/x': not a scheme");
	/* no password: nothing to hide; an @ after the authority is the path's */
	check_redact("https://alice@h/x", "https://alice@h/x");
	check_redact("https://h/x?to=a:b@c", "https://h/x?to=a:b@c");
	check_redact("https://u:@h/x", "https://u:@h/x");
}

static void test_secret_display(void **state)
{
	(void)state;
	assert_string_equal(ps_secret_display("hunter2", true, false), "********");
	assert_string_equal(ps_secret_display("hunter2", true, true), "hunter2");
	assert_string_equal(ps_secret_display("", true, false), "");
	assert_string_equal(ps_secret_display("plain", false, false), "plain");
	assert_string_equal(ps_secret_display(NULL, true, false), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_schedule),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_secret_display),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
