/* The parameter table (insertion-ordered array plus an open-addressing hash
 * index), the secret rule, and the parse records shared by the parsers. */
#include "config.h"

#include "profile/params.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct ps_params {
	struct ps_param **v; /* insertion order; each param allocated on its own */
	size_t n, cap;
	size_t *slots;  /* hash index: 0 empty, else index into v plus one */
	size_t n_slots; /* power of two, kept at least twice n */
};

#define FACTORY_DEFAULT "factory default"

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void index_insert(struct ps_params *t, size_t i)
{
	size_t mask = t->n_slots - 1;
	size_t s = (size_t)name_hash(t->v[i]->name) & mask;
	while (t->slots[s])
		s = (s + 1) & mask;
	t->slots[s] = i + 1;
}

static void index_grow(struct ps_params *t)
{
	size_t want = t->n_slots ? t->n_slots * 2 : 64;
	free(t->slots);
	t->slots = ps_xcalloc(want, sizeof *t->slots);
	t->n_slots = want;
	for (size_t i = 0; i < t->n; i++)
		index_insert(t, i);
}

static struct ps_param *find(const struct ps_params *t, const char *name)
{
	if (!t->n_slots)
		return NULL;
	size_t mask = t->n_slots - 1;
	size_t s = (size_t)name_hash(name) & mask;
	while (t->slots[s]) {
		struct ps_param *p = t->v[t->slots[s] - 1];
		if (strcmp(p->name, name) == 0)
			return p;
		s = (s + 1) & mask;
	}
	return NULL;
}

struct ps_params *ps_params_new(void)
{
	return ps_xcalloc(1, sizeof(struct ps_params));
}

void ps_params_free(struct ps_params *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct ps_param *p = t->v[i];
		free(p->name);
		free(p->value);
		free(p->access);
		free(p->source);
		free(p->problem_detail);
		free(p);
	}
	free(t->v);
	free(t->slots);
	free(t);
}

const struct ps_param *ps_params_get(const struct ps_params *t, const char *name)
{
	return t && name ? find(t, name) : NULL;
}

void ps_params_set(struct ps_params *t, const char *name, const char *value, const char *access,
		   const char *source, unsigned line)
{
	struct ps_param *p = find(t, name);
	if (!p) {
		p = ps_xcalloc(1, sizeof *p);
		p->name = ps_xstrdup(name);
		p->value = ps_xstrdup(value ? value : "");
		p->secret = ps_param_is_secret(name);
		t->v = ps_xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
		t->v[t->n++] = p;
		if (t->n * 2 > t->n_slots)
			index_grow(t);
		else
			index_insert(t, t->n - 1);
	} else if (value) {
		free(p->value);
		p->value = ps_xstrdup(value);
	}
	if (access) {
		free(p->access);
		p->access = ps_xstrdup(access);
	}
	free(p->source);
	p->source = ps_xstrdup(source ? source : FACTORY_DEFAULT);
	p->line = line;
	/* a new setting: what was found in the old one no longer holds */
	p->problem = NULL;
	free(p->problem_detail);
	p->problem_detail = NULL;
}

void ps_params_make_secret(struct ps_params *t, const char *name)
{
	struct ps_param *p = find(t, name);
	if (p)
		p->secret = true;
}

void ps_params_mark(struct ps_params *t, const char *name, const char *problem, const char *detail)
{
	struct ps_param *p = find(t, name);
	if (!p || p->problem)
		return;
	p->problem = problem;
	p->problem_detail = ps_xstrdup(detail);
}

size_t ps_params_count(const struct ps_params *t)
{
	return t ? t->n : 0;
}

const struct ps_param *ps_params_at(const struct ps_params *t, size_t i)
{
	return t && i < t->n ? t->v[i] : NULL;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The secret rule. First a trailing per-line index "_<digits>_" or
 * "_<digits>" is set aside (Password_1_ -> Password). Then a parameter is
 * secret when its name:
 *  1. contains "password" or "passwd" in any letter case: Password_n_,
 *     Admin_Passwd, User_Password, LDAP_Password, XML_Password,
 *     PPPoE_Login_Password, Auth_Page_Password_n_, MAIL_Smtp_Passwd,
 *     TR_069_ACS_Password... ("Passthru" and "Passthrough" do not match);
 *  2. ends in "_PW" (short password names, e.g. "..._PW_1_");
 *  3. is GPP_SA, GPP_SB, GPP_SC or GPP_SD, the secret registers that only
 *     --key may use;
 *  4. starts with "IKM_" (MPP content-encryption keying material such as
 *     IKM_HTTP_Encrypt_Content);
 *  5. ends in "_Secret" (shared secrets);
 *  6. contains "Private_Key" (SRTP_Private_Key_n_).
 * Not secret, although they say "Key": the keypad and sidecar keys
 * (Unit_1_Key_n, *_Key_List, Feature_Key_Sync_n_), License_Keys (unused
 * by these phones), Mini_Certificate_n_ (public), and identities such as
 * User_ID_n_ and Auth_ID_n_. */
bool ps_param_is_secret(const char *name)
{
	if (!name)
		return false;
	size_t n = strlen(name);
	/* Set the index aside: "_12_" or "_12" at the end. */
	size_t m = n;
	if (m && name[m - 1] == '_')
		m--;
	size_t d = m;
	while (d && name[d - 1] >= '0' && name[d - 1] <= '9')
		d--;
	if (d < m && d && name[d - 1] == '_')
		m = d - 1;
	else
		m = n;

	if (ps_mem_ifind(name, m, "password") || ps_mem_ifind(name, m, "passwd"))
		return true;
	if (ends_with(name, m, "_PW"))
		return true;
	if (strcmp(name, "GPP_SA") == 0 || strcmp(name, "GPP_SB") == 0 ||
	    strcmp(name, "GPP_SC") == 0 || strcmp(name, "GPP_SD") == 0)
		return true;
	if (strncmp(name, "IKM_", 4) == 0)
		return true;
	if (ends_with(name, m, "_Secret"))
		return true;
	if (strstr(name, "Private_Key"))
		return true;
	return false;
}

const char *ps_param_display(const struct ps_param *p, bool show_secrets)
{
	if (!p || !p->value)
		return "";
	if (!p->secret || show_secrets || !*p->value)
		return p->value;
	return "********";
}

const char *ps_param_access_norm(const char *ua)
{
	if (!ua)
		return NULL;
	if (strcmp(ua, "na") == 0)
		return "na";
	if (strcmp(ua, "ro") == 0)
		return "ro";
	if (strcmp(ua, "rw") == 0)
		return "rw";
	return NULL;
}

void ps_profile_issue_set(struct ps_profile_issue *is, enum ps_finding_id id, unsigned line,
			  unsigned column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *d = ps_xvasprintf(fmt, ap);
	va_end(ap);
	free(is->detail);
	is->id = id;
	is->detail = d;
	is->line = line;
	is->column = column;
}

void ps_profile_issue_clear(struct ps_profile_issue *is)
{
	free(is->detail);
	is->detail = NULL;
	is->id = PS_F_COUNT;
	is->line = 0;
	is->column = 0;
}

void ps_parse_result_init(struct ps_parse_result *r)
{
	memset(r, 0, sizeof *r);
	r->error.id = PS_F_COUNT;
	r->warning.id = PS_F_COUNT;
}

void ps_parse_result_clear(struct ps_parse_result *r)
{
	ps_profile_issue_clear(&r->error);
	ps_profile_issue_clear(&r->warning);
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	free(r->notes);
	ps_param_batch_clear(&r->ops);
	ps_parse_result_init(r);
}

void ps_parse_result_note(struct ps_parse_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = ps_xvasprintf(fmt, ap);
	va_end(ap);
	r->notes = ps_xrealloc(r->notes, (r->n_notes + 1) * sizeof *r->notes);
	r->notes[r->n_notes++] = s;
}

void ps_param_batch_add(struct ps_param_batch *b, const char *name, const char *value,
			const char *access, unsigned line)
{
	b->ops = ps_xgrow(b->ops, &b->cap, b->n + 1, sizeof *b->ops);
	struct ps_param_op *op = &b->ops[b->n++];
	op->name = ps_xstrdup(name);
	op->value = ps_xstrdup(value);
	op->access = ps_xstrdup(access);
	op->line = line;
}

size_t ps_param_batch_distinct(const struct ps_param_batch *b)
{
	struct ps_params *seen = ps_params_new();
	for (size_t i = 0; i < b->n; i++)
		ps_params_set(seen, b->ops[i].name, NULL, NULL, NULL, 0);
	size_t n = ps_params_count(seen);
	ps_params_free(seen);
	return n;
}

size_t ps_param_batch_apply(const struct ps_param_batch *b, struct ps_params *t, const char *source)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct ps_param_op *op = &b->ops[i];
		ps_params_set(t, op->name, op->value, op->access, source ? source : "(unnamed)",
			      op->line);
	}
	return ps_param_batch_distinct(b);
}

void ps_param_batch_clear(struct ps_param_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->ops[i].name);
		free(b->ops[i].value);
		free(b->ops[i].access);
	}
	free(b->ops);
	memset(b, 0, sizeof *b);
}

bool ps_value_has_placeholder(const char *v)
{
	if (!v)
		return false;
	for (const char *p = v; *p; p++) {
		const char *close = NULL;
		if (p[0] == '{' && p[1] == '$')
			close = strchr(p + 2, '}'); /* Smarty {$x} */
		else if (p[0] == '$' && p[1] == '{')
			close = strchr(p + 2, '}'); /* shell / Flux ${X} */
		else if (p[0] == '{' && p[1] == '{')
			close = strstr(p + 2, "}}"); /* Jinja / Mustache {{ x }} */
		if (close && close > p + 2)
			return true;
	}
	return false;
}

size_t ps_param_batch_check_placeholders(const struct ps_param_batch *b, struct ps_profile_issue *w)
{
	enum { SHOW = 5 };
	/* Judge each parameter by the value it ends with (the last one wins). */
	struct ps_params *final = ps_params_new();
	ps_param_batch_apply(b, final, NULL);
	struct ps_buf names = { 0 };
	size_t n = 0;
	unsigned first_line = 0;
	for (size_t i = 0; i < ps_params_count(final); i++) {
		const struct ps_param *p = ps_params_at(final, i);
		if (!ps_value_has_placeholder(p->value))
			continue;
		if (!n)
			first_line = p->line;
		if (n < SHOW)
			ps_buf_printf(&names, "%s%s", n ? ", " : "", p->name);
		n++;
	}
	if (n > SHOW)
		ps_buf_printf(&names, " and %zu more", n - SHOW);
	char *list = ps_buf_take(&names);
	if (n)
		ps_profile_issue_set(w, PS_F_PROFILE_PLACEHOLDER, first_line, 0,
				     "%zu parameter%s still hold%s a template placeholder: %s", n,
				     n == 1 ? "" : "s", n == 1 ? "s" : "", list);
	free(list);
	ps_params_free(final);
	return n;
}

bool ps_placeholders_mean_template(size_t n_placeholders, size_t n_params)
{
	return n_placeholders >= 3 && n_placeholders * 3 >= n_params;
}
