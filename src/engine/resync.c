/* The resync's profile hops (see resync.h): each Profile_Rule expanded,
 * its URL fetched as the phone fetches a profile, redirects followed, the
 * answer judged and the profile decoded and parsed. */
#include "config.h"

#include "engine/resync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "core/util.h"
#include "engine/hop.h"
#include "engine/steps.h"
#include "engine/upgrade.h"
#include "rules/macro.h"
#include "rules/rule.h"

/* What the fired alternative's options ask of the request. */
struct ps_resync_opts {
	char *key;  /* --key: decrypts the profile */
	char *post; /* --post x: the expanded register, sent as a POST body */
	char *uid, *pwd;
};

static void opts_clear(struct ps_resync_opts *o)
{
	free(o->key);
	free(o->post);
	free(o->uid);
	free(o->pwd);
	memset(o, 0, sizeof *o);
}

/* How a profile hop ended. */
enum hop_result {
	HOP_OK,       /* the profile parsed (or --handshake-only stopped the hop) */
	HOP_FNF,      /* a file not found that the phone does not count as a failure */
	HOP_FAIL,     /* the resync ends here */
	HOP_REDIRECT, /* the answer sends the phone elsewhere */
};

/* A profile hop: the core's hop and what the answer says. */
struct profile_hop {
	struct ps_hop_run h;
	bool fnf_fails; /* Resync_Fails_On_FNF: a 404 ends the pass */
	bool fnf;       /* the file was not found and that is no failure */
	char *location; /* a redirect's target, absolute; NULL when none */
};

/* nginx refuses client certificates after the handshake, with a 400 page. */
static bool client_cert_page(struct ps_hop_run *L, const struct ps_http_response *rs)
{
	enum ps_finding_id f;
	const char *what;
	const char *b = rs->body ? (const char *)rs->body : "";
	const char *line = rs->n_response_headers ? rs->response_headers[0] : "HTTP 403";
	if (rs->status == 400 && strstr(b, "No required SSL certificate was sent")) {
		f = PS_F_CLIENT_AUTH_REQUIRED;
		what = "No required SSL certificate was sent";
	} else if (rs->status == 400 && strstr(b, "The SSL certificate error")) {
		f = PS_F_CLIENT_AUTH_REJECTED;
		what = "The SSL certificate error";
	} else if (rs->status == 403 && L->ca.requested && !L->ca.sent) {
		/* Servers that check the certificate in the application (Apache
		 * with "optional" verification, the lab) refuse with 403: after
		 * a request for a certificate that did not come, that is why. */
		free(L->ca.outcome);
		L->ca.outcome = ps_xasprintf("the server asked for a certificate, none was sent, "
					     "and it answered %s",
					     line);
		ps_sink_step_end(L->sink, L->hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_FAIL,
				 "certificate required: none was sent and the server answered %s",
				 line);
		ps_sink_finding_in(
		    L->sink, (long)L->hop, PS_STEP_TLS_CLIENT_AUTH, PS_F_CLIENT_AUTH_REQUIRED,
		    "the server asked for a client certificate in the handshake, none "
		    "was sent, and it answered %s for %s",
		    line, L->t->path);
		return true;
	} else if (rs->status == 403 && L->ca.sent && L->ca.issuer_accepted == 0) {
		free(L->ca.outcome);
		L->ca.outcome = ps_xasprintf("the server answered %s to a certificate from a CA it "
					     "does not name",
					     line);
		ps_sink_step_end(L->sink, L->hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_FAIL,
				 "certificate refused: its issuer is not among the CAs the server "
				 "named, and the server answered %s",
				 line);
		ps_sink_finding_in(L->sink, (long)L->hop, PS_STEP_TLS_CLIENT_AUTH,
				   PS_F_CLIENT_AUTH_REJECTED,
				   "the device certificate's issuer (%s) is not among the CAs the "
				   "server named, and it answered %s for %s",
				   L->ca.cert_issuer ? L->ca.cert_issuer : "?", line, L->t->path);
		return true;
	} else {
		return false;
	}
	free(L->ca.outcome);
	L->ca.outcome = ps_xasprintf("the server answered HTTP 400 \"%s\"", what);
	ps_sink_step_end(L->sink, L->hop, PS_STEP_TLS_CLIENT_AUTH, PS_STATUS_FAIL,
			 "%s: the server answered HTTP 400 \"%s\" after the handshake",
			 L->ca.sent ? "certificate refused" : "certificate required", what);
	ps_sink_finding_in(L->sink, (long)L->hop, PS_STEP_TLS_CLIENT_AUTH, f,
			   "the handshake completed, then the server answered HTTP 400 \"%s\" (%s)",
			   what, L->ca.sent ? "the device certificate was sent" : "none was sent");
	return true;
}

/* A TFTP answer: the file, or the server's error, or none. */
static bool tftp_answer(struct profile_hop *p, const struct ps_http_response *rs, bool *body)
{
	const struct ps_sink *sink = p->h.sink;
	size_t hop = p->h.hop;
	const char *error = rs->curl_error ? rs->curl_error : "?";
	if (rs->curl_code == CURLE_TFTP_NOTFOUND) {
		p->fnf = !p->fnf_fails;
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, p->fnf ? PS_STATUS_WARN : PS_STATUS_FAIL,
				 "%s", error);
		ps_sink_finding_sev(sink, (long)hop, PS_F_HTTP_NOT_FOUND,
				    p->fnf ? PS_SEV_WARN : PS_SEV_ERROR, "%s", error);
		return true;
	}
	if (rs->curl_code != CURLE_OK) {
		enum ps_finding_id f = PS_F_HTTP_FAILED;
		if (rs->curl_code == CURLE_TFTP_PERM)
			f = PS_F_HTTP_FORBIDDEN;
		else if (rs->curl_code == CURLE_OPERATION_TIMEDOUT ||
			 rs->curl_code == CURLE_COULDNT_CONNECT)
			f = PS_F_NET_TIMEOUT;
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_FAIL, "%s", error);
		ps_sink_finding(sink, (long)hop, f, "%s", error);
		return true;
	}
	ps_sink_step_end(sink, hop, PS_STEP_HTTP, rs->body_len ? PS_STATUS_OK : PS_STATUS_FAIL,
			 "TFTP: %zu bytes in %.0f ms", rs->body_len, rs->t_total);
	if (!rs->body_len)
		ps_sink_finding(sink, (long)hop, PS_F_HTTP_EMPTY, "an empty file over TFTP");
	*body = rs->body_len > 0;
	return true;
}

/* The answer ended early: the connection closed before its end. */
static void transfer_cut(struct profile_hop *p, const struct ps_http_response *rs)
{
	ps_sink_step_end(p->h.sink, p->h.hop, PS_STEP_HTTP, PS_STATUS_FAIL,
			 "HTTP %ld, %zu bytes, then the connection ended early", rs->status,
			 rs->body_len);
	ps_sink_finding(p->h.sink, (long)p->h.hop, PS_F_HTTP_TRUNCATED,
			"%zu bytes arrived, then the server closed %s", rs->body_len,
			rs->truncated ? "TCP without a TLS close_notify"
				      : "before the announced length");
}

/* A status came, then nothing for the timeout: what arrived is a prefix,
 * never a profile. */
static void transfer_stalled(struct profile_hop *p, const struct ps_http_response *rs)
{
	double secs = p->h.cfg->timeout_ms / 1000.0;
	ps_sink_step_end(p->h.sink, p->h.hop, PS_STEP_HTTP, PS_STATUS_FAIL,
			 "HTTP %ld, %zu bytes, then nothing for %.1f s", rs->status, rs->body_len,
			 secs);
	if (rs->content_length >= 0)
		ps_sink_finding(
		    p->h.sink, (long)p->h.hop, PS_F_HTTP_STALLED,
		    "%zu of %lld bytes arrived, then the server sent nothing for %.1f s "
		    "(--timeout)",
		    rs->body_len, (long long)rs->content_length, secs);
	else
		ps_sink_finding(p->h.sink, (long)p->h.hop, PS_F_HTTP_STALLED,
				"%zu bytes arrived, then the server sent nothing for %.1f s "
				"(--timeout) before the end of the answer",
				rs->body_len, secs);
}

/* The answers that end the http step before the status line matters: a
 * body over the cap, a TFTP answer, no answer, a cut answer. Returns true
 * when it was one of them, with *body whether a body goes on. */
static bool transfer_answer(struct profile_hop *p, const struct ps_http_response *rs, bool *body)
{
	const struct ps_sink *sink = p->h.sink;
	size_t hop = p->h.hop;
	size_t cap = p->h.cfg->max_body;
	*body = false;
	if (rs->body_capped) {
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_FAIL,
				 "HTTP %ld; the body is larger than %zu bytes", rs->status, cap);
		ps_sink_finding(sink, (long)hop, PS_F_PROFILE_TOO_LARGE,
				"the body is larger than the %zu-byte cap (--max-size)", cap);
		return true;
	}
	if (p->h.tftp)
		return tftp_answer(p, rs, body);
	const char *error = rs->curl_error ? rs->curl_error : rs->pump.error;
	if (rs->status == 0) {
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_FAIL, "no answer: %s",
				 error ? error : "?");
		ps_sink_finding(sink, (long)hop,
				rs->curl_code == CURLE_OPERATION_TIMEDOUT || rs->pump.timed_out
				    ? PS_F_NET_TIMEOUT
				    : PS_F_HTTP_FAILED,
				"%s", error ? error : "no HTTP answer");
		return true;
	}
	if (rs->curl_code == CURLE_OPERATION_TIMEDOUT || rs->pump.timed_out) {
		transfer_stalled(p, rs);
		return true;
	}
	if (rs->truncated || rs->curl_code == CURLE_PARTIAL_FILE) {
		transfer_cut(p, rs);
		return true;
	}
	if (rs->curl_code != CURLE_OK) { /* a status came, then the answer failed */
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_FAIL, "HTTP %ld, then %s",
				 rs->status, error ? error : "an error");
		ps_sink_finding(sink, (long)hop,
				error && strstr(error, "response headers")
				    ? PS_F_HTTP_HEADERS_TOO_LARGE
				    : PS_F_HTTP_FAILED,
				"HTTP %ld, then: %s", rs->status, error ? error : "?");
		return true;
	}
	return false;
}

/* A 3xx with a usable Location: the redirect's target in p->location. */
static bool redirect_answer(struct profile_hop *p, const struct ps_http_response *rs,
			    const char *status_line)
{
	long s = rs->status;
	if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308)
		return false;
	const char *loc = NULL;
	for (size_t i = 0; i < rs->n_response_headers; i++)
		if (ps_strn_ieq(rs->response_headers[i], "Location:", 9))
			loc = rs->response_headers[i] + 9;
	while (loc && *loc == ' ')
		loc++;
	CURLU *u = curl_url();
	char *abs = NULL;
	const char *url = p->h.url;
	if (loc && *loc && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, loc, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &abs, 0) == CURLUE_OK) {
		p->location = ps_xstrdup(abs);
		curl_free(abs);
	}
	curl_url_cleanup(u);
	if (!p->location)
		return false;
	ps_sink_step_end(p->h.sink, p->h.hop, PS_STEP_HTTP, PS_STATUS_WARN, "%s -> %s", status_line,
			 p->location);
	if (!ps_strn_ieq(p->location, url, strcspn(url, ":") + 1))
		ps_sink_finding(p->h.sink, (long)p->h.hop, PS_F_HTTP_REDIRECT_SCHEME,
				"%s redirects to %s", url, p->location);
	return true;
}

/* The answer: status, headers and body. Returns whether a body goes on to
 * the profile steps. */
static bool profile_answer(struct profile_hop *p, const struct ps_http_response *rs)
{
	ps_hop_http_detail(&p->h, rs);
	const struct ps_sink *sink = p->h.sink;
	size_t hop = p->h.hop;
	bool body;
	if (transfer_answer(p, rs, &body))
		return body;
	const char *status_line = rs->n_response_headers ? rs->response_headers[0] : "";
	if (rs->status == 200) {
		ps_sink_step_end(
		    sink, hop, PS_STEP_HTTP, rs->body_len ? PS_STATUS_OK : PS_STATUS_FAIL,
		    "%s, %zu bytes in %.0f ms", status_line, rs->body_len, rs->t_total);
		if (!rs->body_len)
			ps_sink_finding(sink, (long)hop, PS_F_HTTP_EMPTY, "%s with no body",
					status_line);
		return rs->body_len > 0;
	}
	if (redirect_answer(p, rs, status_line))
		return false;
	if (rs->status == 404 && !p->fnf_fails) {
		p->fnf = true;
		ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_WARN,
				 "%s (Resync_Fails_On_FNF is No: the phone goes on)", status_line);
		ps_sink_finding_sev(sink, (long)hop, PS_F_HTTP_NOT_FOUND, PS_SEV_WARN,
				    "%s for %s; Resync_Fails_On_FNF is No, so this is no failure",
				    status_line, p->h.t->path);
		return false;
	}
	ps_sink_step_end(sink, hop, PS_STEP_HTTP, PS_STATUS_FAIL, "%s", status_line);
	if (client_cert_page(&p->h, rs))
		return false;
	enum ps_finding_id f = rs->status == 404   ? PS_F_HTTP_NOT_FOUND
			       : rs->status == 403 ? PS_F_HTTP_FORBIDDEN
			       : rs->status == 401 ? PS_F_HTTP_UNAUTHORIZED
						   : PS_F_HTTP_STATUS;
	ps_sink_finding(sink, (long)hop, f, "%s for %s", status_line, p->h.t->path);
	return false;
}

/* Fetch `url` as profile hop `hop`: a GET (a POST with --post) capped at
 * --max-size, the answer judged, the profile decoded and parsed into
 * `table` with its source record appended to `prof`. A redirect's target
 * goes to *location (caller frees). */
static enum hop_result profile_hop(const struct ps_run_config *cfg, const struct ps_sink *sink,
				   size_t hop, const struct ps_target *t, double t0,
				   const char *url, const struct ps_resync_opts *ro,
				   struct ps_params *table, struct ps_profile_report *prof,
				   char **location)
{
	struct profile_hop p = { .fnf_fails = ps_param_bool(
				     ps_steps_param_value(table, "Resync_Fails_On_FNF")) };
	struct ps_http_request rq = { .method = PS_HTTP_GET,
				      .post = ro->post,
				      .user = ro->uid,
				      .pwd = ro->pwd,
				      .max_body = cfg->max_body };
	struct ps_http_response rs;
	bool body = false;
	if (ps_hop_exchange(&p.h, cfg, sink, hop, t, url, t0, &rq, &rs))
		body = profile_answer(&p, &rs);
	bool stopped = ps_hop_stopped(&p.h);
	ps_hop_end(&p.h);
	enum hop_result result = p.fnf ? HOP_FNF : p.location ? HOP_REDIRECT : HOP_FAIL;
	*location = p.location;
	if (body) {
		prof->sources =
		    ps_xrealloc(prof->sources, (prof->n_sources + 1) * sizeof *prof->sources);
		struct ps_profile_source *src = &prof->sources[prof->n_sources++];
		memset(src, 0, sizeof *src);
		if (ps_steps_profile(cfg, sink, hop, url, rs.body, rs.body_len, table, src,
				     ro->key))
			result = HOP_OK;
	}
	ps_http_response_clear(&rs);
	return stopped ? HOP_OK : result;
}

/* Redirects from the hop that fetched *fetched to `location` (taken):
 * followed by our code, each new host with the phone's TLS, at most five
 * in a row, each a hop of its own; *fetched becomes the last URL. */
static enum hop_result follow(const struct ps_run_config *cfg, const struct ps_sink *sink,
			      size_t hop, char *location, const struct ps_resync_opts *ro,
			      struct ps_params *table, struct ps_profile_report *prof,
			      char **fetched)
{
	enum hop_result res = HOP_REDIRECT;
	for (int r = 0; res == HOP_REDIRECT && location; r++) {
		struct ps_target t;
		char *err = NULL;
		if (r == 5) {
			ps_sink_finding(sink, (long)hop, PS_F_HTTP_STATUS,
					"more than 5 redirects in a row, last to %s", location);
			res = HOP_FAIL;
			break;
		}
		hop = ps_sink_hop_begin(sink, location);
		if (!ps_target_parse(location, &t, &err)) {
			ps_sink_finding(sink, (long)hop, PS_F_HTTP_STATUS,
					"a redirect to '%s', which is no usable URL", location);
			free(err);
			res = HOP_FAIL;
			break;
		}
		ps_target_detail(sink, hop, &t, NULL);
		char *next = NULL;
		res =
		    profile_hop(cfg, sink, hop, &t, ps_now_ms(), location, ro, table, prof, &next);
		free(*fetched);
		*fetched = location;
		ps_target_clear(&t);
		location = next;
	}
	free(location);
	return res;
}

/* The rule.expand step of one hop: parse and evaluate the rule for the
 * phone, apply its assignments. Returns the expanded URL (caller frees) and
 * the options in *ro, or NULL when the rule fetches nothing (*fail when that
 * is an error). */
static char *expand_step(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
			 const char *name, const char *text, struct ps_params *table,
			 struct ps_resync_opts *ro, bool *fail)
{
	memset(ro, 0, sizeof *ro);
	*fail = false;
	ps_sink_step_begin(sink, hop, PS_STEP_RULE_EXPAND);
	struct ps_rule r;
	struct ps_rule_error err;
	memset(&r, 0, sizeof r);
	if (ps_rule_parse(text, PS_RULE_PROFILE, &r, &err) < 0) {
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_FAIL,
				 "%s does not parse at column %ld: %s", name, err.column,
				 err.message);
		ps_sink_finding(sink, (long)hop, PS_F_RULE_SYNTAX,
				"%s, column %ld: %s (expected %s)", name, err.column, err.message,
				err.expected);
		*fail = true;
		return NULL;
	}
	struct ps_phone_env pe = { cfg, table };
	struct ps_macro_env env = ps_steps_phone_env(&pe);
	struct ps_rule_eval ev;
	memset(&ev, 0, sizeof ev);
	ps_rule_evaluate(&r, &env, &ev);
	char *url = NULL;
	if (ev.fired < 0) {
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_SKIPPED, "%s: %s", name,
				 ev.reason ? ev.reason : "no alternative applies");
		ps_sink_finding(sink, (long)hop, PS_F_RULE_NO_MATCH, "%s: %s", name,
				ev.reason ? ev.reason : "no alternative applies");
	} else if (!ev.url.scheme) {
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_FAIL,
				 "%s: alternative %ld fires but its URL does not resolve: %s", name,
				 ev.fired + 1, ev.url_error ? ev.url_error : "no URL");
		ps_sink_finding(sink, (long)hop, PS_F_RULE_SYNTAX, "%s: %s", name,
				ev.url_error ? ev.url_error : "the alternative has no URL");
		*fail = true;
	} else if (ev.url.host_defaulted) {
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_FAIL,
				 "%s: %s has no server; the phone takes it from DHCP option 66 "
				 "(give it with --tftp-server HOST)",
				 name, ev.url_text);
		ps_sink_finding(sink, (long)hop, PS_F_RULE_DHCP_SERVER,
				"%s: %s names no server: the phone takes it from DHCP option 66; "
				"give it with --tftp-server HOST",
				name, ev.url_text);
		*fail = true;
	} else {
		for (size_t i = 0; i < ev.n_assigns; i++) {
			char *src = ps_xasprintf("%s assignment", name);
			ps_params_set(table, ev.assigns[i].param, ev.assigns[i].value, NULL, src,
				      0);
			free(src);
		}
		url = ps_url_format(&ev.url);
		ro->key = ps_xstrdup(ev.opts.key);
		ro->uid = ps_xstrdup(ev.opts.uid);
		ro->pwd = ps_xstrdup(ev.opts.pwd);
		const char *reg = ev.opts.post ? ps_rule_register(ev.opts.post) : NULL;
		if (reg)
			ro->post = ps_macro_expand_env(ps_steps_param_value(table, reg), &env, 0);
		ps_sink_step_end(sink, hop, PS_STEP_RULE_EXPAND, PS_STATUS_OK,
				 "%s: alternative %ld of %zu fires: %s%s", name, ev.fired + 1,
				 r.n_alts, url, ev.n_assigns ? " (with assignments)" : "");
	}
	ps_rule_eval_clear(&ev);
	ps_rule_clear(&r);
	return url;
}

enum ps_resync_result ps_resync_rule(const struct ps_run_config *cfg, const struct ps_sink *sink,
				     const char *name, const char *text, double t0,
				     struct ps_params *table, struct ps_profile_report *prof,
				     char **fetched)
{
	*fetched = NULL;
	size_t hop = ps_sink_hop_begin(sink, text);
	struct ps_resync_opts ro;
	bool fail = false;
	char *url = expand_step(cfg, sink, hop, name, text, table, &ro, &fail);
	enum hop_result res = fail ? HOP_FAIL : HOP_FNF;
	struct ps_target t;
	char *err = NULL;
	if (url && ps_target_parse(url, &t, &err)) {
		ps_target_detail(sink, hop, &t, url);
		char *location = NULL;
		res = profile_hop(cfg, sink, hop, &t, t0, url, &ro, table, prof, &location);
		ps_target_clear(&t);
		*fetched = ps_xstrdup(url);
		if (res == HOP_REDIRECT)
			res = follow(cfg, sink, hop, location, &ro, table, prof, fetched);
		else
			free(location);
		if (res != HOP_OK) {
			free(*fetched);
			*fetched = NULL;
		}
	}
	free(err);
	free(url);
	opts_clear(&ro);
	return res == HOP_OK     ? PS_RESYNC_PARSED
	       : res == HOP_FAIL ? PS_RESYNC_FAILED
				 : PS_RESYNC_GO_ON;
}
