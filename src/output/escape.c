/* Escaping for TAP, YAML and XML (see escape.h). */
#include "config.h"

#include "output/escape.h"

#include <stdint.h>
#include <stdio.h>

#include "core/utf8.h"

void ps_xml_escape(struct ps_buf *b, const char *s, bool attr)
{
	const char *p = s ? s : "";
	while (*p) {
		uint32_t cp;
		p += ps_utf8_next(p, &cp);
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
		ps_utf8_put(b, cp);
	}
}

void ps_tap_escape(struct ps_buf *b, const char *s)
{
	const char *p = s ? s : "";
	while (*p) {
		uint32_t cp;
		p += ps_utf8_next(p, &cp);
		if (cp == '#' || cp == '\\') {
			ps_buf_add(b, "\\", 1);
			ps_utf8_put(b, cp);
		} else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 ||
			   cp == 0x2029) {
			ps_buf_add(b, " ", 1);
		} else {
			ps_utf8_put(b, cp);
		}
	}
}

void ps_yaml_quote(struct ps_buf *b, const char *s)
{
	if (!s) {
		ps_buf_add(b, "~", 1);
		return;
	}
	const char *p = s;
	ps_buf_add(b, "\"", 1);
	while (*p) {
		uint32_t cp;
		p += ps_utf8_next(p, &cp);
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
			ps_utf8_put(b, cp);
		}
	}
	ps_buf_add(b, "\"", 1);
}
