/* Terminal-safe text (see safe.h). */
#include "config.h"

#include "output/safe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

static bool is_control(uint32_t cp)
{
	return (cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f);
}

size_t ps_safe_add(struct ps_buf *b, const char *s, size_t n, int more)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = ps_utf8_decode(p + i, n - i, &cp);
		if (!k && more && ps_utf8_truncated(p + i, n - i))
			return n - i; /* the next write completes it */
		if (!k || is_control(cp)) {
			size_t len = k ? k : 1;
			for (size_t j = 0; j < len; j++)
				ps_buf_printf(b, "\\x%02x", p[i + j]);
			i += len;
			continue;
		}
		ps_buf_add(b, s + i, k);
		i += k;
	}
	return 0;
}

struct safe {
	FILE *out;
	char carry[4]; /* the start of a character cut by the last write */
	size_t n_carry;
};

static ssize_t safe_write(void *cookie, const char *data, size_t size)
{
	struct safe *st = cookie;
	struct ps_buf in = { 0 }, out = { 0 };
	ps_buf_add(&in, st->carry, st->n_carry);
	ps_buf_add(&in, data, size);
	size_t kept = ps_safe_add(&out, in.s ? in.s : "", in.len, 1);
	st->n_carry = kept;
	memcpy(st->carry, in.s + in.len - kept, kept);
	size_t w = out.len ? fwrite(out.s, 1, out.len, st->out) : 0;
	bool ok = w == out.len;
	ps_buf_free(&in);
	ps_buf_free(&out);
	return ok ? (ssize_t)size : -1;
}

static int safe_close(void *cookie)
{
	struct safe *st = cookie;
	struct ps_buf out = { 0 };
	ps_safe_add(&out, st->carry, st->n_carry, 0);
	bool ok = !out.len || fwrite(out.s, 1, out.len, st->out) == out.len;
	ps_buf_free(&out);
	ok = fflush(st->out) == 0 && ok;
	free(st);
	return ok ? 0 : EOF;
}

FILE *ps_safe_stream(FILE *out)
{
	struct safe *st = ps_xcalloc(1, sizeof *st);
	st->out = out;
	cookie_io_functions_t io = { .write = safe_write, .close = safe_close };
	FILE *f = fopencookie(st, "w", io);
	if (!f)
		free(st);
	return f;
}
