/* The report the --expect tests and fuzz/fuzz_expect evaluate against
 * (see sample_report.h). */
#include "config.h"

#include "sample_report.h"

#include "core/util.h"
#include "model/finding.h"

struct ps_report *ps_sample_report(void)
{
	struct ps_report *r = ps_report_new();
	ps_report_add_hop(r, "https://p/spa942.cfg");
	ps_report_add_hop(r, "http://p/spa000e08aabbcc.xml");
	struct ps_hop *h = &r->hops[0];
	h->tls.attempted = true;
	h->tls.established = true;
	h->tls.version = ps_xstrdup("TLS1.0");
	h->tls.cipher_suite = ps_xstrdup("TLS_RSA_WITH_AES_256_CBC_SHA");
	h->client_auth.requested = true;
	h->chain_checked = true;
	h->chain.phone.accept = true;
	h->chain.modern.accept = false;
	h->http.attempted = true;
	h->http.status = 200;
	ps_hop_step(h, PS_STEP_TLS_CHAIN)->status = PS_STATUS_WARN;
	h = &r->hops[1];
	h->http.attempted = true;
	h->http.status = 404;
	ps_hop_step(h, PS_STEP_HTTP)->status = PS_STATUS_FAIL;
	r->upgrade.evaluated = true;
	r->upgrade.would_upgrade = true;
	r->upgrade.target_version = ps_xstrdup("6.1.5b");
	r->upgrade.check_done = true;
	r->upgrade.check_status = 200;
	struct ps_param_row *p = ps_xcalloc(3, sizeof *p);
	p[0].name = ps_xstrdup("Upgrade_Enable");
	p[0].value = ps_xstrdup("Yes");
	p[1].name = ps_xstrdup("Password_1_");
	p[1].value = ps_xstrdup("s3cret");
	p[1].secret = true;
	p[2].name = ps_xstrdup("Profile_Rule_B");
	p[2].value = ps_xstrdup("[--key k3y] https://p/$MA.xml");
	r->profile.params = p;
	r->profile.n_params = 3;
	ps_report_add_finding(r, 0, PS_F_CHAIN_UNTRUSTED_ROOT, NULL);
	r->findings[0].severity = PS_SEV_WARN;
	ps_report_add_finding(r, 1, PS_F_HTTP_NOT_FOUND, "404");
	r->findings[1].severity = PS_SEV_WARN; /* Resync_Fails_On_FNF is no */
	ps_report_finish(r);
	return r;
}
