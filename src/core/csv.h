/* A small CSV reader for device lists (RFC 4180: comma separated, fields
 * in double quotes may hold commas, quotes doubled, and line breaks; CRLF
 * or LF line ends; a UTF-8 byte-order mark at the start is skipped). Pure:
 * the caller passes the text. */
#ifndef PS_CORE_CSV_H
#define PS_CORE_CSV_H

#include <stddef.h>

struct ps_csv_row {
	unsigned line; /* 1-based line where the record starts */
	char **fields; /* owned, whitespace around unquoted fields trimmed */
	size_t n_fields;
};

struct ps_csv {
	struct ps_csv_row *rows; /* every record, the header first; blank lines and
				    lines starting with '#' are skipped */
	size_t n_rows;
};

/* Parse `len` bytes. Returns 0, or -1 with `*err` ("line N: ...", caller
 * frees) for an unterminated quote, text after a closing quote or a NUL
 * byte anywhere (no row is kept then); rows up to the other errors are
 * kept in `out` either way. */
int ps_csv_parse(const char *text, size_t len, struct ps_csv *out, char **err);
void ps_csv_clear(struct ps_csv *c);

#endif
