/* The SPC plain-text profile source (the input of Cisco's profile
 * compiler, `spc`): `Name [!|?] ["value"] ;` statements. Pure: the caller
 * passes the text; import directives are reported, not followed. */
#ifndef PS_PROFILE_SPC_H
#define PS_PROFILE_SPC_H

#include <stdbool.h>
#include <stddef.h>

#include "profile/params.h"

/* Parses SPC text and applies it to `t` with source name `source` (NULL:
 * "(unnamed)"). Syntax (Sipura SPA user guide p.22, LPG 2-8):
 *   Name [ "!" | "?" ] [ "\"" value "\"" ] ";"
 * "!" gives user read-write (rw), "?" read-only (ro), neither hidden (na);
 * no quoted value leaves the value unchanged; "#" starts a comment to the
 * end of the line; tokens may be split across lines; several statements
 * may share a line. `Name[n]` is stored as `Name_n_` (Line_Enable[2] ->
 * Line_Enable_2_). Inside a value, \" stands for a quote and \\ for a
 * backslash; any other backslash is kept as written (the compiler's own
 * escaping is undocumented: this is provscope's choice). A value must end
 * on the line it starts. A line starting with `import FILE` is recorded as
 * a note and not followed. The last occurrence wins.
 * Returns 0 (res->warning may be profile.placeholder) or -1 with
 * res->error: profile.spc_syntax for a syntax error (detail "SPC text
 * syntax error: ...", with the line and column in the issue; e.g. a space
 * inside a name, a missing ";", an unquoted or unterminated value; the
 * findings list has no SPC syntax id yet), profile.template when
 * a syntax error comes with template markers in the text, or when so many
 * values are placeholders that the file was plainly not rendered (then the
 * table was changed, as for XML), profile.empty when nothing is set. The
 * table changes only when the text parses (res->applied). `res` is
 * initialised here; clear it after. */
int ps_profile_parse_spc(const char *text, size_t len, const char *source, struct ps_params *t,
			 struct ps_parse_result *res);

/* Whether the text looks like SPC source: its first statements (up to
 * three) parse, or it holds nothing but comments, or at least half of its
 * first ten non-comment lines end with ';' (so that a mistake is reported
 * by the parser with its line). */
bool ps_spc_probe(const char *text, size_t len);

#endif
