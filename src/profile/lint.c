/* The profile checks (see lint.h). */
#include "config.h"

#include "profile/lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/suggest.h"
#include "core/util.h"
#include "profile/defaults.h"
#include "profile/dict.h"

/* The most lines any catalogue model has (the SPA509G's 12). */
#define MAX_LINES 12
#define SHOW_VALUE 60

static void add(struct ps_lint *l, enum ps_finding_id id, unsigned line, const char *name,
		char *suggest, char *detail)
{
	l->items = ps_xgrow(l->items, &l->cap, l->n + 1, sizeof *l->items);
	l->items[l->n++] = (struct ps_lint_item){ .id = id,
						  .line = line,
						  .name = ps_xstrdup(name),
						  .suggest = suggest,
						  .detail = detail };
}

/* A value as the details quote it: at most SHOW_VALUE bytes. */
static char *quote(const char *v)
{
	size_t n = strlen(v);
	if (n <= SHOW_VALUE)
		return ps_xasprintf("\"%s\"", v);
	return ps_xasprintf("\"%.*s...\"", SHOW_VALUE, v);
}

/* The trailing line number a name was written with ("Line_Enable_3",
 * "Proxy_2_"), 0 when none: looser than ps_dict_stem_len, as a mistyped
 * name is, for the suggestions' line. */
static unsigned written_index(const char *name)
{
	size_t n = strlen(name);
	if (n && name[n - 1] == '_')
		n--;
	size_t s = n;
	while (s && name[s - 1] >= '0' && name[s - 1] <= '9')
		s--;
	if (s == n || n - s > 3)
		return 0;
	return (unsigned)strtoul(name + s, NULL, 10);
}

/* Whether the list `s` starts with the name `first`. */
static bool shown_first(const char *s, const char *first)
{
	size_t n = strlen(first);
	return s && strncmp(s, first, n) == 0 && (s[n] == '\0' || s[n] == ',');
}

/* The family's names as a profile writes them for line `idx` (0: only
 * the names that are no line's), made once per lint and line. */
struct cands {
	char **v[MAX_LINES + 1];
	size_t n[MAX_LINES + 1];
};

static char *const *cands_for(struct cands *c, unsigned fam, unsigned idx, size_t *n)
{
	if (!c->v[idx]) {
		size_t k = 0;
		for (size_t i = 0; i < ps_dict_count; i++)
			k += (ps_dict[i].fams & fam) != 0;
		c->v[idx] = ps_xcalloc(k ? k : 1, sizeof *c->v[idx]);
		for (size_t i = 0; i < ps_dict_count; i++) {
			if (!(ps_dict[i].fams & fam) ||
			    (!idx && (ps_dict[i].flags & PS_PD_INDEXED)))
				continue;
			char buf[160];
			c->v[idx][c->n[idx]++] =
			    ps_xstrdup(ps_pdef_name(&ps_dict[i], idx, buf, sizeof buf));
		}
	}
	*n = c->n[idx];
	return c->v[idx];
}

static void cands_clear(struct cands *c)
{
	for (size_t i = 0; i <= MAX_LINES; i++) {
		for (size_t k = 0; k < c->n[i]; k++)
			free(c->v[i][k]);
		free(c->v[i]);
	}
}

/* The closest names of family `fam` to `name` for a model of `lines`
 * lines, ", "-joined, NULL when none; *case_only when the first differs
 * from it in letter case only; *secret when one of them is a secret's
 * (then the value set under the mistyped name is one too). A name that is
 * a line's parameter without its line (Dial_Plan for Dial_Plan_n_) gets
 * its line 1 first. */
static char *suggest(struct cands *c, const char *name, unsigned fam, unsigned lines,
		     bool *case_only, bool *secret)
{
	*case_only = false;
	*secret = false;
	unsigned idx = written_index(name);
	/* never a line the model does not have: then only names of no line */
	if (idx > lines)
		idx = 0;
	else if (idx == 0)
		idx = 1;
	size_t k;
	char *const *names = cands_for(c, fam, idx, &k);
	struct ps_buf out = { 0 };
	size_t shown = 0;
	/* the line's parameter without its line: NAME_1_ first */
	unsigned ix;
	char *first = ps_xasprintf("%s_1_", name);
	if (ps_dict_find(first, fam, &ix)) {
		ps_buf_puts(&out, first);
		shown++;
		*secret |= ps_param_is_secret(first);
	}
	size_t best[3];
	size_t m = ps_suggest(name, (const char *const *)names, k, best, 3);
	for (size_t i = 0; i < m && shown < 3; i++) {
		/* the same name from two entries (a family's two forms) once */
		bool dup = strcmp(names[best[i]], first) == 0;
		for (size_t j = 0; j < i; j++)
			dup |= strcmp(names[best[j]], names[best[i]]) == 0;
		if (dup)
			continue;
		ps_buf_printf(&out, "%s%s", shown++ ? ", " : "", names[best[i]]);
		*secret |= ps_param_is_secret(names[best[i]]);
	}
	if (m && !shown_first(out.s, first))
		*case_only = ps_str_ieq(names[best[0]], name);
	free(first);
	return out.s;
}

static void check_name(struct ps_lint *l, struct cands *c, const struct ps_param_op *op,
		       const struct ps_model *m, unsigned fam, unsigned lines,
		       const struct ps_pdef **def, unsigned *index)
{
	*def = ps_dict_find(op->name, fam, index);
	if (*def && (!((*def)->flags & PS_PD_INDEXED) || (*index >= 1 && *index <= lines)))
		return; /* the common case: nothing to say */
	char fb[96], mb[160];
	snprintf(mb, sizeof mb, "%s (%s firmware)", m->product,
		 ps_dict_family_name(fam, fb, sizeof fb));
	if (*def && *index >= 1 && *index <= MAX_LINES) {
		add(l, PS_F_PROFILE_NOT_FOR_MODEL, op->line, op->name, NULL,
		    ps_xasprintf("%s is for line %u; the %s has %u line%s: the phone ignores it",
				 op->name, *index, m->product, lines, lines == 1 ? "" : "s"));
		*def = NULL;
		return;
	}
	unsigned oidx;
	const struct ps_pdef *other =
	    *def ? NULL : ps_dict_find(op->name, PS_FAM_ALL & ~fam, &oidx);
	if (other && (!(other->flags & PS_PD_INDEXED) || (oidx >= 1 && oidx <= MAX_LINES))) {
		char ob[96];
		add(l, PS_F_PROFILE_NOT_FOR_MODEL, op->line, op->name, NULL,
		    ps_xasprintf("%s is a parameter of the %s firmware, not of the %s: the phone "
				 "ignores it",
				 op->name, ps_dict_family_name(other->fams & ~fam, ob, sizeof ob),
				 mb));
		*def = NULL;
		return;
	}
	*def = NULL;
	bool case_only, secret;
	char *s = suggest(c, op->name, fam, lines, &case_only, &secret);
	char *d;
	if (s)
		d = ps_xasprintf(
		    "%s is not a parameter of the %s: the phone ignores it%s; did you mean "
		    "%s?",
		    op->name, mb, case_only ? " (it compares names with their letter case)" : "",
		    s);
	else
		d = ps_xasprintf("%s is not a parameter of the %s: the phone ignores it", op->name,
				 mb);
	/* a mistyped secret's name: its value is a secret all the same */
	add(l, PS_F_PROFILE_UNKNOWN_PARAMETER, op->line, op->name, s, d);
	l->items[l->n - 1].secret = secret;
}

static void check_value(struct ps_lint *l, const struct ps_param_op *op, const struct ps_pdef *d)
{
	char *why = NULL;
	if (!op->value || ps_pdef_value_ok(d, op->name, op->value, &why))
		return;
	enum ps_ptype t = ps_pdef_type(d, op->name);
	char *q = quote(op->value);
	/* the type's first source, short: "SPA100 admin guide p.60-61" */
	const char *from = d->guide && strncmp(d->guide, "corpus", 6) == 0
			       ? "the choices of the device dumps"
			   : d->guide                  ? d->guide
			   : d->flags & PS_PD_INFERRED ? "the values real profiles give it"
						       : NULL;
	int from_len = from ? (int)strcspn(from, ";(") : 0;
	while (from_len > 0 && from[from_len - 1] == ' ')
		from_len--;
	/* the guide's factory default, which an empty value restores (LPG 2-22) */
	char *def = d->def && *d->def && (d->flags & PS_PD_DEF_GUIDE) && t != PS_PT_SECRET
			? ps_xasprintf("; factory default \"%s\"", d->def)
			: ps_xstrdup("");
	char *uncertain = d->flags & PS_PD_UNCERTAIN
			      ? ps_xasprintf("; something of it is uncertain for this family: "
					     "provscope --list-params -v %s says what",
					     d->name)
			      : ps_xstrdup("");
	add(l, PS_F_PROFILE_BAD_VALUE, op->line, op->name, NULL,
	    ps_xasprintf("%s is %s, not %s%s%.*s%s%s: %s%s", op->name, q, why,
			 from ? " (type from " : "", from_len, from ? from : "", from ? def : "",
			 from ? ")" : "", ps_ptype_bad_effect(t), uncertain));
	free(uncertain);
	free(def);
	free(q);
	free(why);
}

/* The most lines a duplicate's detail lists. */
#define DUP_LINES 10

/* One item for each name set more than once, at its first line; not for a
 * name the phone ignores anyway (`named`: "0" for those). Each op is
 * chained to the next of its name, so the file is walked once. */
static void check_duplicates(struct ps_lint *l, const struct ps_param_batch *ops,
			     const struct ps_params *named)
{
	size_t *next = ps_xcalloc(ops->n ? ops->n : 1, sizeof *next); /* 0: none */
	bool *later = ps_xcalloc(ops->n ? ops->n : 1, sizeof *later); /* not its first */
	struct ps_params *last = ps_params_new();                     /* line field: last op + 1 */
	for (size_t i = 0; i < ops->n; i++) {
		if (ops->ops[i].nested)
			continue;
		const struct ps_param *p = ps_params_get(last, ops->ops[i].name);
		if (p) {
			next[p->line - 1] = i + 1;
			later[i] = true;
		}
		ps_params_set(last, ops->ops[i].name, NULL, NULL, NULL, (unsigned)(i + 1));
	}
	ps_params_free(last);
	for (size_t i = 0; i < ops->n; i++) {
		const struct ps_param_op *op = &ops->ops[i];
		const struct ps_param *nm = ps_params_get(named, op->name);
		if (op->nested || later[i] || !next[i] || (nm && strcmp(nm->value, "0") == 0))
			continue;
		size_t count = 0, kept = i;
		bool same = true;
		struct ps_buf lines = { 0 };
		for (size_t j = i + 1; j; j = next[j - 1]) {
			const struct ps_param_op *o = &ops->ops[j - 1];
			if (++count <= DUP_LINES)
				ps_buf_printf(&lines, "%s%u", count > 1 ? ", " : "", o->line);
			if (o->value && ops->ops[kept].value &&
			    strcmp(o->value, ops->ops[kept].value) != 0)
				same = false;
			if (o->value)
				kept = j - 1;
		}
		if (count > DUP_LINES)
			ps_buf_puts(&lines, ", ...");
		const struct ps_param_op *w = &ops->ops[kept];
		char *q = !w->value                     ? ps_xstrdup("its value unchanged")
			  : ps_param_is_secret(w->name) ? ps_xstrdup("a secret value")
							: quote(w->value);
		add(l, PS_F_PROFILE_DUPLICATE, op->line, op->name, NULL,
		    ps_xasprintf("%s is set %zu times (lines %s)%s: the phone keeps the last, "
				 "line %u, %s",
				 op->name, count, lines.s,
				 same ? ", to the same value" : ", to different values", w->line,
				 q));
		free(q);
		ps_buf_free(&lines);
	}
	free(next);
	free(later);
}

/* The items in file order: those of the names and values (`0` to `mid`,
 * in order already) merged with the duplicates' (in order too), the
 * former first on a tie. */
static void file_order(struct ps_lint *l, size_t mid)
{
	if (mid == 0 || mid == l->n)
		return; /* one run: in order already */
	struct ps_lint_item *v = ps_xcalloc(l->n, sizeof *v);
	size_t a = 0, b = mid, k = 0;
	while (a < mid || b < l->n)
		v[k++] = b >= l->n || (a < mid && l->items[a].line <= l->items[b].line)
			     ? l->items[a++]
			     : l->items[b++];
	memcpy(l->items, v, l->n * sizeof *v);
	free(v);
}

void ps_profile_lint(const struct ps_param_batch *ops, const struct ps_model *m,
		     struct ps_lint *out)
{
	memset(out, 0, sizeof *out);
	if (!m)
		m = ps_model_default();
	unsigned fam = ps_dict_family(m);
	unsigned lines = ps_model_lines(m);
	out->no_family = fam == 0;
	struct ps_params *named = ps_params_new(); /* value "1": known here, "0": ignored */
	struct cands c = { 0 };
	for (size_t i = 0; i < ops->n && fam; i++) {
		const struct ps_param_op *op = &ops->ops[i];
		if (op->nested)
			continue;
		/* the name once (at its first line), every value */
		const struct ps_pdef *d = NULL;
		unsigned index = 0;
		const struct ps_param *p = ps_params_get(named, op->name);
		if (!p) {
			check_name(out, &c, op, m, fam, lines, &d, &index);
			ps_params_set(named, op->name, d ? "1" : "0", NULL, NULL, 0);
		} else if (strcmp(p->value, "1") == 0) {
			d = ps_dict_find(op->name, fam, &index);
		}
		if (d)
			check_value(out, op, d);
	}
	cands_clear(&c);
	size_t mid = out->n;
	check_duplicates(out, ops, named);
	ps_params_free(named);
	file_order(out, mid);
}

void ps_lint_clear(struct ps_lint *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].name);
		free(l->items[i].suggest);
		free(l->items[i].detail);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}
