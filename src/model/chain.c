/* The chain-check records: deep copies, clearing and builders (see chain.h). */
#include "config.h"

#include "model/chain.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const char *ps_issuer_source_name(enum ps_issuer_source s)
{
	switch (s) {
	case PS_ISSUER_NONE:
		return "none";
	case PS_ISSUER_CHAIN:
		return "chain";
	case PS_ISSUER_ANCHOR:
		return "anchor";
	}
	return "none";
}

static void check_copy(struct ps_chain_check *d, const struct ps_chain_check *s)
{
	d->result = s->result;
	d->text = ps_xstrdup(s->text);
}

static void check_clear(struct ps_chain_check *c)
{
	free(c->text);
	c->text = NULL;
	c->result = -1;
}

void ps_chain_check_set(struct ps_chain_check *c, int result, const char *text)
{
	char *t = ps_xstrdup(text);
	free(c->text);
	c->text = t;
	c->result = result;
}

static void cert_copy(struct ps_cert_info *d, const struct ps_cert_info *s)
{
	*d = *s;
	d->subject = ps_xstrdup(s->subject);
	d->issuer = ps_xstrdup(s->issuer);
	d->serial = ps_xstrdup(s->serial);
	d->key_type = ps_xstrdup(s->key_type);
	d->sig_alg = ps_xstrdup(s->sig_alg);
	d->sha256 = ps_xstrdup(s->sha256);
	d->key_usage = ps_strv_dup(s->key_usage, s->n_key_usage);
	d->ext_key_usage = ps_strv_dup(s->ext_key_usage, s->n_ext_key_usage);
	d->sans = ps_strv_dup(s->sans, s->n_sans);
	d->cn = ps_xstrdup(s->cn);
}

static void cert_clear(struct ps_cert_info *c)
{
	free(c->subject);
	free(c->issuer);
	free(c->serial);
	free(c->key_type);
	free(c->sig_alg);
	free(c->sha256);
	ps_strv_free(c->key_usage, c->n_key_usage);
	ps_strv_free(c->ext_key_usage, c->n_ext_key_usage);
	ps_strv_free(c->sans, c->n_sans);
	free(c->cn);
	memset(c, 0, sizeof *c);
}

static void link_copy(struct ps_chain_link *d, const struct ps_chain_link *s)
{
	*d = *s;
	d->anchor_subject = ps_xstrdup(s->anchor_subject);
	check_copy(&d->issuer_name, &s->issuer_name);
	check_copy(&d->signature, &s->signature);
	check_copy(&d->validity, &s->validity);
	check_copy(&d->issuer_is_ca, &s->issuer_is_ca);
	check_copy(&d->path_len, &s->path_len);
}

static void link_clear(struct ps_chain_link *l)
{
	free(l->anchor_subject);
	check_clear(&l->issuer_name);
	check_clear(&l->signature);
	check_clear(&l->validity);
	check_clear(&l->issuer_is_ca);
	check_clear(&l->path_len);
	memset(l, 0, sizeof *l);
}

static void verdict_copy(struct ps_chain_verdict *d, const struct ps_chain_verdict *s)
{
	*d = *s;
	d->reasons = ps_strv_dup(s->reasons, s->n_reasons);
	d->anchor = ps_xstrdup(s->anchor);
	d->status_text = ps_xstrdup(s->status_text);
}

static void verdict_clear(struct ps_chain_verdict *v)
{
	ps_strv_free(v->reasons, v->n_reasons);
	free(v->anchor);
	free(v->status_text);
	memset(v, 0, sizeof *v);
}

void ps_chain_verdict_add_reason(struct ps_chain_verdict *v, const char *text)
{
	v->reasons = ps_xrealloc(v->reasons, (v->n_reasons + 1) * sizeof *v->reasons);
	v->reasons[v->n_reasons++] = ps_xstrdup(text);
}

void ps_chain_report_clear(struct ps_chain_report *r)
{
	for (size_t i = 0; i < r->n_certs; i++)
		cert_clear(&r->certs[i]);
	free(r->certs);
	for (size_t i = 0; i < r->n_links; i++)
		link_clear(&r->links[i]);
	free(r->links);
	free(r->host);
	verdict_clear(&r->phone);
	verdict_clear(&r->modern);
	check_clear(&r->hostname_phone);
	check_clear(&r->hostname_modern);
	for (size_t i = 0; i < r->n_findings; i++)
		free(r->findings[i].detail);
	free(r->findings);
	memset(r, 0, sizeof *r);
	r->hostname_phone.result = -1;
	r->hostname_modern.result = -1;
}

void ps_chain_report_copy(struct ps_chain_report *d, const struct ps_chain_report *s)
{
	*d = *s;
	d->certs = s->n_certs ? ps_xcalloc(s->n_certs, sizeof *d->certs) : NULL;
	for (size_t i = 0; i < s->n_certs; i++)
		cert_copy(&d->certs[i], &s->certs[i]);
	d->links = s->n_links ? ps_xcalloc(s->n_links, sizeof *d->links) : NULL;
	for (size_t i = 0; i < s->n_links; i++)
		link_copy(&d->links[i], &s->links[i]);
	d->host = ps_xstrdup(s->host);
	verdict_copy(&d->phone, &s->phone);
	verdict_copy(&d->modern, &s->modern);
	check_copy(&d->hostname_phone, &s->hostname_phone);
	check_copy(&d->hostname_modern, &s->hostname_modern);
	d->findings = s->n_findings ? ps_xcalloc(s->n_findings, sizeof *d->findings) : NULL;
	for (size_t i = 0; i < s->n_findings; i++) {
		d->findings[i] = s->findings[i];
		d->findings[i].detail = ps_xstrdup(s->findings[i].detail);
	}
}

static bool same_detail(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

void ps_chain_report_add_finding(struct ps_chain_report *r, enum ps_finding_id id,
				 const char *detail, bool phone, bool modern)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		struct ps_chain_finding *f = &r->findings[i];
		if (f->id == id && same_detail(f->detail, detail)) {
			f->phone = f->phone || phone;
			f->modern = f->modern || modern;
			return;
		}
	}
	r->findings = ps_xrealloc(r->findings, (r->n_findings + 1) * sizeof *r->findings);
	r->findings[r->n_findings++] = (struct ps_chain_finding){
		.id = id,
		.detail = ps_xstrdup(detail),
		.phone = phone,
		.modern = modern,
	};
}

const struct ps_chain_finding *ps_chain_report_find(const struct ps_chain_report *r,
						    enum ps_finding_id id)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].id == id)
			return &r->findings[i];
	return NULL;
}

const char *ps_chain_verdict_name(const struct ps_chain_verdict *v)
{
	return v->unknown ? "unknown" : v->accept ? "accept" : "reject";
}
