/* Macro expansion (see macro.h). A bare $NAME takes the longest run of
 * upper-case letters and digits; among known names, the longest known
 * prefix of that run wins, so "$MAU.cfg" is $MAU and "$MAxyz" is $MA.
 * Also the expansion with a struct ps_macro_env (rules/env.h). */
#include "config.h"

#include "rules/macro.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* Returned by an internal lookup for a name the phone knows but whose value
 * is not available: the reference stays as written and no shorter prefix
 * is tried. Callers of ps_macro_expand cannot return this address. */
static const char keep_literal[] = "";

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool parse_uint(const char **p, unsigned long *out)
{
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long v = 0;
	while (*s >= '0' && *s <= '9') {
		if (v > 100000000UL)
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		s++;
	}
	*out = v;
	*p = s;
	return true;
}

/* $(NAME[:p[:q]]) starting at `s` (which points at "$("). Returns the
 * number of bytes consumed, 0 when it is not a well-formed reference. */
static size_t expand_paren(const char *s, ps_macro_lookup_fn lookup, void *ctx, struct ps_buf *out)
{
	const char *p = s + 2;
	const char *name = p;
	while (is_name_char(*p))
		p++;
	size_t nlen = (size_t)(p - name);
	unsigned long off = 0, len = (unsigned long)-1;
	bool sub = false;
	if (*p == ':') {
		p++;
		if (!parse_uint(&p, &off))
			return 0;
		sub = true;
		if (*p == ':') {
			p++;
			if (!parse_uint(&p, &len))
				return 0;
		}
	}
	if (*p != ')' || nlen == 0)
		return 0;
	char *n = ps_xstrndup(name, nlen);
	const char *v = lookup(ctx, n);
	free(n);
	if (!v || v == keep_literal)
		return 0;
	if (sub) {
		size_t vl = strlen(v);
		if (off < vl) {
			size_t take = vl - off;
			if (len < take)
				take = len;
			ps_buf_add(out, v + off, take);
		}
	} else {
		ps_buf_puts(out, v);
	}
	return (size_t)(p + 1 - s);
}

/* The expansion proper. `underscore` lets a bare name contain '_' (for
 * $GPP_A); the longest known prefix still wins, so "$PN_$MA" is unchanged. */
static char *expand(const char *in, ps_macro_lookup_fn lookup, void *ctx, bool underscore)
{
	struct ps_buf out = { 0 };
	const char *s = in;
	while (*s) {
		if (*s != '$') {
			const char *e = strchr(s, '$');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			ps_buf_add(&out, s, n);
			s += n;
			continue;
		}
		if (s[1] == '$') {
			ps_buf_add(&out, "$", 1);
			s += 2;
			continue;
		}
		if (s[1] == '(') {
			size_t used = expand_paren(s, lookup, ctx, &out);
			if (used) {
				s += used;
				continue;
			}
			ps_buf_add(&out, s, 1);
			s++;
			continue;
		}
		size_t run = 0;
		while (is_name_char(s[1 + run]) && (underscore || s[1 + run] != '_'))
			run++;
		bool done = false;
		for (size_t n = run; n > 0 && !done; n--) {
			char *name = ps_xstrndup(s + 1, n);
			const char *v = lookup(ctx, name);
			free(name);
			if (v == keep_literal) {
				ps_buf_add(&out, s, 1 + n);
				s += 1 + n;
				done = true;
			} else if (v) {
				ps_buf_puts(&out, v);
				s += 1 + n;
				done = true;
			}
		}
		if (!done) {
			ps_buf_add(&out, s, 1 + run);
			s += 1 + run;
		}
	}
	return ps_buf_take(&out);
}

char *ps_macro_expand(const char *in, ps_macro_lookup_fn lookup, void *ctx)
{
	return expand(in, lookup, ctx, false);
}

/* Macros the phone defines (reference §3.5) besides the registers. */
static const char *const phone_macros[] = {
	"MA",      "MAU",    "MAC",   "PN",    "PSN",    "SN",     "CCERT",  "IP",      "EXTIP",
	"SWVER",   "HWVER",  "PRVST", "UPGST", "UPGERR", "PRVTMR", "UPGTMR", "REGTMR1", "REGTMR2",
	"UPGCOND", "SCHEME", "METH",  "SERV",  "SERVIP", "PORT",   "PATH",   "ERR",     "UID1",
	"UID2",    "ISCUST", "EMS",   "SA",    "SB",     "SC",     "SD",
};

struct env_lookup_ctx {
	const struct ps_macro_env *env;
	unsigned flags;
	char name[16]; /* parameter name being asked, kept for the callback */
};

/* Register (or user id) `param` from the env, "" when it has no value. */
static const char *env_param(struct env_lookup_ctx *c, const char *param)
{
	const char *v = c->env->param ? c->env->param(c->env->ctx, param) : NULL;
	return v ? v : "";
}

/* The register a macro name stands for ("A" -> "GPP_A", "SB" -> "GPP_SB",
 * "GPP_C" -> "GPP_C"), written into c->name; false when it is none.
 * `secret` tells whether it is one of GPP_SA..GPP_SD. */
static bool register_name(struct env_lookup_ctx *c, const char *name, bool *secret)
{
	const char *r = strncmp(name, "GPP_", 4) == 0 ? name + 4 : name;
	size_t n = strlen(r);
	if (n == 1 && r[0] >= 'A' && r[0] <= 'P')
		*secret = false;
	else if (n == 2 && r[0] == 'S' && r[1] >= 'A' && r[1] <= 'D')
		*secret = true;
	else
		return false;
	memcpy(c->name, "GPP_", 4);
	memcpy(c->name + 4, r, n + 1);
	return true;
}

static const char *env_lookup(void *ctx, const char *name)
{
	struct env_lookup_ctx *c = ctx;
	const struct ps_macro_env *env = c->env;
	bool secret;
	if (register_name(c, name, &secret)) {
		if (secret && !(c->flags & PS_MACRO_ALLOW_SECRETS))
			return keep_literal;
		return env_param(c, c->name);
	}
	if (strcmp(name, "UID1") == 0)
		return env_param(c, "User_ID_1_");
	if (strcmp(name, "UID2") == 0)
		return env_param(c, "User_ID_2_");
	const char *v = NULL;
	if (strcmp(name, "SCHEME") == 0 || strcmp(name, "METH") == 0)
		v = env->scheme;
	else if (strcmp(name, "SERV") == 0)
		v = env->serv;
	else if (strcmp(name, "SERVIP") == 0)
		v = env->servip;
	else if (strcmp(name, "PORT") == 0)
		v = env->port;
	else if (strcmp(name, "PATH") == 0)
		v = env->path;
	if (!v && env->macro)
		v = env->macro(env->ctx, name);
	if (v)
		return v;
	for (size_t i = 0; i < sizeof phone_macros / sizeof phone_macros[0]; i++)
		if (strcmp(phone_macros[i], name) == 0)
			return keep_literal;
	return NULL;
}

char *ps_macro_expand_env(const char *in, const struct ps_macro_env *env, unsigned flags)
{
	static const struct ps_macro_env none = { 0 };
	struct env_lookup_ctx c = { .env = env ? env : &none, .flags = flags };
	return expand(in, env_lookup, &c, true);
}
