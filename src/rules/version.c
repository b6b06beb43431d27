/* Firmware version parsing and ordering (see version.h). Numbers are
 * compared as digit strings, so no component can overflow. */
#include "config.h"

#include "rules/version.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}

/* A version split into its numeric part and its suffix (both borrowed). */
struct vparts {
	const char *nums; /* "6.1.5" */
	size_t nums_len;
	const char *suf; /* "a" for 6.1.5(a), 6.1.5a and 6.1.5_a; NULL when none */
	size_t suf_len;
};

/* Parse `len` bytes of `s`. Returns false when they are not a version. */
static bool vparse(const char *s, size_t len, struct vparts *v)
{
	const char *p = s, *end = s + len;
	memset(v, 0, sizeof *v);
	for (;;) {
		if (p == end || !is_digit(*p))
			return false;
		while (p < end && is_digit(*p))
			p++;
		if (p < end && *p == '.') {
			p++;
			continue;
		}
		break;
	}
	v->nums = s;
	v->nums_len = (size_t)(p - s);
	if (p == end)
		return true;
	if (*p == '(') {
		const char *q = ++p;
		while (q < end && (is_alnum(*q) || *q == '_' || *q == '-' || *q == '.'))
			q++;
		if (q == p || q + 1 != end || *q != ')')
			return false;
		v->suf = p;
		v->suf_len = (size_t)(q - p);
		return true;
	}
	const char *q = p;
	if (*p == '_') {
		/* 1.3.5_004p: letters, digits, '_' and '-' after the underscore. */
		q = ++p;
		if (p == end || !is_alnum(*p))
			return false;
		while (q < end && (is_alnum(*q) || *q == '_' || *q == '-'))
			q++;
	} else {
		/* 7.5.2b: letters only, so 000e08aabbcc is no version. */
		while (q < end && is_alpha(*q))
			q++;
	}
	if (q != end)
		return false;
	v->suf = p;
	v->suf_len = (size_t)(q - p);
	return true;
}

/* Compare two runs of decimal digits by value. */
static int digits_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	while (an > 1 && *a == '0') {
		a++;
		an--;
	}
	while (bn > 1 && *b == '0') {
		b++;
		bn--;
	}
	if (an != bn)
		return an < bn ? -1 : 1;
	int c = memcmp(a, b, an);
	return c < 0 ? -1 : c > 0;
}

/* Case-insensitive comparison in which digit runs compare as numbers. */
static int suffix_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;
	while (i < an && j < bn) {
		if (is_digit(a[i]) && is_digit(b[j])) {
			size_t i2 = i, j2 = j;
			while (i2 < an && is_digit(a[i2]))
				i2++;
			while (j2 < bn && is_digit(b[j2]))
				j2++;
			int c = digits_cmp(a + i, i2 - i, b + j, j2 - j);
			if (c)
				return c;
			i = i2;
			j = j2;
			continue;
		}
		char x = ps_ascii_lower(a[i]), y = ps_ascii_lower(b[j]);
		if (x != y)
			return (unsigned char)x < (unsigned char)y ? -1 : 1;
		i++;
		j++;
	}
	if (i < an)
		return 1;
	if (j < bn)
		return -1;
	return 0;
}

/* Next numeric component of `*p` (up to `end`), "0" once exhausted. */
static void next_component(const char **p, const char *end, const char **c, size_t *n)
{
	static const char zero[] = "0";
	if (*p >= end) {
		*c = zero;
		*n = 1;
		return;
	}
	const char *s = *p;
	while (*p < end && **p != '.')
		(*p)++;
	*c = s;
	*n = (size_t)(*p - s);
	if (*p < end)
		(*p)++;
}

static int parts_cmp(const struct vparts *a, const struct vparts *b)
{
	const char *pa = a->nums, *ea = a->nums + a->nums_len;
	const char *pb = b->nums, *eb = b->nums + b->nums_len;
	while (pa < ea || pb < eb) {
		const char *ca, *cb;
		size_t na, nb;
		next_component(&pa, ea, &ca, &na);
		next_component(&pb, eb, &cb, &nb);
		int c = digits_cmp(ca, na, cb, nb);
		if (c)
			return c;
	}
	if (!a->suf && !b->suf)
		return 0;
	if (!a->suf)
		return -1;
	if (!b->suf)
		return 1;
	return suffix_cmp(a->suf, a->suf_len, b->suf, b->suf_len);
}

bool ps_version_valid(const char *s)
{
	struct vparts v;
	return s && vparse(s, strlen(s), &v);
}

int ps_version_cmp(const char *a, const char *b)
{
	if (!a)
		a = "";
	if (!b)
		b = "";
	struct vparts va, vb;
	if (vparse(a, strlen(a), &va) && vparse(b, strlen(b), &vb))
		return parts_cmp(&va, &vb);
	int c = strcmp(a, b);
	return c < 0 ? -1 : c > 0;
}

/* "7-5-2b" at the end of `base`: its last three '-' separated tokens are
 * numbers, the last optionally followed by letters. Returns the dotted
 * form or NULL. */
static char *dashed_version(const char *base, size_t len)
{
	/* Walk back over the last three '-' separated tokens. */
	size_t end = len, starts[3];
	for (int k = 2; k >= 0; k--) {
		size_t s = end;
		while (s > 0 && base[s - 1] != '-')
			s--;
		starts[k] = s;
		if (k > 0) {
			if (s == 0)
				return NULL;
			end = s - 1;
		}
	}
	struct ps_buf b = { 0 };
	for (int k = 0; k < 3; k++) {
		size_t s = starts[k];
		size_t e = k < 2 ? starts[k + 1] - 1 : len;
		size_t d = s;
		while (d < e && is_digit(base[d]))
			d++;
		if (d == s)
			goto fail;
		if (k < 2 && d != e)
			goto fail;
		for (size_t x = d; x < e; x++)
			if (!is_alpha(base[x]))
				goto fail;
		if (k)
			ps_buf_add(&b, ".", 1);
		ps_buf_add(&b, base + s, e - s);
	}
	return ps_buf_take(&b);
fail:
	ps_buf_free(&b);
	return NULL;
}

/* Whether a version may start at `i`: after a non-alphanumeric byte, at the
 * start, or after a lone "v" ("fw-v7.5.2"). */
static bool version_may_start(const char *base, size_t i)
{
	if (!is_digit(base[i]))
		return false;
	if (i == 0 || !is_alnum(base[i - 1]))
		return true;
	return (base[i - 1] == 'v' || base[i - 1] == 'V') && (i == 1 || !is_alnum(base[i - 2]));
}

/* The leftmost dotted version that may start there and runs to the end of
 * `base`. */
static char *dotted_version(const char *base, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (!version_may_start(base, i))
			continue;
		struct vparts v;
		if (vparse(base + i, len - i, &v) && memchr(v.nums, '.', v.nums_len))
			return ps_xstrndup(base + i, len - i);
	}
	return NULL;
}

char *ps_version_from_filename(const char *path)
{
	if (!path)
		return NULL;
	size_t len = strcspn(path, "?#");
	const char *base = path;
	for (size_t i = 0; i < len; i++)
		if (path[i] == '/' || path[i] == '\\')
			base = path + i + 1;
	len -= (size_t)(base - path);
	/* Drop an extension of letters only (".bin", ".img", ".zip"). */
	for (size_t i = len; i > 0; i--) {
		char c = base[i - 1];
		if (c == '.') {
			if (i < len)
				len = i - 1;
			break;
		}
		if (!is_alpha(c))
			break;
	}
	if (len == 0)
		return NULL;
	char *v = dotted_version(base, len);
	if (!v)
		v = dashed_version(base, len);
	return v;
}
