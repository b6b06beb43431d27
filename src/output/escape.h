/* Escaping for the TAP and JUnit outputs: every text that reaches them
 * (summaries, details, server data) goes through one of these, so that the
 * result stays well-formed whatever bytes a server sent. Invalid UTF-8
 * becomes U+FFFD in all three. */
#ifndef PS_OUTPUT_ESCAPE_H
#define PS_OUTPUT_ESCAPE_H

#include <stdbool.h>

#include "core/util.h"

/* XML character data (attr false) or a double-quoted attribute value (attr
 * true): & < > as entities, " as well in attributes, tab, CR and LF as
 * character references in attributes (so they survive attribute-value
 * normalisation) and CR in text; characters XML 1.0 does not allow (most
 * C0 controls, U+FFFE, U+FFFF) become U+FFFD. */
void ps_xml_escape(struct ps_buf *b, const char *s, bool attr);

/* A TAP test description or directive reason: one line, with # and \
 * escaped by a backslash (TAP 13) and line breaks, tabs and other control
 * characters turned into spaces. */
void ps_tap_escape(struct ps_buf *b, const char *s);

/* A YAML double-quoted scalar, quotes included: \ " as \\ \", line breaks
 * and tabs as \n \r \t, other control characters (C0, DEL, C1), U+FEFF,
 * U+2028 and U+2029 as \xNN or \uNNNN. NULL gives ~ (YAML's null). */
void ps_yaml_quote(struct ps_buf *b, const char *s);

#endif
