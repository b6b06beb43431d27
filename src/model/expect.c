/* --expect: parsing and evaluation against the report model (see expect.h). */
#include "config.h"

#include "model/expect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/finding.h"
#include "model/profile.h"
#include "model/scan.h"
#include "phone/catalogue.h"
#include "tlswire/tlsnames.h"

struct key_row {
	const char *name;
	enum ps_expect_type type;
	bool hop_field;
};

static const struct key_row keys[PS_EK_COUNT] = {
#define PS_X(e, name, type, hop) [e] = { name, type, hop },
	PS_EXPECT_KEYS(PS_X)
#undef PS_X
};

const char *ps_expect_key_list(void)
{
	return "tls.version, tls.cipher_suite, tls.established, chain.phone_verdict, "
	       "chain.modern_verdict, client_auth.requested, client_auth.sent, http.status, "
	       "step.ID, finding, !finding (or no_finding), upgrade.would_upgrade, "
	       "upgrade.enabled, upgrade.target_version, upgrade.check.status, verdict, "
	       "exit_code, param:NAME; hop fields may take a hopN. prefix; scan: "
	       "scan.models_ok, scan.MODEL.FIELD (exit_code, tls.version, tls.cipher_suite, "
	       "chain.phone_verdict, client_certificate, http.status), scan.protocol.TLS1.x, "
	       "scan.suite.NAME, scan.preferred, scan.server_order, scan.dhe_bits, "
	       "scan.client_auth.requested, scan.renegotiation.requested, "
	       "scan.sni.certificate_differs, scan.audit";
}

void ps_expect_clear(struct ps_expect *e)
{
	free(e->key);
	free(e->value);
	free(e->name);
	memset(e, 0, sizeof *e);
	e->hop = -1;
}

void ps_expect_result_clear(struct ps_expect_result *res)
{
	free(res->key);
	free(res->expected);
	free(res->got);
	memset(res, 0, sizeof *res);
	res->hop = -1;
}

static bool parse_bool(const char *v, bool *out)
{
	if (ps_str_ieq(v, "true") || ps_str_ieq(v, "yes") || strcmp(v, "1") == 0) {
		*out = true;
		return true;
	}
	if (ps_str_ieq(v, "false") || ps_str_ieq(v, "no") || strcmp(v, "0") == 0) {
		*out = false;
		return true;
	}
	return false;
}

static bool parse_int(const char *v, long long *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || (*v != '-' && (*v < '0' || *v > '9')))
		return false;
	*out = n;
	return true;
}

static bool is_status_name(const char *v)
{
	for (int st = PS_STATUS_PENDING; st <= PS_STATUS_SKIPPED; st++)
		if (strcmp(v, ps_status_name((enum ps_step_status)st)) == 0)
			return true;
	return false;
}

static int step_lookup(const char *name)
{
	for (int i = 0; i < PS_STEP_COUNT; i++)
		if (strcmp(name, ps_step_name((enum ps_step_id)i)) == 0)
			return i;
	return -1;
}

/* The fields of a model's row that scan.MODEL.FIELD reads. */
static const char *const scan_fields[] = { "exit_code",          "tls.version",
					   "tls.cipher_suite",   "chain.phone_verdict",
					   "client_certificate", "http.status" };
#define N_SCAN_FIELDS (sizeof scan_fields / sizeof scan_fields[0])

/* Whether `name` (after "scan.") is a key of the scan. */
static bool scan_key_known(const char *name)
{
	static const char *const whole[] = { "models_ok",
					     "preferred",
					     "server_order",
					     "dhe_bits",
					     "audit",
					     "client_auth.requested",
					     "renegotiation.requested",
					     "sni.certificate_differs" };
	for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
		if (strcmp(name, whole[i]) == 0)
			return true;
	if (strncmp(name, "protocol.TLS1.", 14) == 0)
		return name[14] >= '0' && name[14] <= '3' && !name[15];
	if (strncmp(name, "suite.", 6) == 0)
		return name[6] != '\0';
	const char *dot = strchr(name, '.');
	if (!dot)
		return false;
	char *model = ps_xstrndup(name, (size_t)(dot - name));
	bool ok = ps_model_find(model) != NULL;
	free(model);
	for (size_t i = 0; ok && i < N_SCAN_FIELDS; i++)
		if (strcmp(dot + 1, scan_fields[i]) == 0)
			return true;
	return false;
}

/* The key after any hopN. prefix: its row, and for step. and param: the
 * name after the prefix. */
static bool find_key(const char *k, enum ps_expect_key *id, const char **name)
{
	*name = NULL;
	if (strcmp(k, "no_finding") == 0) {
		*id = PS_EK_NO_FINDING;
		return true;
	}
	for (int i = 0; i < PS_EK_COUNT; i++) {
		const char *kn = keys[i].name;
		size_t len = strlen(kn);
		if (i == PS_EK_STEP || i == PS_EK_PARAM || i == PS_EK_SCAN) {
			if (strncmp(k, kn, len) == 0) {
				*id = (enum ps_expect_key)i;
				*name = k + len;
				return true;
			}
		} else if (strcmp(k, kn) == 0) {
			*id = (enum ps_expect_key)i;
			return true;
		}
	}
	return false;
}

static bool parse_value(struct ps_expect *e, char **err)
{
	const char *v = e->value;
	switch (keys[e->id].type) {
	case PS_EXPECT_STRING:
		return true;
	case PS_EXPECT_INT:
		if (parse_int(v, &e->number))
			return true;
		*err = ps_xasprintf("--expect %s=%s: give a whole number", e->key, v);
		return false;
	case PS_EXPECT_BOOL:
		if (parse_bool(v, &e->boolean))
			return true;
		*err = ps_xasprintf("--expect %s=%s: give true or false", e->key, v);
		return false;
	case PS_EXPECT_VERDICT:
		if (strcmp(v, "accept") == 0 || strcmp(v, "reject") == 0 ||
		    (strcmp(v, "unknown") == 0 && e->id == PS_EK_CHAIN_PHONE))
			return true;
		*err = ps_xasprintf(
		    "--expect %s=%s: give accept or reject%s", e->key, v,
		    e->id == PS_EK_CHAIN_PHONE ? " (or unknown: not judged, no --ca)" : "");
		return false;
	case PS_EXPECT_RUN:
		if (strcmp(v, "ok") == 0 || strcmp(v, "fail") == 0)
			return true;
		*err = ps_xasprintf("--expect %s=%s: give ok or fail", e->key, v);
		return false;
	case PS_EXPECT_STATUS:
		if (is_status_name(v))
			return true;
		*err = ps_xasprintf("--expect %s=%s: give a step status: ok, warn, fail, skipped, "
				    "pending or running",
				    e->key, v);
		return false;
	case PS_EXPECT_FINDING:
		e->finding = (int)ps_finding_lookup(v);
		if (e->finding != PS_F_COUNT)
			return true;
		*err = ps_xasprintf("--expect %s=%s: not a finding id (see FINDINGS in "
				    "provscope(1))",
				    e->key, v);
		return false;
	}
	return false;
}

bool ps_expect_parse(const char *arg, struct ps_expect *e, char **err)
{
	memset(e, 0, sizeof *e);
	e->hop = -1;
	const char *eq = strchr(arg, '=');
	/* finding:ID and !finding:ID, the colon form param:NAME suggests */
	const char *fc = eq ? NULL : strstr(arg, "finding:");
	if (fc && (fc == arg || fc[-1] == '!' || fc[-1] == '_' || fc[-1] == '.'))
		eq = fc + 7;
	if (!eq || eq == arg) {
		*err = ps_xasprintf("--expect '%s': give KEY=VALUE, with KEY one of %s", arg,
				    ps_expect_key_list());
		return false;
	}
	e->key = ps_xstrndup(arg, (size_t)(eq - arg));
	e->value = ps_xstrdup(eq + 1);
	const char *k = e->key;
	if (strncmp(k, "hop", 3) == 0 && k[3] >= '0' && k[3] <= '9') {
		char *end;
		errno = 0;
		long n = strtol(k + 3, &end, 10);
		if (errno || *end != '.' || n < 1 || n > 100000) {
			*err = ps_xasprintf("--expect %s: hopN. takes a hop number from 1", e->key);
			goto bad;
		}
		e->hop = n - 1;
		k = end + 1;
	}
	const char *name;
	if (!find_key(k, &e->id, &name)) {
		*err = ps_xasprintf("--expect %s: unknown key; use one of %s", e->key,
				    ps_expect_key_list());
		goto bad;
	}
	if (e->hop >= 0 && !keys[e->id].hop_field) {
		*err = ps_xasprintf("--expect %s: %s is not a field of a hop; leave out the hop "
				    "prefix",
				    e->key, k);
		goto bad;
	}
	if (e->id == PS_EK_STEP && step_lookup(name) < 0) {
		*err = ps_xasprintf("--expect %s: '%s' is not a step id (see DESCRIPTION in "
				    "provscope(1))",
				    e->key, name);
		goto bad;
	}
	if (e->id == PS_EK_SCAN && !scan_key_known(name)) {
		*err =
		    ps_xasprintf("--expect %s: not a key of a scan; use one of scan.models_ok, "
				 "scan.MODEL.FIELD (FIELD: exit_code, tls.version, "
				 "tls.cipher_suite, chain.phone_verdict, client_certificate, "
				 "http.status), scan.protocol.TLS1.0 to TLS1.3, scan.suite.NAME, "
				 "scan.preferred, scan.server_order, scan.dhe_bits, "
				 "scan.client_auth.requested, scan.renegotiation.requested, "
				 "scan.sni.certificate_differs, scan.audit",
				 e->key);
		goto bad;
	}
	if (e->id == PS_EK_PARAM && !*name) {
		*err = ps_xasprintf("--expect %s: give the parameter's name, param:NAME", e->key);
		goto bad;
	}
	if (name)
		e->name = ps_xstrdup(name);
	if (!parse_value(e, err))
		goto bad;
	return true;
bad:
	ps_expect_clear(e);
	return false;
}

/* Does the hop have the record a hop key reads? */
static bool hop_has(const struct ps_hop *h, const struct ps_expect *e)
{
	switch (e->id) {
	case PS_EK_TLS_VERSION:
	case PS_EK_TLS_CIPHER_SUITE:
	case PS_EK_TLS_ESTABLISHED:
	case PS_EK_CLIENT_AUTH_REQUESTED:
	case PS_EK_CLIENT_AUTH_SENT:
		return h->tls.attempted;
	case PS_EK_CHAIN_PHONE:
	case PS_EK_CHAIN_MODERN:
		return h->chain_checked;
	case PS_EK_HTTP_STATUS:
		return h->http.attempted;
	case PS_EK_STEP:
		for (size_t i = 0; i < h->n_steps; i++)
			if (strcmp(ps_step_name(h->steps[i].id), e->name) == 0)
				return true;
		return false;
	default:
		return false;
	}
}

static char *bool_text(bool b)
{
	return ps_xstrdup(b ? "true" : "false");
}

/* The value a hop key reads in `h`, or NULL. */
static char *hop_value(const struct ps_hop *h, const struct ps_expect *e)
{
	switch (e->id) {
	case PS_EK_TLS_VERSION:
		return ps_xstrdup(h->tls.version);
	case PS_EK_TLS_CIPHER_SUITE:
		return ps_xstrdup(h->tls.cipher_suite);
	case PS_EK_TLS_ESTABLISHED:
		return bool_text(h->tls.established);
	case PS_EK_CLIENT_AUTH_REQUESTED:
		return bool_text(h->client_auth.requested);
	case PS_EK_CLIENT_AUTH_SENT:
		return bool_text(h->client_auth.sent);
	case PS_EK_CHAIN_PHONE:
		return ps_xstrdup(ps_chain_verdict_name(&h->chain.phone));
	case PS_EK_CHAIN_MODERN:
		return ps_xstrdup(h->chain.modern.accept ? "accept" : "reject");
	case PS_EK_HTTP_STATUS:
		return h->http.status ? ps_xasprintf("%ld", h->http.status) : NULL;
	case PS_EK_STEP:
		for (size_t i = 0; i < h->n_steps; i++)
			if (strcmp(ps_step_name(h->steps[i].id), e->name) == 0)
				return ps_xstrdup(ps_status_name(h->steps[i].status));
		return NULL;
	default:
		return NULL;
	}
}

/* A suite as the expectation names it: its OpenSSL name when `expected` is
 * that ("AES256-SHA", as the text report shows it), else its IANA name. */
static char *suite_value(unsigned id, const char *iana, const char *expected)
{
	const char *o = id ? ps_suite_openssl_name(id) : NULL;
	return ps_xstrdup(o && strcmp(o, expected) == 0 ? o : iana);
}

/* What scan.NAME reads in a scan's report, or NULL; `expected` is the
 * value it is compared with. */
static char *scan_value(const struct ps_report *r, const char *name, const char *expected)
{
	const struct ps_scan_report *s = r->mode == PS_MODE_SCAN ? r->scan : NULL;
	if (!s)
		return NULL;
	if (strcmp(name, "models_ok") == 0)
		return ps_xasprintf("%zu", ps_scan_models_ok(s));
	if (strcmp(name, "preferred") == 0)
		return s->preferred.answered
			   ? suite_value(s->preferred.suite_id, s->preferred.cipher_suite, expected)
			   : NULL;
	if (strcmp(name, "server_order") == 0) {
		int o = ps_scan_server_order(s);
		return o < 0 ? NULL : bool_text(o > 0);
	}
	if (strcmp(name, "dhe_bits") == 0) {
		unsigned bits = ps_scan_dhe_bits(s);
		return bits ? ps_xasprintf("%u", bits) : NULL;
	}
	if (strcmp(name, "audit") == 0) {
		if (!s->audit)
			return ps_xstrdup("none");
		return ps_xstrdup(s->audit->exit_code ? "fail" : "ok");
	}
	if (strcmp(name, "client_auth.requested") == 0)
		return s->cert_requested < 0 ? NULL : bool_text(s->cert_requested > 0);
	if (strcmp(name, "renegotiation.requested") == 0)
		return s->renegotiation < 0 ? NULL : bool_text(s->renegotiation > 0);
	if (strcmp(name, "sni.certificate_differs") == 0) {
		int d = ps_scan_sni_differs(s);
		return d < 0 ? NULL : bool_text(d > 0);
	}
	if (strncmp(name, "protocol.", 9) == 0) {
		for (size_t i = 0; i < PS_SCAN_VERSIONS; i++) {
			int a = ps_scan_protocol_accepted(s, i);
			if (strcmp(name + 9, s->protocols[i].version) == 0 && a >= 0)
				return bool_text(a > 0);
		}
		return NULL;
	}
	if (strncmp(name, "suite.", 6) == 0) {
		for (size_t j = 0; j < s->n_suites; j++) {
			const char *o = ps_suite_openssl_name(s->suites[j].id);
			if (s->suites[j].accepted >= 0 &&
			    (strcmp(name + 6, s->suites[j].name) == 0 ||
			     (o && strcmp(name + 6, o) == 0)))
				return bool_text(s->suites[j].accepted > 0);
		}
		return NULL;
	}
	const char *dot = strchr(name, '.');
	for (size_t i = 0; dot && i < s->n_models; i++) {
		const struct ps_model *m = ps_model_find(s->models[i].model);
		char *want = ps_xstrndup(name, (size_t)(dot - name));
		bool same = m && ps_model_find(want) == m;
		free(want);
		if (!same)
			continue;
		struct ps_scan_row w;
		ps_scan_row(s, i, &w);
		const char *f = dot + 1;
		if (strcmp(f, "exit_code") == 0)
			return ps_xasprintf("%d", w.exit_code);
		if (strcmp(f, "tls.version") == 0)
			return ps_xstrdup(w.tls_version);
		if (strcmp(f, "tls.cipher_suite") == 0)
			return w.cipher_suite ? suite_value(w.suite_id, w.cipher_suite, expected)
					      : NULL;
		if (strcmp(f, "chain.phone_verdict") == 0)
			return ps_xstrdup(w.chain_verdict);
		if (strcmp(f, "client_certificate") == 0)
			return ps_xstrdup(w.client_cert);
		if (strcmp(f, "http.status") == 0)
			return w.http_status ? ps_xasprintf("%ld", w.http_status) : NULL;
	}
	return NULL;
}

/* Compare what the run has with VALUE, by the key's type. */
static bool matches(const struct ps_expect *e, const char *got)
{
	if (!got)
		return false;
	if (e->id == PS_EK_SCAN) { /* typed by what it reads */
		bool a, b;
		long long x, y;
		if (parse_bool(got, &a) && parse_bool(e->value, &b) && !parse_int(got, &x))
			return a == b;
		if (parse_int(got, &x) && parse_int(e->value, &y))
			return x == y;
		return strcmp(got, e->value) == 0;
	}
	switch (keys[e->id].type) {
	case PS_EXPECT_INT: {
		long long n;
		return parse_int(got, &n) && n == e->number;
	}
	case PS_EXPECT_BOOL: {
		bool b;
		return parse_bool(got, &b) && b == e->boolean;
	}
	default:
		return strcmp(got, e->value) == 0;
	}
}

static const struct ps_param_row *param_row(const struct ps_report *r, const char *name)
{
	for (size_t i = 0; i < r->profile.n_params; i++)
		if (r->profile.params[i].name && strcmp(r->profile.params[i].name, name) == 0)
			return &r->profile.params[i];
	return NULL;
}

/* A parameter's value as the outputs print it. */
static char *param_display(const char *value, const char *name, bool secret, bool show)
{
	if (secret)
		return ps_xstrdup(ps_secret_display(value, true, show));
	if (!show && strstr(name, "_Rule"))
		return ps_redact_secrets(value);
	return ps_xstrdup(value);
}

static void eval_finding(const struct ps_expect *e, const struct ps_report *r,
			 struct ps_expect_result *res)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct ps_finding *f = &r->findings[i];
		if ((int)f->id == e->finding && (e->hop < 0 || f->hop == e->hop)) {
			res->got = ps_xstrdup(ps_finding_name(f->id));
			res->hop = f->hop;
			break;
		}
	}
	res->negated = e->id == PS_EK_NO_FINDING;
	res->ok = res->negated ? res->got == NULL : res->got != NULL;
}

static const char *shown_value(const char *v)
{
	return !v ? "nothing" : *v ? v : "\"\"";
}

char *ps_expect_result_text(const struct ps_expect_result *res)
{
	return ps_xasprintf("expected %s%s, got %s", res->negated ? "no " : "",
			    shown_value(res->expected), shown_value(res->got));
}

static void evaluate(const struct ps_expect *e, const struct ps_report *r,
		     struct ps_expect_result *res)
{
	memset(res, 0, sizeof *res);
	res->hop = -1;
	res->key = ps_xstrdup(e->key);
	res->expected = ps_xstrdup(e->value);
	if (e->id == PS_EK_FINDING || e->id == PS_EK_NO_FINDING) {
		eval_finding(e, r, res);
		return;
	}
	if (keys[e->id].hop_field) {
		size_t at = r->n_hops;
		if (e->hop >= 0) {
			if ((size_t)e->hop < r->n_hops && hop_has(&r->hops[e->hop], e))
				at = (size_t)e->hop;
		} else {
			for (size_t i = 0; i < r->n_hops && at == r->n_hops; i++)
				if (hop_has(&r->hops[i], e))
					at = i;
		}
		if (at < r->n_hops) {
			res->hop = (long)at;
			res->got = hop_value(&r->hops[at], e);
		}
		res->ok = matches(e, res->got);
		return;
	}
	const struct ps_upgrade_report *u = &r->upgrade;
	switch (e->id) {
	case PS_EK_UPGRADE_WOULD:
		res->got = u->evaluated ? bool_text(u->would_upgrade) : NULL;
		break;
	case PS_EK_UPGRADE_ENABLED:
		res->got = u->evaluated ? bool_text(u->enabled) : NULL;
		break;
	case PS_EK_UPGRADE_TARGET:
		res->got = u->evaluated ? ps_xstrdup(u->target_version) : NULL;
		break;
	case PS_EK_UPGRADE_CHECK_STATUS:
		res->got = u->evaluated && u->check_done && u->check_status
			       ? ps_xasprintf("%ld", u->check_status)
			       : NULL;
		break;
	case PS_EK_VERDICT:
		res->got = ps_xstrdup(r->verdict);
		break;
	case PS_EK_EXIT_CODE:
		res->got = ps_xasprintf("%d", r->exit_code);
		break;
	case PS_EK_SCAN:
		res->got = scan_value(r, e->name, e->value);
		break;
	case PS_EK_PARAM: {
		const struct ps_param_row *p = param_row(r, e->name);
		res->ok = p && strcmp(p->value ? p->value : "", e->value) == 0;
		bool secret = p ? p->secret : false;
		free(res->expected);
		res->expected = param_display(e->value, e->name, secret, r->show_secrets);
		if (p)
			res->got = param_display(p->value ? p->value : "", e->name, secret,
						 r->show_secrets);
		return;
	}
	default:
		break;
	}
	res->ok = matches(e, res->got);
}

/* What the outputs show of a value typed or read: free text, redacted as
 * every output redacts it. */
static void redact(char **text)
{
	if (!*text)
		return;
	char *r = ps_redact_secrets(*text);
	free(*text);
	*text = r;
}

void ps_expect_eval(const struct ps_expect *e, const struct ps_report *r,
		    struct ps_expect_result *res)
{
	evaluate(e, r, res);
	if (!r->show_secrets) {
		redact(&res->key);
		redact(&res->expected);
		redact(&res->got);
	}
}

size_t ps_report_expect(struct ps_report *r, const struct ps_expect *v, size_t n)
{
	for (size_t i = 0; i < r->n_expectations; i++)
		ps_expect_result_clear(&r->expectations[i]);
	free(r->expectations);
	r->expectations = n ? ps_xcalloc(n, sizeof *r->expectations) : NULL;
	r->n_expectations = n;
	size_t failed = 0;
	const struct ps_expect_result *first = NULL;
	for (size_t i = 0; i < n; i++) {
		ps_expect_eval(&v[i], r, &r->expectations[i]);
		if (!r->expectations[i].ok && !failed++)
			first = &r->expectations[i];
	}
	if (!failed)
		return 0;
	char *text = ps_expect_result_text(first);
	char *what = ps_xasprintf("%zu of %zu expectation%s not met (first: %s: %s)", failed, n,
				  n == 1 ? "" : "s", first->key, text);
	free(text);
	char *summary;
	if (r->exit_code == PS_EXIT_OK) {
		/* The run's own category comes first; this one only after. */
		r->exit_code = PS_EXIT_EXPECT;
		r->verdict = "fail";
		summary = ps_xasprintf("%s: %s", ps_exit_text(PS_EXIT_EXPECT), what);
	} else {
		summary = ps_xasprintf("%s; %s", r->summary ? r->summary : "", what);
	}
	free(what);
	free(r->summary);
	r->summary = summary;
	return failed;
}
