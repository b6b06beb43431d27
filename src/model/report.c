/* The report model: construction, deep copies and the verdict (see report.h). */
#include "config.h"

#include "model/report.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/profile.h"
#include "model/scan.h"
#include "model/storm.h"

struct step_row {
	const char *name;
	const char *title;
};

static const struct step_row steps[PS_STEP_COUNT] = {
#define PS_X(e, id, title) [e] = { id, title },
	PS_STEPS(PS_X)
#undef PS_X
};

const char *ps_step_name(enum ps_step_id id)
{
	return (unsigned)id < PS_STEP_COUNT ? steps[id].name : "unknown";
}

const char *ps_step_title(enum ps_step_id id)
{
	return (unsigned)id < PS_STEP_COUNT ? steps[id].title : "unknown";
}

const char *ps_status_name(enum ps_step_status st)
{
	switch (st) {
	case PS_STATUS_PENDING:
		return "pending";
	case PS_STATUS_RUNNING:
		return "running";
	case PS_STATUS_OK:
		return "ok";
	case PS_STATUS_WARN:
		return "warn";
	case PS_STATUS_FAIL:
		return "fail";
	case PS_STATUS_SKIPPED:
		return "skipped";
	}
	return "unknown";
}

struct ps_report *ps_report_new(void)
{
	struct ps_report *r = ps_xcalloc(1, sizeof *r);
	r->started = time(NULL);
	r->started_ms = ps_now_ms();
	return r;
}

void ps_tls_msg_copy(struct ps_tls_msg *dst, const struct ps_tls_msg *src)
{
	*dst = *src;
	dst->type = ps_xstrdup(src->type);
	dst->info = ps_xstrdup(src->info);
}

void ps_tls_msg_clear(struct ps_tls_msg *m)
{
	free(m->type);
	free(m->info);
	memset(m, 0, sizeof *m);
}

static void probe_copy(struct ps_tls_probe *d, const struct ps_tls_probe *s)
{
	*d = *s;
	d->priority = ps_xstrdup(s->priority);
	d->version = ps_xstrdup(s->version);
	d->cipher_suite = ps_xstrdup(s->cipher_suite);
	d->kx = ps_xstrdup(s->kx);
	d->error = ps_xstrdup(s->error);
}

static void probe_clear(struct ps_tls_probe *p)
{
	free(p->priority);
	free(p->version);
	free(p->cipher_suite);
	free(p->kx);
	free(p->error);
	memset(p, 0, sizeof *p);
}

static void sni_check_copy(struct ps_sni_check *d, const struct ps_sni_check *s)
{
	*d = *s;
	d->server_name = ps_xstrdup(s->server_name);
	d->subject = ps_xstrdup(s->subject);
	d->sha256 = ps_xstrdup(s->sha256);
	d->error = ps_xstrdup(s->error);
}

void ps_sni_check_clear(struct ps_sni_check *c)
{
	free(c->server_name);
	free(c->subject);
	free(c->sha256);
	free(c->error);
	memset(c, 0, sizeof *c);
}

void ps_tls_info_copy(struct ps_tls_info *d, const struct ps_tls_info *s)
{
	*d = *s;
	d->priority = ps_xstrdup(s->priority);
	d->sni = ps_xstrdup(s->sni);
	d->version = ps_xstrdup(s->version);
	d->cipher_suite = ps_xstrdup(s->cipher_suite);
	d->kx = ps_xstrdup(s->kx);
	d->cipher = ps_xstrdup(s->cipher);
	d->mac = ps_xstrdup(s->mac);
	d->description = ps_xstrdup(s->description);
	d->error = ps_xstrdup(s->error);
	d->offered = NULL;
	if (s->n_offered) {
		d->offered = ps_xcalloc(s->n_offered, sizeof *d->offered);
		for (size_t i = 0; i < s->n_offered; i++) {
			d->offered[i].id = s->offered[i].id;
			d->offered[i].name = ps_xstrdup(s->offered[i].name);
		}
	}
	d->extensions = NULL;
	if (s->n_extensions) {
		d->extensions = ps_xcalloc(s->n_extensions, sizeof *d->extensions);
		for (size_t i = 0; i < s->n_extensions; i++) {
			d->extensions[i].id = s->extensions[i].id;
			d->extensions[i].name = ps_xstrdup(s->extensions[i].name);
		}
	}
	d->msgs = NULL;
	d->cap_msgs = 0;
	if (s->n_msgs) {
		d->msgs = ps_xcalloc(s->n_msgs, sizeof *d->msgs);
		d->cap_msgs = s->n_msgs;
		for (size_t i = 0; i < s->n_msgs; i++)
			ps_tls_msg_copy(&d->msgs[i], &s->msgs[i]);
	}
	probe_copy(&d->probe, &s->probe);
	sni_check_copy(&d->sni_check, &s->sni_check);
}

void ps_tls_info_clear(struct ps_tls_info *t)
{
	free(t->priority);
	free(t->sni);
	free(t->version);
	free(t->cipher_suite);
	free(t->kx);
	free(t->cipher);
	free(t->mac);
	free(t->description);
	free(t->error);
	for (size_t i = 0; i < t->n_offered; i++)
		free(t->offered[i].name);
	free(t->offered);
	for (size_t i = 0; i < t->n_extensions; i++)
		free(t->extensions[i].name);
	free(t->extensions);
	for (size_t i = 0; i < t->n_msgs; i++)
		ps_tls_msg_clear(&t->msgs[i]);
	free(t->msgs);
	probe_clear(&t->probe);
	ps_sni_check_clear(&t->sni_check);
	memset(t, 0, sizeof *t);
	t->alert_received = t->alert_sent = -1;
}

void ps_client_auth_copy(struct ps_client_auth *d, const struct ps_client_auth *s)
{
	*d = *s;
	d->acceptable_cas = ps_strv_dup(s->acceptable_cas, s->n_acceptable_cas);
	d->cert_types = ps_strv_dup(s->cert_types, s->n_cert_types);
	d->cert_subject = ps_xstrdup(s->cert_subject);
	d->cert_issuer = ps_xstrdup(s->cert_issuer);
	d->device_ca = ps_xstrdup(s->device_ca);
	d->sent_subject = ps_xstrdup(s->sent_subject);
	d->outcome = ps_xstrdup(s->outcome);
	d->renegotiation = ps_xstrdup(s->renegotiation);
	d->renegotiation_error = ps_xstrdup(s->renegotiation_error);
}

void ps_client_auth_clear(struct ps_client_auth *c)
{
	ps_strv_free(c->acceptable_cas, c->n_acceptable_cas);
	ps_strv_free(c->cert_types, c->n_cert_types);
	free(c->cert_subject);
	free(c->cert_issuer);
	free(c->device_ca);
	free(c->sent_subject);
	free(c->outcome);
	free(c->renegotiation);
	free(c->renegotiation_error);
	memset(c, 0, sizeof *c);
	c->issuer_accepted = -1;
}

static void hop_free(struct ps_hop *h)
{
	free(h->url);
	free(h->rule);
	free(h->scheme);
	free(h->host);
	for (size_t i = 0; i < h->n_addrs; i++)
		free(h->addrs[i].text);
	free(h->addrs);
	free(h->connected);
	for (size_t i = 0; i < h->n_steps; i++)
		free(h->steps[i].summary);
	free(h->steps);
	ps_tls_info_clear(&h->tls);
	ps_client_auth_clear(&h->client_auth);
	ps_chain_report_clear(&h->chain);
	ps_http_info_clear(&h->http);
	ps_profile_report_clear(&h->profile);
}

void ps_http_info_copy(struct ps_http_info *d, const struct ps_http_info *s)
{
	*d = *s;
	d->request_headers = ps_strv_dup(s->request_headers, s->n_request_headers);
	d->response_headers = ps_strv_dup(s->response_headers, s->n_response_headers);
	d->error = ps_xstrdup(s->error);
}

void ps_http_info_clear(struct ps_http_info *h)
{
	ps_strv_free(h->request_headers, h->n_request_headers);
	ps_strv_free(h->response_headers, h->n_response_headers);
	free(h->error);
	memset(h, 0, sizeof *h);
}

void ps_phone_info_copy(struct ps_phone_info *d, const struct ps_phone_info *s)
{
	d->model = ps_xstrdup(s->model);
	d->vendor = ps_xstrdup(s->vendor);
	d->product = ps_xstrdup(s->product);
	d->psn = ps_xstrdup(s->psn);
	d->firmware = ps_xstrdup(s->firmware);
	d->mac = ps_xstrdup(s->mac);
	d->serial = ps_xstrdup(s->serial);
	d->user_agent = ps_xstrdup(s->user_agent);
	d->tftp_server = ps_xstrdup(s->tftp_server);
	d->priority = ps_xstrdup(s->priority);
}

static void phone_free(struct ps_phone_info *p)
{
	free(p->model);
	free(p->vendor);
	free(p->product);
	free(p->psn);
	free(p->firmware);
	free(p->mac);
	free(p->serial);
	free(p->user_agent);
	free(p->tftp_server);
	free(p->priority);
}

void ps_report_free(struct ps_report *r)
{
	if (!r)
		return;
	free(r->tool_version);
	free(r->target);
	phone_free(&r->phone);
	for (size_t i = 0; i < r->n_hops; i++)
		hop_free(&r->hops[i]);
	free(r->hops);
	for (size_t i = 0; i < r->n_findings; i++)
		free(r->findings[i].detail);
	free(r->findings);
	free(r->summary);
	ps_profile_report_clear(&r->profile);
	ps_upgrade_report_clear(&r->upgrade);
	ps_rule_report_clear(&r->rule);
	ps_scan_report_free(r->scan);
	ps_storm_free(r->storm);
	for (size_t i = 0; i < r->n_expectations; i++) {
		free(r->expectations[i].key);
		free(r->expectations[i].expected);
		free(r->expectations[i].got);
	}
	free(r->expectations);
	free(r);
}

size_t ps_report_add_hop(struct ps_report *r, const char *url)
{
	r->hops = ps_xgrow(r->hops, &r->cap_hops, r->n_hops + 1, sizeof *r->hops);
	struct ps_hop *h = &r->hops[r->n_hops];
	memset(h, 0, sizeof *h);
	h->url = ps_xstrdup(url);
	h->tls.alert_received = h->tls.alert_sent = -1;
	h->client_auth.issuer_accepted = -1;
	return r->n_hops++;
}

struct ps_step *ps_hop_step(struct ps_hop *h, enum ps_step_id id)
{
	for (size_t i = 0; i < h->n_steps; i++)
		if (h->steps[i].id == id)
			return &h->steps[i];
	h->steps = ps_xgrow(h->steps, &h->cap_steps, h->n_steps + 1, sizeof *h->steps);
	struct ps_step *s = &h->steps[h->n_steps++];
	memset(s, 0, sizeof *s);
	s->id = id;
	s->status = PS_STATUS_PENDING;
	return s;
}

void ps_report_add_finding(struct ps_report *r, long hop, enum ps_finding_id id, const char *detail)
{
	ps_report_add_finding_sev(r, hop, id, ps_finding_severity(id), detail);
}

/* The index of the step a finding raised now in `hop` belongs to: the
 * hop's (last) step `step` when one is named, else the running one (the
 * latest when more run), else the hop's last; -1 when there is none. */
static long step_of(const struct ps_report *r, long hop, enum ps_step_id step)
{
	if (hop < 0 || (size_t)hop >= r->n_hops)
		return -1;
	const struct ps_hop *h = &r->hops[hop];
	if (step != PS_STEP_COUNT) {
		for (size_t i = h->n_steps; i-- > 0;)
			if (h->steps[i].id == step)
				return (long)i;
		return -1;
	}
	for (size_t i = h->n_steps; i-- > 0;)
		if (h->steps[i].status == PS_STATUS_RUNNING)
			return (long)i;
	return (long)h->n_steps - 1;
}

void ps_report_add_finding_sev(struct ps_report *r, long hop, enum ps_finding_id id,
			       enum ps_severity sev, const char *detail)
{
	ps_report_add_finding_at(r, hop, PS_STEP_COUNT, id, sev, detail);
}

void ps_report_add_finding_at(struct ps_report *r, long hop, enum ps_step_id step,
			      enum ps_finding_id id, enum ps_severity sev, const char *detail)
{
	/* The same observation on a later hop (every hop meets the same
	 * server certificate) is kept once, on the first hop. */
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct ps_finding *f = &r->findings[i];
		if (f->id == id && f->severity == sev &&
		    ((!f->detail && !detail) ||
		     (f->detail && detail && !strcmp(f->detail, detail))))
			return;
	}
	r->findings =
	    ps_xgrow(r->findings, &r->cap_findings, r->n_findings + 1, sizeof *r->findings);
	struct ps_finding *f = &r->findings[r->n_findings++];
	f->id = id;
	f->severity = sev;
	f->hop = hop;
	f->step = step_of(r, hop, step);
	f->detail = ps_xstrdup(detail);
}

bool ps_report_finding_step(const struct ps_report *r, const struct ps_finding *f, size_t *hop,
			    size_t *step)
{
	if (f->hop < 0 || (size_t)f->hop >= r->n_hops || f->step < 0 ||
	    (size_t)f->step >= r->hops[f->hop].n_steps)
		return false;
	*hop = (size_t)f->hop;
	*step = (size_t)f->step;
	return true;
}

bool ps_report_has_finding(const struct ps_report *r, enum ps_finding_id id)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].id == id)
			return true;
	return false;
}

void ps_report_finish(struct ps_report *r)
{
	const struct ps_finding *first = NULL;
	for (size_t i = 0; i < r->n_findings && !first; i++)
		if (r->findings[i].severity == PS_SEV_ERROR)
			first = &r->findings[i];
	free(r->summary);
	if (first && ps_finding_is_lint(first->id)) {
		/* --strict: the profile checks' findings, all of them */
		size_t n = 0;
		for (size_t i = 0; i < r->n_findings; i++)
			n += ps_finding_is_lint(r->findings[i].id) &&
			     r->findings[i].severity == PS_SEV_ERROR;
		r->exit_code = ps_finding_exit(first->id);
		r->verdict = "fail";
		r->summary =
		    ps_xasprintf("the profile checks (--strict): %zu finding%s of settings "
				 "the phone would ignore or misread",
				 n, n == 1 ? "" : "s");
	} else if (first) {
		r->exit_code = ps_finding_exit(first->id);
		r->verdict = "fail";
		r->summary =
		    ps_xasprintf("%s: %s", ps_exit_text(r->exit_code), ps_finding_text(first->id));
	} else {
		r->exit_code = PS_EXIT_OK;
		r->verdict = "ok";
		size_t n = 0;
		for (size_t i = 0; i < r->n_findings; i++)
			n += ps_finding_is_lint(r->findings[i].id);
		if (n)
			r->summary = ps_xasprintf("the phone would get through every step that was "
						  "run, but the profile checks have %zu finding%s "
						  "of settings it would ignore or misread",
						  n, n == 1 ? "" : "s");
		else
			r->summary =
			    ps_xstrdup("the phone would get through every step that was run");
	}
	r->finished = true;
}
