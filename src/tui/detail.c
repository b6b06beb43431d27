/* The detail views of the TUI: for the selected step (or report-wide
 * entry) its status, its findings with their fixes, then the view of its
 * kind, as lines (see view.h). One const table maps steps to views. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/fixes.h"
#include "model/scan.h"
#include "tlswire/tlsnames.h"
#include "tui/view.h"

struct out {
	struct ps_tui_lines *l;
	const struct ps_tui_ctx *c;
	bool reveal; /* secret values shown */
};

/* --- emitters ------------------------------------------------------------- */

static void vtext(struct out *o, int indent, int hang, const char *mark,
		  enum ps_tui_style mark_style, enum ps_tui_style style, const char *fmt,
		  va_list ap) __attribute__((format(printf, 7, 0)));

static void vtext(struct out *o, int indent, int hang, const char *mark,
		  enum ps_tui_style mark_style, enum ps_tui_style style, const char *fmt,
		  va_list ap)
{
	char *s = ps_xvasprintf(fmt, ap);
	ps_tui_wrap(o->l, o->c, indent, hang, mark, mark_style, style, s);
	free(s);
}

/* A paragraph at `indent`, its next lines two columns further in. */
static void text(struct out *o, int indent, enum ps_tui_style style, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void text(struct out *o, int indent, enum ps_tui_style style, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vtext(o, indent, indent + 2, NULL, PS_TS_NORMAL, style, fmt, ap);
	va_end(ap);
}

/* A paragraph after a mark, its next lines under the text. */
static void marked(struct out *o, int indent, const char *mark, enum ps_tui_style mark_style,
		   enum ps_tui_style style, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void marked(struct out *o, int indent, const char *mark, enum ps_tui_style mark_style,
		   enum ps_tui_style style, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vtext(o, indent, -1, mark, mark_style, style, fmt, ap);
	va_end(ap);
}

/* "key      value": the key padded to `keyw` columns, dim. */
static void kv(struct out *o, int indent, int keyw, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void kv(struct out *o, int indent, int keyw, const char *key, const char *fmt, ...)
{
	char *k = ps_xasprintf("%-*s", keyw, key);
	va_list ap;
	va_start(ap, fmt);
	vtext(o, indent, -1, k, PS_TS_DIM, PS_TS_NORMAL, fmt, ap);
	va_end(ap);
	free(k);
}

static void blank(struct out *o)
{
	if (o->l->n && o->l->v[o->l->n - 1].text[0])
		ps_tui_wrap(o->l, o->c, 0, 0, NULL, PS_TS_NORMAL, PS_TS_NORMAL, "");
}

static void heading(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void heading(struct out *o, const char *fmt, ...)
{
	blank(o);
	va_list ap;
	va_start(ap, fmt);
	vtext(o, 0, 2, NULL, PS_TS_NORMAL, PS_TS_HEAD, fmt, ap);
	va_end(ap);
}

static const char *str(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

static const char *check_glyph(const struct out *o, int result)
{
	return result > 0 ? o->c->g->pass : result == 0 ? o->c->g->nopass : o->c->g->na;
}

static enum ps_tui_style check_style(int result)
{
	return result > 0 ? PS_TS_OK : result == 0 ? PS_TS_FAIL : PS_TS_DIM;
}

static void date_text(char *buf, size_t n, time_t when)
{
	struct tm tm;
	if (gmtime_r(&when, &tm))
		strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
	else
		snprintf(buf, n, "?");
}

/* A value as shown: itself, "********" for a hidden secret, a rule with
 * its --key and --pwd arguments hidden. The caller frees. */
static char *shown(const struct out *o, const char *value, const char *name, bool secret)
{
	if (!value)
		return ps_xstrdup("");
	if (secret)
		return ps_xstrdup(ps_secret_display(value, true, o->reveal));
	if (!o->reveal && name && strstr(name, "_Rule"))
		return ps_redact_secrets(value);
	return ps_xstrdup(value);
}

static char *joined(char *const *v, size_t n, const char *none)
{
	if (!n)
		return ps_xstrdup(none);
	struct ps_buf b = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (i)
			ps_buf_puts(&b, ", ");
		ps_buf_puts(&b, v[i]);
	}
	return ps_buf_take(&b);
}

/* --- findings ------------------------------------------------------------- */

/* The fixes speak of options, as the batch report does; here a key does
 * the same without leaving the view. */
static void key_hints(struct out *o, const char *fix)
{
	static const struct {
		const char *option, *hint;
	} keys[] = {
		{ "--at", "press t to set the phone's clock and run again" },
		{ "--model", "press m to play another model" },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *at = strstr(fix, keys[i].option);
		size_t n = strlen(keys[i].option);
		if (at && (at[n] == '\0' || at[n] == ' ' || at[n] == '.' || at[n] == ','))
			marked(o, 2, "here:", PS_TS_INFO, PS_TS_NORMAL, "%s", keys[i].hint);
	}
}

static void finding_block(struct out *o, const struct ps_report *r, const struct ps_finding *f,
			  bool with_hop)
{
	const struct ps_tui_glyphs *g = o->c->g;
	const char *glyph = f->severity == PS_SEV_ERROR  ? g->fail
			    : f->severity == PS_SEV_WARN ? g->warn
							 : g->bullet;
	char where[48] = "";
	if (with_hop && f->hop >= 0 && r->n_hops > 1)
		snprintf(where, sizeof where, " (hop %ld)", f->hop + 1);
	marked(o, 0, glyph, ps_tui_severity_style(f->severity), PS_TS_HEAD, "%s %s%s",
	       ps_severity_name(f->severity), ps_finding_name(f->id), where);
	text(o, 2, PS_TS_NORMAL, "%s", ps_finding_text(f->id));
	if (f->detail)
		marked(o, 2, "seen:", PS_TS_DIM, PS_TS_NORMAL, "%s", f->detail);
	marked(o, 2, "fix:", PS_TS_INFO, PS_TS_NORMAL, "%s", ps_finding_fix(f->id));
	key_hints(o, ps_finding_fix(f->id));
	if (ps_finding_has_server_fixes(f->id)) {
		enum ps_server order[PS_SERVER_COUNT];
		const struct ps_report *by = r; /* a scan's: a pass's answer names the server */
		long hop = f->hop;
		if (r->mode == PS_MODE_SCAN && r->scan && r->scan->n_passes)
			by = ps_scan_answering_pass(r->scan, &hop);
		ps_fix_order(by, hop, order);
		enum ps_server answered = ps_report_hop_server(by, hop);
		for (int k = 0; k < PS_SERVER_COUNT; k++)
			kv(o, 4, 9, ps_server_label(order[k]), "%s%s",
			   order[k] == answered ? "(the server that answered) " : "",
			   ps_finding_fix_for(f->id, order[k]));
	}
}

/* --- rules ------------------------------------------------------------------ */

static void rule_block(struct out *o, const struct ps_rule_report *rr)
{
	const struct ps_tui_glyphs *g = o->c->g;
	char *t = shown(o, rr->text, "_Rule", false);
	kv(o, 2, 6, "rule", "%s", *t ? t : "(empty)");
	free(t);
	if (rr->error)
		marked(o, 2, g->nopass, PS_TS_FAIL, PS_TS_NORMAL, "syntax error at column %ld: %s",
		       rr->error_col, rr->error);
	for (size_t i = 0; i < rr->n_alts; i++) {
		const struct ps_rule_alt_report *a = &rr->alts[i];
		char *at = shown(o, a->text, "_Rule", false);
		bool fired = rr->fired == (long)i;
		marked(o, 2, fired ? g->chosen : " ", PS_TS_HEAD, fired ? PS_TS_HEAD : PS_TS_NORMAL,
		       "alternative %zu%s: %s", i + 1,
		       fired            ? " fired"
		       : a->result == 0 ? " (condition false)"
		       : a->result < 0  ? " (not reached)"
					: "",
		       at);
		free(at);
		if (a->explain)
			text(o, 4 + (int)ps_tui_width(g->chosen) + 1, PS_TS_DIM, "%s", a->explain);
	}
	if (rr->fired >= 0)
		kv(o, 2, 6, "URL", "%s", str(rr->url, "(none)"));
	else if (!rr->error)
		text(o, 2, PS_TS_NORMAL, "No alternative applies.");
	if (rr->key)
		kv(o, 2, 8, "--key", "%s", ps_secret_display(rr->key, true, o->reveal));
	if (rr->post)
		kv(o, 2, 8, "--post", "%s", rr->post);
	if (rr->alias)
		kv(o, 2, 8, "--alias", "%s", rr->alias);
	if (rr->uid)
		kv(o, 2, 8, "--uid", "%s --pwd %s", rr->uid,
		   rr->pwd ? ps_secret_display(rr->pwd, true, o->reveal) : "");
	for (size_t i = 0; i < rr->n_assigns; i++)
		kv(o, 2, 8, "sets", "%s = \"%s\"", rr->assign_names[i], rr->assign_values[i]);
	for (size_t i = 0; i < rr->n_notes; i++)
		marked(o, 2, "note:", PS_TS_WARN, PS_TS_NORMAL, "%s", rr->notes[i]);
}

/* --- parameter tables ------------------------------------------------------ */

/* Under a table with marked rows: what the profile checks found in each. */
static void problem_list(struct out *o, const struct ps_param_row *rows, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += rows[i].problem != NULL;
	if (!k)
		return;
	heading(o, "To check (n and N go through them)");
	for (size_t i = 0; i < n; i++)
		if (rows[i].problem)
			marked(o, 2, o->c->g->warn, PS_TS_WARN, PS_TS_NORMAL, "%s",
			       str(rows[i].problem_detail, rows[i].problem));
}

/* The rows of `rows` that pass the filter, as a table: name, access,
 * value, and on a wide pane where each came from. */
static void param_table(struct out *o, const struct ps_param_row *rows, size_t n)
{
	const struct ps_tui_ctx *c = o->c;
	const char *filter = c->filter && *c->filter ? c->filter : NULL;
	size_t shown_rows = 0, namew = 8;
	for (size_t i = 0; i < n; i++)
		if (ps_tui_param_matches(&rows[i], filter, o->reveal)) {
			shown_rows++;
			size_t w = ps_tui_width(rows[i].name ? rows[i].name : "");
			if (w > namew)
				namew = w;
		}
	size_t maxname = c->width > 40 ? (size_t)c->width / 2 - 4 : 12;
	if (namew > 28)
		namew = 28;
	if (namew > maxname)
		namew = maxname;
	bool wide = c->width >= 100;
	size_t srcw = 30;
	if (filter)
		marked(o, 0, "filter", PS_TS_INFO, PS_TS_INFO, "\"%s\": %zu of %zu rows", filter,
		       shown_rows, n);
	if (!shown_rows) {
		text(o, 2, PS_TS_DIM, n ? "No parameter matches." : "No parameters.");
		return;
	}
	char *head = ps_xasprintf("%-*s %-2s %s", (int)namew, "name", "ac", "value");
	marked(o, 2, NULL, PS_TS_DIM, PS_TS_DIM, "%s", head);
	free(head);
	int hang = 2 + (int)namew + 4;
	for (size_t i = 0; i < n; i++) {
		const struct ps_param_row *p = &rows[i];
		if (!ps_tui_param_matches(p, filter, o->reveal))
			continue;
		char *name = ps_tui_sanitize(p->name, c->utf8);
		if (ps_tui_width(name) > namew) {
			size_t ew = ps_tui_width(c->g->ellipsis);
			size_t keep = ps_tui_fit(name, namew - ew);
			char *cut = ps_xasprintf("%.*s%s", (int)keep, name, c->g->ellipsis);
			free(name);
			name = cut;
		}
		struct ps_buf b = { 0 };
		ps_buf_puts(&b, name);
		for (size_t w = ps_tui_width(name); w < namew; w++)
			ps_buf_add(&b, " ", 1);
		free(name);
		char *v = shown(o, p->value, p->name, p->secret);
		ps_buf_printf(&b, " %-2s %s", p->access ? p->access : "--", v);
		free(v);
		if (p->problem) /* what the profile checks found, after the value */
			ps_buf_printf(&b, "  %s %s", c->g->warn,
				      ps_param_problem_label(p->problem));
		char *row = ps_buf_take(&b);
		enum ps_tui_style st = p->problem                   ? PS_TS_WARN
				       : ps_param_row_is_default(p) ? PS_TS_DIM
								    : PS_TS_NORMAL;
		size_t first = o->l->n;
		if (wide) {
			/* value cut to leave the source column */
			char *src = p->line ? ps_xasprintf("%s:%u", str(p->source, "?"), p->line)
					    : ps_xstrdup(str(p->source, "?"));
			char *safe_src = ps_tui_sanitize(src, c->utf8);
			size_t sw = ps_tui_width(safe_src);
			const char *tail = safe_src;
			if (sw > srcw) { /* keep the end: the file name and line */
				while (ps_tui_width(tail) > srcw - 1)
					tail += ps_tui_fit(tail, 1) ? ps_tui_fit(tail, 1) : 1;
			}
			size_t roww = (size_t)c->width - srcw - 2 - 2;
			char *safe_row = ps_tui_sanitize(row, c->utf8);
			size_t keep = ps_tui_fit(safe_row, roww);
			struct ps_buf rb = { 0 };
			ps_buf_add(&rb, safe_row, keep);
			for (size_t w = ps_tui_width(rb.s ? rb.s : ""); w < roww + 1; w++)
				ps_buf_add(&rb, " ", 1);
			ps_buf_printf(&rb, "%s%s", tail != safe_src ? c->g->ellipsis : "", tail);
			char *line = ps_buf_take(&rb);
			ps_tui_wrap(o->l, c, 2, hang, NULL, PS_TS_NORMAL, st, line);
			free(line);
			free(safe_row);
			free(safe_src);
			free(src);
		} else {
			ps_tui_wrap(o->l, c, 2, hang, NULL, PS_TS_NORMAL, st, row);
		}
		if (p->problem && first < o->l->n)
			o->l->v[first].problem = true;
		free(row);
	}
	problem_list(o, rows, n);
}

static void source_line(struct out *o, const struct ps_profile_source *s)
{
	const struct ps_tui_glyphs *g = o->c->g;
	marked(o, 2, s->ok ? g->pass : g->nopass, s->ok ? PS_TS_OK : PS_TS_FAIL, PS_TS_NORMAL,
	       "%s: %s%s%s%s, %zu parameter%s set%s", str(s->name, "?"), str(s->format, "?"),
	       s->encrypted ? ", encrypted" : "",
	       s->kdf ? (strcmp(s->kdf, "md5") == 0 ? " (MD5 key derivation)"
						    : " (SHA-256 key derivation)")
		      : "",
	       s->compressed ? ", gzip" : "", s->n_set, s->n_set == 1 ? "" : "s",
	       s->ok ? "" : " (failed)");
}

/* --- step views ---------------------------------------------------------- */

static void view_rule(struct out *o, const struct ps_report *r, const struct ps_hop *h,
		      const struct ps_step *s)
{
	(void)s;
	if (r->mode == PS_MODE_RULE && r->rule.present) {
		heading(o, "%s", str(r->rule.name, "Rule"));
		rule_block(o, &r->rule);
		return;
	}
	heading(o, "Where the phone goes");
	if (h->rule) {
		char *rule = o->reveal ? ps_xstrdup(h->rule) : ps_redact_secrets(h->rule);
		kv(o, 2, 8, "rule", "%s", rule);
		free(rule);
	}
	char *url = o->reveal ? ps_xstrdup(h->url) : ps_redact_secrets(h->url);
	kv(o, 2, 8, "URL", "%s", str(url, "(none)"));
	free(url);
	if (h->host)
		kv(o, 2, 8, "server", "%s://%s:%u", str(h->scheme, "?"), h->host, h->port);
}

static void view_resolve(struct out *o, const struct ps_report *r, const struct ps_hop *h,
			 const struct ps_step *s)
{
	(void)s;
	(void)r;
	heading(o, "Name resolution");
	if (h->host)
		kv(o, 2, 8, "host", "%s port %u", h->host, h->port);
	if (!h->n_addrs)
		text(o, 2, PS_TS_DIM, "No address.");
	for (size_t i = 0; i < h->n_addrs; i++)
		kv(o, 2, 8, i ? "" : "address", "%s%s", h->addrs[i].text,
		   h->addrs[i].pinned ? " (pinned with --resolve)" : "");
}

static void view_connect(struct out *o, const struct ps_report *r, const struct ps_hop *h,
			 const struct ps_step *s)
{
	(void)s;
	(void)r;
	heading(o, "TCP connection");
	kv(o, 2, 10, "connected", "%s", str(h->connected, "no"));
	for (size_t i = 0; i < h->n_addrs; i++)
		kv(o, 2, 10, i ? "" : "addresses", "%s", h->addrs[i].text);
}

static void view_handshake(struct out *o, const struct ps_report *r, const struct ps_hop *h,
			   const struct ps_step *s)
{
	(void)r;
	const struct ps_tls_info *t = &h->tls;
	const struct ps_tui_glyphs *g = o->c->g;
	if (!t->attempted && !t->n_msgs) {
		text(o, 0, PS_TS_DIM,
		     s->status == PS_STATUS_RUNNING ? "The handshake is under way."
						    : "No TLS handshake was made.");
		return;
	}
	heading(o, "Negotiated");
	if (t->version)
		kv(o, 2, 9, "version", "%s", t->version);
	else if (s->status == PS_STATUS_RUNNING)
		kv(o, 2, 9, "version", "not chosen yet");
	else
		kv(o, 2, 9, "version", "none: no ServerHello arrived");
	if (t->cipher_suite)
		kv(o, 2, 9, "suite", "%s (0x%04x)", t->cipher_suite, t->suite_id);
	if (t->kx || t->cipher || t->mac)
		kv(o, 2, 9, "parts", "key exchange %s, cipher %s, MAC %s", str(t->kx, "?"),
		   str(t->cipher, "?"), str(t->mac, "?"));
	if (t->version) {
		/* What the server took up, from its ServerHello. */
		struct ps_buf b = { 0 };
		for (size_t i = 0; i < t->n_extensions; i++)
			ps_buf_printf(&b, "%s%s", i ? ", " : "", t->extensions[i].name);
		char *e = ps_buf_take(&b);
		kv(o, 2, 9, "extension", "%s", *e ? e : "none");
		free(e);
	}
	kv(o, 2, 9, "SNI", "%s", str(t->sni, "none sent"));
	kv(o, 2, 9, "priority", "%s", str(t->priority, "?"));
	if (t->error)
		marked(o, 2, g->nopass, PS_TS_FAIL, PS_TS_NORMAL, "%s", t->error);

	heading(o, "Offered by the phone (%zu) and chosen by the server", t->n_offered);
	bool found = false;
	for (size_t i = 0; i < t->n_offered; i++) {
		bool chosen = t->cipher_suite && t->offered[i].id == t->suite_id;
		found |= chosen;
		marked(o, 2, chosen ? g->chosen : " ", PS_TS_HEAD,
		       chosen ? PS_TS_HEAD : PS_TS_NORMAL, "%s (0x%04x)%s",
		       str(t->offered[i].name, "?"), t->offered[i].id, chosen ? "  chosen" : "");
	}
	if (t->cipher_suite && !found)
		marked(o, 2, g->nopass, PS_TS_FAIL, PS_TS_NORMAL,
		       "the server chose %s, which the phone did not offer", t->cipher_suite);
	else if (!t->cipher_suite)
		text(o, 2, PS_TS_DIM, "The server chose none.");

	heading(o, "Messages (%zu)   %s phone to server, %s server to phone", t->n_msgs, g->out,
		g->in);
	unsigned round = 0;
	for (size_t i = 0; i < t->n_msgs; i++) {
		const struct ps_tls_msg *m = &t->msgs[i];
		/* A renegotiation: a block of its own, indented, in wire order. */
		if (m->round != round) {
			round = m->round;
			text(o, 2, PS_TS_HEAD, "Renegotiation %u (asked by the server)", round);
		}
		char *mark =
		    ps_xasprintf("%7.1f ms %s", m->t_ms, m->dir == PS_DIR_OUT ? g->out : g->in);
		bool alert = m->type && strcmp(m->type, "Alert") == 0;
		marked(o, round ? 2 : 0, mark, PS_TS_DIM, alert ? PS_TS_FAIL : PS_TS_NORMAL,
		       "%s%s%s%s", str(m->type, "?"), m->info ? "  " : "", m->info ? m->info : "",
		       m->encrypted ? (m->info ? " [encrypted]" : "  (encrypted)") : "");
		free(mark);
	}

	bool any_alert = t->alert_received >= 0 || t->alert_sent >= 0;
	for (size_t i = 0; i < t->n_msgs && !any_alert; i++)
		any_alert = t->msgs[i].type && strcmp(t->msgs[i].type, "Alert") == 0;
	heading(o, "Alerts");
	if (!any_alert)
		text(o, 2, PS_TS_DIM, "None.");
	for (size_t i = 0; i < t->n_msgs; i++) {
		const struct ps_tls_msg *m = &t->msgs[i];
		if (!m->type || strcmp(m->type, "Alert") != 0)
			continue;
		marked(o, 2, m->dir == PS_DIR_OUT ? g->out : g->in,
		       m->alert_level == 2 ? PS_TS_FAIL : PS_TS_WARN, PS_TS_NORMAL,
		       "%s by the %s at %.1f ms", str(m->info, "alert"),
		       m->dir == PS_DIR_OUT ? "phone" : "server", m->t_ms);
	}
	if (t->alert_received >= 0)
		kv(o, 2, 9, "received", "alert %d", t->alert_received);
	if (t->alert_sent >= 0)
		kv(o, 2, 9, "sent", "alert %d", t->alert_sent);
	if (t->probe.done) {
		heading(o, "What a modern client gets");
		const struct ps_tls_probe *p = &t->probe;
		marked(o, 2, p->established ? g->pass : g->nopass,
		       p->established ? PS_TS_OK : PS_TS_FAIL, PS_TS_NORMAL, "%s %s%s%s",
		       str(p->version, "no answer"), str(p->cipher_suite, ""),
		       p->kx ? ", key exchange " : "", p->kx ? p->kx : "");
		if (p->error)
			kv(o, 4, 6, "error", "%s", p->error);
	}
	const struct ps_sni_check *sc = &t->sni_check;
	if (sc->done) {
		heading(o, "What a client that names the host gets");
		if (!sc->subject) {
			marked(o, 2, g->warn, PS_TS_WARN, PS_TS_NORMAL, "no certificate: %s",
			       str(sc->error, "?"));
		} else {
			bool by_name = sc->differs && sc->names_host;
			marked(o, 2, by_name ? g->fail : g->ok, by_name ? PS_TS_FAIL : PS_TS_OK,
			       PS_TS_NORMAL, "%s",
			       !sc->differs ? "the same certificate: the server does not choose by "
					      "name"
			       : sc->names_host ? "another certificate, for this host: the server "
						  "chooses by name, and the phone names none"
						: "another certificate, not for this host either");
			kv(o, 4, 8, "SNI", "%s", str(sc->server_name, "?"));
			kv(o, 4, 8, "subject", "%s", sc->subject);
			kv(o, 4, 8, "SHA-256", "%s", str(sc->sha256, "?"));
		}
	}
}

static void verdict_block(struct out *o, const char *who, const struct ps_chain_verdict *v)
{
	const struct ps_tui_glyphs *g = o->c->g;
	marked(o, 2,
	       v->unknown  ? g->warn
	       : v->accept ? g->ok
			   : g->fail,
	       v->unknown  ? PS_TS_WARN
	       : v->accept ? PS_TS_OK
			   : PS_TS_FAIL,
	       PS_TS_HEAD, "%s %s%s%s%s", who,
	       v->unknown  ? "trust not judged (no --ca)"
	       : v->accept ? "accepts"
			   : "REJECTS",
	       v->anchor ? " (anchor " : "", v->anchor ? v->anchor : "", v->anchor ? ")" : "");
	for (size_t i = 0; i < v->n_reasons; i++)
		marked(o, 4, "-", PS_TS_DIM, PS_TS_NORMAL, "%s", v->reasons[i]);
}

/* "✓ issuer name   text": only the glyph is coloured; the text of a failed
 * check is drawn as a failure. */
static void check_line(struct out *o, int indent, const char *name, const struct ps_chain_check *k)
{
	const char *glyph = check_glyph(o, k->result);
	int hang = indent + (int)ps_tui_width(glyph) + 1 + 14;
	char *all = ps_xasprintf("%-13s %s", name, k->text ? k->text : "");
	ps_tui_wrap(o->l, o->c, indent, hang, glyph, check_style(k->result),
		    k->result == 0 ? PS_TS_FAIL : PS_TS_NORMAL, all);
	free(all);
}

static void cert_block(struct out *o, const struct ps_chain_report *c, size_t i)
{
	const struct ps_cert_info *ci = &c->certs[i];
	char from[32], to[32];
	date_text(from, sizeof from, ci->not_before);
	date_text(to, sizeof to, ci->not_after);
	heading(o, "certificate %zu  %s", i, str(ci->subject, "(empty subject)"));
	kv(o, 2, 9, "issuer", "%s", str(ci->issuer, "?"));
	kv(o, 2, 9, "valid", "%s to %s UTC", from, to);
	kv(o, 2, 9, "key", "%s %u bits, signed %s%s", str(ci->key_type, "?"), ci->key_bits,
	   str(ci->sig_alg, "?"), ci->sig_secure_for_certs ? "" : " (weak for certificates)");
	char pl[32] = "";
	if (ci->path_len >= 0)
		snprintf(pl, sizeof pl, ", path length %d", ci->path_len);
	kv(o, 2, 9, "CA", "%s%s%s",
	   ci->is_ca > 0    ? "yes"
	   : ci->is_ca == 0 ? "no"
			    : "(no basicConstraints)",
	   pl, ci->self_signed ? "; self-signed" : "");
	char *ku = ci->has_key_usage ? joined(ci->key_usage, ci->n_key_usage, "none")
				     : ps_xstrdup("(no keyUsage)");
	char *eku = joined(ci->ext_key_usage, ci->n_ext_key_usage, "none");
	kv(o, 2, 9, "usage", "%s; extended: %s", ku, eku);
	free(ku);
	free(eku);
	char *sans = joined(ci->sans, ci->n_sans, "none");
	kv(o, 2, 9, "CN", "%s", str(ci->cn, "(none)"));
	kv(o, 2, 9, "SANs", "%s", sans);
	free(sans);
	kv(o, 2, 9, "serial", "%s", str(ci->serial, "?"));
	kv(o, 2, 9, "sha256", "%s", str(ci->sha256, "?"));
	for (size_t k = 0; k < c->n_links; k++) {
		const struct ps_chain_link *l = &c->links[k];
		if (l->subject_index != i)
			continue;
		if (l->issuer_source == PS_ISSUER_CHAIN && l->issuer_index == i)
			kv(o, 2, 9, "issued", "by itself");
		else if (l->issuer_source == PS_ISSUER_CHAIN)
			kv(o, 2, 9, "issued", "by certificate %zu (sent)", l->issuer_index);
		else if (l->issuer_source == PS_ISSUER_ANCHOR)
			kv(o, 2, 9, "issued", "by the trusted CA %s", str(l->anchor_subject, "?"));
		else
			marked(o, 2, o->c->g->nopass, PS_TS_FAIL, PS_TS_NORMAL,
			       "no issuer found: not sent, not a trusted CA");
		check_line(o, 4, "issuer name", &l->issuer_name);
		check_line(o, 4, "signature", &l->signature);
		check_line(o, 4, "validity", &l->validity);
		check_line(o, 4, "issuer is CA", &l->issuer_is_ca);
		check_line(o, 4, "path length", &l->path_len);
	}
}

static void view_chain(struct out *o, const struct ps_report *r, const struct ps_hop *h,
		       const struct ps_step *s)
{
	const struct ps_chain_report *c = &h->chain;
	if (!h->chain_checked) {
		text(o, 0, PS_TS_DIM,
		     s->status == PS_STATUS_RUNNING
			 ? "The chain is being checked."
			 : "The chain was not checked: no certificate arrived.");
		return;
	}
	char at[32];
	date_text(at, sizeof at, c->at);
	heading(o, "Verdicts (checked at %s UTC)", at);
	char who[64];
	snprintf(who, sizeof who, "the %s", str(r->phone.product, "phone"));
	verdict_block(o, who, &c->phone);
	verdict_block(o, "a modern client", &c->modern);
	for (size_t i = 0; i < c->n_certs; i++)
		cert_block(o, c, i);
	heading(o, "host name %s", str(c->host, "(not checked)"));
	check_line(o, 2, "phone (CN)", &c->hostname_phone);
	check_line(o, 2, "modern (SAN)", &c->hostname_modern);
	if (c->n_findings)
		heading(o, "Chain findings");
	for (size_t i = 0; i < c->n_findings; i++) {
		const struct ps_chain_finding *f = &c->findings[i];
		enum ps_severity sev = ps_finding_severity(f->id);
		const struct ps_tui_glyphs *g = o->c->g;
		marked(o, 2,
		       sev == PS_SEV_ERROR  ? g->fail
		       : sev == PS_SEV_WARN ? g->warn
					    : g->bullet,
		       ps_tui_severity_style(sev), PS_TS_HEAD, "%s (%s%s%s)",
		       ps_finding_name(f->id), f->phone ? "the phone" : "",
		       f->phone && f->modern ? ", " : "", f->modern ? "a modern client" : "");
		if (f->detail)
			marked(o, 4, "seen:", PS_TS_DIM, PS_TS_NORMAL, "%s", f->detail);
		marked(o, 4, "fix:", PS_TS_INFO, PS_TS_NORMAL, "%s", ps_finding_fix(f->id));
	}
}

static void view_client_auth(struct out *o, const struct ps_report *r, const struct ps_hop *h,
			     const struct ps_step *s)
{
	(void)s;
	(void)r;
	const struct ps_client_auth *a = &h->client_auth;
	const struct ps_tui_glyphs *g = o->c->g;
	heading(o, "CertificateRequest");
	if (a->renegotiations)
		marked(o, 2, a->renegotiated ? g->ok : g->fail,
		       a->renegotiated ? PS_TS_OK : PS_TS_FAIL, PS_TS_NORMAL,
		       "asked after the request, in a %s renegotiation: %s",
		       str(a->renegotiation, "?"),
		       a->renegotiated ? "completed" : str(a->renegotiation_error, "failed"));
	if (!a->requested) {
		text(o, 2, PS_TS_NORMAL, "The server did not ask for a client certificate.");
	} else {
		char *types = joined(a->cert_types, a->n_cert_types, "none named");
		kv(o, 2, 7, "types", "%s", types);
		free(types);
		text(o, 2, PS_TS_NORMAL, "CA names the server accepts (%zu):", a->n_acceptable_cas);
		if (!a->n_acceptable_cas)
			text(o, 4, PS_TS_DIM, "none named: any issuer");
		for (size_t i = 0; i < a->n_acceptable_cas; i++) {
			bool match =
			    a->cert_issuer && strcmp(a->acceptable_cas[i], a->cert_issuer) == 0;
			marked(o, 4, match ? g->pass : g->bullet, match ? PS_TS_OK : PS_TS_DIM,
			       PS_TS_NORMAL, "%s%s", a->acceptable_cas[i],
			       match ? "  (issued the device certificate)" : "");
		}
	}
	heading(o, "Device certificate");
	if (!a->have_cert) {
		text(o, 2, PS_TS_NORMAL, "None configured (--cert).");
	} else {
		kv(o, 2, 8, "subject", "%s", str(a->cert_subject, "?"));
		kv(o, 2, 8, "issuer", "%s", str(a->cert_issuer, "?"));
		if (a->device_ca)
			kv(o, 2, 8, "vendor", "%s", a->device_ca);
		if (a->requested)
			marked(o, 2,
			       a->issuer_accepted > 0    ? g->pass
			       : a->issuer_accepted == 0 ? g->nopass
							 : g->na,
			       check_style(a->issuer_accepted), PS_TS_NORMAL, "%s",
			       a->issuer_accepted > 0    ? "its issuer is in the server's list"
			       : a->issuer_accepted == 0 ? "its issuer is NOT in the server's list"
							 : "the server named no CAs");
	}
	heading(o, "Exchange");
	kv(o, 2, 9, "sent", "%s%s%s", a->sent ? "the device certificate" : "no certificate",
	   a->sent && a->sent_subject ? ": " : "",
	   a->sent && a->sent_subject ? a->sent_subject : "");
	if (a->outcome)
		kv(o, 2, 9, "server", "%s", a->outcome);
}

static void view_probe(struct out *o, const struct ps_report *r, const struct ps_hop *h,
		       const struct ps_step *s)
{
	(void)s;
	(void)r;
	const struct ps_tls_probe *p = &h->tls.probe;
	heading(o, "A second handshake with a modern client's offer");
	if (!p->done) {
		text(o, 2, PS_TS_DIM, "Not made.");
		return;
	}
	kv(o, 2, 10, "priority", "%s", str(p->priority, "?"));
	kv(o, 2, 10, "completed", "%s", p->established ? "yes" : "no");
	kv(o, 2, 10, "version", "%s", str(p->version, "no answer"));
	if (p->cipher_suite)
		kv(o, 2, 10, "suite", "%s", p->cipher_suite);
	if (p->kx)
		kv(o, 2, 10, "exchange", "%s", p->kx);
	if (p->error)
		kv(o, 2, 10, "stopped", "%s", p->error);
}

static void view_http(struct out *o, const struct ps_report *r, const struct ps_hop *h,
		      const struct ps_step *s)
{
	(void)r;
	const struct ps_http_info *x = &h->http;
	const struct ps_tui_glyphs *g = o->c->g;
	if (!x->attempted) {
		text(o, 0, PS_TS_DIM,
		     s->status == PS_STATUS_RUNNING ? "The request is under way."
						    : "No HTTP request was made.");
		return;
	}
	heading(o, "Request");
	for (size_t i = 0; i < x->n_request_headers; i++)
		marked(o, 2, ">", PS_TS_DIM, PS_TS_NORMAL, "%s", x->request_headers[i]);
	heading(o, "Response");
	if (!x->n_response_headers)
		text(o, 2, PS_TS_DIM, "No answer.");
	for (size_t i = 0; i < x->n_response_headers; i++)
		marked(o, 2, "<", PS_TS_DIM,
		       i == 0 && (x->status >= 400 || x->status == 0) ? PS_TS_FAIL : PS_TS_NORMAL,
		       "%s", x->response_headers[i]);
	kv(o, 2, 6, "body", "%zu bytes%s", x->body_size,
	   x->truncated ? "; the server closed early (no close_notify): truncated" : "");
	if (x->error)
		marked(o, 2, g->nopass, PS_TS_FAIL, PS_TS_NORMAL, "%s", x->error);
	heading(o, "Timings (since the start of the hop)");
	const struct {
		const char *name;
		double v;
	} t[] = { { "dns", x->t_dns },
		  { "connect", x->t_connect },
		  { "tls", x->t_tls },
		  { "first byte", x->t_first_byte },
		  { "total", x->t_total } };
	double max = x->t_total > 0 ? x->t_total : 1;
	int barw = o->c->width - 2 - 11 - 10 - 1;
	if (barw > 30)
		barw = 30;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char d[32];
		ps_tui_duration(d, sizeof d, t[i].v);
		struct ps_buf b = { 0 };
		ps_buf_printf(&b, "%-10s %9s ", t[i].name, d);
		int n = barw > 0 ? (int)(t[i].v / max * barw + 0.5) : 0;
		for (int k = 0; k < n && k < barw; k++)
			ps_buf_puts(&b, g->bar);
		char *line = ps_buf_take(&b);
		ps_tui_wrap(o->l, o->c, 2, 2, NULL, PS_TS_NORMAL, PS_TS_NORMAL, line);
		free(line);
	}
}

static void view_hop_profile(struct out *o, const struct ps_report *r, const struct ps_hop *h,
			     const struct ps_step *s)
{
	(void)s;
	(void)r;
	const struct ps_profile_report *p = &h->profile;
	heading(o, "Profile");
	if (!p->n_sources)
		text(o, 2, PS_TS_DIM, "No profile was decoded in this hop.");
	for (size_t i = 0; i < p->n_sources; i++)
		source_line(o, &p->sources[i]);
	heading(o, "Parameters it set");
	param_table(o, p->params, p->n_params);
}

static void view_upgrade(struct out *o, const struct ps_report *r, const struct ps_hop *h,
			 const struct ps_step *s)
{
	(void)s;
	(void)h;
	const struct ps_upgrade_report *u = &r->upgrade;
	const struct ps_tui_glyphs *g = o->c->g;
	if (!u->evaluated) {
		text(o, 0, PS_TS_DIM, "The firmware upgrade has not been evaluated yet.");
		return;
	}
	heading(o, "Decision");
	marked(o, 2, u->would_upgrade ? g->chosen : g->bullet, PS_TS_HEAD, PS_TS_HEAD, "%s",
	       u->would_upgrade ? "the phone upgrades" : "no upgrade");
	text(o, 4, PS_TS_NORMAL, "%s", str(u->reason, ""));
	kv(o, 2, 9, "firmware", "%s %s %s", str(u->current_version, "?"), g->out,
	   str(u->target_version, "(version unknown)"));
	if (!u->enabled)
		text(o, 2, PS_TS_DIM, "Upgrade_Enable is No.");
	heading(o, "%s", str(u->rule.name, "Upgrade_Rule"));
	rule_block(o, &u->rule);
	heading(o, "Firmware URL check");
	if (!u->check_done)
		text(o, 2, PS_TS_DIM, "Not checked over the network.");
	else if (u->check_error)
		marked(o, 2, g->nopass, PS_TS_FAIL, PS_TS_NORMAL, "%s", u->check_error);
	else if (u->check_size >= 0)
		marked(o, 2, g->pass, PS_TS_OK, PS_TS_NORMAL, "HTTP %ld, %lld bytes, %s",
		       u->check_status, u->check_size, str(u->check_type, "no Content-Type"));
	else
		marked(o, 2, g->pass, PS_TS_OK, PS_TS_NORMAL, "HTTP %ld, size unknown, %s",
		       u->check_status, str(u->check_type, "no Content-Type"));
	if (u->download_asked) {
		heading(o, "Download");
		if (u->download_error)
			marked(o, 2, g->nopass, PS_TS_FAIL, PS_TS_NORMAL, "%s", u->download_error);
		else
			marked(o, 2, g->pass, PS_TS_OK, PS_TS_NORMAL,
			       "%lld bytes written to %s, SHA-256 %s", u->download_size,
			       str(u->download_file, "?"), str(u->download_sha256, "?"));
		if (u->download_declares)
			marked(o, 2, "image:", PS_TS_DIM, PS_TS_NORMAL, "declares %s",
			       u->download_declares);
	}
	heading(o, "Parameters");
	param_table(o, u->params, u->n_params);
	const char *retry = str(u->retry_schedule, str(u->retry_delay, NULL));
	const char *logs[] = { u->log_request, u->log_success, u->log_failure };
	if (retry || u->log_request || u->log_success || u->log_failure)
		heading(o, "Retries and logs");
	if (retry)
		kv(o, 2, 8, "retry", "%s", retry);
	bool first = true;
	for (size_t i = 0; i < sizeof logs / sizeof logs[0]; i++)
		if (logs[i] && *logs[i]) {
			kv(o, 2, 8, first ? "syslog" : "", "%s", logs[i]);
			first = false;
		}
}

/* --- report-wide views ----------------------------------------------------- */

static void view_phone(struct out *o, const struct ps_report *r)
{
	const struct ps_phone_info *p = &r->phone;
	heading(o, "Identity");
	kv(o, 2, 10, "model", "%s (%s %s)", str(p->model, "?"), str(p->vendor, ""),
	   str(p->product, ""));
	kv(o, 2, 10, "$PN $PSN", "%s %s", str(p->product, "?"), str(p->psn, "?"));
	kv(o, 2, 10, "firmware", "%s", str(p->firmware, "?"));
	kv(o, 2, 10, "MAC", "%s", str(p->mac, "?"));
	kv(o, 2, 10, "serial", "%s", str(p->serial, "?"));
	kv(o, 2, 10, "clock", "%s", str(o->c->clock, "now"));
	kv(o, 2, 10, "User-Agent", "%s", str(p->user_agent, "?"));
	kv(o, 2, 10, "priority", "%s", str(p->priority, "?"));
	if (p->tftp_server)
		kv(o, 2, 10, "TFTP", "%s (DHCP option 66/150)", p->tftp_server);
	heading(o, "Run");
	kv(o, 2, 10, "target", "%s", str(r->target, "?"));
	kv(o, 2, 10, "provscope", "%s", str(r->tool_version, "?"));
}

static void view_params(struct out *o, const struct ps_report *r)
{
	heading(o, "Sources, in order");
	text(o, 2, PS_TS_DIM, "factory defaults of the %s", str(r->phone.product, "model"));
	for (size_t i = 0; i < r->profile.n_sources; i++)
		source_line(o, &r->profile.sources[i]);
	heading(o, "Parameters (factory defaults dim)");
	param_table(o, r->profile.params, r->profile.n_params);
}

static void view_findings(struct out *o, const struct ps_report *r)
{
	if (!r->n_findings) {
		text(o, 0, PS_TS_DIM, r->finished ? "No findings." : "No findings so far.");
		return;
	}
	for (size_t i = 0; i < r->n_findings; i++) {
		if (i)
			blank(o);
		finding_block(o, r, &r->findings[i], true);
		if (r->mode == PS_MODE_SCAN && r->scan && i < r->scan->n_finding_models)
			marked(o, 2, "for:", PS_TS_DIM, PS_TS_NORMAL, "%s",
			       str(r->scan->finding_models[i], "the audit"));
	}
}

/* --- a scan --------------------------------------------------------------------- */

/* Each hop of a pass and its steps, a line each. */
static void pass_steps(struct out *o, const struct ps_report *pr)
{
	for (size_t h = 0; h < pr->n_hops; h++) {
		const struct ps_hop *hp = &pr->hops[h];
		char *url = o->reveal ? ps_xstrdup(hp->url) : ps_redact_secrets(hp->url);
		text(o, 2, PS_TS_DIM, "hop %zu %s", h + 1, url);
		free(url);
		for (size_t k = 0; k < hp->n_steps; k++) {
			const struct ps_step *st = &hp->steps[k];
			marked(o, 4, ps_tui_status_glyph(o->c->g, st->status),
			       ps_tui_status_style(st->status), PS_TS_NORMAL, "%-16s %s",
			       ps_step_name(st->id), str(st->summary, ""));
		}
	}
}

static void view_model(struct out *o, const struct ps_report *r, size_t i)
{
	const struct ps_scan_report *s = r->scan;
	struct ps_scan_row w;
	ps_scan_row(s, i, &w);
	marked(o, 0, w.exit_code ? o->c->g->fail : o->c->g->ok, w.exit_code ? PS_TS_FAIL : PS_TS_OK,
	       PS_TS_HEAD, "%s: exit %d%s%s", w.product, w.exit_code, w.first_error ? ", " : "",
	       str(w.first_error, ""));
	if (w.error) {
		text(o, 2, PS_TS_FAIL, "not played: %s", w.error);
		return;
	}
	kv(o, 2, 12, "URL", "%s", str(s->models[i].url, "(none: the rule fetches nothing)"));
	if (w.tls_version)
		kv(o, 2, 12, "TLS", "%s %s", w.tls_version, str(w.cipher_suite, "?"));
	else
		kv(o, 2, 12, "TLS", "no handshake completed");
	kv(o, 2, 12, "chain", "%s", str(w.chain_verdict, "not checked"));
	kv(o, 2, 12, "client cert", "%s", str(w.client_cert, "-"));
	if (w.http_status)
		kv(o, 2, 12, "HTTP", "%ld", w.http_status);
	else
		kv(o, 2, 12, "HTTP", "no answer");
	if (w.shared_with)
		kv(o, 2, 12, "pass",
		   "the pass of %s stands for it (the same offer to the same URL)", w.shared_with);
	const struct ps_report *pr = ps_scan_model_report(s, i);
	for (size_t k = 0; k < pr->n_findings; k++) {
		blank(o);
		finding_block(o, pr, &pr->findings[k], true);
	}
	heading(o, "The pass, as %s", str(pr->phone.product, "?"));
	pass_steps(o, pr);
}

static void hello_line(struct out *o, const char *what, int accepted, const struct ps_scan_hello *h)
{
	bool yes = accepted > 0;
	const char *an = h->alert >= 0 ? ps_alert_name((unsigned)h->alert) : NULL;
	marked(o, 2,
	       yes            ? o->c->g->pass
	       : accepted < 0 ? o->c->g->na
			      : o->c->g->nopass,
	       yes ? PS_TS_OK : PS_TS_DIM, PS_TS_NORMAL, "%s%s%s%s", what,
	       yes || !h->done ? "" : ": ",
	       yes || !h->done ? ""
	       : an            ? "alert "
			       : "",
	       yes || !h->done ? ""
	       : an            ? an
	       : h->answered   ? str(h->cipher_suite, "another suite")
			       : str(h->error, "no answer"));
}

static void view_server(struct out *o, const struct ps_report *r)
{
	const struct ps_scan_report *s = r->scan;
	if (!s->protocols[0].hello.done) {
		text(o, 0, PS_TS_DIM, "No https URL among the models': no TLS to probe.");
	} else {
		heading(o, "Protocol versions");
		for (size_t i = 0; i < PS_SCAN_VERSIONS; i++) {
			hello_line(o, s->protocols[i].version, ps_scan_protocol_accepted(s, i),
				   &s->protocols[i].hello);
		}
		heading(o, "The phones' suites at TLS 1.0, each alone");
		for (size_t j = 0; j < s->n_suites; j++)
			hello_line(o, s->suites[j].name, s->suites[j].accepted,
				   &s->suites[j].hello);
		if (ps_scan_dhe_bits(s))
			kv(o, 2, 12, "DHE group", "%u bits", ps_scan_dhe_bits(s));
		int order = ps_scan_server_order(s);
		kv(o, 2, 12, "preferred", "%s%s",
		   s->preferred.answered ? str(s->preferred.cipher_suite, "?") : "none",
		   order > 0    ? " (the server's own order)"
		   : order == 0 ? " (the client's order)"
				: "");
	}
	heading(o, "Client certificates");
	text(o, 2, PS_TS_NORMAL, "%s",
	     s->cert_requested < 0 ? "unknown: no handshake got that far"
	     : s->cert_requested   ? "asked for"
				   : "not asked for");
	for (size_t i = 0; i < s->n_ca_names; i++)
		marked(o, 4, o->c->g->bullet, PS_TS_DIM, PS_TS_NORMAL, "%s", s->ca_names[i]);
	if (s->renegotiation > 0)
		text(o, 2, PS_TS_WARN,
		     "asked for only by renegotiating after the request (%s renegotiation, %s)",
		     str(s->renegotiation_kind, "?"), s->renegotiated ? "completed" : "refused");
	int sni = ps_scan_sni_differs(s);
	if (sni >= 0) {
		heading(o, "The certificate by name (SNI)");
		if (sni)
			text(o, 2, PS_TS_WARN,
			     "the phones (no name) get %s; a client naming %s gets %s",
			     str(s->preferred.leaf_subject, "?"), s->sni_name,
			     str(s->sni.leaf_subject, "?"));
		else
			text(o, 2, PS_TS_NORMAL, "the same certificate with the name %s as without",
			     s->sni_name);
	}
	if (s->chain_pass >= 0) {
		const struct ps_report *pr = s->passes[s->chain_pass].report;
		const struct ps_chain_report *c = &pr->hops[s->chain_hop].chain;
		heading(o, "The chain as sent, as the %s sees it", str(pr->phone.product, "phone"));
		verdict_block(o, "the phone", &c->phone);
		verdict_block(o, "a modern client", &c->modern);
		for (size_t i = 0; i < c->n_certs; i++)
			cert_block(o, c, i);
	}
}

static void view_audit(struct out *o, const struct ps_report *r)
{
	const struct ps_scan_report *s = r->scan;
	text(o, 0, PS_TS_NORMAL, "%s", str(s->audit_note, "no audit"));
	const struct ps_report *a = s->audit;
	for (size_t h = 0; h < a->n_hops; h++) {
		const struct ps_step *st = ps_hop_step(&a->hops[h], PS_STEP_AUDIT);
		if (st)
			marked(o, 2, ps_tui_status_glyph(o->c->g, st->status),
			       ps_tui_status_style(st->status), PS_TS_NORMAL, "%s",
			       str(st->summary, ""));
	}
	for (size_t k = 0; k < a->n_findings; k++) {
		blank(o);
		finding_block(o, a, &a->findings[k], false);
	}
	heading(o, "The audit's requests");
	pass_steps(o, a);
}

/* --- the table ------------------------------------------------------------- */

struct step_view {
	void (*build)(struct out *o, const struct ps_report *r, const struct ps_hop *h,
		      const struct ps_step *s);
	bool filterable; /* a parameter table `/` filters */
};

static const struct step_view step_views[PS_STEP_COUNT] = {
	[PS_STEP_RULE_EXPAND] = { .build = view_rule },
	[PS_STEP_RESOLVE] = { .build = view_resolve },
	[PS_STEP_CONNECT] = { .build = view_connect },
	[PS_STEP_TLS_HANDSHAKE] = { .build = view_handshake },
	[PS_STEP_TLS_CHAIN] = { .build = view_chain },
	[PS_STEP_TLS_CLIENT_AUTH] = { .build = view_client_auth },
	[PS_STEP_TLS_PROBE] = { .build = view_probe },
	[PS_STEP_HTTP] = { .build = view_http },
	[PS_STEP_PROFILE_DECODE] = { .build = view_hop_profile, .filterable = true },
	[PS_STEP_PROFILE_PARSE] = { .build = view_hop_profile, .filterable = true },
	[PS_STEP_UPGRADE_RULE] = { .build = view_upgrade, .filterable = true },
	[PS_STEP_UPGRADE_DECISION] = { .build = view_upgrade, .filterable = true },
	[PS_STEP_UPGRADE_CHECK] = { .build = view_upgrade, .filterable = true },
	[PS_STEP_UPGRADE_DOWNLOAD] = { .build = view_upgrade, .filterable = true },
};

bool ps_tui_item_filterable(const struct ps_report *r, const struct ps_tui_item *it)
{
	if (it->kind == PS_TUI_PARAMS)
		return true;
	if (it->kind != PS_TUI_STEP || it->hop >= r->n_hops || it->step >= r->hops[it->hop].n_steps)
		return false;
	return step_views[r->hops[it->hop].steps[it->step].id].filterable;
}

static void step_detail(struct out *o, const struct ps_report *r, size_t hi, size_t si)
{
	const struct ps_hop *h = &r->hops[hi];
	const struct ps_step *s = &h->steps[si];
	char dur[32] = "";
	if (s->status == PS_STATUS_RUNNING)
		ps_tui_duration(dur, sizeof dur, o->c->now_ms - s->start_ms);
	else if (s->status != PS_STATUS_PENDING)
		ps_tui_duration(dur, sizeof dur, s->duration_ms);
	const char *glyph = s->status == PS_STATUS_RUNNING
				? o->c->g->spinner[o->c->spin % o->c->g->n_spinner]
				: ps_tui_status_glyph(o->c->g, s->status);
	marked(o, 0, glyph, ps_tui_status_style(s->status), PS_TS_HEAD, "%s%s%s  hop %zu of %zu",
	       s->status == PS_STATUS_RUNNING ? "running" : ps_status_name(s->status),
	       *dur ? ", " : "", dur, hi + 1, r->n_hops);
	if (s->summary)
		text(o, 0, PS_TS_NORMAL, "%s", s->summary);
	for (size_t i = 0; i < r->n_findings; i++) {
		size_t fh, fs;
		if (!ps_report_finding_step(r, &r->findings[i], &fh, &fs) || fh != hi || fs != si)
			continue;
		blank(o);
		finding_block(o, r, &r->findings[i], false);
	}
	const struct step_view *v = &step_views[s->id];
	if (v->build)
		v->build(o, r, h, s);
}

void ps_tui_detail(struct ps_tui_lines *out, const struct ps_report *r,
		   const struct ps_tui_item *it, const struct ps_tui_ctx *c)
{
	struct out o = { .l = out, .c = c, .reveal = c->reveal && r->show_secrets };
	switch (it->kind) {
	case PS_TUI_STEP:
		if (it->hop < r->n_hops && it->step < r->hops[it->hop].n_steps)
			step_detail(&o, r, it->hop, it->step);
		break;
	case PS_TUI_HOP:
	case PS_TUI_GROUP:
		break;
	case PS_TUI_PHONE:
		view_phone(&o, r);
		break;
	case PS_TUI_PARAMS:
		view_params(&o, r);
		break;
	case PS_TUI_FINDINGS:
		view_findings(&o, r);
		break;
	case PS_TUI_MODEL:
		if (r->scan && it->hop < r->scan->n_models)
			view_model(&o, r, it->hop);
		break;
	case PS_TUI_SERVER:
		if (r->scan)
			view_server(&o, r);
		break;
	case PS_TUI_AUDIT:
		if (r->scan && r->scan->audit)
			view_audit(&o, r);
		break;
	}
}
