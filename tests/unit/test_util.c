/* Core helpers: the one file reader with its cap, the ASCII case helpers. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/util.h"

static char *tmp_dir(void)
{
	char tmpl[] = "/tmp/provscope-util-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return ps_xstrdup(d);
}

static char *put_file(const char *dir, const char *name, const char *text, size_t n)
{
	char *p = ps_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
	return p;
}

/* Read `file` with `cap` and `flags`: the status; `*err` freed. */
static enum ps_read_status try_read(const char *file, size_t cap, unsigned flags, char **text)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char *err = NULL;
	enum ps_read_status rs = ps_read_file_ex(file, cap, flags, &data, &len, &err);
	if (rs == PS_READ_OK) {
		assert_null(err);
		assert_int_equal(strlen((char *)data), len); /* NUL-terminated */
		*text = (char *)data;
	} else {
		assert_null(data);
		assert_non_null(err);
		assert_non_null(strstr(err, file)); /* "FILE: why" */
		free(err);
		*text = NULL;
	}
	return rs;
}

static void test_read_file(void **state)
{
	(void)state;
	char *dir = tmp_dir(), *text;
	char *ok = put_file(dir, "ok", "hello\n", 6);
	assert_int_equal(try_read(ok, 6, 0, &text), PS_READ_OK);
	assert_string_equal(text, "hello\n");
	free(text);
	assert_int_equal(try_read(ok, 5, 0, &text), PS_READ_TOO_BIG); /* one over the cap */
	char *empty = put_file(dir, "empty", "", 0);
	assert_int_equal(try_read(empty, 0, 0, &text), PS_READ_OK);
	assert_string_equal(text, "");
	free(text);
	char *missing = ps_xasprintf("%s/missing", dir);
	assert_int_equal(try_read(missing, 100, 0, &text), PS_READ_MISSING);
	assert_int_equal(try_read(dir, 100, 0, &text), PS_READ_NOT_FILE);
	/* A FIFO: refused at once with PS_READ_REGULAR (no writer, no hang). */
	char *fifo = ps_xasprintf("%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(try_read(fifo, 100, PS_READ_REGULAR, &text), PS_READ_NOT_FILE);
	/* Without the flag a stream is read to its end, still with the cap. */
	assert_int_equal(try_read("/dev/null", 100, 0, &text), PS_READ_OK);
	free(text);
	assert_int_equal(try_read("/dev/zero", 100000, 0, &text), PS_READ_TOO_BIG);
	if (geteuid() != 0) { /* root reads anything */
		char *secret = put_file(dir, "secret", "x", 1);
		chmod(secret, 0);
		assert_int_equal(try_read(secret, 100, 0, &text), PS_READ_DENIED);
		unlink(secret);
		free(secret);
	}
	/* The boolean form. */
	unsigned char *d = NULL;
	size_t len = 0;
	char *err = NULL;
	assert_true(ps_read_file(ok, 100, &d, &len, &err));
	assert_int_equal(len, 6);
	free(d);
	assert_false(ps_read_file(missing, 100, &d, &len, &err));
	free(err);
	unlink(ok);
	unlink(empty);
	unlink(fifo);
	rmdir(dir);
	free(ok);
	free(empty);
	free(missing);
	free(fifo);
	free(dir);
}

static void test_ascii_case(void **state)
{
	(void)state;
	/* Turkish rules would map 'I' to a dotless i: the helpers do not care. */
	setlocale(LC_ALL, "tr_TR.UTF-8");
	assert_int_equal(ps_ascii_lower('I'), 'i');
	assert_int_equal(ps_ascii_lower('Z'), 'z');
	assert_int_equal(ps_ascii_lower('z'), 'z');
	assert_int_equal(ps_ascii_lower('@'), '@');
	assert_int_equal(ps_ascii_lower('['), '[');
	assert_int_equal(ps_ascii_lower((char)0xC9), (char)0xC9); /* Latin-1 E acute stays */
	assert_true(ps_str_ieq("HTTPS", "https"));
	assert_true(ps_str_ieq("", ""));
	assert_false(ps_str_ieq("http", "https"));
	assert_false(ps_str_ieq("https", "http"));
	assert_false(ps_str_ieq("\xc9", "\xe9"));
	assert_true(ps_strn_ieq("SPA942", "spa", 3));
	assert_false(ps_strn_ieq("SP", "spa", 3)); /* shorter: stops at its NUL */
	assert_true(ps_strn_ieq("ab", "AB", 5));   /* both end before n */
	assert_true(ps_strn_ieq("x", "y", 0));
	const char hay[] = "Admin_PassWord\0password";
	assert_ptr_equal(ps_mem_ifind(hay, 14, "password"), hay + 6);
	assert_null(ps_mem_ifind(hay, 13, "password")); /* the window ends first */
	assert_ptr_equal(ps_mem_ifind(hay + 14, sizeof hay - 15, "PASSWORD"), hay + 15);
	assert_ptr_equal(ps_mem_ifind(hay, 3, ""), hay);
	assert_null(ps_mem_ifind("", 0, "a"));
	setlocale(LC_ALL, "C");
}

/* The text of `file`, or NULL when it is missing. */
static char *slurp(const char *file)
{
	unsigned char *d = NULL;
	size_t n = 0;
	char *err = NULL;
	if (!ps_read_file(file, 1 << 20, &d, &n, &err)) {
		free(err);
		return NULL;
	}
	return (char *)d;
}

/* How many temporary files of `path` are beside it. */
static int temporaries(const char *dir)
{
	char *cmd = ps_xasprintf("ls %s | grep -c '\\.tmp-'", dir);
	FILE *p = popen(cmd, "r");
	int n = -1;
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	free(cmd);
	return n;
}

/* Replaced whole on commit; left as it was on abort or a failed commit;
 * no temporary file either way; a new file gets 0666 less the umask. */
static void test_atomic(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_atomic.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = ps_xasprintf("%s/report.json", dir);
	FILE *f = fopen(path, "w");
	fputs("old", f);
	fclose(f);
	chmod(path, 0640);
	struct ps_atomic *a;
	char *err = NULL;
	FILE *out = ps_atomic_open(path, &a, &err);
	assert_non_null(out);
	fputs("new, half", out);
	char *text = slurp(path);
	assert_string_equal(text, "old"); /* not yet */
	free(text);
	assert_int_equal(temporaries(dir), 1);
	ps_atomic_abort(a);
	text = slurp(path);
	assert_string_equal(text, "old");
	free(text);
	assert_int_equal(temporaries(dir), 0);
	out = ps_atomic_open(path, &a, &err);
	fputs("new", out);
	assert_int_equal(ps_atomic_commit(a, &err), 0);
	text = slurp(path);
	assert_string_equal(text, "new");
	free(text);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(temporaries(dir), 0);
	/* a commit that cannot rename (the target became a directory) fails,
	 * says why and leaves no temporary file */
	char *sub = ps_xasprintf("%s/sub", dir);
	out = ps_atomic_open(sub, &a, &err);
	assert_non_null(out);
	assert_int_equal(mkdir(sub, 0700), 0);
	fputs("x", out);
	assert_int_equal(ps_atomic_commit(a, &err), -1);
	assert_non_null(strstr(err, "sub: "));
	free(err);
	err = NULL;
	assert_int_equal(temporaries(dir), 0);
	/* a directory or a missing directory is refused at once */
	assert_null(ps_atomic_open(sub, &a, &err));
	assert_non_null(strstr(err, "not a regular file"));
	free(err);
	err = NULL;
	char *missing = ps_xasprintf("%s/no/such", dir);
	assert_null(ps_atomic_open(missing, &a, &err));
	assert_non_null(strstr(err, "No such file or directory"));
	free(err);
	rmdir(sub);
	unlink(path);
	rmdir(dir);
	free(missing);
	free(sub);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_ascii_case),
		cmocka_unit_test(test_atomic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
