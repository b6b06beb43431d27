/* SPC plain-text source parser: a small hand-written lexer over
 * `Name [!|?] ["value"] ;` statements, "#" comments and import lines. */
#include "config.h"

#include "profile/spc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "profile/xml.h"

struct lex {
	const char *p, *end;
	const char *line_start; /* first byte of the current line */
	unsigned line;
	bool at_bol; /* nothing but blanks since the start of the line */
	/* first error */
	char *err;
	unsigned err_line, err_col;
	unsigned comments; /* comment count, for the probe */
};

static unsigned col(const struct lex *l, const char *p)
{
	return (unsigned)(p - l->line_start) + 1;
}

static void failv(struct lex *l, unsigned line, unsigned column, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void failv(struct lex *l, unsigned line, unsigned column, const char *fmt, va_list ap)
{
	if (l->err)
		return;
	l->err = ps_xvasprintf(fmt, ap);
	l->err_line = line;
	l->err_col = column;
}

/* Records the first error, at `at` on the current line. */
static void fail(struct lex *l, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct lex *l, const char *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	failv(l, l->line, col(l, at), fmt, ap);
	va_end(ap);
}

static void fail_at(struct lex *l, unsigned line, unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail_at(struct lex *l, unsigned line, unsigned column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	failv(l, line, column, fmt, ap);
	va_end(ap);
}

static void newline(struct lex *l)
{
	l->p++;
	l->line++;
	l->line_start = l->p;
	l->at_bol = true;
}

/* Skips blanks, newlines and comments. */
static void skip_space(struct lex *l)
{
	while (l->p < l->end) {
		char c = *l->p;
		if (c == '\n') {
			newline(l);
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
			l->p++;
		} else if (c == '#') {
			l->comments++;
			while (l->p < l->end && *l->p != '\n')
				l->p++;
		} else {
			break;
		}
	}
}

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

/* A typographic double quote (U+201C or U+201D in UTF-8), as pasted from
 * the PDF guides. */
static bool curly_quote(const struct lex *l)
{
	return l->end - l->p >= 3 && (unsigned char)l->p[0] == 0xe2 &&
	       (unsigned char)l->p[1] == 0x80 &&
	       ((unsigned char)l->p[2] == 0x9c || (unsigned char)l->p[2] == 0x9d);
}

/* Describes the character at p for an error message. */
static char *show_char(const struct lex *l, const char *p)
{
	if (p >= l->end)
		return ps_xstrdup("the end of the file");
	unsigned char c = (unsigned char)*p;
	if (c >= 0x21 && c < 0x7f)
		return ps_xasprintf("'%c'", c);
	return ps_xasprintf("byte 0x%02x", c);
}

/* `import FILE` at the start of a line. Returns true when it was one. */
static bool import_line(struct lex *l, struct ps_parse_result *res)
{
	if (!l->at_bol || l->end - l->p < 7 || memcmp(l->p, "import", 6) != 0 ||
	    (l->p[6] != ' ' && l->p[6] != '\t'))
		return false;
	unsigned line = l->line;
	const char *s = l->p + 6;
	while (s < l->end && (*s == ' ' || *s == '\t'))
		s++;
	const char *e = s;
	while (e < l->end && *e != '\n' && *e != '#')
		e++;
	const char *f = e;
	while (f > s && (f[-1] == ' ' || f[-1] == '\t' || f[-1] == '\r' || f[-1] == ';'))
		f--;
	if (f - s >= 2 && *s == '"' && f[-1] == '"') {
		s++;
		f--;
	}
	if (res)
		ps_parse_result_note(
		    res,
		    "line %u: import %.*s is not followed (provscope reads one file; "
		    "check the imported file on its own)",
		    line, (int)(f - s), s);
	l->p = e;
	return true;
}

/* One statement. Returns 1 when one was read, 0 at the end, -1 on error. */
static int statement(struct lex *l, struct ps_param_batch *b, struct ps_parse_result *res)
{
	skip_space(l);
	while (l->p < l->end && import_line(l, res))
		skip_space(l);
	if (l->p >= l->end)
		return 0;
	l->at_bol = false;
	unsigned line = l->line;
	const char *start = l->p;
	if (!name_start(*l->p)) {
		char *c = show_char(l, l->p);
		if (curly_quote(l))
			fail(l, l->p, "a typographic quote; values use plain ASCII double quotes");
		else
			fail(l, l->p, "%s where a parameter name should start", c);
		free(c);
		return -1;
	}
	while (l->p < l->end && name_char(*l->p))
		l->p++;
	struct ps_buf name = { 0 };
	ps_buf_add(&name, start, (size_t)(l->p - start));
	if (l->p < l->end && *l->p == '[') {
		/* Name[n] -> Name_n_ */
		const char *d = ++l->p;
		while (l->p < l->end && *l->p >= '0' && *l->p <= '9')
			l->p++;
		if (l->p == d || l->p >= l->end || *l->p != ']') {
			fail(l, l->p, "the index of %s must be a number in brackets, as in %s[1]",
			     name.s, name.s);
			ps_buf_free(&name);
			return -1;
		}
		ps_buf_printf(&name, "_%.*s_", (int)(l->p - d), d);
		l->p++;
	}
	unsigned end_line = l->line, end_col = col(l, l->p);
	skip_space(l);
	if (l->p < l->end && name_char(*l->p)) {
		const char *w = l->p;
		while (w < l->end && name_char(*w))
			w++;
		fail(l, l->p,
		     "a space inside the parameter name \"%s %.*s\" (names use underscores), or a "
		     "value without double quotes",
		     name.s, (int)(w - l->p), l->p);
		ps_buf_free(&name);
		return -1;
	}
	const char *access = "na";
	if (l->p < l->end && (*l->p == '!' || *l->p == '?')) {
		access = *l->p == '!' ? "rw" : "ro";
		l->p++;
		end_line = l->line;
		end_col = col(l, l->p);
		skip_space(l);
	}
	char *value = NULL;
	if (l->p < l->end && *l->p == '"') {
		const char *q = l->p++;
		struct ps_buf v = { 0 };
		ps_buf_add(&v, "", 0);
		for (;;) {
			if (l->p >= l->end || *l->p == '\n') {
				fail(l, q, "the quoted value of %s is not closed on its line",
				     name.s);
				ps_buf_free(&v);
				ps_buf_free(&name);
				return -1;
			}
			char c = *l->p;
			if (c == '"') {
				l->p++;
				break;
			}
			if (c == '\\' && l->p + 1 < l->end && (l->p[1] == '"' || l->p[1] == '\\')) {
				ps_buf_add(&v, l->p + 1, 1);
				l->p += 2;
				continue;
			}
			ps_buf_add(&v, l->p, 1);
			l->p++;
		}
		value = ps_buf_take(&v);
		end_line = l->line;
		end_col = col(l, l->p);
		skip_space(l);
	} else if (curly_quote(l)) {
		fail(l, l->p,
		     "a typographic quote around the value of %s; use plain ASCII double "
		     "quotes",
		     name.s);
		ps_buf_free(&name);
		return -1;
	}
	if (l->p >= l->end || *l->p != ';') {
		char *c = show_char(l, l->p);
		if (l->line != end_line)
			fail_at(l, end_line, end_col,
				"no ';' at the end of the statement for %s (found %s on line %u)",
				name.s, c, l->line);
		else
			fail(l, l->p, "%s after %s where ';' should end the statement", c, name.s);
		free(c);
		free(value);
		ps_buf_free(&name);
		return -1;
	}
	l->p++;
	if (b)
		ps_param_batch_add(b, name.s, value, access, line);
	free(value);
	ps_buf_free(&name);
	return 1;
}

static void lex_init(struct lex *l, const char *text, size_t len)
{
	memset(l, 0, sizeof *l);
	l->p = l->line_start = text ? text : "";
	l->end = l->p + (text ? len : 0);
	l->line = 1;
	l->at_bol = true;
}

/* Of the first ten lines that are neither blank nor comments, how many
 * end with ';' (before any comment), and how many were looked at. */
static void count_semicolon_lines(const char *p, const char *end, unsigned *semi, unsigned *lines)
{
	*semi = *lines = 0;
	while (p < end && *lines < 10) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		const char *c = memchr(p, '#', (size_t)(e - p));
		const char *last = c ? c : e;
		while (last > p && (last[-1] == ' ' || last[-1] == '\t' || last[-1] == '\r'))
			last--;
		const char *first = p;
		while (first < last && (*first == ' ' || *first == '\t'))
			first++;
		if (first < last) {
			(*lines)++;
			if (last[-1] == ';')
				(*semi)++;
		}
		p = e < end ? e + 1 : end;
	}
}

bool ps_spc_probe(const char *text, size_t len)
{
	struct lex l;
	lex_init(&l, text, len);
	int got = 0, rc = 0;
	while (got < 3 && (rc = statement(&l, NULL, NULL)) > 0)
		got++;
	bool ok = rc >= 0 && (got > 0 || l.comments > 0);
	free(l.err);
	if (!ok) {
		/* SPC source with a mistake early on still deserves the parser's
		 * message: most of its lines end with ';'. */
		unsigned semi, lines;
		lex_init(&l, text, len);
		count_semicolon_lines(l.p, l.end, &semi, &lines);
		ok = lines && semi * 2 >= lines;
	}
	return ok;
}

int ps_profile_parse_spc(const char *text, size_t len, const char *source, struct ps_params *t,
			 struct ps_parse_result *res)
{
	ps_parse_result_init(res);
	if (!source)
		source = "(unnamed)";
	struct lex l;
	lex_init(&l, text, len);
	struct ps_param_batch b = { 0 };
	int rc;
	while ((rc = statement(&l, &b, res)) > 0)
		;
	unsigned tline;
	const char *marker;
	if (rc < 0 && ps_profile_find_template(text ? text : "", text ? len : 0, &tline, &marker)) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_TEMPLATE, tline, 0,
				     "unrendered template marker \"%s\"", marker);
	} else if (rc < 0) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_SPC_SYNTAX, l.err_line, l.err_col,
				     "SPC text syntax error: %s", l.err);
	} else if (!b.n) {
		ps_profile_issue_set(&res->error, PS_F_PROFILE_EMPTY, 0, 0,
				     "the SPC text sets no parameter%s",
				     res->n_notes ? " (its imports were not followed)" : "");
	} else {
		res->n_set = ps_param_batch_apply(&b, t, source);
		ps_param_batch_clear(&res->ops);
		res->ops = b;
		memset(&b, 0, sizeof b);
		res->applied = true;
		size_t ph = ps_param_batch_check_placeholders(&res->ops, &res->warning);
		if (ps_placeholders_mean_template(ph, res->n_set)) {
			ps_profile_issue_set(&res->error, PS_F_PROFILE_TEMPLATE, res->warning.line,
					     0, "the file was not rendered: %s (%zu of %zu)",
					     res->warning.detail, ph, res->n_set);
			ps_profile_issue_clear(&res->warning);
		}
		ps_parse_result_note(res, "SPC text is the profile compiler's source: the phone "
					  "reads the compiled file (spc in.txt out.cfg) or an XML "
					  "profile, not this text");
	}
	free(l.err);
	ps_param_batch_clear(&b);
	return res->error.id != PS_F_COUNT ? -1 : 0;
}
