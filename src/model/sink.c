/* The report sink and the engine-side helpers of the sink interface. */
#include "config.h"

#include "model/sink.h"

#include <stdarg.h>
#include <stdlib.h>

#include "core/util.h"

static size_t rs_hop_begin(void *ctx, const char *url)
{
	return ps_report_add_hop(ctx, url);
}

static void rs_step_begin(void *ctx, size_t hop, enum ps_step_id id)
{
	struct ps_report *r = ctx;
	struct ps_step *s = ps_hop_step(&r->hops[hop], id);
	s->status = PS_STATUS_RUNNING;
	s->start_ms = ps_now_ms() - r->started_ms;
}

static void rs_step_end(void *ctx, size_t hop, enum ps_step_id id, enum ps_step_status st,
			const char *summary)
{
	struct ps_report *r = ctx;
	struct ps_step *s = ps_hop_step(&r->hops[hop], id);
	double now = ps_now_ms() - r->started_ms;
	if (s->status == PS_STATUS_PENDING)
		s->start_ms = now;
	s->duration_ms = now - s->start_ms;
	s->status = st;
	free(s->summary);
	s->summary = ps_xstrdup(summary);
}

static void rs_detail(void *ctx, size_t hop, const struct ps_detail *d)
{
	struct ps_report *rep = ctx;
	switch (d->kind) {
	case PS_DETAIL_PROFILE:
		ps_profile_report_clear(&rep->profile);
		ps_profile_report_copy(&rep->profile, d->profile);
		return;
	case PS_DETAIL_UPGRADE:
		ps_upgrade_report_clear(&rep->upgrade);
		ps_upgrade_report_copy(&rep->upgrade, d->upgrade);
		return;
	case PS_DETAIL_RULE:
		ps_rule_report_clear(&rep->rule);
		ps_rule_report_copy(&rep->rule, d->rule);
		return;
	default:
		break;
	}
	struct ps_report *r = ctx;
	struct ps_hop *h = &r->hops[hop];
	switch (d->kind) {
	case PS_DETAIL_TARGET:
		if (d->text) { /* the URL after rule expansion; the rule stays */
			free(h->rule);
			h->rule = h->url;
			h->url = ps_xstrdup(d->text);
		}
		free(h->scheme);
		free(h->host);
		h->scheme = ps_xstrdup(d->scheme);
		h->host = ps_xstrdup(d->host);
		h->port = d->port;
		break;
	case PS_DETAIL_ADDR:
		h->addrs = ps_xrealloc(h->addrs, (h->n_addrs + 1) * sizeof *h->addrs);
		h->addrs[h->n_addrs] = *d->addr;
		h->addrs[h->n_addrs].text = ps_xstrdup(d->addr->text);
		h->n_addrs++;
		break;
	case PS_DETAIL_CONNECTED:
		free(h->connected);
		h->connected = ps_xstrdup(d->text);
		break;
	case PS_DETAIL_TLS_MSG:
		h->tls.msgs =
		    ps_xgrow(h->tls.msgs, &h->tls.cap_msgs, h->tls.n_msgs + 1, sizeof *h->tls.msgs);
		ps_tls_msg_copy(&h->tls.msgs[h->tls.n_msgs++], d->msg);
		break;
	case PS_DETAIL_TLS:
		ps_tls_info_clear(&h->tls);
		ps_tls_info_copy(&h->tls, d->tls);
		break;
	case PS_DETAIL_CHAIN:
		ps_chain_report_clear(&h->chain);
		ps_chain_report_copy(&h->chain, d->chain);
		h->chain_checked = true;
		break;
	case PS_DETAIL_CLIENT_AUTH:
		ps_client_auth_clear(&h->client_auth);
		ps_client_auth_copy(&h->client_auth, d->client_auth);
		break;
	case PS_DETAIL_HTTP:
		ps_http_info_clear(&h->http);
		ps_http_info_copy(&h->http, d->http);
		break;
	case PS_DETAIL_HOP_PROFILE:
		ps_profile_report_clear(&h->profile);
		ps_profile_report_copy(&h->profile, d->profile);
		break;
	case PS_DETAIL_PROFILE:
	case PS_DETAIL_UPGRADE:
	case PS_DETAIL_RULE:
		break; /* report-wide, handled above */
	}
}

static void rs_finding(void *ctx, long hop, enum ps_step_id step, enum ps_finding_id id,
		       enum ps_severity sev, const char *detail)
{
	ps_report_add_finding_at(ctx, hop, step, id, sev, detail);
}

static const struct ps_sink_ops report_sink_ops = {
	.hop_begin = rs_hop_begin,
	.step_begin = rs_step_begin,
	.step_end = rs_step_end,
	.detail = rs_detail,
	.finding = rs_finding,
};

struct ps_sink ps_report_sink(struct ps_report *r)
{
	return (struct ps_sink){ .ops = &report_sink_ops, .ctx = r };
}

size_t ps_sink_hop_begin(const struct ps_sink *s, const char *url)
{
	return s->ops->hop_begin(s->ctx, url);
}

void ps_sink_step_begin(const struct ps_sink *s, size_t hop, enum ps_step_id id)
{
	s->ops->step_begin(s->ctx, hop, id);
}

void ps_sink_step_end(const struct ps_sink *s, size_t hop, enum ps_step_id id,
		      enum ps_step_status st, const char *fmt, ...)
{
	char *text = NULL;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		text = ps_xvasprintf(fmt, ap);
		va_end(ap);
	}
	s->ops->step_end(s->ctx, hop, id, st, text);
	free(text);
}

void ps_sink_detail(const struct ps_sink *s, size_t hop, const struct ps_detail *d)
{
	s->ops->detail(s->ctx, hop, d);
}

static void vfinding(const struct ps_sink *s, long hop, enum ps_step_id step, enum ps_finding_id id,
		     enum ps_severity sev, const char *fmt, va_list ap)
{
	char *text = fmt ? ps_xvasprintf(fmt, ap) : NULL;
	s->ops->finding(s->ctx, hop, step, id, sev, text);
	free(text);
}

void ps_sink_finding(const struct ps_sink *s, long hop, enum ps_finding_id id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfinding(s, hop, PS_STEP_COUNT, id, ps_finding_severity(id), fmt, ap);
	va_end(ap);
}

void ps_sink_finding_in(const struct ps_sink *s, long hop, enum ps_step_id step,
			enum ps_finding_id id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfinding(s, hop, step, id, ps_finding_severity(id), fmt, ap);
	va_end(ap);
}

void ps_sink_finding_sev(const struct ps_sink *s, long hop, enum ps_finding_id id,
			 enum ps_severity sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfinding(s, hop, PS_STEP_COUNT, id, sev, fmt, ap);
	va_end(ap);
}
