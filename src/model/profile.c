/* Deep copies and frees of the profile, rule and upgrade records. */
#include "config.h"

#include "model/profile.h"

#include "model/finding.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* The rule options whose argument is a secret. */
static const char *const secret_options[] = { "--key", "--pwd" };

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* The next secret option at or after p (any case, the name whole), or
 * NULL; its length in *n. */
static const char *next_option(const char *p, size_t *n)
{
	const char *best = NULL;
	for (size_t i = 0; i < sizeof secret_options / sizeof secret_options[0]; i++) {
		size_t k = strlen(secret_options[i]);
		for (const char *q = ps_mem_ifind(p, strlen(p), secret_options[i]); q;
		     q = ps_mem_ifind(q + 1, strlen(q + 1), secret_options[i])) {
			if (!name_char(q[k]) && (q == p || !name_char(q[-1]))) {
				if (!best || q < best) {
					best = q;
					*n = k;
				}
				break;
			}
		}
	}
	return best;
}

/* Copy a rule option's argument at p into b, masked unless it is a bare
 * macro ($SA: no secret itself; its register is redacted); returns the
 * end of the argument. */
static const char *mask_argument(struct ps_buf *b, const char *p)
{
	while (*p == ' ' || *p == '\t')
		ps_buf_add(b, p++, 1);
	const char *arg = p;
	if (*p == '"') {
		const char *e = strchr(p + 1, '"');
		p = e ? e + 1 : p + strlen(p);
	} else {
		while (*p && *p != ' ' && *p != '\t' && *p != ']')
			p++;
	}
	if (*arg == '$')
		ps_buf_add(b, arg, (size_t)(p - arg));
	else if (p > arg)
		ps_buf_puts(b, "********");
	return p;
}

/* The end of a URL's authority that starts at p (after "://"). */
static const char *authority_end(const char *p)
{
	while (*p && !strchr("/?#[] \t\r\n\"'<>", *p))
		p++;
	return p;
}

/* Copy text into b with the password of every scheme://user:password@
 * masked. */
static void mask_userinfo(struct ps_buf *b, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	for (;;) {
		const char *s = ps_mem_ifind(p, (size_t)(end - p), "://");
		if (!s) {
			ps_buf_add(b, p, (size_t)(end - p));
			return;
		}
		const char *host = s + 3, *stop = authority_end(host);
		if (stop > end)
			stop = end;
		const char *at = NULL, *colon = NULL;
		for (const char *q = host; q < stop; q++)
			if (*q == '@')
				at = q;
		for (const char *q = host; at && q < at && !colon; q++)
			if (*q == ':')
				colon = q;
		if (colon && at > colon + 1) {
			ps_buf_add(b, p, (size_t)(colon + 1 - p));
			ps_buf_puts(b, "********");
			p = at;
		} else {
			ps_buf_add(b, p, (size_t)(stop - p));
			p = stop;
		}
	}
}

char *ps_redact_secrets(const char *text)
{
	struct ps_buf b = { 0 }, out = { 0 };
	const char *p = text;
	size_t n = 0;
	for (const char *hit; (hit = next_option(p, &n));) {
		ps_buf_add(&b, p, (size_t)(hit + n - p));
		p = mask_argument(&b, hit + n);
	}
	ps_buf_puts(&b, p);
	mask_userinfo(&out, b.s ? b.s : "", b.len);
	ps_buf_free(&b);
	return ps_buf_take(&out);
}

const char *ps_secret_display(const char *value, bool secret, bool show)
{
	if (!value)
		return "";
	if (!secret || show || !*value)
		return value;
	return "********";
}

static struct ps_param_row *param_rows_dup(const struct ps_param_row *v, size_t n)
{
	if (!n)
		return NULL;
	struct ps_param_row *d = ps_xcalloc(n, sizeof *d);
	for (size_t i = 0; i < n; i++) {
		d[i] = v[i];
		d[i].name = ps_xstrdup(v[i].name);
		d[i].value = ps_xstrdup(v[i].value);
		d[i].access = ps_xstrdup(v[i].access);
		d[i].source = ps_xstrdup(v[i].source);
		d[i].problem_detail = ps_xstrdup(v[i].problem_detail);
	}
	return d;
}

const char *ps_param_problem_label(const char *problem)
{
	if (!problem)
		return "";
	if (strcmp(problem, "profile.unknown_parameter") == 0)
		return "unknown name";
	if (strcmp(problem, "profile.bad_value") == 0)
		return "bad value";
	if (strcmp(problem, "profile.not_for_model") == 0)
		return "not for this model";
	if (strcmp(problem, "profile.duplicate") == 0)
		return "set more than once";
	return problem;
}

bool ps_finding_is_lint(int id)
{
	return id == PS_F_PROFILE_UNKNOWN_PARAMETER || id == PS_F_PROFILE_BAD_VALUE ||
	       id == PS_F_PROFILE_NOT_FOR_MODEL || id == PS_F_PROFILE_DUPLICATE;
}

void ps_param_row_clear(struct ps_param_row *p)
{
	free(p->name);
	free(p->value);
	free(p->access);
	free(p->source);
	free(p->problem_detail);
	memset(p, 0, sizeof *p);
}

static void checks_clear(struct ps_profile_report *p)
{
	for (size_t i = 0; i < p->n_checks; i++) {
		struct ps_profile_check *c = &p->checks[i];
		free(c->parameter);
		free(c->detail);
		for (size_t k = 0; k < c->n_suggestions; k++)
			free(c->suggestions[k]);
		free(c->suggestions);
	}
	free(p->checks);
	p->checks = NULL;
	p->n_checks = 0;
}

static void checks_copy(struct ps_profile_report *dst, const struct ps_profile_report *src)
{
	dst->checks = src->n_checks ? ps_xcalloc(src->n_checks, sizeof *dst->checks) : NULL;
	dst->n_checks = src->n_checks;
	for (size_t i = 0; i < src->n_checks; i++) {
		const struct ps_profile_check *c = &src->checks[i];
		struct ps_profile_check *d = &dst->checks[i];
		d->finding = c->finding;
		d->line = c->line;
		d->parameter = ps_xstrdup(c->parameter);
		d->detail = ps_xstrdup(c->detail);
		d->n_suggestions = c->n_suggestions;
		d->suggestions =
		    c->n_suggestions ? ps_xcalloc(c->n_suggestions, sizeof *d->suggestions) : NULL;
		for (size_t k = 0; k < c->n_suggestions; k++)
			d->suggestions[k] = ps_xstrdup(c->suggestions[k]);
	}
}

void ps_profile_report_clear(struct ps_profile_report *p)
{
	checks_clear(p);
	for (size_t i = 0; i < p->n_sources; i++) {
		free(p->sources[i].name);
		free(p->sources[i].format);
		free(p->sources[i].kdf);
	}
	free(p->sources);
	for (size_t i = 0; i < p->n_params; i++)
		ps_param_row_clear(&p->params[i]);
	free(p->params);
	memset(p, 0, sizeof *p);
}

void ps_profile_report_copy(struct ps_profile_report *d, const struct ps_profile_report *s)
{
	memset(d, 0, sizeof *d);
	if (s->n_sources) {
		d->sources = ps_xcalloc(s->n_sources, sizeof *d->sources);
		for (size_t i = 0; i < s->n_sources; i++) {
			d->sources[i] = s->sources[i];
			d->sources[i].name = ps_xstrdup(s->sources[i].name);
			d->sources[i].format = ps_xstrdup(s->sources[i].format);
			d->sources[i].kdf = ps_xstrdup(s->sources[i].kdf);
		}
	}
	d->n_sources = s->n_sources;
	d->params = param_rows_dup(s->params, s->n_params);
	d->n_params = s->n_params;
	checks_copy(d, s);
}

void ps_rule_report_clear(struct ps_rule_report *r)
{
	free(r->name);
	free(r->text);
	free(r->error);
	for (size_t i = 0; i < r->n_alts; i++) {
		free(r->alts[i].text);
		free(r->alts[i].explain);
	}
	free(r->alts);
	free(r->url);
	free(r->key);
	free(r->post);
	free(r->alias);
	free(r->uid);
	free(r->pwd);
	ps_strv_free(r->assign_names, r->n_assigns);
	ps_strv_free(r->assign_values, r->n_assigns);
	ps_strv_free(r->notes, r->n_notes);
	memset(r, 0, sizeof *r);
	r->fired = -1;
}

void ps_rule_report_copy(struct ps_rule_report *d, const struct ps_rule_report *s)
{
	*d = *s;
	d->name = ps_xstrdup(s->name);
	d->text = ps_xstrdup(s->text);
	d->error = ps_xstrdup(s->error);
	d->alts = NULL;
	if (s->n_alts) {
		d->alts = ps_xcalloc(s->n_alts, sizeof *d->alts);
		for (size_t i = 0; i < s->n_alts; i++) {
			d->alts[i].text = ps_xstrdup(s->alts[i].text);
			d->alts[i].result = s->alts[i].result;
			d->alts[i].explain = ps_xstrdup(s->alts[i].explain);
		}
	}
	d->url = ps_xstrdup(s->url);
	d->key = ps_xstrdup(s->key);
	d->post = ps_xstrdup(s->post);
	d->alias = ps_xstrdup(s->alias);
	d->uid = ps_xstrdup(s->uid);
	d->pwd = ps_xstrdup(s->pwd);
	d->assign_names = ps_strv_dup(s->assign_names, s->n_assigns);
	d->assign_values = ps_strv_dup(s->assign_values, s->n_assigns);
	d->notes = ps_strv_dup(s->notes, s->n_notes);
}

void ps_upgrade_report_clear(struct ps_upgrade_report *u)
{
	ps_rule_report_clear(&u->rule);
	free(u->current_version);
	free(u->target_version);
	free(u->downgrade_limit);
	free(u->retry_delay);
	free(u->retry_schedule);
	free(u->log_request);
	free(u->log_success);
	free(u->log_failure);
	free(u->license_keys);
	free(u->reason);
	free(u->check_type);
	free(u->check_error);
	free(u->download_file);
	free(u->download_sha256);
	free(u->download_declares);
	free(u->download_version);
	free(u->download_error);
	for (size_t i = 0; i < u->n_params; i++)
		ps_param_row_clear(&u->params[i]);
	free(u->params);
	memset(u, 0, sizeof *u);
	u->rule.fired = -1;
}

void ps_upgrade_report_copy(struct ps_upgrade_report *d, const struct ps_upgrade_report *s)
{
	*d = *s;
	ps_rule_report_copy(&d->rule, &s->rule);
	d->current_version = ps_xstrdup(s->current_version);
	d->target_version = ps_xstrdup(s->target_version);
	d->downgrade_limit = ps_xstrdup(s->downgrade_limit);
	d->retry_delay = ps_xstrdup(s->retry_delay);
	d->retry_schedule = ps_xstrdup(s->retry_schedule);
	d->log_request = ps_xstrdup(s->log_request);
	d->log_success = ps_xstrdup(s->log_success);
	d->log_failure = ps_xstrdup(s->log_failure);
	d->license_keys = ps_xstrdup(s->license_keys);
	d->reason = ps_xstrdup(s->reason);
	d->check_type = ps_xstrdup(s->check_type);
	d->check_error = ps_xstrdup(s->check_error);
	d->download_file = ps_xstrdup(s->download_file);
	d->download_sha256 = ps_xstrdup(s->download_sha256);
	d->download_declares = ps_xstrdup(s->download_declares);
	d->download_version = ps_xstrdup(s->download_version);
	d->download_error = ps_xstrdup(s->download_error);
	d->params = param_rows_dup(s->params, s->n_params);
}

bool ps_param_row_is_default(const struct ps_param_row *r)
{
	return !r->line && r->source && strcmp(r->source, "factory default") == 0;
}

size_t ps_profile_defaults(const struct ps_profile_report *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_params; i++)
		n += ps_param_row_is_default(&p->params[i]);
	return n;
}
