/* The firmware-upgrade analysis (see upgrade.h). */
#include "config.h"

#include "engine/upgrade.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "rules/macro.h"
#include "rules/version.h"

static void duration(struct ps_buf *b, unsigned long s)
{
	if (s % 86400 == 0)
		ps_buf_printf(b, "%lu day%s", s / 86400, s / 86400 == 1 ? "" : "s");
	else if (s % 3600 == 0)
		ps_buf_printf(b, "%lu hour%s", s / 3600, s / 3600 == 1 ? "" : "s");
	else if (s % 60 == 0)
		ps_buf_printf(b, "%lu min", s / 60);
	else
		ps_buf_printf(b, "%lu s", s);
}

static bool number(const char **p, unsigned long *out)
{
	char *end;
	errno = 0;
	if (**p < '0' || **p > '9')
		return false;
	unsigned long v = strtoul(*p, &end, 10);
	if (errno || v > 100000000UL)
		return false;
	*out = v;
	*p = end;
	return true;
}

char *ps_retry_schedule(const char *value)
{
	struct ps_buf b = { 0 };
	const char *p = value;
	while (*p == ' ')
		p++;
	if (!*p) {
		return ps_xstrdup("empty: no retry is scheduled after a failure");
	}
	size_t n = 0;
	while (*p) {
		unsigned long d = 0, r = 0;
		while (*p == ' ')
			p++;
		if (!number(&p, &d)) {
			ps_buf_free(&b);
			return NULL;
		}
		if (*p == '+') {
			p++;
			if (!number(&p, &r)) {
				ps_buf_free(&b);
				return NULL;
			}
		}
		while (*p == ' ')
			p++;
		bool last = *p != ',';
		if (*p == ',')
			p++;
		if (n == 0 && d == 0 && last) {
			ps_buf_free(&b);
			return ps_xstrdup(
			    "0: a failed attempt counts as done; no retry until the next "
			    "trigger or reboot");
		}
		ps_buf_puts(&b, n == 0 ? "" : ", then ");
		ps_buf_puts(&b, last ? (n == 0 ? "retry every " : "every ") : "after ");
		duration(&b, d);
		if (r) {
			ps_buf_puts(&b, " plus up to ");
			duration(&b, r);
			ps_buf_puts(&b, " at random");
		}
		n++;
		if ((last && *p) || (!last && !*p)) {
			ps_buf_free(&b);
			return NULL;
		}
	}
	return ps_buf_take(&b);
}

bool ps_param_bool(const char *v)
{
	if (!v)
		return false;
	while (*v == ' ')
		v++;
	return ps_str_ieq(v, "yes") || ps_str_ieq(v, "1") || ps_str_ieq(v, "true") ||
	       ps_str_ieq(v, "enable") || ps_str_ieq(v, "enabled") || ps_str_ieq(v, "on");
}

void ps_found_add(struct ps_found_list *l, enum ps_finding_id id, const char *fmt, ...)
{
	l->v = ps_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n].id = id;
	va_list ap;
	va_start(ap, fmt);
	l->v[l->n].detail = ps_xvasprintf(fmt, ap);
	va_end(ap);
	l->n++;
}

void ps_found_clear(struct ps_found_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].detail);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void add_note(struct ps_rule_report *rep, char *note)
{
	rep->notes = ps_xrealloc(rep->notes, (rep->n_notes + 1) * sizeof *rep->notes);
	rep->notes[rep->n_notes++] = note;
}

void ps_rule_report_fill(struct ps_rule_report *rep, const char *name, const char *text,
			 const struct ps_rule *r, const struct ps_rule_error *err,
			 const struct ps_rule_eval *ev)
{
	ps_rule_report_clear(rep);
	rep->present = true;
	rep->name = ps_xstrdup(name);
	rep->text = ps_xstrdup(text ? text : "");
	if (!r) {
		rep->error =
		    ps_xasprintf("%s (expected %s)", err ? err->message : "syntax error",
				 err && err->expected[0] ? err->expected : "something else");
		rep->error_col = err ? err->column : 0;
		return;
	}
	rep->n_alts = r->n_alts;
	rep->alts = r->n_alts ? ps_xcalloc(r->n_alts, sizeof *rep->alts) : NULL;
	for (size_t i = 0; i < r->n_alts; i++) {
		rep->alts[i].text = ps_xstrdup(r->alts[i].text);
		rep->alts[i].result = -1;
		if (ev && i < ev->n_alts) {
			rep->alts[i].result = ev->alts[i].result;
			rep->alts[i].explain = ps_xstrdup(ev->alts[i].explain);
		}
	}
	for (size_t i = 0; i < r->n_warnings; i++)
		add_note(rep, ps_xasprintf("column %ld: %s", r->warnings[i].column,
					   r->warnings[i].message));
	if (r->commented)
		add_note(rep, ps_xstrdup("the rule starts with '#': the phone ignores it"));
	if (!ev)
		return;
	rep->fired = ev->fired;
	if (ev->fired < 0) {
		if (ev->reason)
			add_note(rep, ps_xstrdup(ev->reason));
		return;
	}
	rep->url = ps_xstrdup(ev->url_text ? ev->url_text : ev->url_expanded);
	if (ev->url_error)
		add_note(rep, ps_xasprintf("the URL does not resolve: %s", ev->url_error));
	rep->key = ps_xstrdup(ev->opts.key);
	rep->post = ps_xstrdup(ev->opts.post);
	rep->alias = ps_xstrdup(ev->opts.alias);
	rep->uid = ps_xstrdup(ev->opts.uid);
	rep->pwd = ps_xstrdup(ev->opts.pwd);
	rep->delta = ev->opts.delta;
	rep->n_assigns = ev->n_assigns;
	if (ev->n_assigns) {
		rep->assign_names = ps_xcalloc(ev->n_assigns, sizeof(char *));
		rep->assign_values = ps_xcalloc(ev->n_assigns, sizeof(char *));
		for (size_t i = 0; i < ev->n_assigns; i++) {
			rep->assign_names[i] = ps_xstrdup(ev->assigns[i].param);
			rep->assign_values[i] = ps_xstrdup(ev->assigns[i].value);
		}
	}
}

static const char *param(const struct ps_params *t, const char *name)
{
	const struct ps_param *p = ps_params_get(t, name);
	return p ? p->value : "";
}

/* The environment with $SWVER replaced (the phone after an upgrade). */
struct swver_ctx {
	const struct ps_macro_env *base;
	const char *swver;
};

static const char *swver_macro(void *ctx, const char *name)
{
	const struct swver_ctx *c = ctx;
	if (strcmp(name, "SWVER") == 0)
		return c->swver;
	return c->base->macro ? c->base->macro(c->base->ctx, name) : NULL;
}

static const char *swver_param(void *ctx, const char *name)
{
	const struct swver_ctx *c = ctx;
	return c->base->param ? c->base->param(c->base->ctx, name) : NULL;
}

/* Expand a log message with the firmware URL's parts and $ERR. */
static char *log_line(const struct ps_upgrade_input *in, const char *tmpl, const struct ps_url *u,
		      const char *err)
{
	struct ps_macro_env env = *in->env;
	char port[8] = "";
	if (u && u->scheme) {
		snprintf(port, sizeof port, "%u", u->port);
		env.scheme = u->scheme;
		/* no host: the DHCP server's, written as ps_url_format writes it */
		env.serv = u->host ? u->host : "<dhcp-option-66>";
		env.servip = u->host ? u->host : "<dhcp-option-66>";
		env.port = port;
		env.path = u->path;
	}
	char *step = ps_macro_expand_env(tmpl ? tmpl : "", &env, 0);
	/* $ERR is the attempt's result: not a macro of the environment. */
	struct ps_buf b = { 0 };
	for (const char *p = step; *p;) {
		if (strncmp(p, "$ERR", 4) == 0 && !(p[4] >= 'A' && p[4] <= 'Z')) {
			ps_buf_puts(&b, err);
			p += 4;
		} else {
			ps_buf_add(&b, p++, 1);
		}
	}
	free(step);
	return ps_buf_take(&b);
}

/* The upgrade settings of the table, as the report shows them. */
static void settings(const struct ps_upgrade_input *in, struct ps_upgrade_report *out)
{
	const struct ps_params *t = in->params;
	static const char *const names[] = { "Upgrade_Enable",          "Upgrade_Error_Retry_Delay",
					     "Downgrade_Rev_Limit",     "Upgrade_Rule",
					     "Log_Upgrade_Request_Msg", "Log_Upgrade_Success_Msg",
					     "Log_Upgrade_Failure_Msg", "License_Keys" };
	out->params = ps_xcalloc(sizeof names / sizeof names[0], sizeof *out->params);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct ps_param *p = ps_params_get(t, names[i]);
		struct ps_param_row *r = &out->params[out->n_params++];
		r->name = ps_xstrdup(names[i]);
		r->value = ps_xstrdup(p ? p->value : "");
		r->access = ps_xstrdup(p ? p->access : NULL);
		r->source = ps_xstrdup(p ? p->source : "not set");
		r->line = p ? p->line : 0;
		r->secret = p && p->secret;
	}
	out->enabled = ps_param_bool(param(t, "Upgrade_Enable"));
	out->current_version = ps_xstrdup(in->id->firmware);
	const char *limit = param(t, "Downgrade_Rev_Limit");
	out->downgrade_limit = *limit ? ps_xstrdup(limit) : NULL;

	out->retry_delay = ps_xstrdup(param(t, "Upgrade_Error_Retry_Delay"));
	out->retry_schedule = ps_retry_schedule(out->retry_delay);
	if (!out->retry_schedule)
		out->retry_schedule = ps_xstrdup("not a delay list the phone can read");
	const char *lk = param(t, "License_Keys");
	out->license_keys = *lk ? ps_xstrdup(lk) : NULL;
}

/* What the same rule does once the phone runs the new image `tv`: a staged
 * upgrade goes on to the next image; the same image again is the loop the
 * Sipura firmware guards against by declaring the upgrade failed. */
static void next_image_note(const struct ps_upgrade_input *in, const struct ps_rule *rule,
			    const char *tv, struct ps_upgrade_report *out)
{
	struct swver_ctx sc = { in->env, tv };
	struct ps_macro_env env2 = *in->env;
	env2.macro = swver_macro;
	env2.param = swver_param;
	env2.ctx = &sc;
	struct ps_rule_eval ev2;
	memset(&ev2, 0, sizeof ev2);
	ps_rule_evaluate(rule, &env2, &ev2);
	const char *next = ev2.fired >= 0 ? (ev2.url_text ? ev2.url_text : ev2.url_expanded) : NULL;
	if (!next)
		add_note(&out->rule, ps_xasprintf("once the phone runs %s, no alternative "
						  "applies: the upgrade path ends there",
						  tv));
	else if (strcmp(next, out->rule.url) == 0)
		add_note(&out->rule,
			 ps_xasprintf("once the phone runs %s, the rule selects the same "
				      "image again: the phone does not retry an unchanged "
				      "rule, and Sipura-era firmware declares such an "
				      "upgrade failed; make the condition exclude %s",
				      tv, tv));
	else
		add_note(&out->rule, ps_xasprintf("once the phone runs %s, alternative %ld "
						  "selects %s next (a staged upgrade)",
						  tv, ev2.fired + 1, next));
	ps_rule_eval_clear(&ev2);
}

/* Whether a model designator of an image name ("504g", "50x", "9x2",
 * "942") stands for `digits` (the phone's $PN after "SPA", lower case):
 * 'x' stands for any digit, and the phone may have a letter more ("50x"
 * covers "504g"). */
static bool designator_matches(const char *token, const char *digits)
{
	size_t i = 0;
	for (; token[i] && digits[i]; i++)
		if (token[i] != digits[i] &&
		    !(token[i] == 'x' && isdigit((unsigned char)digits[i])))
			return false;
	return !token[i] && (!digits[i] || (isalpha((unsigned char)digits[i]) && !digits[i + 1]));
}

/* A model designator: a digit, then 1 to 3 digits or 'x', then at most
 * one letter ("942", "504g", "50x", "9x2"); without "spa" before it, only
 * one with an 'x' ("30x"), so that version numbers are not taken. */
static bool designator(const char *d, bool after_spa)
{
	size_t n = strspn(d, "0123456789x");
	if (!isdigit((unsigned char)d[0]) || n < 2 || n > 4)
		return false;
	if (d[n] && (!isalpha((unsigned char)d[n]) || d[n] == 'x' || d[n + 1]))
		return false;
	return after_spa || memchr(d, 'x', n) != NULL;
}

static void lower_digits(const char *product, char digits[16])
{
	size_t k = 0;
	for (const char *p = product + (strncasecmp(product, "spa", 3) == 0 ? 3 : 0);
	     *p && k + 1 < 16; p++)
		if (*p != '-')
			digits[k++] = (char)tolower((unsigned char)*p);
	digits[k] = '\0';
}

/* Whether designator `d` and one of `peers` ("941", "50x,30x") stand for
 * each other: "508g" is one of "50x", and "50x" covers "504g". */
static bool peer_matches(const char *d, const char *peers)
{
	for (const char *p = peers; *p;) {
		size_t n = strcspn(p, ",");
		char one[16];
		if (n < sizeof one) {
			memcpy(one, p, n);
			one[n] = '\0';
			if (designator_matches(d, one) || designator_matches(one, d))
				return true;
		}
		p += n + (p[n] == ',');
	}
	return false;
}

bool ps_upgrade_names_other_model(const char *text, size_t len, const char *product, char **names)
{
	char digits[16];
	lower_digits(product, digits);
	const struct ps_model *pm = *product ? ps_model_find(product) : NULL;
	const char *peers = pm && pm->image_peers ? pm->image_peers : "";
	struct ps_buf seen = { 0 };
	bool mine = false;
	const char *end = text + len;
	for (const char *p = text; p < end;) {
		size_t n = 0;
		while (p + n < end && isalnum((unsigned char)p[n]))
			n++;
		char tok[16];
		if (n > 0 && n < sizeof tok) {
			for (size_t i = 0; i < n; i++)
				tok[i] = (char)tolower((unsigned char)p[i]);
			tok[n] = '\0';
			bool spa = strncmp(tok, "spa", 3) == 0;
			const char *d = spa ? tok + 3 : tok;
			/* "pap2t": a catalogue model without "spa" and digits */
			bool named = !spa && !isdigit((unsigned char)tok[0]) && ps_model_find(tok);
			if (designator(d, spa) || named) {
				mine |=
				    named ? strcmp(tok, digits) == 0
					  : designator_matches(d, digits) || peer_matches(d, peers);
				ps_buf_printf(&seen, "%s%s", seen.s ? ", " : "", tok);
			}
		}
		p += n;
		p += p < end;
	}
	bool other = seen.s && !mine;
	*names = ps_buf_take(&seen);
	return other;
}

/* The model designators of an image's file name ("spa50x-30x-7-5-5.bin":
 * "spa50x", "30x"): whether it names some and none is `product`'s. */
static bool other_model_image(const char *path, const char *product, char **names)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return ps_upgrade_names_other_model(base, strlen(base), product, names);
}

char *ps_upgrade_image_declares(const unsigned char *head, size_t n, char **version)
{
	*version = NULL;
	if (n > PS_IMAGE_HEAD)
		n = PS_IMAGE_HEAD;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && head[j] >= 0x20 && head[j] < 0x7f)
			j++;
		if (j - i >= 8) {
			char *line = ps_xstrndup((const char *)head + i, j - i < 160 ? j - i : 160);
			char *names = NULL;
			ps_upgrade_names_other_model(line, strlen(line), "", &names);
			bool named = names && *names;
			free(names);
			if (named) {
				/* the first word with a dot that is a version */
				char *copy = ps_xstrdup(line);
				for (char *save = NULL, *w = strtok_r(copy, " ,;:", &save); w;
				     w = strtok_r(NULL, " ,;:", &save))
					if (strchr(w, '.') && isdigit((unsigned char)w[0]) &&
					    ps_version_valid(w)) {
						*version = ps_xstrdup(w);
						break;
					}
				free(copy);
				return line;
			}
			free(line);
		}
		i = j + 1;
	}
	return NULL;
}

/* upgrade.wrong_model: the image's name names another model family, or,
 * naming none, its version is not of this model's firmware families. */
static bool wrong_model(const struct ps_upgrade_input *in, const struct ps_rule_eval *ev,
			const char *tv, struct ps_found_list *found)
{
	char *names = NULL;
	bool wrong = true;
	if (other_model_image(ev->url.path, in->id->model->product, &names))
		ps_found_add(found, PS_F_UPGRADE_WRONG_MODEL,
			     "the image %s is named for %s, not for the %s", ev->url.path, names,
			     in->id->model->product);
	else if (!(names && *names) && tv && !ps_model_firmware_major(in->id->model, tv)) {
		struct ps_buf majors = { 0 };
		const char *fm = in->id->model->fw_majors;
		for (const char *p = fm; *p;) {
			size_t n = strcspn(p, ",");
			ps_buf_printf(&majors, "%s%.*s.x",
				      p == fm              ? ""
				      : strchr(p + n, ',') ? ", "
							   : " or ",
				      (int)n, p);
			p += n + (p[n] == ',');
		}
		ps_found_add(found, PS_F_UPGRADE_WRONG_MODEL,
			     "the image's version %s is no %s firmware (its firmware is %s)", tv,
			     in->id->model->product, majors.s ? majors.s : "?");
		ps_buf_free(&majors);
	} else {
		wrong = false;
	}
	free(names);
	return wrong;
}

/* The decision on a rule that parsed: whether the phone fetches the image
 * the fired alternative names, and why, with the findings. `u` is the
 * fired URL, NULL when none. */
static void decide(const struct ps_upgrade_input *in, const struct ps_rule *rule,
		   const struct ps_rule_eval *ev, const struct ps_url *u,
		   struct ps_upgrade_report *out, struct ps_found_list *found)
{
	if (rule->options_ignored)
		ps_found_add(
		    found, PS_F_RULE_OPTION_IGNORED,
		    "Upgrade_Rule carries [...] options; the SPA documentation says "
		    "upgrade rules take none, so older firmware may ignore or reject them");
	if (ev->fired < 0 || !ev->url_expanded) {
		ps_found_add(found, PS_F_UPGRADE_NO_RULE, "%s",
			     rule->n_alts ? "no alternative of Upgrade_Rule applies to this phone"
					  : "Upgrade_Rule is empty");
		out->reason =
		    ps_xstrdup(rule->n_alts ? "No alternative of Upgrade_Rule applies to "
					      "this phone, so it fetches no firmware."
					    : "Upgrade_Rule is empty, so the phone fetches no "
					      "firmware.");
		return;
	}
	if (!ev->url.scheme) {
		out->reason = ps_xasprintf("The firmware URL '%s' does not resolve: %s.",
					   ev->url_expanded, ev->url_error ? ev->url_error : "?");
		ps_found_add(found, PS_F_RULE_SYNTAX, "Upgrade_Rule URL: %s",
			     ev->url_error ? ev->url_error : "unreadable");
		return;
	}
	out->target_version = in->target_version ? ps_xstrdup(in->target_version)
						 : ps_version_from_filename(ev->url.path);
	out->log_success = log_line(in, param(in->params, "Log_Upgrade_Success_Msg"), u,
				    out->target_version ? out->target_version : "<new version>");
	bool https_ok = strcmp(ev->url.scheme, "https") != 0 || in->id->model->https_upgrade;
	if (!https_ok) {
		ps_found_add(found, PS_F_UPGRADE_SCHEME_UNSUPPORTED,
			     "%s cannot upgrade over https: %s", in->id->model->product,
			     out->rule.url);
		out->reason = ps_xasprintf("The %s cannot fetch firmware over https.",
					   in->id->model->product);
		return;
	}
	const char *cur = in->id->firmware, *tv = out->target_version;
	/* Another model's image: the phone fetches it and should refuse it
	 * (or, installed, it would not run); its version means nothing for
	 * this model, so no version verdict either. */
	if (out->enabled && wrong_model(in, ev, tv, found)) {
		out->reason = ps_xasprintf("Alternative %ld fires and points to %s, an image of "
					   "another model: the phone fetches it and should refuse "
					   "it, and tries again at every check; installed, it "
					   "would not run.",
					   ev->fired + 1, out->rule.url);
		return;
	}
	if (tv && ps_version_cmp(tv, cur) == 0) {
		ps_found_add(found, PS_F_UPGRADE_SAME_VERSION,
			     "the image is %s, which the phone runs", tv);
		out->reason =
		    ps_xasprintf("The image is %s, the version the phone already runs.", tv);
		return;
	}
	if (tv && out->downgrade_limit && ps_version_cmp(tv, out->downgrade_limit) < 0) {
		ps_found_add(found, PS_F_UPGRADE_DOWNGRADE_BLOCKED,
			     "the image %s is older than Downgrade_Rev_Limit %s", tv,
			     out->downgrade_limit);
		out->reason = ps_xasprintf("The image %s is older than Downgrade_Rev_Limit %s, so "
					   "the phone refuses it.",
					   tv, out->downgrade_limit);
		return;
	}
	if (!out->enabled) {
		ps_found_add(found, PS_F_UPGRADE_DISABLED, "Upgrade_Enable is %s",
			     param(in->params, "Upgrade_Enable"));
		out->reason = ps_xasprintf("Upgrade_Enable is No, so the phone ignores the rule "
					   "that points to %s.",
					   out->rule.url);
		return;
	}
	out->would_upgrade = true;
	if (tv && ps_version_cmp(tv, cur) < 0)
		ps_found_add(found, PS_F_UPGRADE_DOWNGRADE,
			     "the image %s is older than %s, which the phone runs, and "
			     "Downgrade_Rev_Limit is %s%s%s",
			     tv, cur, out->downgrade_limit ? "" : "empty",
			     out->downgrade_limit ? out->downgrade_limit : "",
			     out->downgrade_limit ? " (not newer than the image)"
						  : ", so nothing stops it");
	if (tv)
		out->reason =
		    ps_xasprintf("Alternative %ld fires and points to %s (%s %s %s), "
				 "so the phone upgrades when its lines are idle.",
				 ev->fired + 1, out->rule.url, tv,
				 ps_version_cmp(tv, cur) > 0 ? "newer than" : "older than", cur);
	else
		out->reason = ps_xasprintf("Alternative %ld fires and points to %s; the image's "
					   "version cannot be read from its name (give "
					   "--target-version), so the phone fetches it and "
					   "decides by its contents.",
					   ev->fired + 1, out->rule.url);
	if (tv)
		next_image_note(in, rule, tv, out);
}

void ps_upgrade_analyse(const struct ps_upgrade_input *in, struct ps_upgrade_report *out,
			struct ps_found_list *found)
{
	const struct ps_params *t = in->params;
	ps_upgrade_report_clear(out);
	out->evaluated = true;
	settings(in, out);
	const char *text = param(t, "Upgrade_Rule");
	struct ps_rule rule;
	struct ps_rule_error err;
	struct ps_rule_eval ev;
	memset(&rule, 0, sizeof rule);
	memset(&ev, 0, sizeof ev);
	bool parsed = ps_rule_parse(text, PS_RULE_UPGRADE, &rule, &err) == 0;
	bool evaluated = parsed && (ps_rule_evaluate(&rule, in->env, &ev), true);
	ps_rule_report_fill(&out->rule, "Upgrade_Rule", text, parsed ? &rule : NULL, &err,
			    evaluated ? &ev : NULL);
	if (out->downgrade_limit && !ps_version_valid(out->downgrade_limit))
		add_note(&out->rule,
			 ps_xasprintf("Downgrade_Rev_Limit '%s' is not a version; how the phone "
				      "compares it is not documented (provscope compares it as "
				      "text)",
				      out->downgrade_limit));
	const struct ps_url *u = evaluated && ev.fired >= 0 && ev.url.scheme ? &ev.url : NULL;
	out->log_request = log_line(in, param(t, "Log_Upgrade_Request_Msg"), u, "");
	out->log_failure = log_line(in, param(t, "Log_Upgrade_Failure_Msg"), u,
				    "<the error, e.g. http_get failed>");

	if (!parsed) {
		ps_found_add(found, PS_F_RULE_SYNTAX, "Upgrade_Rule, column %ld: %s", err.column,
			     err.message);
		out->reason = ps_xasprintf("Upgrade_Rule does not parse (column %ld: %s), so the "
					   "phone cannot use it.",
					   err.column, err.message);
	} else {
		decide(in, &rule, &ev, u, out, found);
		ps_rule_clear(&rule);
	}
	if (evaluated)
		ps_rule_eval_clear(&ev);
}
