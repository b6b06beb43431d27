/* The HTML report (--format html): one self-contained file to share with a
 * server team or a vendor, no network and no external asset: the hops at
 * a glance, the findings with their fixes, then per hop its steps, a
 * ladder diagram of the handshake (an SVG with real text, its messages
 * also as a table), the chain as a picture (certificates and their links,
 * each check coloured), the client-certificate exchange and the HTTP
 * exchange; then the profile table and the upgrade decision. Every text
 * is escaped (ps_xml_escape); secrets are shown as the other formats show
 * them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "model/fixes.h"
#include "model/profile.h"
#include "model/report.h"
#include "model/scan.h"
#include "output/escape.h"
#include "output/output.h"

static const char STYLE[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#111;"
    "padding:0 1em}"
    "h1{font-size:1.5em}h2{border-bottom:1px solid #bbb;margin-top:2em}"
    "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;"
    "padding:.2em .5em;text-align:left;vertical-align:top}th{background:#f2f2f2}"
    ".ok{color:#075e07}.warn{color:#8a5a00}.fail,.error{color:#a00}"
    ".skipped,.pending,.running{color:#666}"
    ".verdict{font-size:1.2em;font-weight:bold;padding:.4em .6em;border:2px solid}"
    ".finding{border-left:4px solid #999;padding:.2em .8em;margin:.8em 0}"
    ".sev-error{border-color:#a00}.sev-error h3{color:#a00}.sev-warning{border-color:#c80}"
    ".sev-warning h3{color:#8a5a00}.sev-info{border-color:#06c}.nowrap{white-space:nowrap}"
    "code,pre{font-family:ui-monospace,monospace;font-size:.92em}"
    "pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap}"
    ".chain{list-style:none;padding:0}.cert{border:1px solid #999;border-radius:6px;"
    "padding:.4em .8em;margin:.3em 0}.link{margin:.2em 0 .2em 2em}"
    "svg text{font:12px system-ui,sans-serif}"
    "@media print{body{max-width:none;margin:0}h2{break-after:avoid}"
    "section.hop{break-before:page}}";

struct hw {
	struct ps_buf b;
	bool show; /* --show-secrets */
};

/* Escaped text, NULL as `none`. */
static void text(struct hw *w, const char *s, const char *none)
{
	ps_xml_escape(&w->b, s ? s : (none ? none : ""), false);
}

/* A tag with escaped text: <TAG class="CLS">TEXT</TAG>. */
static void elem(struct hw *w, const char *tag, const char *cls, const char *s)
{
	if (cls)
		ps_buf_printf(&w->b, "<%s class=\"%s\">", tag, cls);
	else
		ps_buf_printf(&w->b, "<%s>", tag);
	text(w, s, "");
	ps_buf_printf(&w->b, "</%s>", tag);
}

static const char *verdict_word(const struct ps_chain_verdict *v)
{
	return v->unknown ? "not judged" : v->accept ? "accepts" : "rejects";
}

static void header(struct hw *w, const struct ps_report *r)
{
	const struct ps_phone_info *p = &r->phone;
	char when[32] = "";
	struct tm tm;
	if (r->started && gmtime_r(&r->started, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	ps_buf_puts(&w->b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			   "<meta name=\"viewport\" content=\"width=device-width\"><title>");
	ps_buf_puts(&w->b, "provscope: ");
	text(w, p->product, "?");
	ps_buf_puts(&w->b, " at ");
	text(w, r->target, "");
	ps_buf_printf(&w->b, "</title><style>%s</style></head>\n<body>\n<header><h1>", STYLE);
	ps_buf_puts(&w->b, "provscope report: ");
	text(w, p->vendor, "");
	ps_buf_puts(&w->b, " ");
	text(w, p->product, "");
	ps_buf_puts(&w->b, "</h1>\n<p id=\"verdict\" class=\"verdict ");
	ps_buf_puts(&w->b, r->exit_code == 0 ? "ok" : "fail");
	ps_buf_puts(&w->b, "\">Verdict: ");
	text(w, r->verdict, "?");
	ps_buf_puts(&w->b, ": ");
	text(w, r->summary, "");
	ps_buf_printf(&w->b, " (exit %d)</p>\n<table><tbody>", r->exit_code);
	const char *rows[][2] = { { "Phone", NULL },
				  { "Firmware", p->firmware },
				  { "MAC", p->mac },
				  { "Serial", p->serial },
				  { "User-Agent", p->user_agent },
				  { "TLS priority", p->priority },
				  { "TFTP server (DHCP)", p->tftp_server },
				  { r->mode == PS_MODE_LIVE ? "Target" : "Input", r->target },
				  { "Started", when } };
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (i > 0 && !rows[i][1] && strcmp(rows[i][0], "TFTP server (DHCP)") == 0)
			continue; /* only when --tftp-server was given */
		ps_buf_puts(&w->b, "<tr><th scope=\"row\">");
		text(w, rows[i][0], "");
		ps_buf_puts(&w->b, "</th><td>");
		if (i == 0) {
			text(w, p->vendor, "");
			ps_buf_puts(&w->b, " ");
			text(w, p->product, "");
		} else {
			text(w, rows[i][1], "");
		}
		ps_buf_puts(&w->b, "</td></tr>");
	}
	ps_buf_puts(&w->b, "</tbody></table></header>\n");
}

static void summary(struct hw *w, const struct ps_report *r)
{
	if (!r->n_hops)
		return;
	ps_buf_puts(&w->b,
		    "<section id=\"hops\"><h2>Hops</h2><table><thead><tr><th scope=\"col\">"
		    "Hop</th><th scope=\"col\">URL</th><th scope=\"col\">TLS</th><th "
		    "scope=\"col\">Chain: phone / modern client</th><th scope=\"col\">Client "
		    "certificate</th><th scope=\"col\">HTTP</th></tr></thead><tbody>");
	for (size_t i = 0; i < r->n_hops; i++) {
		const struct ps_hop *h = &r->hops[i];
		char *url = w->show ? ps_xstrdup(h->url) : ps_redact_secrets(h->url);
		ps_buf_printf(&w->b, "<tr><td><a href=\"#hop-%zu\">%zu</a></td><td>", i + 1, i + 1);
		text(w, url, "");
		free(url);
		ps_buf_puts(&w->b, "</td><td>");
		if (h->tls.attempted && h->tls.established) {
			text(w, h->tls.version, "");
			ps_buf_puts(&w->b, " ");
			text(w, h->tls.cipher_suite, "");
		} else if (h->tls.attempted) {
			ps_buf_puts(&w->b, "<span class=\"fail\">failed</span>");
		} else {
			ps_buf_puts(&w->b, "none");
		}
		ps_buf_puts(&w->b, "</td><td>");
		if (h->chain_checked) {
			elem(w, "span", h->chain.phone.accept ? "ok" : "fail",
			     verdict_word(&h->chain.phone));
			ps_buf_puts(&w->b, " / ");
			elem(w, "span", h->chain.modern.accept ? "ok" : "fail",
			     verdict_word(&h->chain.modern));
		}
		ps_buf_puts(&w->b, "</td><td>");
		const struct ps_client_auth *ca = &h->client_auth;
		if (h->tls.attempted && (h->tls.established || ca->requested))
			text(w,
			     ca->renegotiation_error ? "refused in a renegotiation"
			     : !ca->requested        ? "not asked for"
			     : ca->sent              ? "sent"
						     : "asked for, none sent",
			     "");
		ps_buf_puts(&w->b, "</td><td>");
		if (h->http.attempted && h->http.status)
			ps_buf_printf(&w->b, "%ld", h->http.status);
		ps_buf_puts(&w->b, "</td></tr>");
	}
	ps_buf_puts(&w->b, "</tbody></table></section>\n");
}

static void findings(struct hw *w, const struct ps_report *r)
{
	ps_buf_puts(&w->b, "<section id=\"findings\"><h2>Findings</h2>");
	if (!r->n_findings)
		ps_buf_puts(&w->b, "<p>None.</p>");
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct ps_finding *f = &r->findings[i];
		const char *sev = ps_severity_name(f->severity);
		ps_buf_printf(&w->b, "<article class=\"finding sev-%s\"><h3>", sev);
		text(w, sev, "");
		ps_buf_puts(&w->b, " <code>");
		text(w, ps_finding_name(f->id), "");
		ps_buf_puts(&w->b, "</code>");
		if (f->hop >= 0)
			ps_buf_printf(&w->b, " (<a href=\"#hop-%ld\">hop %ld</a>)", f->hop + 1,
				      f->hop + 1);
		ps_buf_puts(&w->b, "</h3>");
		elem(w, "p", NULL, ps_finding_text(f->id));
		if (r->mode == PS_MODE_SCAN && r->scan && i < r->scan->n_finding_models) {
			const char *m = r->scan->finding_models[i];
			ps_buf_puts(&w->b, "<p><strong>For:</strong> ");
			text(w, *m ? m : "the audit", "");
			ps_buf_puts(&w->b, "</p>");
		}
		if (f->detail) {
			ps_buf_puts(&w->b, "<p><strong>Seen:</strong> ");
			text(w, f->detail, "");
			ps_buf_puts(&w->b, "</p>");
		}
		ps_buf_puts(&w->b, "<p><strong>Fix:</strong> ");
		text(w, ps_finding_fix(f->id), "");
		ps_buf_puts(&w->b, "</p>");
		if (ps_finding_has_server_fixes(f->id)) {
			enum ps_server order[PS_SERVER_COUNT];
			const struct ps_report *by =
			    r; /* a scan: its first pass tells the server */
			long hop = f->hop;
			if (r->mode == PS_MODE_SCAN && r->scan && r->scan->n_passes) {
				by = r->scan->passes[0].report;
				hop = 0;
			}
			ps_fix_order(by, hop, order);
			ps_buf_puts(&w->b, "<table><tbody>");
			for (int k = 0; k < PS_SERVER_COUNT; k++) {
				ps_buf_puts(&w->b, "<tr><th scope=\"row\">");
				text(w, ps_server_label(order[k]), "");
				ps_buf_puts(&w->b, "</th><td><code>");
				text(w, ps_finding_fix_for(f->id, order[k]), "");
				ps_buf_puts(&w->b, "</code></td></tr>");
			}
			ps_buf_puts(&w->b, "</tbody></table>");
		}
		ps_buf_puts(&w->b, "</article>");
	}
	ps_buf_puts(&w->b, "</section>\n");
}

enum { LADDER_W = 640, PHONE_X = 110, SERVER_X = 530, ROW_H = 30, TOP = 40 };

/* The handshake as a ladder diagram: the phone's and the server's lines,
 * an arrow per message with its name and time; alerts in red, encrypted
 * messages dashed. */
static void ladder(struct hw *w, size_t hop, const struct ps_tls_info *t)
{
	int height = TOP + (int)t->n_msgs * ROW_H + 10;
	ps_buf_printf(&w->b,
		      "<svg class=\"ladder\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		      "role=\"img\" aria-labelledby=\"ladder-%zu\"><title id=\"ladder-%zu\">The "
		      "TLS handshake of hop %zu, message by message</title>"
		      "<defs><marker id=\"head-%zu\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
		      "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path "
		      "d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>",
		      LADDER_W, height, LADDER_W, height, hop, hop, hop + 1, hop);
	ps_buf_printf(
	    &w->b,
	    "<text x=\"%d\" y=\"16\" text-anchor=\"middle\" font-weight=\"bold\">phone</text>"
	    "<text x=\"%d\" y=\"16\" text-anchor=\"middle\" font-weight=\"bold\">server</text>"
	    "<line x1=\"%d\" y1=\"24\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>"
	    "<line x1=\"%d\" y1=\"24\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>",
	    PHONE_X, SERVER_X, PHONE_X, PHONE_X, height - 4, SERVER_X, SERVER_X, height - 4);
	for (size_t i = 0; i < t->n_msgs; i++) {
		const struct ps_tls_msg *m = &t->msgs[i];
		int y = TOP + (int)i * ROW_H + 14;
		bool out = m->dir == PS_DIR_OUT;
		bool alert = m->type && strcmp(m->type, "Alert") == 0;
		const char *color = alert ? "#b00" : m->round ? "#5a3d99" : "#222";
		ps_buf_printf(
		    &w->b,
		    "<line class=\"msg%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"%s\" stroke-width=\"1.5\"%s marker-end=\"url(#head-%zu)\"/>",
		    alert ? " alert" : "", out ? PHONE_X : SERVER_X, y, out ? SERVER_X : PHONE_X, y,
		    color, m->encrypted ? " stroke-dasharray=\"5 3\"" : "", hop);
		ps_buf_printf(&w->b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">",
			      (PHONE_X + SERVER_X) / 2, y - 5, color);
		text(w, m->type, "?");
		if (alert && m->info) {
			ps_buf_puts(&w->b, ": ");
			text(w, m->info, "");
		}
		ps_buf_printf(&w->b,
			      "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
			      "fill=\"#555\">%.1f ms</text>",
			      PHONE_X - 8, y + 4, m->t_ms);
	}
	ps_buf_puts(&w->b, "</svg>");
}

static void messages_table(struct hw *w, const struct ps_tls_info *t)
{
	ps_buf_puts(&w->b, "<table><thead><tr><th scope=\"col\">Time</th><th scope=\"col\">"
			   "Direction</th><th scope=\"col\">Message</th><th scope=\"col\">Detail"
			   "</th></tr></thead><tbody>");
	for (size_t i = 0; i < t->n_msgs; i++) {
		const struct ps_tls_msg *m = &t->msgs[i];
		ps_buf_printf(
		    &w->b, "<tr><td class=\"nowrap\">%.1f ms</td><td>%s</td><td>", m->t_ms,
		    m->dir == PS_DIR_OUT ? "phone &#x2192; server" : "server &#x2192; phone");
		text(w, m->type, "?");
		ps_buf_puts(&w->b, "</td><td>");
		if (m->round)
			ps_buf_printf(&w->b, "(renegotiation %u) ", m->round);
		text(w, m->info, "");
		if (m->encrypted)
			ps_buf_puts(&w->b, " [encrypted]");
		ps_buf_puts(&w->b, "</td></tr>");
	}
	ps_buf_puts(&w->b, "</tbody></table>");
}

static void check(struct hw *w, const char *name, const struct ps_chain_check *c)
{
	ps_buf_printf(&w->b, "<li class=\"%s\">%s ",
		      c->result > 0    ? "ok"
		      : c->result == 0 ? "fail"
				       : "skipped",
		      c->result > 0    ? "&#x2714;"
		      : c->result == 0 ? "&#x2718;"
				       : "&#x2013;");
	text(w, name, "");
	ps_buf_puts(&w->b, ": ");
	text(w, c->text, "");
	ps_buf_puts(&w->b, "</li>");
}

/* The chain as a picture: a card per certificate, the link to its issuer
 * under it with each check coloured, then both clients' verdicts. */
static void chain(struct hw *w, const struct ps_report *r, size_t i)
{
	const struct ps_chain_report *c = &r->hops[i].chain;
	ps_buf_puts(&w->b, "<ol class=\"chain\">");
	for (size_t k = 0; k < c->n_certs; k++) {
		const struct ps_cert_info *ci = &c->certs[k];
		ps_buf_printf(&w->b, "<li class=\"cert\"><strong>certificate %zu</strong>: ", k);
		text(w, ci->subject, "");
		ps_buf_puts(&w->b, "<br>issuer ");
		text(w, ci->issuer, "");
		ps_buf_puts(&w->b, "<br>");
		text(w, ci->key_type, "?");
		ps_buf_printf(&w->b, " %u bits, signed ", ci->key_bits);
		text(w, ci->sig_alg, "?");
		ps_buf_puts(&w->b, "<br>SHA-256 <code>");
		text(w, ci->sha256, "?");
		ps_buf_puts(&w->b, "</code>");
		for (size_t l = 0; l < c->n_links; l++) {
			const struct ps_chain_link *ln = &c->links[l];
			if (ln->subject_index != k)
				continue;
			ps_buf_puts(&w->b, "<ul class=\"link\">");
			check(w, "issuer name", &ln->issuer_name);
			check(w, "signature", &ln->signature);
			check(w, "validity", &ln->validity);
			check(w, "issuer is a CA", &ln->issuer_is_ca);
			check(w, "path length", &ln->path_len);
			ps_buf_puts(&w->b, "</ul>");
		}
		ps_buf_puts(&w->b, "</li>");
	}
	ps_buf_puts(&w->b, "</ol><ul>");
	check(w, "host name, as the phone checks it", &c->hostname_phone);
	check(w, "host name, as a modern client checks it", &c->hostname_modern);
	ps_buf_puts(&w->b, "</ul>");
	for (int k = 0; k < 2; k++) {
		const struct ps_chain_verdict *v = k ? &c->modern : &c->phone;
		ps_buf_printf(&w->b, "<p class=\"%s\"><strong>%s %s</strong>",
			      v->accept ? "ok" : "fail", k ? "A modern client" : "The phone",
			      verdict_word(v));
		for (size_t j = 0; j < v->n_reasons; j++) {
			ps_buf_puts(&w->b, "<br>");
			text(w, v->reasons[j], "");
		}
		ps_buf_puts(&w->b, "</p>");
	}
}

static void hop_section(struct hw *w, const struct ps_report *r, size_t i)
{
	const struct ps_hop *h = &r->hops[i];
	char *url = w->show ? ps_xstrdup(h->url) : ps_redact_secrets(h->url);
	ps_buf_printf(&w->b, "<section class=\"hop\" id=\"hop-%zu\"><h2>Hop %zu: ", i + 1, i + 1);
	text(w, url, "");
	free(url);
	ps_buf_puts(&w->b, "</h2><table><thead><tr><th scope=\"col\">Step</th><th scope=\"col\">"
			   "Status</th><th scope=\"col\">Time</th><th scope=\"col\">Summary</th>"
			   "</tr></thead><tbody>");
	for (size_t k = 0; k < h->n_steps; k++) {
		const struct ps_step *s = &h->steps[k];
		ps_buf_puts(&w->b, "<tr><td><code>");
		text(w, ps_step_name(s->id), "");
		ps_buf_printf(
		    &w->b,
		    "</code></td><td class=\"%s\">%s</td><td class=\"nowrap\">%.1f ms</td>"
		    "<td>",
		    ps_status_name(s->status), ps_status_name(s->status), s->duration_ms);
		text(w, s->summary, "");
		ps_buf_puts(&w->b, "</td></tr>");
	}
	ps_buf_puts(&w->b, "</tbody></table>");
	if (h->tls.attempted && h->tls.n_msgs) {
		ps_buf_puts(&w->b, "<h3>TLS handshake</h3>");
		ladder(w, i, &h->tls);
		messages_table(w, &h->tls);
	}
	if (h->chain_checked) {
		ps_buf_puts(&w->b, "<h3>Server certificate chain</h3>");
		chain(w, r, i);
	}
	if (h->tls.attempted) {
		const struct ps_client_auth *ca = &h->client_auth;
		ps_buf_puts(&w->b, "<h3>Client certificate</h3><p>");
		text(w,
		     !ca->requested && !h->tls.established
			 ? "The handshake ended before the phone answered a request for a "
			   "client certificate."
		     : !ca->requested ? "The server did not ask for a client certificate."
		     : ca->sent       ? "The server asked for a client certificate; the device "
					"certificate was sent."
				      : "The server asked for a client certificate; none was sent.",
		     "");
		if (ca->outcome) {
			ps_buf_puts(&w->b, " ");
			text(w, ca->outcome, "");
		}
		ps_buf_puts(&w->b, "</p>");
		if (ca->n_acceptable_cas) {
			ps_buf_puts(&w->b, "<p>CA names the server accepts:</p><ul>");
			for (size_t k = 0; k < ca->n_acceptable_cas; k++)
				elem(w, "li", NULL, ca->acceptable_cas[k]);
			ps_buf_puts(&w->b, "</ul>");
		}
	}
	if (h->http.attempted) {
		ps_buf_puts(&w->b, "<h3>HTTP</h3><pre>");
		for (size_t k = 0; k < h->http.n_request_headers; k++) {
			ps_buf_puts(&w->b, "&gt; ");
			text(w, h->http.request_headers[k], "");
			ps_buf_puts(&w->b, "\n");
		}
		for (size_t k = 0; k < h->http.n_response_headers; k++) {
			ps_buf_puts(&w->b, "&lt; ");
			text(w, h->http.response_headers[k], "");
			ps_buf_puts(&w->b, "\n");
		}
		ps_buf_puts(&w->b, "</pre>");
	}
	ps_buf_puts(&w->b, "</section>\n");
}

static void profile(struct hw *w, const struct ps_report *rep)
{
	const struct ps_profile_report *p = &rep->profile;
	if (!p->n_params)
		return;
	ps_buf_puts(&w->b, "<section id=\"profile\"><h2>Profile</h2><table><thead><tr><th "
			   "scope=\"col\">Parameter</th><th scope=\"col\">Value</th><th "
			   "scope=\"col\">Source</th></tr></thead><tbody>");
	size_t defaults = ps_profile_defaults(p);
	for (size_t i = 0; i < p->n_params; i++) {
		const struct ps_param_row *r = &p->params[i];
		if (ps_param_row_is_default(r))
			continue;
		ps_buf_puts(&w->b, "<tr><td><code>");
		text(w, r->name, "");
		ps_buf_puts(&w->b, "</code></td><td>");
		text(w, ps_secret_display(r->value, r->secret, w->show), "");
		ps_buf_puts(&w->b, "</td><td>");
		text(w, r->source, "?");
		if (r->line)
			ps_buf_printf(&w->b, ":%u", r->line);
		if (r->problem) {
			ps_buf_puts(&w->b, " <strong class=\"warn\" title=\"");
			text(w, r->problem_detail, "");
			ps_buf_puts(&w->b, "\">");
			text(w, ps_param_problem_label(r->problem), "");
			ps_buf_puts(&w->b, "</strong>");
		}
		ps_buf_puts(&w->b, "</td></tr>");
	}
	ps_buf_printf(&w->b,
		      "</tbody></table><p>%zu more parameters keep their factory defaults.</p>",
		      defaults);
	/* what the profile checks found, in the files' order */
	size_t n = 0;
	for (size_t i = 0; i < rep->n_findings; i++)
		n += ps_finding_is_lint(rep->findings[i].id);
	if (n) {
		ps_buf_printf(&w->b,
			      "<h3 id=\"checks\">Checks: %zu setting%s the phone would ignore or "
			      "misread</h3><ul class=\"checks\">",
			      n, n == 1 ? "" : "s");
		for (size_t i = 0; i < rep->n_findings; i++) {
			const struct ps_finding *f = &rep->findings[i];
			if (!ps_finding_is_lint(f->id))
				continue;
			ps_buf_puts(&w->b, "<li><code>");
			text(w, ps_finding_name(f->id), "");
			ps_buf_puts(&w->b, "</code> ");
			text(w, f->detail, "");
			ps_buf_puts(&w->b, "</li>");
		}
		ps_buf_puts(&w->b, "</ul>");
	}
	ps_buf_puts(&w->b, "</section>\n");
}

static void upgrade(struct hw *w, const struct ps_upgrade_report *u)
{
	if (!u->evaluated)
		return;
	ps_buf_printf(&w->b,
		      "<section id=\"upgrade\"><h2>Firmware upgrade</h2><p class=\"%s\">"
		      "<strong>%s</strong>: ",
		      u->would_upgrade ? "ok" : "skipped",
		      u->would_upgrade ? "The phone upgrades" : "No upgrade");
	text(w, u->reason, "");
	ps_buf_puts(&w->b, "</p><p>Firmware ");
	text(w, u->current_version, "?");
	ps_buf_puts(&w->b, " &#x2192; ");
	text(w, u->target_version, "(version unknown)");
	ps_buf_puts(&w->b, "</p></section>\n");
}

/* --- provscope scan ---------------------------------------------------------- */

static void scan_header(struct hw *w, const struct ps_report *r)
{
	char when[32] = "";
	struct tm tm;
	if (r->started && gmtime_r(&r->started, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	ps_buf_puts(&w->b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			   "<meta name=\"viewport\" content=\"width=device-width\"><title>"
			   "provscope scan: ");
	text(w, r->target, "");
	ps_buf_printf(&w->b,
		      "</title><style>%s</style></head>\n<body>\n<header><h1>"
		      "provscope scan</h1>\n<p id=\"verdict\" class=\"verdict %s\">Verdict: ",
		      STYLE, r->exit_code == 0 ? "ok" : "fail");
	text(w, r->verdict, "?");
	ps_buf_puts(&w->b, ": ");
	text(w, r->summary, "");
	ps_buf_printf(&w->b, " (exit %d)</p>\n<table><tbody><tr><th scope=\"row\">Target</th><td>",
		      r->exit_code);
	text(w, r->target, "");
	ps_buf_puts(&w->b, "</td></tr><tr><th scope=\"row\">Started</th><td>");
	text(w, when, "");
	ps_buf_printf(&w->b,
		      "</td></tr><tr><th scope=\"row\">Passes</th><td>%zu for %zu models, "
		      "%.0f ms</td></tr></tbody></table></header>\n",
		      r->scan->n_passes, r->scan->n_models, r->scan->duration_ms);
}

static void scan_models(struct hw *w, const struct ps_scan_report *s)
{
	ps_buf_puts(&w->b, "<section id=\"models\"><h2>Models</h2><table><thead><tr>");
	static const char *const cols[] = {
		"Model", "Firmware", "TLS", "Chain (phone)", "Client certificate",
		"HTTP",  "Exit",     "Pass"
	};
	for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
		ps_buf_puts(&w->b, "<th scope=\"col\">");
		text(w, cols[c], "");
		ps_buf_puts(&w->b, "</th>");
	}
	ps_buf_puts(&w->b, "</tr></thead><tbody>");
	for (size_t i = 0; i < s->n_models; i++) {
		struct ps_scan_row row;
		ps_scan_row(s, i, &row);
		ps_buf_puts(&w->b, "<tr><th scope=\"row\">");
		text(w, row.product, "");
		ps_buf_puts(&w->b, "</th><td>");
		text(w, row.firmware, "");
		ps_buf_puts(&w->b, "</td><td>");
		if (row.tls_version) {
			text(w, row.tls_version, "");
			ps_buf_puts(&w->b, " ");
			text(w, row.cipher_suite, "");
		} else {
			elem(w, "span", "fail", row.error ? row.error : row.first_error);
		}
		ps_buf_puts(&w->b, "</td><td>");
		if (row.chain_verdict)
			elem(w, "span", strcmp(row.chain_verdict, "accept") == 0 ? "ok" : "fail",
			     row.chain_verdict);
		ps_buf_puts(&w->b, "</td><td>");
		text(w, row.client_cert, "");
		ps_buf_puts(&w->b, "</td><td>");
		if (row.http_status)
			ps_buf_printf(&w->b, "%ld", row.http_status);
		ps_buf_printf(&w->b, "</td><td class=\"%s\">%d</td><td>",
			      row.exit_code ? "fail" : "ok", row.exit_code);
		text(w, row.shared_with ? row.shared_with : row.error ? "none" : "its own", "");
		ps_buf_puts(&w->b, "</td></tr>");
	}
	ps_buf_puts(&w->b, "</tbody></table></section>\n");
}

static void scan_server(struct hw *w, const struct ps_report *r)
{
	const struct ps_scan_report *s = r->scan;
	ps_buf_puts(&w->b, "<section id=\"server\"><h2>Server</h2>");
	if (s->protocols[0].hello.done) {
		ps_buf_puts(&w->b, "<table><thead><tr><th scope=\"col\">Protocol</th><th "
				   "scope=\"col\">Accepted</th></tr></thead><tbody>");
		for (size_t i = 0; i < PS_SCAN_VERSIONS; i++) {
			ps_buf_puts(&w->b, "<tr><td>");
			text(w, s->protocols[i].version, "");
			ps_buf_printf(&w->b, "</td><td>%s</td></tr>",
				      ps_scan_yes_no(ps_scan_protocol_accepted(s, i)));
		}
		ps_buf_puts(&w->b, "</tbody></table><table><thead><tr><th scope=\"col\">Suite "
				   "at TLS 1.0, alone</th><th scope=\"col\">Accepted</th><th "
				   "scope=\"col\">Offered by</th></tr></thead><tbody>");
		for (size_t j = 0; j < s->n_suites; j++) {
			ps_buf_puts(&w->b, "<tr><td>");
			text(w, s->suites[j].name, "");
			ps_buf_printf(&w->b, "</td><td class=\"%s\">%s</td><td>",
				      s->suites[j].accepted > 0 ? "ok" : "fail",
				      ps_scan_yes_no(s->suites[j].accepted));
			text(w, s->suites[j].models, "");
			ps_buf_puts(&w->b, "</td></tr>");
		}
		ps_buf_puts(&w->b, "</tbody></table>");
		if (ps_scan_dhe_bits(s))
			ps_buf_printf(&w->b, "<p>DHE group: %u bits</p>", ps_scan_dhe_bits(s));
		ps_buf_puts(&w->b, "<p>Preferred: ");
		text(w, s->preferred.answered ? s->preferred.cipher_suite : NULL, "none");
		int order = ps_scan_server_order(s);
		if (order >= 0)
			ps_buf_puts(&w->b,
				    order ? " (the server's own order)" : " (the client's order)");
		ps_buf_puts(&w->b, "</p>");
	} else {
		ps_buf_puts(&w->b, "<p>No https URL among the models': no TLS to probe.</p>");
	}
	ps_buf_puts(&w->b, "<p>Client certificate: ");
	text(w,
	     s->cert_requested < 0 ? "unknown (no handshake got that far)"
	     : s->cert_requested   ? "asked for"
				   : "not asked for",
	     "");
	for (size_t i = 0; i < s->n_ca_names; i++) {
		ps_buf_puts(&w->b, "<br><code>");
		text(w, s->ca_names[i], "");
		ps_buf_puts(&w->b, "</code>");
	}
	ps_buf_puts(&w->b, "</p>");
	if (s->renegotiation > 0) {
		ps_buf_puts(&w->b, "<p class=\"warn\">The client certificate is asked for only by "
				   "renegotiating after the request (");
		text(w, s->renegotiation_kind, "?");
		ps_buf_printf(&w->b, " renegotiation, %s).</p>",
			      s->renegotiated ? "completed" : "refused");
	}
	int sni = ps_scan_sni_differs(s);
	if (sni >= 0) {
		ps_buf_printf(&w->b, "<p class=\"%s\">SNI: ", sni ? "warn" : "ok");
		if (sni) {
			ps_buf_puts(&w->b, "the phones (no name) get ");
			text(w, s->preferred.leaf_subject, "?");
			ps_buf_puts(&w->b, "; a client naming ");
			text(w, s->sni_name, "");
			ps_buf_puts(&w->b, " gets ");
			text(w, s->sni.leaf_subject, "?");
		} else {
			ps_buf_puts(&w->b, "the same certificate with the name ");
			text(w, s->sni_name, "");
			ps_buf_puts(&w->b, " as without");
		}
		ps_buf_puts(&w->b, ".</p>");
	}
	if (s->chain_pass >= 0) {
		ps_buf_puts(&w->b, "<h3>The chain as sent</h3>");
		chain(w, s->passes[s->chain_pass].report, s->chain_hop);
	}
	ps_buf_puts(&w->b, "<h3>Audit</h3><p>");
	text(w, s->audit_note, "none");
	ps_buf_puts(&w->b, "</p>");
	for (size_t h = 0; s->audit && h < s->audit->n_hops; h++) {
		const struct ps_step *st = ps_hop_step(&s->audit->hops[h], PS_STEP_AUDIT);
		if (st) {
			ps_buf_printf(&w->b, "<p class=\"%s\">", ps_status_name(st->status));
			text(w, st->summary, "");
			ps_buf_puts(&w->b, "</p>");
		}
	}
	ps_buf_puts(&w->b, "</section>\n");
}

/* The footer, then the whole page in one write. */
static int page_end(FILE *out, struct hw *w, const struct ps_report *r)
{
	ps_buf_puts(&w->b, "<footer><p>Made by provscope ");
	text(w, r->tool_version, "");
	ps_buf_puts(&w->b, ".</p></footer>\n</body></html>\n");
	char *s = ps_buf_take(&w->b);
	size_t n = strlen(s);
	bool ok = fwrite(s, 1, n, out) == n;
	free(s);
	return ok && !ferror(out) ? 0 : -1;
}

static int scan_page(FILE *out, const struct ps_report *r)
{
	struct hw w = { .show = r->show_secrets };
	scan_header(&w, r);
	scan_models(&w, r->scan);
	scan_server(&w, r);
	findings(&w, r);
	return page_end(out, &w, r);
}

int ps_output_html(FILE *out, const struct ps_report *r, const struct ps_output_opts *o)
{
	(void)o;
	if (r->mode == PS_MODE_SCAN && r->scan)
		return scan_page(out, r);
	struct hw w = { .show = r->show_secrets };
	header(&w, r);
	summary(&w, r);
	findings(&w, r);
	for (size_t i = 0; i < r->n_hops; i++)
		hop_section(&w, r, i);
	profile(&w, r);
	upgrade(&w, &r->upgrade);
	return page_end(out, &w, r);
}
