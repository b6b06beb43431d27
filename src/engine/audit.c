/* --audit (see audit.h): who else gets the per-device files a pass
 * fetched. */
#include "config.h"

#include "engine/audit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "engine/hop.h"

/* --audit. The audit's own requests are expected to be refused, so what
 * goes wrong inside them (a handshake the server ends, a 400 page) is no
 * finding: a sink that passes everything on but findings. */
static size_t quiet_hop_begin(void *ctx, const char *url)
{
	const struct ps_sink *to = ctx;
	return ps_sink_hop_begin(to, url);
}

static void quiet_step_begin(void *ctx, size_t hop, enum ps_step_id id)
{
	ps_sink_step_begin(ctx, hop, id);
}

static void quiet_step_end(void *ctx, size_t hop, enum ps_step_id id, enum ps_step_status st,
			   const char *summary)
{
	const struct ps_sink *to = ctx;
	to->ops->step_end(to->ctx, hop, id, st, summary);
}

static void quiet_detail(void *ctx, size_t hop, const struct ps_detail *d)
{
	ps_sink_detail(ctx, hop, d);
}

static void quiet_finding(void *ctx, long hop, enum ps_step_id step, enum ps_finding_id id,
			  enum ps_severity sev, const char *detail)
{
	(void)ctx, (void)hop, (void)step, (void)id, (void)sev, (void)detail;
}

static const struct ps_sink_ops quiet_ops = { quiet_hop_begin, quiet_step_begin, quiet_step_end,
					      quiet_detail, quiet_finding };

/* Where `mac` (12 lower-case hex digits) is written in `url`, in either
 * case, bare or with colons; the length of the form found in *n. */
static const char *find_mac(const char *url, const char *mac, const char *colons, size_t *n)
{
	const char *p = ps_mem_ifind(url, strlen(url), mac);
	*n = 12;
	if (!p) {
		p = ps_mem_ifind(url, strlen(url), colons);
		*n = 17;
	}
	return p;
}

/* The neighbouring MAC (last bit of the last byte flipped), written in the
 * same form and case as the one found at `at`. */
static char *neighbour_url(const char *url, const char *at, size_t n)
{
	char *u = ps_xstrdup(url);
	char *last = u + (at - url) + n - 1;
	int v = isdigit((unsigned char)*last) ? *last - '0' : ps_ascii_lower(*last) - 'a' + 10;
	v ^= 1;
	bool upper = isupper((unsigned char)*last);
	*last = (char)(v < 10 ? '0' + v : (upper ? 'A' : 'a') + v - 10);
	return u;
}

struct audit_try {
	long status;
	size_t body;
	char *answer; /* status line or why nothing came, owned */
	bool served;  /* 200 with a body */
	bool refused_tls;
};

/* The answer to an audit request: served or refused, it is no failure of
 * the hop. */
static void audit_answer(const struct ps_hop_run *h, const struct ps_http_response *rs,
			 struct audit_try *out)
{
	ps_hop_http_detail(h, rs);
	out->status = rs->status;
	out->body = rs->body_len;
	out->served = rs->status == 200 && rs->body_len > 0;
	out->answer = ps_xstrdup(rs->n_response_headers ? rs->response_headers[0]
				 : rs->curl_error       ? rs->curl_error
							: "no answer");
	ps_sink_step_end(h->sink, h->hop, PS_STEP_HTTP, PS_STATUS_OK, "%s, %zu bytes", out->answer,
			 rs->body_len);
}

/* One audit request as a hop of its own: GET `url`, with the device
 * certificate or none. */
static size_t audit_fetch(const struct ps_run_config *cfg, const struct ps_sink *sink,
			  const char *url, const struct ps_tls_creds *creds, struct audit_try *out)
{
	memset(out, 0, sizeof *out);
	size_t hop = ps_sink_hop_begin(sink, url);
	struct ps_target t;
	char *err = NULL;
	if (!ps_target_parse(url, &t, &err)) {
		out->answer = err;
		return hop;
	}
	ps_target_detail(sink, hop, &t, NULL);
	struct ps_run_config c = *cfg;
	c.creds = creds;
	c.probe = false;
	c.inspect_anyway = true;
	struct ps_sink quiet = { &quiet_ops, (void *)sink };
	struct ps_http_request rq = { .method = PS_HTTP_GET, .max_body = c.max_body };
	struct ps_http_response rs;
	struct ps_hop_run h;
	if (ps_hop_exchange(&h, &c, &quiet, hop, &t, url, ps_now_ms(), &rq, &rs))
		audit_answer(&h, &rs, out);
	ps_hop_end(&h);
	ps_http_response_clear(&rs);
	out->refused_tls = !out->status;
	if (!out->answer)
		out->answer = ps_xstrdup("no answer: the handshake ended (see the steps above)");
	ps_target_clear(&t);
	return hop;
}

/* Who else gets a per-device file the pass fetched: a client without a
 * certificate, and this certificate asking for a neighbour's file. */
static void audit_url(const struct ps_run_config *cfg, const struct ps_sink *sink, const char *url,
		      const struct ps_tls_creds *nocert)
{
	const struct ps_identity *id = cfg->identity;
	size_t n;
	const char *at = find_mac(url, id->mac, id->mac_colons, &n);
	bool have_cert = ps_tls_creds_has_cert(cfg->creds);
	struct audit_try a;
	if (!have_cert)
		ps_sink_finding(sink, -1, PS_F_AUDIT_NO_CERT_SERVED,
				"%s was served in this pass, which had no client certificate", url);
	else {
		size_t hop = audit_fetch(cfg, sink, url, nocert, &a);
		ps_sink_step_begin(sink, hop, PS_STEP_AUDIT);
		if (a.served) {
			ps_sink_step_end(sink, hop, PS_STEP_AUDIT, PS_STATUS_FAIL,
					 "without a client certificate: %s, %zu bytes: served",
					 a.answer, a.body);
			ps_sink_finding(sink, (long)hop, PS_F_AUDIT_NO_CERT_SERVED,
					"%s: %s, %zu bytes, to a client without a certificate", url,
					a.answer, a.body);
		} else {
			ps_sink_step_end(sink, hop, PS_STEP_AUDIT, PS_STATUS_OK,
					 "without a client certificate: refused (%s)", a.answer);
		}
		free(a.answer);
	}
	if (!at)
		return;
	char *other = neighbour_url(url, at, n);
	size_t hop = audit_fetch(cfg, sink, other, cfg->creds, &a);
	ps_sink_step_begin(sink, hop, PS_STEP_AUDIT);
	const char *who = have_cert ? "this phone's certificate" : "no certificate";
	if (a.served) {
		ps_sink_step_end(sink, hop, PS_STEP_AUDIT, PS_STATUS_FAIL,
				 "another device's file with %s: %s, %zu bytes: served", who,
				 a.answer, a.body);
		ps_sink_finding(sink, (long)hop, PS_F_AUDIT_OTHER_DEVICE_SERVED,
				"%s: %s, %zu bytes, to %s", other, a.answer, a.body, who);
	} else if (a.status == 404) {
		ps_sink_step_end(sink, hop, PS_STEP_AUDIT, PS_STATUS_SKIPPED,
				 "another device's file with %s: %s: no such device here, "
				 "inconclusive",
				 who, a.answer);
	} else {
		ps_sink_step_end(sink, hop, PS_STEP_AUDIT, PS_STATUS_OK,
				 "another device's file with %s: refused (%s)", who, a.answer);
	}
	free(a.answer);
	free(other);
}

bool ps_audit_concerns(const struct ps_run_config *cfg, const char *url)
{
	size_t n;
	return find_mac(url, cfg->identity->mac, cfg->identity->mac_colons, &n) != NULL;
}

void ps_audit_run(const struct ps_run_config *cfg, const struct ps_sink *sink, char *const *urls,
		  size_t n)
{
	if (!n)
		return;
	char *err = NULL;
	struct ps_tls_creds *nocert = ps_tls_creds_new(NULL, NULL, &err);
	for (size_t i = 0; i < n && nocert; i++)
		audit_url(cfg, sink, urls[i], nocert);
	ps_tls_creds_free(nocert);
	free(err);
}
