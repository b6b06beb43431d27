/* UTF-8 decoding and encoding (see utf8.h). */
#include "config.h"

#include "core/utf8.h"

/* Where each lead byte's sequence may go: its length, the value bits it
 * carries and the range its second byte must be in (RFC 3629 section 4,
 * which is what rules out overlong forms, surrogates and values above
 * U+10FFFF). Lead bytes not listed start nothing. */
struct lead {
	size_t len;
	unsigned char mask, lo, hi; /* value bits; the second byte's range */
};

static bool lead_of(unsigned char c, struct lead *l)
{
	if (c >= 0xC2 && c <= 0xDF)
		*l = (struct lead){ 2, 0x1F, 0x80, 0xBF };
	else if (c == 0xE0)
		*l = (struct lead){ 3, 0x0F, 0xA0, 0xBF };
	else if (c == 0xED)
		*l = (struct lead){ 3, 0x0F, 0x80, 0x9F };
	else if (c >= 0xE1 && c <= 0xEF)
		*l = (struct lead){ 3, 0x0F, 0x80, 0xBF };
	else if (c == 0xF0)
		*l = (struct lead){ 4, 0x07, 0x90, 0xBF };
	else if (c == 0xF4)
		*l = (struct lead){ 4, 0x07, 0x80, 0x8F };
	else if (c >= 0xF1 && c <= 0xF3)
		*l = (struct lead){ 4, 0x07, 0x80, 0xBF };
	else
		return false;
	return true;
}

/* How many of the `n` bytes after the lead fit the sequence `l` asks for:
 * the second in its range, the rest continuation bytes. */
static size_t fitting(const unsigned char *s, size_t n, const struct lead *l)
{
	size_t i = 1;
	for (; i < l->len && i < n; i++) {
		unsigned char lo = i == 1 ? l->lo : 0x80, hi = i == 1 ? l->hi : 0xBF;
		if (s[i] < lo || s[i] > hi)
			break;
	}
	return i;
}

size_t ps_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	struct lead l;
	if (!lead_of(s[0], &l) || fitting(s, n, &l) != l.len)
		return 0;
	uint32_t v = s[0] & l.mask;
	for (size_t i = 1; i < l.len; i++)
		v = (v << 6) | (s[i] & 0x3F);
	*cp = v;
	return l.len;
}

size_t ps_utf8_next(const char *s, uint32_t *cp)
{
	size_t n = ps_utf8_decode((const unsigned char *)s, 4, cp);
	if (n)
		return n;
	*cp = PS_UTF8_REPLACEMENT;
	return 1;
}

bool ps_utf8_truncated(const unsigned char *s, size_t n)
{
	struct lead l;
	return n > 0 && lead_of(s[0], &l) && n < l.len && fitting(s, n, &l) == n;
}

size_t ps_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

void ps_utf8_put(struct ps_buf *b, uint32_t cp)
{
	char out[4];
	ps_buf_add(b, out, ps_utf8_encode(cp, out));
}

void ps_utf8_sanitize(struct ps_buf *b, const char *s)
{
	while (s && *s) {
		uint32_t cp;
		s += ps_utf8_next(s, &cp);
		ps_utf8_put(b, cp);
	}
}
