/* The CSV reader (see csv.h). */
#include "config.h"

#include "core/csv.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static void add_field(struct ps_csv_row *r, struct ps_buf *b, bool quoted)
{
	const char *s = b->s ? b->s : "";
	size_t len = b->len;
	if (!quoted) {
		while (len && isspace((unsigned char)s[len - 1]))
			len--;
		while (len && isspace((unsigned char)*s)) {
			s++;
			len--;
		}
	}
	r->fields = ps_xrealloc(r->fields, (r->n_fields + 1) * sizeof *r->fields);
	r->fields[r->n_fields++] = ps_xstrndup(s, len);
	ps_buf_free(b);
}

static bool skip_row(const struct ps_csv_row *r)
{
	return r->n_fields == 0 ||
	       (r->n_fields == 1 && (!r->fields[0][0] || r->fields[0][0] == '#'));
}

static void end_row(struct ps_csv *c, struct ps_csv_row *r)
{
	if (skip_row(r)) {
		for (size_t i = 0; i < r->n_fields; i++)
			free(r->fields[i]);
		free(r->fields);
	} else {
		c->rows = ps_xrealloc(c->rows, (c->n_rows + 1) * sizeof *c->rows);
		c->rows[c->n_rows++] = *r;
	}
	memset(r, 0, sizeof *r);
}

int ps_csv_parse(const char *t, size_t len, struct ps_csv *c, char **err)
{
	memset(c, 0, sizeof *c);
	/* A NUL would cut a field short without a word: no text has one. */
	const char *nul = memchr(t, '\0', len);
	if (nul) {
		unsigned at = 1;
		for (const char *p = t; p < nul; p++)
			at += *p == '\n';
		*err = ps_xasprintf("line %u: a NUL byte; the list is not plain text (UTF-16? save "
				    "it as UTF-8)",
				    at);
		return -1;
	}
	size_t i = 0;
	if (len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	unsigned line = 1;
	struct ps_csv_row r = { .line = 1 };
	struct ps_buf b = { 0 };
	bool quoted = false, field_started = false;
	/* A comment line: '#' as the first character of a record. */
	while (i < len) {
		char ch = t[i];
		if (!field_started && r.n_fields == 0 && b.len == 0 && ch == '#') {
			while (i < len && t[i] != '\n')
				i++;
			continue;
		}
		if (ch == '"' && b.len == 0 && !quoted) {
			/* A quoted field: up to the closing quote. */
			unsigned start = line;
			i++;
			for (;;) {
				if (i >= len) {
					*err = ps_xasprintf("line %u: a quoted field is not closed",
							    start);
					ps_buf_free(&b);
					end_row(c, &r);
					return -1;
				}
				if (t[i] == '"') {
					if (i + 1 < len && t[i + 1] == '"') {
						ps_buf_add(&b, "\"", 1);
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (t[i] == '\n')
					line++;
				ps_buf_add(&b, &t[i], 1);
				i++;
			}
			while (i < len && (t[i] == ' ' || t[i] == '\t'))
				i++;
			if (i < len && t[i] != ',' && t[i] != '\n' && t[i] != '\r') {
				*err = ps_xasprintf("line %u: text after a closing quote", line);
				ps_buf_free(&b);
				end_row(c, &r);
				return -1;
			}
			quoted = true;
			field_started = true;
			continue;
		}
		if (ch == ',') {
			add_field(&r, &b, quoted);
			quoted = false;
			field_started = true;
			i++;
			continue;
		}
		if (ch == '\r' && i + 1 < len && t[i + 1] == '\n') {
			i++;
			continue;
		}
		if (ch == '\n') {
			if (field_started || b.len || r.n_fields)
				add_field(&r, &b, quoted);
			end_row(c, &r);
			quoted = false;
			field_started = false;
			line++;
			r.line = line;
			i++;
			continue;
		}
		ps_buf_add(&b, &ch, 1);
		field_started = true;
		i++;
	}
	if (field_started || b.len || r.n_fields)
		add_field(&r, &b, quoted);
	end_row(c, &r);
	ps_buf_free(&b);
	return 0;
}

void ps_csv_clear(struct ps_csv *c)
{
	for (size_t i = 0; i < c->n_rows; i++) {
		for (size_t k = 0; k < c->rows[i].n_fields; k++)
			free(c->rows[i].fields[k]);
		free(c->rows[i].fields);
	}
	free(c->rows);
	memset(c, 0, sizeof *c);
}
