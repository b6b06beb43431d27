/* Escaping for TAP, YAML and XML (see escape.h). */
#include "config.h"

#include "output/escape.h"

#include <stdint.h>
#include <stdio.h>

/* Decode one UTF-8 character at `s`: returns its length and sets `*cp`,
 * or returns 1 with U+FFFD for a byte that does not start a valid,
 * shortest-form character (overlong forms, surrogates and values above
 * U+10FFFF are invalid). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return len;
}

static void put_utf8(struct ps_buf *b, uint32_t cp)
{
	char out[4];
	size_t n;
	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	ps_buf_add(b, out, n);
}

void ps_xml_escape(struct ps_buf *b, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		uint32_t cp;
		p += utf8_next(p, &cp);
		switch (cp) {
		case '&':
			ps_buf_puts(b, "&amp;");
			continue;
		case '<':
			ps_buf_puts(b, "&lt;");
			continue;
		case '>':
			ps_buf_puts(b, "&gt;");
			continue;
		case '"':
			ps_buf_puts(b, attr ? "&quot;" : "\"");
			continue;
		case '\t':
			ps_buf_puts(b, attr ? "&#9;" : "\t");
			continue;
		case '\n':
			ps_buf_puts(b, attr ? "&#10;" : "\n");
			continue;
		case '\r':
			ps_buf_puts(b, "&#13;");
			continue;
		default:
			break;
		}
		if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
			cp = 0xFFFD;
		put_utf8(b, cp);
	}
}

void ps_tap_escape(struct ps_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		uint32_t cp;
		p += utf8_next(p, &cp);
		if (cp == '#' || cp == '\\') {
			ps_buf_add(b, "\\", 1);
			put_utf8(b, cp);
		} else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 ||
			   cp == 0x2029) {
			ps_buf_add(b, " ", 1);
		} else {
			put_utf8(b, cp);
		}
	}
}

void ps_yaml_quote(struct ps_buf *b, const char *s)
{
	if (!s) {
		ps_buf_add(b, "~", 1);
		return;
	}
	const unsigned char *p = (const unsigned char *)s;
	ps_buf_add(b, "\"", 1);
	while (*p) {
		uint32_t cp;
		p += utf8_next(p, &cp);
		char esc[12];
		switch (cp) {
		case '"':
			ps_buf_puts(b, "\\\"");
			continue;
		case '\\':
			ps_buf_puts(b, "\\\\");
			continue;
		case '\n':
			ps_buf_puts(b, "\\n");
			continue;
		case '\r':
			ps_buf_puts(b, "\\r");
			continue;
		case '\t':
			ps_buf_puts(b, "\\t");
			continue;
		default:
			break;
		}
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			snprintf(esc, sizeof esc, "\\x%02X", (unsigned)cp);
			ps_buf_puts(b, esc);
		} else if (cp == 0xFEFF || cp == 0x2028 || cp == 0x2029) {
			snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
			ps_buf_puts(b, esc);
		} else {
			put_utf8(b, cp);
		}
	}
	ps_buf_add(b, "\"", 1);
}

void ps_utf8_sanitize(struct ps_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (p && *p) {
		uint32_t cp;
		p += utf8_next(p, &cp);
		put_utf8(b, cp);
	}
}
