/* Text output: readable at a glance, one line per step, the handshake
 * messages under their step, then findings with fix hints. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "model/expect.h"
#include "model/fixes.h"
#include "model/report.h"
#include "model/scan.h"
#include "model/storm.h"
#include "output/devices.h"
#include "output/output.h"
#include "output/safe.h"
#include "tlswire/tlsnames.h"

struct tx {
	FILE *out; /* made terminal-safe (safe.h) */
	FILE *raw; /* the real output: our own colour sequences only */
	bool color;
	enum ps_mode mode;
	bool show; /* --show-secrets */
	int level; /* -1 -q, 0 default, 1 -v, 2 -vv (see output.h) */
	int width; /* columns a line may take */
};

/* Columns a line takes: ANSI colour sequences (ours) take none. */
static size_t line_cols(const char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\033') {
			while (i < n && p[i] != 'm')
				i++;
			continue;
		}
		c += ((unsigned char)p[i] & 0xC0) != 0x80;
	}
	return c;
}

/* `text` written from column `col` (what the line holds already), wrapped
 * at the width with the lines after it indented by `indent` columns; a
 * word (a URL, a priority string) is never broken: one longer than a line
 * stands alone. Ends the line. */
static void wrap(struct tx *t, size_t col, size_t indent, const char *text)
{
	size_t width = t->width > 20 ? (size_t)t->width : 20;
	const char *p = text ? text : "";
	bool first = true;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, " ");
		if (!first && col + 1 + line_cols(p, n) > width) {
			fprintf(t->out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', t->out);
			col++;
		}
		fwrite(p, 1, n, t->out);
		col += line_cols(p, n);
		p += n;
		first = false;
	}
	fputc('\n', t->out);
}

static const char *status_color(enum ps_step_status st)
{
	switch (st) {
	case PS_STATUS_OK:
		return "\033[32m";
	case PS_STATUS_WARN:
		return "\033[33m";
	case PS_STATUS_FAIL:
		return "\033[1;31m";
	default:
		return "\033[2m";
	}
}

/* `label` padded to 7 columns, in `color` when colours are on: written
 * past the safe stream (which would show the escape as text). */
static void paint(struct tx *t, const char *color, const char *label)
{
	if (t->color) {
		fflush(t->out);
		fprintf(t->raw, "%s%-7s\033[0m", color, label);
	} else {
		fprintf(t->out, "%-7s", label);
	}
}

static void put_status(struct tx *t, enum ps_step_status st)
{
	paint(t, status_color(st), ps_status_name(st));
}

static void tls_block(struct tx *t, const struct ps_hop *h)
{
	const struct ps_tls_info *tl = &h->tls;
	if (tl->n_offered) {
		fprintf(t->out, "        offered:");
		for (size_t i = 0; i < tl->n_offered; i++)
			fprintf(t->out, "%s %s", i ? "," : "", tl->offered[i].name);
		fputc('\n', t->out);
	}
	unsigned round = 0;
	for (size_t i = 0; i < tl->n_msgs; i++) {
		const struct ps_tls_msg *m = &tl->msgs[i];
		/* A renegotiation is a block of its own, indented, in wire order. */
		if (m->round != round) {
			round = m->round;
			fprintf(t->out, "        renegotiation %u (asked by the server):\n", round);
		}
		/* Wrapped here, under a fixed column: a fold by the line's own
		 * indentation would move with the digits of the time. */
		char *head = ps_xasprintf("        %s%8.1f ms  %s  %-20s", round ? "  " : "",
					  m->t_ms, m->dir == PS_DIR_OUT ? "->" : "<-", m->type);
		char *rest = ps_xasprintf("%s%s%s", m->info ? m->info : "",
					  m->encrypted && !m->info ? "(encrypted)" : "",
					  m->encrypted && m->info ? " [encrypted]" : "");
		fputs(head, t->out);
		wrap(t, line_cols(head, strlen(head)), round ? 19 : 17, rest);
		free(head);
		free(rest);
	}
}

static void client_auth_block(struct tx *t, const struct ps_client_auth *c)
{
	if (!c->requested)
		return;
	if (c->n_cert_types) {
		fprintf(t->out, "        certificate types:");
		for (size_t i = 0; i < c->n_cert_types; i++)
			fprintf(t->out, "%s %s", i ? "," : "", c->cert_types[i]);
		fputc('\n', t->out);
	}
	if (!c->n_acceptable_cas)
		fprintf(t->out, "        acceptable CAs: none named (any issuer)\n");
	for (size_t i = 0; i < c->n_acceptable_cas; i++)
		fprintf(t->out, "        acceptable CA: %s\n", c->acceptable_cas[i]);
	if (c->have_cert)
		fprintf(t->out, "        device certificate: %s\n          issued by %s%s\n",
			c->cert_subject ? c->cert_subject : "?",
			c->cert_issuer ? c->cert_issuer : "?",
			c->issuer_accepted == 1   ? " (accepted by the server's list)"
			: c->issuer_accepted == 0 ? " (NOT in the server's list)"
						  : "");
	if (c->device_ca) {
		fputs("          ", t->out);
		wrap(t, 10, 10, c->device_ca);
	} else
		fprintf(t->out, "        device certificate: none configured (--cert)\n");
	fprintf(t->out, "        sent: %s\n",
		c->sent ? "the device certificate" : "no certificate");
	if (c->renegotiations)
		fprintf(t->out, "        asked in: a %s renegotiation after the request, %s\n",
			c->renegotiation ? c->renegotiation : "?",
			c->renegotiated
			    ? "completed"
			    : (c->renegotiation_error ? c->renegotiation_error : "failed"));
}

static void put_date(struct tx *t, time_t when)
{
	char buf[32];
	struct tm tm;
	if (gmtime_r(&when, &tm))
		strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
	else
		snprintf(buf, sizeof buf, "?");
	fputs(buf, t->out);
}

static void put_list(struct tx *t, const char *label, char *const *v, size_t n)
{
	fprintf(t->out, "%s", label);
	if (!n)
		fputs(" none", t->out);
	for (size_t i = 0; i < n; i++)
		fprintf(t->out, "%s %s", i ? "," : "", v[i]);
}

static const char *mark(int result)
{
	return result > 0 ? "ok" : result == 0 ? "FAIL" : "--";
}

static void check_line(struct tx *t, const char *name, const struct ps_chain_check *c)
{
	fprintf(t->out, "            %-4s %-13s %s\n", mark(c->result), name,
		c->text ? c->text : "");
}

static void verdict_line(struct tx *t, const char *who, const struct ps_chain_verdict *v)
{
	fprintf(t->out, "        %s: %s", who,
		v->unknown  ? "trust not judged (no --ca)"
		: v->accept ? "accepts"
			    : "REJECTS");
	if (v->anchor)
		fprintf(t->out, " (anchor %s)", v->anchor);
	fputc('\n', t->out);
	for (size_t i = 0; i < v->n_reasons; i++)
		fprintf(t->out, "          - %s\n", v->reasons[i]);
}

/* The chain section: the same for a live hop and for `provscope cert`. */
static void chain_block(struct tx *t, const struct ps_chain_report *c, const char *model)
{
	for (size_t i = 0; i < c->n_certs; i++) {
		const struct ps_cert_info *ci = &c->certs[i];
		fprintf(t->out, "        certificate %zu: %s\n", i, ci->subject ? ci->subject : "");
		fprintf(t->out, "          issuer  %s\n", ci->issuer ? ci->issuer : "");
		fprintf(t->out, "          serial  %s; valid ", ci->serial ? ci->serial : "?");
		put_date(t, ci->not_before);
		fputs(" to ", t->out);
		put_date(t, ci->not_after);
		fprintf(t->out, " UTC\n          key     %s %u bits; signed %s%s\n",
			ci->key_type ? ci->key_type : "?", ci->key_bits,
			ci->sig_alg ? ci->sig_alg : "?",
			ci->sig_secure_for_certs ? "" : " (weak for certificates)");
		fprintf(t->out, "          sha256  %s\n", ci->sha256 ? ci->sha256 : "?");
		fprintf(t->out, "          CA      %s",
			ci->is_ca > 0    ? "yes"
			: ci->is_ca == 0 ? "no"
					 : "(no basicConstraints)");
		if (ci->path_len >= 0)
			fprintf(t->out, ", path length %d", ci->path_len);
		fprintf(t->out, "%s\n", ci->self_signed ? "; self-signed" : "");
		if (ci->has_key_usage)
			put_list(t, "          usage  ", ci->key_usage, ci->n_key_usage);
		else
			fputs("          usage   (no keyUsage)", t->out);
		put_list(t, "; extended:", ci->ext_key_usage, ci->n_ext_key_usage);
		fputc('\n', t->out);
		fprintf(t->out, "          CN      %s\n", ci->cn ? ci->cn : "(none)");
		put_list(t, "          SANs   ", ci->sans, ci->n_sans);
		fputc('\n', t->out);
	}
	for (size_t i = 0; i < c->n_links; i++) {
		const struct ps_chain_link *l = &c->links[i];
		fprintf(t->out, "        link: certificate %zu -> ", l->subject_index);
		if (l->issuer_source == PS_ISSUER_CHAIN)
			fprintf(t->out, "certificate %zu (sent)\n", l->issuer_index);
		else if (l->issuer_source == PS_ISSUER_ANCHOR)
			fprintf(t->out, "trusted CA %s\n",
				l->anchor_subject ? l->anchor_subject : "");
		else
			fputs("no issuer found (not sent, not trusted)\n", t->out);
		check_line(t, "issuer name", &l->issuer_name);
		check_line(t, "signature", &l->signature);
		check_line(t, "validity", &l->validity);
		check_line(t, "issuer is CA", &l->issuer_is_ca);
		check_line(t, "path length", &l->path_len);
	}
	fprintf(t->out, "        host name %s:\n", c->host ? c->host : "(not checked)");
	check_line(t, "phone (CN)", &c->hostname_phone);
	check_line(t, "modern (SAN)", &c->hostname_modern);
	char who[64];
	snprintf(who, sizeof who, "the %s", model ? model : "phone");
	verdict_line(t, who, &c->phone);
	verdict_line(t, "a modern client", &c->modern);
}

static void http_block(struct tx *t, const struct ps_http_info *h)
{
	for (size_t i = 0; i < h->n_request_headers; i++)
		fprintf(t->out, "        > %s\n", h->request_headers[i]);
	for (size_t i = 0; i < h->n_response_headers; i++)
		fprintf(t->out, "        < %s\n", h->response_headers[i]);
	fprintf(t->out,
		"        %zu bytes; dns %.1f ms, connect %.1f ms, tls %.1f ms, first byte %.1f ms, "
		"total %.1f ms\n",
		h->body_size, h->t_dns, h->t_connect, h->t_tls, h->t_first_byte, h->t_total);
}

static void hop_block(struct tx *t, size_t idx, const struct ps_hop *h, const char *model)
{
	char *url = t->show ? ps_xstrdup(h->url) : ps_redact_secrets(h->url);
	if (t->mode == PS_MODE_LIVE)
		fprintf(t->out, "\nhop %zu  %s\n", idx + 1, url);
	else
		fprintf(t->out, "\n%s\n", url);
	free(url);
	for (size_t i = 0; i < h->n_steps; i++) {
		const struct ps_step *s = &h->steps[i];
		fputs("  ", t->out);
		put_status(t, s->status);
		fprintf(t->out, " %-16s %8.1f ms  %s\n", ps_step_name(s->id), s->duration_ms,
			s->summary ? s->summary : "");
		if (s->id == PS_STEP_TLS_HANDSHAKE)
			tls_block(t, h);
		if (s->id == PS_STEP_TLS_CLIENT_AUTH)
			client_auth_block(t, &h->client_auth);
		if (s->id == PS_STEP_TLS_CHAIN && h->chain_checked)
			chain_block(t, &h->chain, model);
		if (s->id == PS_STEP_HTTP && h->http.attempted)
			http_block(t, &h->http);
	}
}

/* A rule or value as printed: secrets redacted unless allowed. Caller frees. */
static char *shown(const char *value, const char *name, bool secret, bool show)
{
	if (!value)
		return ps_xstrdup("");
	if (secret)
		return ps_xstrdup(ps_secret_display(value, true, show));
	if (!show && name && strstr(name, "_Rule"))
		return ps_redact_secrets(value);
	return ps_xstrdup(value);
}

static void rule_block(struct tx *t, const struct ps_rule_report *r, bool show)
{
	char *text = shown(r->text, "_Rule", false, show);
	fprintf(t->out, "  %s: %s\n", r->name ? r->name : "rule", *text ? text : "(empty)");
	free(text);
	if (r->error)
		fprintf(t->out, "    syntax error at column %ld: %s\n", r->error_col, r->error);
	for (size_t i = 0; i < r->n_alts; i++) {
		const struct ps_rule_alt_report *a = &r->alts[i];
		char *at = shown(a->text, "_Rule", false, show);
		fprintf(t->out, "    %s alternative %zu: %s\n",
			a->result > 0    ? "->"
			: a->result == 0 ? "  "
					 : "  ",
			i + 1, at);
		if (a->explain)
			fprintf(t->out, "         %s\n", a->explain);
		free(at);
	}
	if (r->fired >= 0)
		fprintf(t->out, "    fired: alternative %ld; URL %s\n", r->fired + 1,
			r->url ? r->url : "(none)");
	else if (!r->error)
		fputs("    no alternative applies\n", t->out);
	if (r->key)
		fprintf(t->out, "    --key %s\n", ps_secret_display(r->key, true, show));
	if (r->post)
		fprintf(t->out, "    --post %s\n", r->post);
	if (r->alias)
		fprintf(t->out, "    --alias %s\n", r->alias);
	if (r->uid)
		fprintf(t->out, "    --uid %s --pwd %s\n", r->uid,
			r->pwd ? ps_secret_display(r->pwd, true, show) : "");
	for (size_t i = 0; i < r->n_assigns; i++)
		fprintf(t->out, "    sets %s = \"%s\"\n", r->assign_names[i], r->assign_values[i]);
	for (size_t i = 0; i < r->n_notes; i++)
		fprintf(t->out, "    note: %s\n", r->notes[i]);
}

static void profile_block(struct tx *t, const struct ps_report *rep, bool show)
{
	const struct ps_profile_report *p = &rep->profile;
	fputs("\nProfile\n", t->out);
	for (size_t i = 0; i < p->n_sources; i++) {
		const struct ps_profile_source *s = &p->sources[i];
		fprintf(t->out, "  %s: %s%s%s%s%s, %zu parameter%s set%s\n", s->name,
			s->format ? s->format : "?", s->encrypted ? ", encrypted" : "",
			s->kdf ? (strcmp(s->kdf, "md5") == 0 ? " (MD5 key derivation)"
							     : " (SHA-256 key derivation)")
			       : "",
			s->compressed ? ", gzip" : "", "", s->n_set, s->n_set == 1 ? "" : "s",
			s->ok ? "" : " (FAILED)");
	}
	size_t defaults = ps_profile_defaults(p);
	for (size_t i = 0; i < p->n_params; i++) {
		const struct ps_param_row *r = &p->params[i];
		if (ps_param_row_is_default(r))
			continue;
		char *v = shown(r->value, r->name, r->secret, show);
		fprintf(t->out, "  %-32s %-4s %s  (%s:%u)%s%s\n", r->name,
			r->access ? r->access : "", v, r->source ? r->source : "?", r->line,
			r->problem ? "  ! " : "", ps_param_problem_label(r->problem));
		free(v);
	}
	if (defaults)
		fprintf(t->out,
			"  (%zu more parameters keep their factory defaults; --format json "
			"lists them all)\n",
			defaults);
	/* what the profile checks found, in the files' order */
	size_t n = 0;
	for (size_t i = 0; i < rep->n_findings; i++)
		n += ps_finding_is_lint(rep->findings[i].id);
	if (!n)
		return;
	fprintf(t->out, "  Checks: %zu setting%s the phone would ignore or misread\n", n,
		n == 1 ? "" : "s");
	for (size_t i = 0; i < rep->n_findings; i++) {
		const struct ps_finding *f = &rep->findings[i];
		if (!ps_finding_is_lint(f->id))
			continue;
		fputs("    ! ", t->out);
		wrap(t, 6, 6, f->detail ? f->detail : ps_finding_text(f->id));
	}
}

static void upgrade_block(struct tx *t, const struct ps_upgrade_report *u, bool show)
{
	fputs("\nFirmware upgrade\n", t->out);
	for (size_t i = 0; i < u->n_params; i++) {
		const struct ps_param_row *r = &u->params[i];
		char *v = shown(r->value, r->name, r->secret, show);
		fprintf(t->out, "  %-26s %s  (%s%s%.0u)\n", r->name, *v ? v : "(empty)",
			r->source ? r->source : "?", r->line ? ":" : "", r->line);
		free(v);
	}
	rule_block(t, &u->rule, show);
	fprintf(t->out, "  firmware: %s -> %s\n", u->current_version ? u->current_version : "?",
		u->target_version ? u->target_version : "(version unknown)");
	fprintf(t->out, "  retry after a failure: %s\n",
		u->retry_schedule ? u->retry_schedule : "");
	fprintf(t->out, "  syslog: %s\n          %s\n          %s\n",
		u->log_request ? u->log_request : "", u->log_success ? u->log_success : "",
		u->log_failure ? u->log_failure : "");
	if (u->check_done) {
		if (u->check_error)
			fprintf(t->out, "  firmware URL check: %s\n", u->check_error);
		else
			fprintf(t->out, "  firmware URL check: HTTP %ld, %lld bytes, %s\n",
				u->check_status, u->check_size,
				u->check_type ? u->check_type : "no Content-Type");
	}
	if (u->download_asked) {
		if (u->download_error)
			fprintf(t->out, "  firmware download: %s\n", u->download_error);
		else
			fprintf(t->out,
				"  firmware download: %lld bytes written to %s\n"
				"                     SHA-256 %s\n",
				u->download_size, u->download_file,
				u->download_sha256 ? u->download_sha256 : "?");
		if (u->download_declares)
			fprintf(t->out, "  the image declares: %s\n", u->download_declares);
	}
	fprintf(t->out, "  decision: %s: %s\n", u->would_upgrade ? "UPGRADE" : "no upgrade",
		u->reason ? u->reason : "");
}

static int write_text(struct tx *t, const struct ps_report *r);

/* One line to `out`, folded at spaces to fit `width` columns; the rest
 * of a folded line is indented under its start, four columns in. A word
 * longer than a line is never broken. */
static void fold_line(FILE *out, const char *p, size_t n, size_t width)
{
	size_t lead = 0;
	while (lead < n && p[lead] == ' ')
		lead++;
	size_t hang = lead + 4 < width / 2 ? lead + 4 : lead;
	size_t col = 0;
	bool first = true;
	while (n) {
		size_t room = width > col ? width - col : 0;
		if (line_cols(p, n) <= room) {
			if (!first)
				fprintf(out, "%*s", (int)col, "");
			fwrite(p, 1, n, out);
			break;
		}
		/* the last space that leaves the part within the room */
		size_t cut = 0;
		for (size_t i = first ? lead : 0; i < n; i++)
			if (p[i] == ' ' && line_cols(p, i) <= room)
				cut = i;
		if (!cut) {
			cut = strcspn(p + (first ? lead : 0), " ") + (first ? lead : 0);
			if (cut >= n) {
				if (!first)
					fprintf(out, "%*s", (int)col, "");
				fwrite(p, 1, n, out);
				break;
			}
		}
		if (!first)
			fprintf(out, "%*s", (int)col, "");
		fwrite(p, 1, cut, out);
		fputc('\n', out);
		while (cut < n && p[cut] == ' ')
			cut++;
		p += cut;
		n -= cut;
		col = hang;
		first = false;
	}
}

/* The report, written first into memory, to `raw` with every line folded
 * to the width. */
static int fold(FILE *raw, const char *buf, size_t len, size_t width)
{
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;
		fold_line(raw, buf, n, width);
		if (nl)
			fputc('\n', raw);
		buf += n + (nl ? 1 : 0);
		len -= n + (nl ? 1 : 0);
	}
	return ferror(raw) ? -1 : 0;
}

int ps_output_text(FILE *raw, const struct ps_report *r, const struct ps_output_opts *o)
{
	/* A server's status line, headers and values go through the safe
	 * stream: no escape sequence of theirs reaches the terminal. The
	 * whole text is made in memory, then folded to the width. */
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return -1;
	FILE *out = ps_safe_stream(mem);
	if (!out) {
		fclose(mem);
		free(buf);
		return -1;
	}
	struct tx t = { .out = out,
			.raw = mem,
			.color = o && o->color,
			.mode = r->mode,
			.show = r->show_secrets,
			.level = o ? o->level : 0,
			.width = o && o->width > 0 ? o->width : 80 };
	int rc = write_text(&t, r);
	if (fclose(out) != 0)
		rc = -1;
	if (fclose(mem) != 0)
		rc = -1;
	if (rc == 0)
		rc = fold(raw, buf, len, (size_t)t.width);
	free(buf);
	return ferror(raw) ? -1 : rc;
}

/* --- the levels ------------------------------------------------------------ */

/* The last part of a URL's path ("spa000e08aabbcc.xml"), or the URL. */
static char *url_file(const struct tx *t, const char *url)
{
	char *u = t->show ? ps_xstrdup(url ? url : "") : ps_redact_secrets(url ? url : "");
	const char *path = strstr(u, "://");
	path = path ? strchr(path + 3, '/') : NULL;
	const char *base = path ? strrchr(path, '/') + 1 : u;
	char *f = ps_xstrdup(*base ? base : u);
	free(u);
	f[strcspn(f, "?")] = '\0';
	return f;
}

static const char *verdict_word(const struct ps_chain_verdict *v)
{
	return v->unknown ? "?" : v->accept ? "ok" : "REJECT";
}

/* The index of the first hop before `i` with the same chain (the
 * certificates' fingerprints), or -1. */
static long same_chain_as(const struct ps_report *r, size_t i)
{
	const struct ps_chain_report *c = &r->hops[i].chain;
	for (size_t k = 0; k < i; k++) {
		const struct ps_chain_report *o = &r->hops[k].chain;
		if (!r->hops[k].chain_checked || o->n_certs != c->n_certs)
			continue;
		bool same = true;
		for (size_t j = 0; j < c->n_certs && same; j++)
			same = c->certs[j].sha256 && o->certs[j].sha256 &&
			       strcmp(c->certs[j].sha256, o->certs[j].sha256) == 0;
		if (same)
			return (long)k;
	}
	return -1;
}

/* One line per hop, as mtr --report does: what each step came to. */
static void summary_table(struct tx *t, const struct ps_report *r)
{
	fprintf(t->out, "\n%-3s  %-24s %-16s %-13s %-7s %4s %6s\n", "hop", "file", "TLS",
		"chain ph/mod", "cert", "HTTP", "params");
	for (size_t i = 0; i < r->n_hops; i++) {
		const struct ps_hop *h = &r->hops[i];
		char *file = url_file(t, h->url);
		char tls[40] = "-", chain[32] = "-", http[24] = "-", params[24] = "-";
		const char *cert = "-";
		if (h->tls.attempted) {
			const char *v = h->tls.version ? h->tls.version : "";
			if (!strncmp(v, "TLS", 3))
				v += 3;
			if (h->tls.established)
				snprintf(tls, sizeof tls, "%s %s", v,
					 h->tls.cipher ? h->tls.cipher : "?");
			else
				snprintf(tls, sizeof tls, "failed");
			const struct ps_client_auth *ca = &h->client_auth;
			cert = !ca->requested ? "-" : ca->sent ? "sent" : "asked";
			if (ca->renegotiation_error)
				cert = "refused";
		}
		if (h->chain_checked) {
			long same = same_chain_as(r, i);
			if (same >= 0)
				snprintf(chain, sizeof chain, "as hop %ld", same + 1);
			else
				snprintf(chain, sizeof chain, "%s/%s",
					 verdict_word(&h->chain.phone),
					 verdict_word(&h->chain.modern));
		}
		if (h->http.attempted && h->http.status)
			snprintf(http, sizeof http, "%ld", h->http.status);
		else if (h->http.attempted && !h->http.error && h->url &&
			 ps_strn_ieq(h->url, "tftp://", 7))
			snprintf(http, sizeof http, "TFTP"); /* a file came; TFTP has no status */
		if (h->profile.n_sources)
			snprintf(params, sizeof params, "%zu", h->profile.sources[0].n_set);
		fprintf(t->out, "%3zu  %-24s %-16s %-13s %-7s %4s %6s\n", i + 1, file, tls, chain,
			cert, http, params);
		free(file);
	}
}

/* A step's line: status, name, time, summary wrapped under it. */
static void step_line(struct tx *t, const struct ps_step *s)
{
	fputs("  ", t->out);
	put_status(t, s->status);
	fprintf(t->out, " %-16s %8.1f ms  ", ps_step_name(s->id), s->duration_ms);
	wrap(t, 40, 6, s->summary ? s->summary : "");
}

/* The detail of one step of hop `i` (the -v level: each distinct chain
 * once). */
static void step_detail(struct tx *t, const struct ps_report *r, size_t i, const struct ps_step *s)
{
	const struct ps_hop *h = &r->hops[i];
	if (s->id == PS_STEP_TLS_HANDSHAKE)
		tls_block(t, h);
	if (s->id == PS_STEP_TLS_CLIENT_AUTH)
		client_auth_block(t, &h->client_auth);
	if (s->id == PS_STEP_TLS_CHAIN && h->chain_checked) {
		long same = same_chain_as(r, i);
		if (same >= 0)
			fprintf(t->out, "        the same chain as hop %ld\n", same + 1);
		else
			chain_block(t, &h->chain, r->phone.product);
	}
	if (s->id == PS_STEP_HTTP && h->http.attempted)
		http_block(t, &h->http);
}

/* The first hop before `i` where the step `s` came to the same (status
 * and summary), or -1. */
static long same_step_as(const struct ps_report *r, size_t i, const struct ps_step *s)
{
	for (size_t k = 0; k < i; k++)
		for (size_t j = 0; j < r->hops[k].n_steps; j++) {
			const struct ps_step *o = &r->hops[k].steps[j];
			if (o->id == s->id && o->status == s->status && o->summary && s->summary &&
			    strcmp(o->summary, s->summary) == 0)
				return (long)k;
		}
	return -1;
}

/* The phone ended the handshake over the chain: its step says why. */
static bool chain_failed(const struct ps_hop *h)
{
	for (size_t k = 0; k < h->n_steps; k++)
		if (h->steps[k].id == PS_STEP_TLS_CHAIN && h->steps[k].status == PS_STATUS_FAIL)
			return true;
	return false;
}

/* The hops: at the default level the steps that are not ok, with their
 * detail; at -v every step. */
static void hop_steps(struct tx *t, const struct ps_report *r)
{
	bool any = false;
	for (size_t i = 0; i < r->n_hops; i++) {
		const struct ps_hop *h = &r->hops[i];
		bool header = false;
		for (size_t k = 0; k < h->n_steps; k++) {
			const struct ps_step *s = &h->steps[k];
			bool problem = s->status == PS_STATUS_FAIL || s->status == PS_STATUS_WARN;
			if (t->level < 1 && !problem)
				continue;
			if (!header) {
				char *url =
				    t->show ? ps_xstrdup(h->url) : ps_redact_secrets(h->url);
				fprintf(t->out, "\nhop %zu  ", i + 1);
				wrap(t, 7, 7, url);
				free(url);
				header = any = true;
			}
			bool chain = s->id == PS_STEP_TLS_CHAIN && h->chain_checked;
			long same = chain ? same_chain_as(r, i) : same_step_as(r, i, s);
			if (t->level < 1 && same >= 0) {
				/* Said once, at the first hop where it was so. */
				fputs("  ", t->out);
				put_status(t, s->status);
				fprintf(t->out, " %-16s the same %s as hop %ld\n",
					ps_step_name(s->id), chain ? "chain" : "outcome", same + 1);
				continue;
			}
			step_line(t, s);
			if (t->level >= 1)
				step_detail(t, r, i, s);
			else if (s->id == PS_STEP_TLS_HANDSHAKE && s->status == PS_STATUS_FAIL &&
				 !chain_failed(h))
				tls_block(t, h); /* what was said, message by message */
		}
	}
	(void)any;
}

/* The upgrade decision in one line. */
static void upgrade_line(struct tx *t, const struct ps_upgrade_report *u)
{
	/* an image that was not checked (TFTP has no HEAD) says so here too */
	bool unchecked = u->would_upgrade && u->check_done && u->check_size < 0 &&
			 u->check_status == 0 && u->check_error && !u->download_asked;
	char *line = ps_xasprintf("%s: %s%s%s%s", u->would_upgrade ? "UPGRADE" : "no upgrade",
				  u->reason ? u->reason : "", unchecked ? " (" : "",
				  unchecked ? u->check_error : "", unchecked ? ")" : "");
	fputs("\nFirmware: ", t->out);
	wrap(t, 10, 10, line);
	free(line);
}

/* A finding: its id and explanation, the models it concerns (a scan's;
 * NULL for a run's), what was seen, the fix, and the fix in the words of
 * the server that answered (`answered`), else of each (in `order`). */
/* A finding: its explanation, what was seen, the fix. `group_end`: the
 * end of its report's findings, when the profile checks' findings of its
 * id after it are to show their "seen" lines here (NULL: none). */
static void finding_body(struct tx *t, const struct ps_finding *f, const char *models,
			 enum ps_server answered, const enum ps_server order[PS_SERVER_COUNT],
			 const struct ps_finding *group_end)
{
	enum ps_severity sev = f->severity;
	fputs("  ", t->out);
	paint(t,
	      sev == PS_SEV_ERROR  ? "\033[1;31m"
	      : sev == PS_SEV_WARN ? "\033[33m"
				   : "\033[36m",
	      ps_severity_name(sev));
	char *head = ps_xasprintf("%s: %s", ps_finding_name(f->id), ps_finding_text(f->id));
	fputc(' ', t->out);
	wrap(t, 10, 10, head);
	free(head);
	if (models) { /* a scan's: the models it concerns */
		fputs("          for:  ", t->out);
		wrap(t, 16, 16, *models ? models : "the audit");
	}
	if (f->detail) {
		fputs("          seen: ", t->out);
		wrap(t, 16, 16, f->detail);
	}
	/* the profile checks' findings of this id after it, each seen once */
	for (const struct ps_finding *g = f + 1;
	     group_end && ps_finding_is_lint(f->id) && g < group_end; g++)
		if (g->id == f->id && g->severity == f->severity && g->detail) {
			fputs("          seen: ", t->out);
			wrap(t, 16, 16, g->detail);
		}
	fputs("          fix:  ", t->out);
	wrap(t, 16, 16, ps_finding_fix(f->id));
	if (!ps_finding_has_server_fixes(f->id))
		return;
	for (int k = 0; k < PS_SERVER_COUNT; k++) {
		if (answered != PS_SERVER_UNKNOWN && order[k] != answered)
			continue;
		char *line = ps_xasprintf("%s%s: %s", ps_server_label(order[k]),
					  order[k] == answered ? " (the server that answered)" : "",
					  ps_finding_fix_for(f->id, order[k]));
		fputs("                ", t->out);
		wrap(t, 16, 18, line);
		free(line);
	}
}

/* Whether a finding of the profile checks was shown already with the first
 * of its id (they come by the dozen: the explanation and the fix once). */
static bool lint_shown(const struct ps_report *r, const struct ps_finding *f)
{
	if (!ps_finding_is_lint(f->id))
		return false;
	for (const struct ps_finding *g = r->findings; g < f; g++)
		if (g->id == f->id && g->severity == f->severity)
			return true;
	return false;
}

static void finding_lines(struct tx *t, const struct ps_report *r, const struct ps_finding *f)
{
	if (lint_shown(r, f))
		return;
	enum ps_server order[PS_SERVER_COUNT];
	ps_fix_order(r, f->hop, order);
	finding_body(t, f, NULL, ps_report_hop_server(r, f->hop), order,
		     r->findings + r->n_findings);
}

/* The verdict, the last line (folded like the others: COLUMNS=1000 keeps
 * it whole for a script, which has the exit status anyway). */
static void verdict(struct tx *t, const struct ps_report *r)
{
	fprintf(t->out, "Verdict: %s: %s (exit %d)\n", r->verdict ? r->verdict : "?",
		r->summary ? r->summary : "", r->exit_code);
}

/* -q: the verdict and the error findings. */
static int write_quiet(struct tx *t, const struct ps_report *r)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].severity == PS_SEV_ERROR)
			finding_lines(t, r, &r->findings[i]);
	verdict(t, r);
	return ferror(t->out) ? -1 : 0;
}

static void expectation_lines(struct tx *t, const struct ps_report *r)
{
	FILE *out = t->out;
	if (r->n_expectations)
		fputs("\nExpectations\n", out);
	for (size_t i = 0; i < r->n_expectations; i++) {
		const struct ps_expect_result *e = &r->expectations[i];
		fputs("  ", out);
		paint(t, e->ok ? "\033[32m" : "\033[1;31m", e->ok ? "ok" : "FAIL");
		fprintf(out, " %s=%s", e->key, e->expected);
		if (!e->ok) {
			char *why = ps_expect_result_text(e);
			fprintf(out, ": %s", why);
			free(why);
		}
		if (e->hop >= 0 && (!e->ok || strncmp(e->key, "hop", 3) != 0))
			fprintf(out, " (hop %ld)", e->hop + 1);
		fputc('\n', out);
	}
}

static int write_scan(struct tx *t, const struct ps_report *r);
static int write_storm(struct tx *t, const struct ps_report *r);

static int write_text(struct tx *tp, const struct ps_report *r)
{
	struct tx t = *tp;
	FILE *out = t.out;
	if (r->mode == PS_MODE_SCAN && r->scan)
		return write_scan(&t, r);
	if (r->mode == PS_MODE_STORM && r->storm)
		return write_storm(&t, r);
	if (t.level < 0)
		return write_quiet(&t, r);
	const struct ps_phone_info *p = &r->phone;
	/* -vv, and the offline modes, as they always were: every step's detail. */
	bool full = t.level >= 2 || r->mode != PS_MODE_LIVE;
	/* a learned model (--model-file): its name beside the product's */
	char *product = p->model && p->product && strcasecmp(p->model, p->product) != 0
			    ? ps_xasprintf("%s (model %s)", p->product, p->model)
			    : ps_xstrdup(p->product ? p->product : "");
	fprintf(out,
		full ? "provscope %s: %s %s, firmware %s, MAC %s, serial %s\n"
		     : "provscope %s: %s %s %s, MAC %s, serial %s\n",
		r->tool_version ? r->tool_version : "", p->vendor ? p->vendor : "", product,
		p->firmware ? p->firmware : "", p->mac ? p->mac : "", p->serial ? p->serial : "");
	free(product);
	if (full) {
		fprintf(out, "User-Agent: %s\n", p->user_agent ? p->user_agent : "");
		fprintf(out, "TLS priority: %s\n", p->priority ? p->priority : "");
	}
	if (p->tftp_server)
		fprintf(out, "TFTP server (DHCP option 66/150): %s\n", p->tftp_server);
	fprintf(out, "%s: ", r->mode == PS_MODE_LIVE ? "Target" : "Input");
	wrap(&t, 8, 8, r->target ? r->target : "");
	if (full) {
		for (size_t i = 0; i < r->n_hops; i++)
			hop_block(&t, i, &r->hops[i], p->product);
	} else {
		summary_table(&t, r);
		hop_steps(&t, r);
	}
	if (r->mode == PS_MODE_RULE) {
		fputs("\nRule\n", out);
		rule_block(&t, &r->rule, r->show_secrets);
	}
	if ((full || t.level >= 1) && (r->mode == PS_MODE_PROFILE || r->profile.n_sources))
		profile_block(&t, r, r->show_secrets);
	if (r->upgrade.evaluated) {
		if (full || t.level >= 1)
			upgrade_block(&t, &r->upgrade, r->show_secrets);
		else
			upgrade_line(&t, &r->upgrade);
	}
	if (r->n_findings)
		fputs("\nFindings\n", out);
	for (size_t i = 0; i < r->n_findings; i++)
		finding_lines(&t, r, &r->findings[i]);
	expectation_lines(&t, r);
	fputc('\n', out);
	verdict(&t, r);
	return ferror(out) ? -1 : 0;
}

/* --- provscope scan ---------------------------------------------------------- */

/* The suite in OpenSSL's words ("AES256-SHA"), else its IANA name. */
static const char *short_suite(unsigned id, const char *iana)
{
	const char *o = id ? ps_suite_openssl_name(id) : NULL;
	return o ? o : iana ? iana : "?";
}

/* The matrix: a row per model; then which models shared a pass. */
static void scan_matrix(struct tx *t, const struct ps_scan_report *s)
{
	int fw_w = 9;               /* "5.1.10(GW)" and "1.4.1(SR5)" are wider than FIRMWARE */
	int name_w = 8, tls_w = 28; /* wider for learned models' names and suites */
	for (size_t i = 0; i < s->n_models; i++) {
		struct ps_scan_row w;
		ps_scan_row(s, i, &w);
		if (w.firmware && (int)strlen(w.firmware) > fw_w)
			fw_w = (int)strlen(w.firmware);
		const char *name = ps_scan_model_name(w.model, w.product);
		if (name && (int)strlen(name) > name_w)
			name_w = (int)strlen(name);
		if (!w.error && w.tls_version) {
			int n = (int)(strlen(w.tls_version) + 1 +
				      strlen(short_suite(w.suite_id, w.cipher_suite)));
			if (n > tls_w)
				tls_w = n;
		}
	}
	fprintf(t->out, "\n%-*s %-*s %-*s %-7s %-9s %4s %4s\n", name_w, "MODEL", fw_w, "FIRMWARE",
		tls_w, "TLS (or what stopped it)", "CHAIN", "CLIENT", "HTTP", "EXIT");
	for (size_t i = 0; i < s->n_models; i++) {
		struct ps_scan_row w;
		ps_scan_row(s, i, &w);
		char tls[64], http[16] = "-";
		if (w.error)
			snprintf(tls, sizeof tls, "not played");
		else if (w.tls_version)
			snprintf(tls, sizeof tls, "%s %s", w.tls_version,
				 short_suite(w.suite_id, w.cipher_suite));
		else
			snprintf(tls, sizeof tls, "%s", w.first_error ? w.first_error : "-");
		if (w.http_status)
			snprintf(http, sizeof http, "%ld", w.http_status);
		else if (w.tftp && !w.first_error)
			snprintf(http, sizeof http, "TFTP");
		if (w.tftp && !w.tls_version && !w.error && !w.exit_code)
			snprintf(tls, sizeof tls, "no TLS (TFTP)");
		fprintf(t->out, "%-*s %-*s %-*s %-7s %-9s %4s %4d\n", name_w,
			ps_scan_model_name(w.model, w.product), fw_w, w.firmware, tls_w, tls,
			w.chain_verdict ? w.chain_verdict : "-",
			w.client_cert ? w.client_cert : "-", http, w.exit_code);
		if (w.error) {
			fputs("         not played: ", t->out);
			wrap(t, 21, 21, w.error);
		} else if (w.exit_code && w.first_error && w.tls_version) {
			fputs("         stopped by ", t->out);
			wrap(t, 20, 20, w.first_error);
		}
	}
	/* "SPA922, SPA941 made the same offer to the same URL as SPA921: one pass" */
	for (size_t k = 0; k < s->n_passes; k++) {
		struct ps_buf who = { 0 };
		const char *maker = NULL;
		for (size_t i = 0; i < s->n_models; i++) {
			if (s->models[i].error || s->models[i].pass != k)
				continue;
			const char *name =
			    ps_scan_model_name(s->models[i].model, s->models[i].product);
			if (!s->models[i].shared)
				maker = name;
			else
				ps_buf_printf(&who, "%s%s", who.len ? ", " : "", name);
		}
		if (who.len && maker) {
			char *line =
			    ps_xasprintf("%s made the same offer to the same URL as %s: its "
					 "pass stands for them",
					 who.s, maker);
			fputs("  ", t->out);
			wrap(t, 2, 4, line);
			free(line);
		}
		ps_buf_free(&who);
	}
}

static const char *hello_refusal(const struct ps_scan_hello *h, char *buf, size_t n)
{
	const char *an = h->alert >= 0 ? ps_alert_name((unsigned)h->alert) : NULL;
	if (an)
		snprintf(buf, n, "alert %s", an);
	else if (h->answered)
		snprintf(buf, n, "chose %s %s", h->version ? h->version : "?",
			 short_suite(h->suite_id, h->cipher_suite));
	else
		snprintf(buf, n, "%s", h->error ? h->error : "no answer");
	return buf;
}

/* The server on its own: versions, suites, preference, DHE, client
 * certificates, the chain, the audit. */
static void scan_server(struct tx *t, const struct ps_report *r)
{
	const struct ps_scan_report *s = r->scan;
	char why[160];
	fputs("\nServer\n", t->out);
	if (!s->protocols[0].hello.done) {
		fputs("  no https URL among the models': no TLS to probe\n", t->out);
	} else {
		fputs("  protocols:", t->out);
		for (size_t i = 0; i < PS_SCAN_VERSIONS; i++)
			fprintf(t->out, "%s %s %s", i ? "," : "", s->protocols[i].version,
				ps_scan_yes_no(ps_scan_protocol_accepted(s, i)));
		fputc('\n', t->out);
		/* Why a version is unknown, once: the first such probe's reason. */
		for (size_t i = 0; i < PS_SCAN_VERSIONS; i++) {
			const struct ps_scan_hello *h = &s->protocols[i].hello;
			if (ps_scan_protocol_accepted(s, i) >= 0)
				continue;
			char *line = ps_xasprintf("(?: %s: %s)",
						  !h->connected ? "the server could not be reached"
								: "no TLS answer",
						  h->error ? h->error : "no connection");
			fputs("  ", t->out);
			wrap(t, 2, 4, line);
			free(line);
			break;
		}
		fputs("  the phones' suites at TLS 1.0, each offered alone:\n", t->out);
		for (size_t j = 0; j < s->n_suites; j++) {
			const struct ps_scan_suite *su = &s->suites[j];
			fprintf(t->out, "    %-3s %-20s %s%s", ps_scan_yes_no(su->accepted),
				short_suite(su->id, su->name), su->name,
				su->tls12 ? " (at TLS 1.2, which it needs)" : "");
			if (su->accepted == 0 && t->level >= 1)
				fprintf(t->out, " (%s)",
					hello_refusal(&su->hello, why, sizeof why));
			fputc('\n', t->out);
		}
		if (ps_scan_dhe_bits(s))
			fprintf(t->out, "  DHE group: %u bits\n", ps_scan_dhe_bits(s));
		const struct ps_scan_hello *p = &s->preferred;
		if (p->answered && p->cipher_suite) {
			int order = ps_scan_server_order(s);
			fprintf(t->out, "  preferred: %s%s\n",
				short_suite(p->suite_id, p->cipher_suite),
				order > 0    ? " (the server's own order)"
				: order == 0 ? " (it follows the client's order)"
					     : "");
		} else if (p->done) {
			fprintf(t->out, "  preferred: %s (%s)\n",
				p->connected ? "none of the suites" : "?",
				hello_refusal(p, why, sizeof why));
		}
	}
	if (s->cert_requested < 0)
		fputs("  client certificate: unknown (no handshake got that far)\n", t->out);
	else if (!s->cert_requested)
		fputs("  client certificate: not asked for\n", t->out);
	else {
		fprintf(t->out, "  client certificate: asked for; %zu CA name%s%s\n", s->n_ca_names,
			s->n_ca_names == 1 ? "" : "s", s->n_ca_names ? ":" : "");
		for (size_t i = 0; i < s->n_ca_names; i++)
			fprintf(t->out, "    %s\n", s->ca_names[i]);
	}
	if (s->renegotiation > 0) {
		char *line = ps_xasprintf("asked for only by renegotiating after the request (%s "
					  "renegotiation, %s)",
					  s->renegotiation_kind ? s->renegotiation_kind : "?",
					  s->renegotiated ? "completed" : "refused");
		fputs("  renegotiation: ", t->out);
		wrap(t, 17, 4, line);
		free(line);
	} else if (s->renegotiation == 0) {
		fputs("  renegotiation: none asked for\n", t->out);
	}
	int sni = ps_scan_sni_differs(s);
	if (sni >= 0) {
		char *line =
		    sni ? ps_xasprintf("the certificate depends on the name: the phones (no name) "
				       "get %s, a client naming %s gets %s",
				       s->preferred.leaf_subject ? s->preferred.leaf_subject : "?",
				       s->sni_name, s->sni.leaf_subject ? s->sni.leaf_subject : "?")
			: ps_xasprintf("the same certificate with the name %s as without a name",
				       s->sni_name);
		fputs("  SNI: ", t->out);
		wrap(t, 7, 4, line);
		free(line);
	}
	if (s->chain_pass >= 0) {
		const struct ps_report *pr = s->passes[s->chain_pass].report;
		const struct ps_chain_report *c = &pr->hops[s->chain_hop].chain;
		fprintf(t->out, "  chain as sent (%zu certificate%s), as %s sees it:\n", c->n_certs,
			c->n_certs == 1 ? "" : "s", pr->phone.product ? pr->phone.product : "?");
		if (t->level >= 1) {
			chain_block(t, c, pr->phone.product);
		} else {
			for (size_t i = 0; i < c->n_certs; i++)
				fprintf(t->out, "    %zu %s\n", i,
					c->certs[i].subject ? c->certs[i].subject : "");
			fprintf(t->out, "    the phone: %s; a modern client: %s\n",
				verdict_word(&c->phone), verdict_word(&c->modern));
		}
	}
	fputs("  audit: ", t->out);
	if (!s->audit) {
		wrap(t, 9, 4, s->audit_note ? s->audit_note : "none");
	} else {
		wrap(t, 9, 4, s->audit_note);
		for (size_t h = 0; h < s->audit->n_hops; h++) {
			const struct ps_hop *hp = &s->audit->hops[h];
			const struct ps_step *st = ps_hop_step((struct ps_hop *)hp, PS_STEP_AUDIT);
			if (!st)
				continue;
			fputs("    ", t->out);
			put_status(t, st->status);
			fputc(' ', t->out);
			wrap(t, 12, 12, st->summary);
		}
	}
}

/* The findings of a scan, each with the models it concerns. */
static void scan_findings(struct tx *t, const struct ps_report *r, bool errors_only)
{
	const struct ps_scan_report *s = r->scan;
	long hop;
	const struct ps_report *by = ps_scan_answering_pass(s, &hop);
	if (!by)
		by = r;
	enum ps_server order[PS_SERVER_COUNT];
	ps_fix_order(by, hop, order);
	enum ps_server answered = ps_report_hop_server(by, hop);
	bool any = false;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct ps_finding *f = &r->findings[i];
		if (errors_only && f->severity != PS_SEV_ERROR)
			continue;
		if (!any && !errors_only)
			fputs("\nFindings\n", t->out);
		any = true;
		finding_body(t, f, i < s->n_finding_models ? s->finding_models[i] : "", answered,
			     order, NULL);
	}
}

static int write_scan(struct tx *t, const struct ps_report *r)
{
	const struct ps_scan_report *s = r->scan;
	if (t->level < 0) {
		scan_findings(t, r, true);
		verdict(t, r);
		return ferror(t->out) ? -1 : 0;
	}
	fprintf(t->out, "provscope %s: scan of %zu model%s, %zu pass%s, %.0f ms\nTarget: ",
		r->tool_version ? r->tool_version : "", s->n_models, s->n_models == 1 ? "" : "s",
		s->n_passes, s->n_passes == 1 ? "" : "es", s->duration_ms);
	wrap(t, 8, 8, r->target);
	scan_matrix(t, s);
	scan_server(t, r);
	scan_findings(t, r, false);
	for (size_t k = 0; t->level >= 2 && k < s->n_passes; k++) {
		fprintf(t->out, "\n=== The pass as %s ===\n", s->passes[k].model);
		write_text(t, s->passes[k].report);
	}
	expectation_lines(t, r);
	fputc('\n', t->out);
	verdict(t, r);
	return ferror(t->out) ? -1 : 0;
}

/* --- provscope storm and merge --------------------------------------------- */

/* A duration, right-aligned in 8 columns. */
static void put_us(FILE *out, uint64_t us)
{
	char buf[16];
	ps_storm_duration(buf, sizeof buf, us);
	fprintf(out, "%8s", buf);
}

static void storm_schedule(struct tx *t, const struct ps_storm_params *p)
{
	FILE *out = t->out;
	fputs("Schedule: ", out);
	if (p->rate > 0)
		fprintf(out, "%g passes begun per second", p->rate);
	else if (p->spread_s > 0)
		fprintf(out, "each device after a random delay up to %g s (seed %" PRIu64 ")",
			p->spread_s, p->seed);
	else
		fputs("all at once", out);
	fprintf(out, ", at most %u in flight", p->jobs);
	if (p->duration_s > 0)
		fprintf(out, ", none begun after %g s", p->duration_s);
	fputc('\n', out);
}

static void storm_latency(struct tx *t, const struct ps_storm_report *s)
{
	FILE *out = t->out;
	fprintf(out, "\nLatency %24s %9s %9s %9s %9s\n", "n", "p50", "p95", "p99", "max");
	for (int k = 0; k < PS_STORM_STEP_COUNT; k++) {
		const struct ps_hist *h = &s->hist[k];
		if (k == PS_STORM_LAG && !(s->params.rate > 0 || s->params.spread_s > 0) &&
		    t->level < 1)
			continue; /* all at once: the queue for the jobs, not a lag */
		fprintf(out, "  %-20s %9" PRIu64, ps_storm_step_name((enum ps_storm_step)k), h->n);
		if (!h->n) {
			fputs("         -         -         -         -\n", out);
			continue;
		}
		double p[] = { 50, 95, 99 };
		for (size_t i = 0; i < 3; i++) {
			fputs(" ", out);
			put_us(out, ps_hist_percentile(h, p[i]));
		}
		fputs(" ", out);
		put_us(out, h->max);
		fputc('\n', out);
	}
	fputs("  (connect, tls and first_byte per connection; first_byte from the request to "
	      "the answer's first byte; total per pass)\n",
	      out);
}

/* The timeline, a row per second, or per a few seconds when long
 * (every second with -v). */
static void storm_timeline(struct tx *t, const struct ps_storm_report *s)
{
	FILE *out = t->out;
	if (!s->n_seconds)
		return;
	size_t step = 1;
	if (t->level < 1)
		while (s->n_seconds / step > 30)
			step = step < 5 ? 5 : step < 10 ? 10 : step < 30 ? 30 : step * 2;
	fprintf(out, "\nTimeline, %s\n  %-18s %8s %8s %8s %10s %10s\n",
		step == 1 ? "a row per second" : "a row per span of seconds", "since start",
		"begun/s", "ok/s", "failed/s", "mean", "max");
	for (size_t i = 0; i < s->n_seconds; i += step) {
		uint64_t started = 0, ok = 0, failed = 0;
		double sum = 0, max = 0;
		size_t end = i + step < s->n_seconds ? i + step : s->n_seconds;
		for (size_t k = i; k < end; k++) {
			const struct ps_storm_second *b = &s->seconds[k];
			started += b->started;
			ok += b->ok;
			failed += b->failed;
			sum += b->total_ms_sum;
			if (b->total_ms_max > max)
				max = b->total_ms_max;
		}
		double span = (double)(end - i);
		char when[32];
		if (step == 1)
			snprintf(when, sizeof when, "%zu s", i);
		else
			snprintf(when, sizeof when, "%zu-%zu s", i, end);
		fprintf(out, "  %-18s %8.1f %8.1f %8.1f", when, (double)started / span,
			(double)ok / span, (double)failed / span);
		if (ok + failed) {
			fputs("  ", out);
			put_us(out, (uint64_t)(sum / (double)(ok + failed) * 1000.0));
			fputs("  ", out);
			put_us(out, (uint64_t)(max * 1000.0));
		}
		if (failed && (long)i <= s->onset_s && s->onset_s < (long)end)
			fputs(" *", out);
		fputc('\n', out);
	}
	if (s->onset_s >= 0)
		fputs("  * failures began\n", out);
}

static void storm_outcomes(struct tx *t, const struct ps_storm_report *s)
{
	FILE *out = t->out;
	fputs("\nOutcomes\n", out);
	for (int c = 0; c < 256; c++) {
		if (!s->by_exit[c])
			continue;
		const char *name = ps_exit_name(c);
		const char *what = c == 0 && s->params.handshake_only
				       ? "the TLS handshake completed (--handshake-only)"
				       : ps_exit_text(c);
		fprintf(out, "  %8" PRIu64 "  %5.1f%%  exit %-3d %-12s %s\n", s->by_exit[c],
			100.0 * (double)s->by_exit[c] / (double)(s->done ? s->done : 1), c,
			name ? name : "?", what ? what : "");
	}
	if (s->not_started)
		fprintf(out, "  %8" PRIu64 "          not begun\n", s->not_started);
	if (s->first_error)
		fprintf(out, "  a pass that could not be made: %s\n", s->first_error);
}

static int by_start(const void *a, const void *b)
{
	const struct ps_storm_pass *x = *(const struct ps_storm_pass *const *)a;
	const struct ps_storm_pass *y = *(const struct ps_storm_pass *const *)b;
	if (x->start_s != y->start_s)
		return x->start_s < y->start_s ? -1 : 1;
	return strcmp(x->mac, y->mac);
}

/* The failed passes, the earliest to begin first. */
static void storm_failed(struct tx *t, const struct ps_storm_report *s)
{
	size_t failed = 0, cap = t->level >= 1 ? (size_t)-1 : 10;
	const struct ps_storm_pass **v = ps_xcalloc(s->n_passes + 1, sizeof *v);
	for (size_t i = 0; i < s->n_passes; i++)
		if (s->passes[i].exit_code)
			v[failed++] = &s->passes[i];
	if (!failed) {
		free(v);
		return;
	}
	qsort(v, failed, sizeof *v, by_start);
	fprintf(t->out, "\nFailed passes, the earliest first%s\n",
		failed > cap ? " (the first 10 of them; -v or --format json lists all)" : "");
	for (size_t i = 0; i < failed && i < cap; i++) {
		const struct ps_storm_pass *p = v[i];
		const char *cat = ps_exit_name(p->exit_code);
		fprintf(t->out, "  %s", p->mac);
		if (p->round)
			fprintf(t->out, " (pass %u)", p->round + 1);
		fprintf(t->out, "  at %.1f s  exit %d %s", p->start_s, p->exit_code,
			cat ? cat : "?");
		if (p->finding >= 0)
			fprintf(t->out, "  %s", ps_finding_name((enum ps_finding_id)p->finding));
		fputc('\n', t->out);
	}
	free(v);
}

static int write_storm(struct tx *t, const struct ps_report *r)
{
	const struct ps_storm_report *s = r->storm;
	const struct ps_storm_params *p = &s->params;
	FILE *out = t->out;
	if (t->level < 0)
		return write_quiet(t, r);
	fprintf(out, "provscope %s: storm of %" PRIu64 " device%s (%s", r->tool_version,
		p->n_devices, p->n_devices == 1 ? "" : "s", p->model ? p->model : "?");
	if (p->devices)
		fprintf(out, " unless a row names another model, --devices %s", p->devices);
	else if (p->first_mac)
		fprintf(out, ", MACs from %s", p->first_mac);
	fprintf(out, "%s)\nTarget: %s\n", p->device_ca ? ", certificates from --device-ca" : "",
		p->target ? p->target : "each device's url");
	storm_schedule(t, p);
	if (p->shard_n > 1) {
		fputs("Shards: ", out);
		for (size_t i = 0; i < s->n_shards; i++)
			fprintf(out, "%s%u", i ? ", " : "", s->shards[i]);
		fprintf(out, " of %u\n", p->shard_n);
	}
	fprintf(out,
		"Ran %.1f s%s: %" PRIu64 " of %" PRIu64 " planned passes made, %.1f ended per "
		"second\n",
		s->wall_s, s->interrupted ? " (stopped)" : "", s->done, s->planned, s->rate_done);
	storm_outcomes(t, s);
	storm_latency(t, s);
	if (s->onset_s >= 0) {
		fprintf(
		    out,
		    "\nFailures began at %ld s, with %.1f passes begun and %.1f ended per second "
		    "over the %u s up to then",
		    s->onset_s, s->onset_rate, s->onset_done_rate, s->onset_span_s);
		if (s->first_failure_s >= 0 && s->first_failure_s < s->onset_s)
			fprintf(out, "; a pass first failed at %ld s", s->first_failure_s);
		fputs(".\n", out);
	} else if (s->done)
		fputs("\nNo pass failed.\n", out);
	storm_timeline(t, s);
	bool any = false;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct ps_finding *f = &r->findings[i];
		if (f->severity == PS_SEV_INFO && t->level < 1)
			continue;
		if (!any)
			fputs("\nFindings\n", out);
		any = true;
		finding_lines(t, r, f);
	}
	storm_failed(t, s);
	fputc('\n', out);
	verdict(t, r);
	return ferror(out) ? -1 : 0;
}

/* --- device lists (--devices) --------------------------------------------- */

static char *device_record(const struct ps_device_outcome *o)
{
	struct ps_buf b = { 0 };
	const struct ps_finding *f = ps_device_first_error(o->report);
	ps_buf_printf(&b, "%-4s ", o->exit_code == 0 ? "ok" : "FAIL");
	ps_device_label(&b, o);
	ps_buf_printf(&b, "  exit %d  %s\n", o->exit_code, ps_device_verdict(o));
	if (f)
		ps_buf_printf(&b, "       %s: %s\n", ps_finding_name(f->id),
			      f->detail ? f->detail : ps_finding_text(f->id));
	/* a row's fields and a server's words, safe for the terminal */
	struct ps_buf safe = { 0 };
	ps_safe_add(&safe, b.s ? b.s : "", b.len, 0);
	ps_buf_free(&b);
	return ps_buf_take(&safe);
}

static char *device_footer(const struct ps_device_summary *s)
{
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "\n%zu devices in %.1f s: ", s->n, s->seconds);
	ps_device_counts(&b, s);
	ps_buf_printf(&b, "\nworst exit status: %d (%s)\n", s->worst, ps_exit_text(s->worst));
	return ps_buf_take(&b);
}

const struct ps_device_format ps_devices_text = {
	.record = device_record,
	.footer = device_footer,
};
