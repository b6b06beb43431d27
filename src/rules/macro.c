/* Macro expansion (see macro.h). A bare $NAME takes the longest run of
 * upper-case letters and digits; among known names, the longest known
 * prefix of that run wins, so "$MAU.cfg" is $MAU and "$MAxyz" is $MA. */
#include "config.h"

#include "rules/macro.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool parse_uint(const char **p, unsigned long *out)
{
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long v = 0;
	while (*s >= '0' && *s <= '9') {
		if (v > 100000000UL)
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		s++;
	}
	*out = v;
	*p = s;
	return true;
}

/* $(NAME[:p[:q]]) starting at `s` (which points at "$("). Returns the
 * number of bytes consumed, 0 when it is not a well-formed reference. */
static size_t expand_paren(const char *s, ps_macro_lookup_fn lookup, void *ctx, struct ps_buf *out)
{
	const char *p = s + 2;
	const char *name = p;
	while (is_name_char(*p))
		p++;
	size_t nlen = (size_t)(p - name);
	unsigned long off = 0, len = (unsigned long)-1;
	bool sub = false;
	if (*p == ':') {
		p++;
		if (!parse_uint(&p, &off))
			return 0;
		sub = true;
		if (*p == ':') {
			p++;
			if (!parse_uint(&p, &len))
				return 0;
		}
	}
	if (*p != ')' || nlen == 0)
		return 0;
	char *n = ps_xstrndup(name, nlen);
	const char *v = lookup(ctx, n);
	free(n);
	if (!v)
		return 0;
	if (sub) {
		size_t vl = strlen(v);
		if (off < vl) {
			size_t take = vl - off;
			if (len < take)
				take = len;
			ps_buf_add(out, v + off, take);
		}
	} else {
		ps_buf_puts(out, v);
	}
	return (size_t)(p + 1 - s);
}

char *ps_macro_expand(const char *in, ps_macro_lookup_fn lookup, void *ctx)
{
	struct ps_buf out = { 0 };
	const char *s = in;
	while (*s) {
		if (*s != '$') {
			const char *e = strchr(s, '$');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			ps_buf_add(&out, s, n);
			s += n;
			continue;
		}
		if (s[1] == '$') {
			ps_buf_add(&out, "$", 1);
			s += 2;
			continue;
		}
		if (s[1] == '(') {
			size_t used = expand_paren(s, lookup, ctx, &out);
			if (used) {
				s += used;
				continue;
			}
			ps_buf_add(&out, s, 1);
			s++;
			continue;
		}
		size_t run = 0;
		while (is_name_char(s[1 + run]) && s[1 + run] != '_')
			run++;
		bool done = false;
		for (size_t n = run; n > 0 && !done; n--) {
			char *name = ps_xstrndup(s + 1, n);
			const char *v = lookup(ctx, name);
			free(name);
			if (v) {
				ps_buf_puts(&out, v);
				s += 1 + n;
				done = true;
			}
		}
		if (!done) {
			ps_buf_add(&out, s, 1 + run);
			s += 1 + run;
		}
	}
	return ps_buf_take(&out);
}
