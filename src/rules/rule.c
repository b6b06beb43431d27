/* The rule grammar: a hand-written recursive-descent parser over the rule
 * text, URL defaults, and the evaluator (see rule.h). Columns are 1-based
 * byte offsets into the rule text. */
#include "config.h"

#include "rules/rule.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "rules/macro.h"
#include "rules/version.h"

static const struct {
	enum ps_rule_op op;
	const char *symbol;
	const char *word;
} ops[] = {
#define PS_X(e, sym, word) { e, sym, word },
	PS_RULE_OPS(PS_X)
#undef PS_X
};

const char *ps_rule_op_symbol(enum ps_rule_op op)
{
	return (size_t)op < sizeof ops / sizeof ops[0] ? ops[op].symbol : "?";
}

const char *ps_rule_op_word(enum ps_rule_op op)
{
	return (size_t)op < sizeof ops / sizeof ops[0] ? ops[op].word : "?";
}

const char *ps_rule_register(const char *letter)
{
	static const char *const regs[] = {
		"GPP_A", "GPP_B", "GPP_C", "GPP_D", "GPP_E", "GPP_F", "GPP_G", "GPP_H",
		"GPP_I", "GPP_J", "GPP_K", "GPP_L", "GPP_M", "GPP_N", "GPP_O", "GPP_P",
	};
	if (!letter || !letter[0] || letter[1])
		return NULL;
	char c = letter[0];
	if (c >= 'A' && c <= 'P')
		return regs[c - 'A'];
	if (c >= 'a' && c <= 'p')
		return regs[c - 'a'];
	return NULL;
}

/* ---- character classes ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_';
}

/* ---- record helpers ---- */

static void cond_clear(struct ps_rule_cond *c)
{
	free(c->left);
	free(c->right);
	free(c->op_text);
}

static void assign_clear(struct ps_rule_assign *a)
{
	free(a->name);
	free(a->param);
	free(a->value);
}

static void opts_clear(struct ps_rule_opts *o)
{
	free(o->key);
	free(o->post);
	free(o->alias);
	free(o->uid);
	free(o->pwd);
	memset(o, 0, sizeof *o);
}

static void alt_clear(struct ps_rule_alt *a)
{
	for (size_t i = 0; i < a->n_conds; i++)
		cond_clear(&a->conds[i]);
	free(a->conds);
	for (size_t i = 0; i < a->n_assigns; i++)
		assign_clear(&a->assigns[i]);
	free(a->assigns);
	opts_clear(&a->opts);
	free(a->url);
	free(a->text);
	memset(a, 0, sizeof *a);
}

void ps_rule_clear(struct ps_rule *r)
{
	if (!r)
		return;
	free(r->text);
	for (size_t i = 0; i < r->n_alts; i++)
		alt_clear(&r->alts[i]);
	free(r->alts);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i].message);
	free(r->warnings);
	memset(r, 0, sizeof *r);
}

/* ---- parser ---- */

struct parser {
	const char *s; /* the rule text */
	size_t pos;    /* current byte */
	struct ps_rule *r;
	struct ps_rule_error *err; /* never NULL inside the parser */
	size_t cap_alts, cap_warnings;
};

static char cur(const struct parser *p)
{
	return p->s[p->pos];
}

static long col(size_t pos)
{
	return (long)pos + 1;
}

static void skip_ws(struct parser *p)
{
	while (is_space(cur(p)))
		p->pos++;
}

/* Record a parse error at byte `at`; always returns false. */
static bool fail(struct parser *p, size_t at, const char *expected, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool fail(struct parser *p, size_t at, const char *expected, const char *fmt, ...)
{
	p->err->column = col(at);
	snprintf(p->err->expected, sizeof p->err->expected, "%s", expected);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
	va_end(ap);
	return false;
}

/* Record a warning at byte `at`. */
static void warn(struct parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn(struct parser *p, size_t at, const char *fmt, ...)
{
	p->r->warnings = ps_xgrow(p->r->warnings, &p->cap_warnings, p->r->n_warnings + 1,
				  sizeof *p->r->warnings);
	struct ps_rule_warning *w = &p->r->warnings[p->r->n_warnings++];
	w->column = col(at);
	va_list ap;
	va_start(ap, fmt);
	w->message = ps_xvasprintf(fmt, ap);
	va_end(ap);
}

/* Length of the word operator or keyword `w` at the current position
 * (case-insensitive, not followed by a word character), else 0. */
static size_t at_word(const struct parser *p, const char *w)
{
	size_t n = strlen(w);
	if (!ps_strn_ieq(p->s + p->pos, w, n))
		return 0;
	return is_word_char(p->s[p->pos + n]) || p->s[p->pos + n] == '.' ? 0 : n;
}

/* A comparison operator at the current position: consumes it. */
static bool parse_op(struct parser *p, enum ps_rule_op *op, char **text)
{
	static const struct {
		const char *s;
		enum ps_rule_op op;
	} syms[] = {
		{ "!=", PS_OP_NE }, { "<=", PS_OP_LE }, { ">=", PS_OP_GE }, { "=", PS_OP_EQ },
		{ "<", PS_OP_LT },  { ">", PS_OP_GT },  { "!", PS_OP_NE },
	};
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		size_t n = strlen(syms[i].s);
		if (strncmp(p->s + p->pos, syms[i].s, n) == 0) {
			*op = syms[i].op;
			*text = ps_xstrndup(p->s + p->pos, n);
			p->pos += n;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = at_word(p, ops[i].word);
		if (n) {
			*op = ops[i].op;
			*text = ps_xstrndup(p->s + p->pos, n);
			p->pos += n;
			return true;
		}
	}
	return false;
}

/* A quoted string at the current position (which is '"'). */
static bool parse_quoted(struct parser *p, char **out)
{
	size_t open = p->pos;
	const char *e = strchr(p->s + open + 1, '"');
	if (!e)
		return fail(p, open, "'\"' to close the string",
			    "unterminated quoted string (opened at column %ld)", col(open));
	*out = ps_xstrndup(p->s + open + 1, (size_t)(e - (p->s + open + 1)));
	p->pos = (size_t)(e - p->s) + 1;
	return true;
}

/* An operand: a quoted string, or unquoted text in which parentheses
 * balance (6.1.5(a), $(MA:6:6)). */
static bool parse_operand(struct parser *p, char **out, bool *quoted)
{
	*quoted = false;
	if (cur(p) == '"') {
		*quoted = true;
		return parse_quoted(p, out);
	}
	size_t start = p->pos, open = 0;
	int depth = 0;
	for (;;) {
		char c = cur(p);
		if (!c || is_space(c) || strchr("\"|[]", c))
			break;
		if (c == '(') {
			if (depth++ == 0)
				open = p->pos;
		} else if (c == ')') {
			if (depth == 0)
				break;
			depth--;
		} else if (depth == 0 && strchr("=!<>?", c)) {
			break;
		}
		p->pos++;
	}
	if (depth > 0)
		return fail(p, p->pos, "')' to close the '(' inside the operand",
			    "unbalanced '(' in an operand (opened at column %ld)", col(open));
	if (p->pos == start)
		return fail(p, start, "an operand (a number, version, $MACRO or \"string\")",
			    "missing operand");
	*out = ps_xstrndup(p->s + start, p->pos - start);
	return true;
}

/* Whether the current position ends a comparison list. */
static bool at_expr_end(const struct parser *p, bool paren)
{
	return paren ? cur(p) == ')' : cur(p) == '\0';
}

static bool parse_comparison(struct parser *p, bool paren, struct ps_rule_cond *c)
{
	size_t start = p->pos, op_at = p->pos;
	c->column = col(start);
	if (parse_op(p, &c->op, &c->op_text)) {
		c->legacy = true;
		skip_ws(p);
	} else {
		if (!parse_operand(p, &c->left, &c->left_quoted))
			return false;
		skip_ws(p);
		op_at = p->pos;
		if (at_expr_end(p, paren) || at_word(p, "and")) {
			if (c->left_quoted)
				return fail(p, p->pos, "a comparison operator after the string",
					    "a quoted string alone is not a condition");
			/* Legacy "(1.0.33)?": the firmware version equals it. */
			c->right = c->left;
			c->left = NULL;
			c->op = PS_OP_EQ;
			c->op_text = ps_xstrdup("");
			c->legacy = true;
			return true;
		}
		if (!parse_op(p, &c->op, &c->op_text)) {
			size_t n = 0;
			while (n < 20 && p->s[p->pos + n] && !is_space(p->s[p->pos + n]))
				n++;
			return fail(
			    p, p->pos,
			    "a comparison operator (=, !=, <, <=, >, >=, eq, ne, lt, le, gt, "
			    "ge)",
			    "'%.*s' is not a comparison operator", (int)n, p->s + p->pos);
		}
		skip_ws(p);
	}
	if (!parse_operand(p, &c->right, &c->right_quoted))
		return false;
	if ((c->left_quoted || c->right_quoted) && c->op != PS_OP_EQ && c->op != PS_OP_NE)
		return fail(p, op_at, "'=' or '!=' (eq, ne) with a quoted string",
			    "quoted strings compare only for equality, not with '%s'", c->op_text);
	return true;
}

/* cond-expr; inside "( )?" when `paren`, else the whole text (a trigger). */
static bool parse_cond_expr(struct parser *p, struct ps_rule_alt *alt, bool paren, size_t open)
{
	size_t cap = 0;
	for (;;) {
		skip_ws(p);
		if (paren && cur(p) == ')' && alt->n_conds == 0)
			return fail(p, p->pos, "a comparison", "empty condition '()'");
		alt->conds = ps_xgrow(alt->conds, &cap, alt->n_conds + 1, sizeof *alt->conds);
		struct ps_rule_cond *c = &alt->conds[alt->n_conds++];
		if (!parse_comparison(p, paren, c))
			return false;
		skip_ws(p);
		size_t n = at_word(p, "and");
		if (!n)
			break;
		p->pos += n;
	}
	if (!paren) {
		if (cur(p))
			return fail(p, p->pos, "'and' or the end of the condition",
				    "unexpected text after the comparison");
		return true;
	}
	if (!cur(p))
		return fail(p, p->pos, "')?' after the condition",
			    "unterminated '(' (opened at column %ld)", col(open));
	if (cur(p) != ')')
		return fail(p, p->pos, "'and' or ')?' after the comparison",
			    "unexpected text in the condition opened at column %ld", col(open));
	p->pos++;
	skip_ws(p);
	if (cur(p) != '?')
		return fail(p, p->pos, "'?' after the condition's ')'",
			    "a condition must end in ')?'");
	p->pos++;
	return true;
}

/* For the group opened by '(' at `open`: the first non-space character
 * after its matching ')', '\0' when it has none. Quotes are skipped. */
static char group_follower(const char *s, size_t open)
{
	int depth = 0;
	for (size_t i = open; s[i]; i++) {
		if (s[i] == '"') {
			const char *e = strchr(s + i + 1, '"');
			if (!e)
				return '\0';
			i = (size_t)(e - s);
		} else if (s[i] == '(') {
			depth++;
		} else if (s[i] == ')' && --depth == 0) {
			i++;
			while (is_space(s[i]))
				i++;
			return s[i];
		}
	}
	return '\0';
}

static bool is_name_start(char c)
{
	return is_alpha(c) || c == '_';
}

static bool is_name_char(char c)
{
	return is_word_char(c) || c == '-';
}

static bool parse_assignment(struct parser *p, struct ps_rule_alt *alt)
{
	size_t open = p->pos, cap = 0;
	alt->has_assign = true;
	p->pos++;
	for (;;) {
		skip_ws(p);
		if (cur(p) == ')')
			break;
		if (!cur(p))
			return fail(p, p->pos, "')!' to close the assignment",
				    "unterminated '(' (opened at column %ld)", col(open));
		if (!is_name_start(cur(p)))
			return fail(p, p->pos, "a parameter name",
				    "an assignment starts with a parameter name");
		size_t name_at = p->pos;
		while (is_name_char(cur(p)))
			p->pos++;
		char *name = ps_xstrndup(p->s + name_at, p->pos - name_at);
		skip_ws(p);
		if (cur(p) != '=') {
			free(name);
			return fail(p, p->pos, "'=' after the parameter name",
				    "an assignment is Name = \"value\" ;");
		}
		p->pos++;
		skip_ws(p);
		if (cur(p) != '"') {
			free(name);
			return fail(p, p->pos, "a \"quoted\" value",
				    "assigned values must be quoted");
		}
		char *value;
		if (!parse_quoted(p, &value)) {
			free(name);
			return false;
		}
		alt->assigns =
		    ps_xgrow(alt->assigns, &cap, alt->n_assigns + 1, sizeof *alt->assigns);
		struct ps_rule_assign *a = &alt->assigns[alt->n_assigns++];
		a->name = name;
		const char *reg = name[0] >= 'a' && name[0] <= 'p' ? ps_rule_register(name) : NULL;
		a->param = ps_xstrdup(reg ? reg : name);
		a->value = value;
		a->column = col(name_at);
		skip_ws(p);
		if (cur(p) == ';') {
			p->pos++;
		} else if (cur(p) == ')') {
			warn(p, p->pos, "the assignment to %s is not followed by ';'", name);
		} else {
			return fail(p, p->pos, "';' after the value",
				    "each assignment ends with ';'");
		}
	}
	p->pos++;
	skip_ws(p);
	if (cur(p) != '!')
		return fail(p, p->pos, "'!' after the assignment's ')'",
			    "an assignment block must end in ')!'");
	p->pos++;
	return true;
}

/* An option argument: quoted, or up to a space or ']'. */
static bool parse_option_arg(struct parser *p, const char *opt, char **out)
{
	skip_ws(p);
	if (cur(p) == '"')
		return parse_quoted(p, out);
	size_t start = p->pos;
	while (cur(p) && !is_space(cur(p)) && cur(p) != ']' && cur(p) != '"')
		p->pos++;
	if (p->pos == start || strncmp(p->s + start, "--", 2) == 0) {
		p->pos = start;
		return fail(p, start, "an argument", "--%s needs an argument", opt);
	}
	*out = ps_xstrndup(p->s + start, p->pos - start);
	return true;
}

static bool parse_options(struct parser *p, struct ps_rule_alt *alt)
{
	/* In the order of `slots` below; "delta" (no argument) last. */
	static const char *const names[] = { "key", "post", "alias", "uid", "pwd", "delta" };
	struct ps_rule_opts *o = &alt->opts;
	size_t open = p->pos;
	o->present = true;
	o->column = col(open);
	if (p->r->kind == PS_RULE_UPGRADE)
		p->r->options_ignored = true;
	p->pos++;
	for (;;) {
		skip_ws(p);
		if (cur(p) == ']') {
			p->pos++;
			return true;
		}
		if (!cur(p))
			return fail(p, p->pos, "']'", "unterminated '[' (opened at column %ld)",
				    col(open));
		if (strncmp(p->s + p->pos, "--", 2) != 0)
			return fail(p, p->pos,
				    "an option (--key, --post, --alias, --uid, --pwd, --delta) or "
				    "']'",
				    "options are written --name argument");
		size_t opt_at = p->pos;
		p->pos += 2;
		size_t k = sizeof names / sizeof names[0];
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			size_t n = at_word(p, names[i]);
			if (n && (!p->s[p->pos + n] || !is_name_char(p->s[p->pos + n]))) {
				k = i;
				p->pos += n;
				break;
			}
		}
		if (k == sizeof names / sizeof names[0]) {
			size_t n = 0;
			while (n < 20 && is_name_char(p->s[p->pos + n]))
				n++;
			return fail(p, opt_at, "--key, --post, --alias, --uid, --pwd or --delta",
				    "unknown option '--%.*s'", (int)n, p->s + p->pos);
		}
		if (k == 5) {
			if (o->delta)
				warn(p, opt_at, "--delta is given twice");
			o->delta = true;
			continue;
		}
		char **slots[] = { &o->key, &o->post, &o->alias, &o->uid, &o->pwd };
		char **slot = slots[k];
		char *arg;
		if (!parse_option_arg(p, names[k], &arg))
			return false;
		if (*slot) {
			warn(p, opt_at, "--%s is given twice; the last one is used", names[k]);
			free(*slot);
		}
		*slot = arg;
		if ((k == 1 || k == 2) && !ps_rule_register(arg))
			warn(p, opt_at, "--%s takes a register letter a..p, not '%s'", names[k],
			     arg);
	}
}

static bool parse_url(struct parser *p, struct ps_rule_alt *alt)
{
	size_t start = p->pos;
	bool bracket = false;
	while (cur(p) && !is_space(cur(p)) && cur(p) != '|') {
		if (cur(p) == '[')
			bracket = true;
		else if (cur(p) == ']' && !bracket)
			return fail(p, p->pos, "'[' before ']'", "stray ']' in the URL");
		p->pos++;
	}
	alt->url = ps_xstrndup(p->s + start, p->pos - start);
	alt->url_column = col(start);
	return true;
}

/* One alternative, up to '|', '#' or the end. `*empty` tells whether it
 * had nothing in it. */
static bool parse_alt(struct parser *p, struct ps_rule_alt *alt, bool *empty)
{
	skip_ws(p);
	size_t start = p->pos;
	bool cond = false, assign = false, opts = false;
	alt->column = col(start);
	for (;;) {
		skip_ws(p);
		char c = cur(p);
		if (!c || c == '|' || c == '#')
			break;
		if (alt->url)
			return fail(p, p->pos, "'|' between alternatives",
				    "unexpected text after the URL");
		if (c == '(') {
			size_t open = p->pos;
			if (group_follower(p->s, open) == '!') {
				if (assign)
					return fail(p, open, "one assignment block per alternative",
						    "a second ( ... )! block");
				if (!parse_assignment(p, alt))
					return false;
				assign = true;
				continue;
			}
			if (cond)
				return fail(p, open, "'and' inside one condition",
					    "an alternative takes one condition");
			if (assign || opts)
				return fail(p, open, "the condition first",
					    "the condition must come before the assignment and "
					    "options");
			p->pos++;
			if (!parse_cond_expr(p, alt, true, open))
				return false;
			cond = true;
		} else if (c == '[') {
			if (opts)
				return fail(p, p->pos, "one [ ... ] block per alternative",
					    "a second options block");
			if (!parse_options(p, alt))
				return false;
			opts = true;
		} else if (c == ']') {
			return fail(p, p->pos, "'[' before ']'", "stray ']'");
		} else if (c == ')') {
			return fail(p, p->pos, "'(' before ')'", "stray ')'");
		} else {
			if (!parse_url(p, alt))
				return false;
		}
	}
	size_t end = p->pos;
	while (end > start && is_space(p->s[end - 1]))
		end--;
	*empty = end == start;
	alt->text = ps_xstrndup(p->s + start, end - start);
	return true;
}

static struct ps_rule_alt *new_alt(struct parser *p)
{
	p->r->alts = ps_xgrow(p->r->alts, &p->cap_alts, p->r->n_alts + 1, sizeof *p->r->alts);
	return &p->r->alts[p->r->n_alts++];
}

static bool parse_trigger(struct parser *p)
{
	size_t start = p->pos, end = strlen(p->s);
	while (end > start && is_space(p->s[end - 1]))
		end--;
	if (cur(p) == '(' && end - start >= 2 && p->s[end - 1] == '?')
		return fail(p, start, "a bare condition, without '( )?'",
			    "Resync_Trigger takes a bare condition such as $PRVTMR ge 3600");
	struct ps_rule_alt *alt = new_alt(p);
	alt->column = col(start);
	alt->text = ps_xstrndup(p->s + start, end - start);
	return parse_cond_expr(p, alt, false, start);
}

static bool parse_rule(struct parser *p)
{
	skip_ws(p);
	if (cur(p) == '#') {
		p->r->commented = true;
		return true;
	}
	if (!cur(p))
		return true;
	if (p->r->kind == PS_RULE_TRIGGER)
		return parse_trigger(p);
	for (;;) {
		skip_ws(p);
		size_t at = p->pos;
		struct ps_rule_alt alt = { 0 };
		bool empty = false;
		if (!parse_alt(p, &alt, &empty)) {
			alt_clear(&alt);
			return false;
		}
		if (empty) {
			alt_clear(&alt);
			if (cur(p) == '#' && p->r->n_alts > 0) {
				warn(p, at,
				     "a comment follows the last '|'; that alternative is "
				     "ignored");
				return true;
			}
			return fail(p, at, "a condition, assignment, options or URL",
				    "empty alternative");
		}
		*new_alt(p) = alt;
		if (cur(p) != '|')
			return true; /* the end, or a '#' comment */
		p->pos++;
	}
}

int ps_rule_parse(const char *text, enum ps_rule_kind kind, struct ps_rule *out,
		  struct ps_rule_error *err)
{
	struct ps_rule_error local;
	struct parser p = { .s = text ? text : "", .err = err ? err : &local, .r = out };
	memset(out, 0, sizeof *out);
	memset(p.err, 0, sizeof *p.err);
	out->text = ps_xstrdup(p.s);
	out->kind = kind;
	if (!parse_rule(&p)) {
		ps_rule_clear(out);
		return -1;
	}
	for (size_t i = 0; i + 1 < out->n_alts; i++)
		if (out->alts[i].n_conds == 0)
			warn(&p, (size_t)(out->alts[i].column - 1),
			     "alternative %zu has no condition but is not the last; the "
			     "documentation requires one (the phone may always use it, or reject "
			     "the rule)",
			     i + 1);
	return 0;
}

/* ---- URLs ---- */

void ps_url_clear(struct ps_url *u)
{
	if (!u)
		return;
	free(u->scheme);
	free(u->host);
	free(u->path);
	free(u->query);
	memset(u, 0, sizeof *u);
}

/* Clear `u`, put the message in *err; returns -1. */
static int url_fail(struct ps_url *u, char **err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int url_fail(struct ps_url *u, char **err, const char *fmt, ...)
{
	ps_url_clear(u);
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		*err = ps_xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

int ps_rule_url_resolve(const char *expanded, struct ps_url *out, char **err)
{
	memset(out, 0, sizeof *out);
	if (err)
		*err = NULL;
	const char *s = expanded ? expanded : "";
	if (!*s)
		return url_fail(out, err, "the URL is empty");
	for (const char *q = s; *q; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			return url_fail(out, err, "the URL contains a space or control character");
	const char *p = s;
	const char *sep = strstr(s, "://");
	size_t slash = strcspn(s, "/?");
	bool authority = false;
	if (sep && (size_t)(sep - s) < slash) {
		size_t n = (size_t)(sep - s);
		out->scheme = ps_xstrndup(s, n);
		for (size_t i = 0; i < n; i++)
			out->scheme[i] = ps_ascii_lower(out->scheme[i]);
		if (strcmp(out->scheme, "tftp") && strcmp(out->scheme, "http") &&
		    strcmp(out->scheme, "https"))
			return url_fail(out, err,
					"unsupported scheme '%.*s' (the phone knows tftp, http and "
					"https)",
					(int)n, s);
		p = sep + 3;
		authority = true;
	} else {
		out->scheme = ps_xstrdup("tftp");
		authority = *p != '/';
	}
	size_t alen = authority ? strcspn(p, "/?") : 0;
	const char *a = p, *aend = p + alen;
	if (memchr(a, '@', alen))
		return url_fail(
		    out, err,
		    "user@host is not part of the phone's URL syntax (use [--uid u --pwd "
		    "p])");
	const char *host_end = aend, *port_at = NULL;
	if (alen && *a == '[') {
		const char *rb = memchr(a, ']', alen);
		bool colon = false, ok = rb && rb > a + 1;
		for (const char *q = a + 1; ok && q < rb; q++) {
			colon |= *q == ':';
			ok = is_digit(*q) ||
			     (ps_ascii_lower(*q) >= 'a' && ps_ascii_lower(*q) <= 'f') ||
			     *q == ':' || *q == '.';
		}
		if (!ok || !colon)
			return url_fail(out, err, "bad IPv6 address literal in the URL");
		out->host = ps_xstrndup(a + 1, (size_t)(rb - a - 1));
		if (rb + 1 < aend) {
			if (rb[1] != ':')
				return url_fail(out, err, "unexpected text after ']' in the URL");
			port_at = rb + 2;
		}
	} else {
		const char *colon = memchr(a, ':', alen);
		if (colon) {
			host_end = colon;
			port_at = colon + 1;
		}
		if (host_end > a)
			out->host = ps_xstrndup(a, (size_t)(host_end - a));
	}
	if (port_at) {
		unsigned long v = 0;
		const char *q = port_at;
		if (q == aend)
			return url_fail(out, err, "empty port after ':' in the URL");
		for (; q < aend; q++) {
			if (!is_digit(*q) || v > 65535)
				return url_fail(out, err, "bad port '%.*s' in the URL",
						(int)(aend - port_at), port_at);
			v = v * 10 + (unsigned long)(*q - '0');
		}
		if (v == 0 || v > 65535)
			return url_fail(out, err, "port %lu is out of range", v);
		out->port = (unsigned)v;
	} else {
		out->port_defaulted = true;
		out->port = strcmp(out->scheme, "tftp") == 0   ? 69
			    : strcmp(out->scheme, "http") == 0 ? 80
							       : 443;
	}
	out->host_defaulted = out->host == NULL;
	const char *path = aend;
	if (*path != '/')
		return url_fail(out, err,
				*path
				    ? "the path must be absolute (start with '/')"
				    : "the URL has no path; it must be absolute (start with '/')");
	size_t plen = strcspn(path, "?");
	out->path = ps_xstrndup(path, plen);
	if (path[plen] == '?')
		out->query = ps_xstrdup(path + plen + 1);
	return 0;
}

bool ps_url_dhcp_server(struct ps_url *u, const char *server, char **err)
{
	if (err)
		*err = NULL;
	char *text = ps_xasprintf("tftp://%s/", server ? server : "");
	struct ps_url s;
	bool ok = ps_rule_url_resolve(text, &s, err) == 0 && s.host && !s.query &&
		  strcmp(s.path, "/") == 0 && !strchr(server, '/');
	free(text);
	if (!ok) {
		if (err && !*err)
			*err = ps_xstrdup("give a host name or address, and a port after ':' if "
					  "not 69");
		ps_url_clear(&s);
		return false;
	}
	if (u->host_defaulted) {
		u->host = s.host;
		s.host = NULL;
		u->host_defaulted = false;
		u->host_from_dhcp = true;
		if (u->port_defaulted && !s.port_defaulted && strcmp(u->scheme, "tftp") == 0) {
			u->port = s.port;
			u->port_defaulted = false;
		}
	}
	ps_url_clear(&s);
	return true;
}

char *ps_url_format(const struct ps_url *u)
{
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "%s://", u->scheme ? u->scheme : "tftp");
	if (!u->host)
		ps_buf_puts(&b, "<dhcp-option-66>");
	else if (strchr(u->host, ':'))
		ps_buf_printf(&b, "[%s]", u->host);
	else
		ps_buf_puts(&b, u->host);
	ps_buf_printf(&b, ":%u%s", u->port, u->path ? u->path : "/");
	if (u->query)
		ps_buf_printf(&b, "?%s", u->query);
	return ps_buf_take(&b);
}

/* ---- evaluation ---- */

enum cond_result {
	COND_FALSE,
	COND_TRUE,
	COND_ERROR,
};

/* "-12" or "600": an optional minus and digits. */
static bool is_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (!is_digit(*s))
		return false;
	while (is_digit(*s))
		s++;
	return *s == '\0';
}

/* Compare two signed integers of any length. */
static int int_cmp(const char *a, const char *b)
{
	bool na = *a == '-', nb = *b == '-';
	const char *ma = a + na, *mb = b + nb;
	/* "-0" is 0. */
	if (na && strspn(ma, "0") == strlen(ma))
		na = false;
	if (nb && strspn(mb, "0") == strlen(mb))
		nb = false;
	if (na != nb)
		return na ? -1 : 1;
	int c = ps_version_cmp(ma, mb);
	return na ? -c : c;
}

static bool op_holds(enum ps_rule_op op, int c)
{
	switch (op) {
	case PS_OP_EQ:
		return c == 0;
	case PS_OP_NE:
		return c != 0;
	case PS_OP_LT:
		return c < 0;
	case PS_OP_LE:
		return c <= 0;
	case PS_OP_GT:
		return c > 0;
	case PS_OP_GE:
		return c >= 0;
	}
	return false;
}

static void put_operand(struct ps_buf *b, const char *text, bool quoted)
{
	if (quoted)
		ps_buf_printf(b, "\"%s\"", text);
	else
		ps_buf_puts(b, text);
}

/* Evaluate one comparison and append its explanation to `b`. */
static enum cond_result eval_cond(const struct ps_rule_cond *c, const struct ps_macro_env *env,
				  struct ps_buf *b)
{
	const char *left_src = c->left ? c->left : "$SWVER";
	char *l = ps_macro_expand_env(left_src, env, 0);
	char *r = ps_macro_expand_env(c->right, env, 0);
	const char *sym = ps_rule_op_symbol(c->op);
	put_operand(b, left_src, c->left_quoted);
	ps_buf_printf(b, " %s ", c->op_text && *c->op_text ? c->op_text : sym);
	put_operand(b, c->right, c->right_quoted);
	ps_buf_puts(b, ": ");
	enum cond_result res;
	bool text = c->left_quoted || c->right_quoted;
	int cmp = 0;
	const char *how = "";
	if (!text && is_integer(l) && is_integer(r)) {
		cmp = int_cmp(l, r);
	} else if (!text && ps_version_valid(l) && ps_version_valid(r)) {
		cmp = ps_version_cmp(l, r);
	} else if (c->op == PS_OP_EQ || c->op == PS_OP_NE) {
		cmp = strcmp(l, r) != 0;
		if (!text)
			how = " (compared as text)";
	} else {
		const char *bad = !text && (is_integer(l) || ps_version_valid(l)) ? r : l;
		ps_buf_printf(b, "'%s' is not a number or version, so '%s' cannot order it (false)",
			      bad, sym);
		free(l);
		free(r);
		return COND_ERROR;
	}
	res = op_holds(c->op, cmp) ? COND_TRUE : COND_FALSE;
	put_operand(b, l, c->left_quoted);
	ps_buf_printf(b, " %s ", sym);
	put_operand(b, r, c->right_quoted);
	ps_buf_printf(b, " is %s%s", res == COND_TRUE ? "true" : "false", how);
	free(l);
	free(r);
	return res;
}

static void expand_into(char **dst, const char *src, const struct ps_macro_env *env, unsigned flags)
{
	*dst = src ? ps_macro_expand_env(src, env, flags) : NULL;
}

static int fire(const struct ps_rule_alt *a, const struct ps_macro_env *env,
		struct ps_rule_eval *out)
{
	if (a->n_assigns) {
		out->assigns = ps_xcalloc(a->n_assigns, sizeof *out->assigns);
		out->n_assigns = a->n_assigns;
		for (size_t i = 0; i < a->n_assigns; i++) {
			struct ps_rule_assign *d = &out->assigns[i];
			d->name = ps_xstrdup(a->assigns[i].name);
			d->param = ps_xstrdup(a->assigns[i].param);
			d->value = ps_macro_expand_env(a->assigns[i].value, env, 0);
			d->column = a->assigns[i].column;
		}
	}
	const struct ps_rule_opts *o = &a->opts;
	out->opts.present = o->present;
	out->opts.delta = o->delta;
	out->opts.column = o->column;
	expand_into(&out->opts.key, o->key, env, PS_MACRO_ALLOW_SECRETS);
	expand_into(&out->opts.post, o->post, env, 0);
	expand_into(&out->opts.alias, o->alias, env, 0);
	expand_into(&out->opts.uid, o->uid, env, 0);
	expand_into(&out->opts.pwd, o->pwd, env, 0);
	if (!a->url)
		return 0;
	out->url_expanded = ps_macro_expand_env(a->url, env, 0);
	if (ps_rule_url_resolve(out->url_expanded, &out->url, &out->url_error) != 0)
		return -1;
	if (env && env->dhcp_server && out->url.host_defaulted)
		ps_url_dhcp_server(&out->url, env->dhcp_server, NULL);
	out->url_text = ps_url_format(&out->url);
	return 0;
}

int ps_rule_evaluate(const struct ps_rule *r, const struct ps_macro_env *env,
		     struct ps_rule_eval *out)
{
	memset(out, 0, sizeof *out);
	out->fired = -1;
	if (r->commented) {
		out->reason = ps_xstrdup("the rule is commented out with '#'");
		return 0;
	}
	if (r->n_alts == 0) {
		out->reason = ps_xstrdup("the rule is empty");
		return 0;
	}
	out->alts = ps_xcalloc(r->n_alts, sizeof *out->alts);
	out->n_alts = r->n_alts;
	for (size_t i = 0; i < r->n_alts; i++)
		out->alts[i].result = -1;
	for (size_t i = 0; i < r->n_alts; i++) {
		const struct ps_rule_alt *a = &r->alts[i];
		struct ps_rule_alt_eval *ae = &out->alts[i];
		struct ps_buf b = { 0 };
		enum cond_result res = COND_TRUE;
		if (a->n_conds == 0)
			ps_buf_puts(&b, "no condition");
		for (size_t k = 0; k < a->n_conds && res == COND_TRUE; k++) {
			if (k)
				ps_buf_puts(&b, "; and ");
			res = eval_cond(&a->conds[k], env, &b);
		}
		if (res == COND_TRUE && a->n_conds > 1)
			ps_buf_puts(&b, "; all hold");
		ae->explain = ps_buf_take(&b);
		ae->type_error = res == COND_ERROR;
		if (res != COND_TRUE) {
			ae->result = 0;
			continue;
		}
		ae->result = 1;
		out->fired = (long)i;
		return fire(a, env, out);
	}
	out->reason = ps_xstrdup(r->kind == PS_RULE_TRIGGER ? "the condition is false"
							    : "no alternative applies: every "
							      "condition is false");
	return 0;
}

void ps_rule_eval_clear(struct ps_rule_eval *e)
{
	if (!e)
		return;
	free(e->reason);
	for (size_t i = 0; i < e->n_alts; i++)
		free(e->alts[i].explain);
	free(e->alts);
	for (size_t i = 0; i < e->n_assigns; i++)
		assign_clear(&e->assigns[i]);
	free(e->assigns);
	opts_clear(&e->opts);
	free(e->url_expanded);
	ps_url_clear(&e->url);
	free(e->url_text);
	free(e->url_error);
	memset(e, 0, sizeof *e);
	e->fired = -1;
}
