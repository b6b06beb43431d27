/* The SPA rule grammar (Profile_Rule*, Report_Rule, Upgrade_Rule,
 * Resync_Trigger_*): parsing a rule into a record, URL defaults, and
 * evaluating a rule against macro values the way the phone does. Pure:
 * no I/O. Every string in these records is owned by the record.
 *
 * Grammar (reference §3.1; whitespace is free around tokens):
 *   rule        = "#" anything | alternative { "|" alternative }
 *   alternative = [ condition ] [ assignment ] [ options ] [ url ]
 *                 (assignment and options in either order, each once)
 *   condition   = "(" cond-expr ")" "?"
 *   cond-expr   = comparison { "and" comparison }
 *   comparison  = operand op operand
 *               | op operand           legacy: left operand is $SWVER
 *               | operand              legacy: $SWVER = operand
 *   op          = "=" | "eq" | "!=" | "ne" | "!" (legacy !=) | "<" | "lt"
 *               | "<=" | "le" | ">" | "gt" | ">=" | "ge"
 *   operand     = "\"" text "\"" | unquoted text (balanced parentheses allowed,
 *                 as in 6.1.5(a) or $(MA:6:6))
 *   assignment  = "(" { name "=" "\"" value "\"" ";" } ")" "!"
 *   options     = "[" { "--key" arg | "--post" letter | "--alias" letter
 *                     | "--uid" arg | "--pwd" arg | "--delta" } "]"
 *   url         = [ scheme "://" ] [ host [ ":" port ] ] "/" path [ "?" query ]
 * A Resync_Trigger_* rule is a bare cond-expr. Words ("eq", "and", "--key")
 * are matched case-insensitively. Macros are kept unexpanded in the parse
 * result and expanded by ps_rule_evaluate. A "#" where a new element could
 * start ends the rule: at the start it comments the whole rule out. */
#ifndef PS_RULES_RULE_H
#define PS_RULES_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/env.h"

enum ps_rule_kind {
	PS_RULE_PROFILE, /* Profile_Rule, Profile_Rule_B.._D, Report_Rule */
	PS_RULE_UPGRADE, /* Upgrade_Rule: options are accepted but flagged */
	PS_RULE_TRIGGER, /* Resync_Trigger_1/_2: a bare cond-expr */
};

/* Comparison operators: X(enum, symbol, word). */
#define PS_RULE_OPS(X)          \
	X(PS_OP_EQ, "=", "eq")  \
	X(PS_OP_NE, "!=", "ne") \
	X(PS_OP_LT, "<", "lt")  \
	X(PS_OP_LE, "<=", "le") \
	X(PS_OP_GT, ">", "gt")  \
	X(PS_OP_GE, ">=", "ge")

enum ps_rule_op {
#define PS_X(e, sym, word) e,
	PS_RULE_OPS(PS_X)
#undef PS_X
};

/* "=", "!=", "<", "<=", ">", ">=" and "eq", "ne", "lt"... (static). */
const char *ps_rule_op_symbol(enum ps_rule_op op);
const char *ps_rule_op_word(enum ps_rule_op op);

/* One comparison of a condition. */
struct ps_rule_cond {
	char *left;        /* left operand as written, without quotes; NULL when legacy */
	char *right;       /* right operand as written, without quotes */
	bool left_quoted;  /* the left operand was a "quoted string" */
	bool right_quoted; /* the right operand was a "quoted string" */
	enum ps_rule_op op;
	char *op_text; /* operator as written ("lt", "<", "!"); "" when implicit */
	bool legacy;   /* no left operand ((! 1.0.33)?, (1.0.33)?): it is $SWVER */
	long column;   /* 1-based column of the comparison's first token */
};

/* One assignment of an alternative's ( ... )! block. */
struct ps_rule_assign {
	char *name;  /* as written: "a", "User_ID_1_" */
	char *param; /* canonical parameter: "GPP_A" for a..p, else the name */
	char *value; /* between the quotes; unexpanded when parsed, expanded in an eval */
	long column; /* 1-based column of the name */
};

/* The bracketed URL options; each NULL/false when absent. */
struct ps_rule_opts {
	bool present; /* a [...] block was written */
	char *key;    /* --key argument without quotes */
	char *post;   /* --post register letter */
	char *alias;  /* --alias register letter */
	char *uid;    /* --uid */
	char *pwd;    /* --pwd */
	bool delta;   /* --delta */
	long column;  /* 1-based column of the '[' */
};

/* One alternative (text between '|'). */
struct ps_rule_alt {
	struct ps_rule_cond *conds; /* "and"-ed; none when unconditional */
	size_t n_conds;
	bool has_assign; /* a ( ... )! block was written, even an empty one */
	struct ps_rule_assign *assigns;
	size_t n_assigns;
	struct ps_rule_opts opts;
	char *url;       /* as written, NULL when the alternative has none */
	long url_column; /* 1-based, 0 without a URL */
	long column;     /* 1-based column where the alternative starts */
	char *text;      /* the alternative as written, trimmed */
};

/* Something the phone may read differently, found while parsing. */
struct ps_rule_warning {
	long column;   /* 1-based */
	char *message; /* one sentence */
};

struct ps_rule {
	char *text; /* the rule as written */
	enum ps_rule_kind kind;
	bool commented; /* starts with '#': the phone ignores it */
	struct ps_rule_alt *alts;
	size_t n_alts; /* 0 for an empty or commented rule */
	/* An Upgrade_Rule carries [...] options, which the documentation says
	 * the phone does not support: raise rule.option_ignored. */
	bool options_ignored;
	struct ps_rule_warning *warnings;
	size_t n_warnings;
};

/* Where and why a rule did not parse. */
struct ps_rule_error {
	long column;       /* 1-based; strlen(text) + 1 at the end of the rule */
	char expected[96]; /* what was expected there, e.g. "')?' after the condition" */
	char message[192]; /* one sentence */
};

/* Parse `text`. Returns 0 and fills `out` (free with ps_rule_clear), or -1
 * and fills `err` (may be NULL) and leaves `out` empty. */
int ps_rule_parse(const char *text, enum ps_rule_kind kind, struct ps_rule *out,
		  struct ps_rule_error *err);
void ps_rule_clear(struct ps_rule *r);

/* "GPP_A".."GPP_P" for a register letter "a".."p" (either case), else
 * NULL (static). For --post and --alias; the assignment shorthand
 * ("a = ...") maps lower-case letters only, as documented. */
const char *ps_rule_register(const char *letter);

/* A URL with the phone's defaults applied (reference §3.3). */
struct ps_url {
	char *scheme;        /* "tftp", "http" or "https", lower case */
	char *host;          /* NULL when host_defaulted */
	char *path;          /* absolute, starts with '/' */
	char *query;         /* after '?', NULL when there is no '?' */
	unsigned port;       /* given, or 69 / 80 / 443 */
	bool host_defaulted; /* no host: the TFTP server of DHCP option 66 */
	bool port_defaulted; /* no port was written */
	bool host_from_dhcp; /* no host was written; `host` is the DHCP server's */
};

/* Resolve an expanded URL: missing scheme -> tftp, missing host -> the DHCP
 * option-66 server (host_defaulted), missing port -> the scheme's. Returns
 * 0, or -1 with a sentence in *err (caller frees; err may be NULL) for an
 * unknown scheme, a bad port, a relative path, spaces or user@host. */
int ps_rule_url_resolve(const char *expanded, struct ps_url *out, char **err);
void ps_url_clear(struct ps_url *u);

/* Give a URL without a host the DHCP server's (`server`: "host",
 * "host:port" or "[v6]:port"; its port only where the URL wrote none):
 * host_defaulted becomes host_from_dhcp. False, and `u` unchanged, when
 * `server` is no host (err says why; may be NULL). */
bool ps_url_dhcp_server(struct ps_url *u, const char *server, char **err);

/* "scheme://host:port/path?query", the port always written; a defaulted
 * host is written "<dhcp-option-66>". Caller frees. */
char *ps_url_format(const struct ps_url *u);

/* How one alternative evaluated. */
struct ps_rule_alt_eval {
	int result;      /* 1 fired, 0 its condition is false, -1 not reached */
	bool type_error; /* a comparison could not be made (text ordered with '<'...) */
	char *explain;   /* one line, e.g. "$SWVER lt 7.5.2b: 7.4.9 < 7.5.2b is true";
			    NULL when not reached */
};

struct ps_rule_eval {
	long fired;   /* index of the alternative used, -1 none (rule.no_match) */
	char *reason; /* why nothing fired, NULL when something did */
	struct ps_rule_alt_eval *alts;
	size_t n_alts;
	/* Of the fired alternative, macros expanded: */
	struct ps_rule_assign *assigns; /* to apply BEFORE the fetch, in order */
	size_t n_assigns;
	struct ps_rule_opts opts; /* key expanded with the secret registers */
	char *url_expanded;       /* the URL after macro expansion, NULL without one */
	struct ps_url url;        /* resolved; scheme NULL when unresolved */
	char *url_text;           /* ps_url_format of url, NULL when unresolved */
	char *url_error;          /* why the URL does not resolve, else NULL */
};

/* Evaluate `r` (a parsed rule) with the macro values of `env` (may be NULL:
 * no macros known). Alternatives are tried in order; the first whose
 * comparisons all hold, or that has none, fires. Quoted operands compare
 * as text with = and != only; unquoted ones compare as signed integers
 * when both are, as versions (ps_version_cmp) when both are, and as text
 * with = and != otherwise; ordering text is a type error (the comparison
 * is false). All expansion uses the values before the fired alternative's
 * assignments run. Returns 0, or -1 when the fired alternative's URL does
 * not resolve (url_error says why). Free `out` with ps_rule_eval_clear. */
int ps_rule_evaluate(const struct ps_rule *r, const struct ps_macro_env *env,
		     struct ps_rule_eval *out);
void ps_rule_eval_clear(struct ps_rule_eval *e);

#endif
