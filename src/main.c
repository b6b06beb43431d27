/* provscope: the command line into a configuration (cli/options.c), then
 * the command: the catalogue, the lab server, or a session of runs shown
 * on the interactive view or written in batch (run/). The only place that
 * exits. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <expat.h>
#include <jansson.h>
#include <zlib.h>

#include "cli/labcmd.h"
#include "cli/options.h"
#include "core/atomic.h"
#include "core/util.h"
#include "engine/tls.h"
#include "lab/lab.h"
#include "model/finding.h"
#include "phone/catalogue.h"
#include "phone/identity.h"
#include "profile/defaults.h"
#include "profile/dict.h"
#include "run/modelfile.h"
#include "run/run.h"
#include "run/session.h"
#include "tlswire/tlsnames.h"
#include "tui/stormtop.h"
#include "tui/tui.h"

/* "value" or "value?" when the catalogue marks `field` as assumed; with
 * `words`, "value (assumed)". */
static char *mark_as(const struct ps_model *m, const char *field, const char *value, bool words)
{
	return ps_xasprintf("%s%s", value,
			    !ps_model_assumed(m, field) ? ""
			    : words                     ? " (assumed)"
							: "?");
}

static char *mark(const struct ps_model *m, const char *field, const char *value)
{
	return mark_as(m, field, value, false);
}

/* A "label: text" line under a model, folded at 80 columns. */
static void sub_line(const char *label, const char *text)
{
	struct ps_buf line = { 0 };
	ps_buf_printf(&line, "         %s: ", label);
	size_t at = line.len;
	ps_buf_fold(&line, text, at, at > 40 ? 18 : at, 80);
	fputs(line.s, stdout);
	ps_buf_free(&line);
}

/* The catalogue: a model a line, the suites of its TLS 1.0 offer by
 * OpenSSL name under it (the phone's, whatever this host can offer) and
 * the server CAs it trusts and the sources of its facts, in 80 columns;
 * "?" marks what is assumed, not documented. With -v its User-Agent,
 * factory rule, device CA, the suites by IANA name, the GnuTLS priority
 * string, its renegotiation and what is uncertain as well. */
static void list_models(const struct ps_config *c)
{
	printf("%-8s %-5s %-8s %-8s %-6s %-11s %s\n", "MODEL", "KIND", "VENDOR", "$PN", "$PSN",
	       "FIRMWARE", "FW-HTTPS");
	for (size_t i = 0; i < ps_model_count(); i++) {
		const struct ps_model *m = ps_model_at(i);
		char *psn = mark(m, "psn", m->psn), *fw = mark(m, "firmware", m->firmware);
		char *https = mark(m, "fw_https", m->https_upgrade ? "yes" : "no");
		printf("%-8s %-5s %-8s %-8s %-6s %-11s %s\n", m->id, m->kind, m->vendor, m->product,
		       psn, fw, https);
		free(psn);
		free(fw);
		free(https);
		struct ps_buf b = { 0 };
		size_t len;
		for (const char *at = NULL, *w; (w = ps_suite_words_next(m->suites, &at, &len));) {
			const char *name = ps_suite_openssl_by_iana(w, len);
			ps_buf_printf(&b, "%s%.*s", b.s ? " " : "",
				      name ? (int)strlen(name) : (int)len, name ? name : w);
		}
		char *vers = ps_xasprintf("%.*s%s", (int)strcspn(m->suites, ";"), m->suites,
					  ps_model_assumed(m, "suites") ? "?" : "");
		sub_line(vers, b.s ? b.s : "?");
		free(vers);
		ps_buf_free(&b);
		if (m->file) {
			char *l = ps_xasprintf("%s, based on %s; %s%s", m->file, m->based_on,
					       m->unplayable ? "GnuTLS cannot send all of its "
							       "offer: "
							     : "provscope sends its offer exactly",
					       m->unplayable ? m->unplayable : "");
			sub_line("learned", l);
			free(l);
		}
		char *cas = m->server_ca_new
				? ps_xasprintf("%s; from %s also %s%s", m->server_ca,
					       m->server_ca_from, m->server_ca_new,
					       ps_model_assumed(m, "server_ca") ? "?" : "")
				: mark(m, "server_ca", m->server_ca);
		sub_line("server CA", cas);
		free(cas);
		sub_line("sources", m->sources);
		if (c->verbosity < 1)
			continue;
		struct ps_identity id;
		ps_identity_init(&id, m);
		char *ua = ps_identity_user_agent(&id);
		char *v = mark_as(m, "ua", ua, true);
		sub_line("User-Agent", v);
		free(v);
		v = mark_as(m, "factory_rule", m->factory_rule, true);
		sub_line("factory rule", v);
		free(v);
		v = mark_as(m, "client_ca", m->client_ca, true);
		sub_line("device CA", v);
		free(v);
		sub_line("suites", m->suites);
		sub_line("priority", m->priority);
		sub_line("renegotiation",
			 m->legacy_renegotiation ? "legacy (assumed)" : "refused (assumed)");
		sub_line("uncertain", m->notes);
		free(ua);
		ps_identity_clear(&id);
	}
	puts("? assumed, not documented: provscope --list-models -v says why. The source\n"
	     "  keys are explained in reference/spa-family.md (in the docs); provscope(1)\n"
	     "  lists what is known and what is assumed for each model.");
}

/* --list-params [WORD]: the parameters the firmware of the model's family
 * knows (profile/dict.h), those whose names hold WORD in any letter case:
 * a parameter a line, its type and factory default, its range, words or
 * form under it; with -v the files and guides it comes from and what is
 * uncertain. In 80 columns. */
static int list_params(const struct ps_config *c)
{
	char *err = NULL;
	const struct ps_model *m = ps_config_model(c, &err);
	if (!m) {
		fprintf(stderr, "provscope: %s\n", err);
		free(err);
		return PS_EXIT_USAGE;
	}
	unsigned fam = ps_dict_family(m), lines = ps_model_lines(m);
	char fb[96], lb[48];
	if (lines == 1)
		snprintf(lb, sizeof lb, "the model has one line, n is 1");
	else
		snprintf(lb, sizeof lb, "1 to %u", lines);
	if (!fam) {
		fprintf(stderr, "provscope: the %s has no parameter dictionary\n", m->product);
		return PS_EXIT_USAGE;
	}
	/* WORD as a profile writes a line's parameter (Proxy_1_) or as this
	 * list does (Proxy_n_): its stem, and only lines' parameters */
	char *word = c->target ? ps_xstrdup(c->target) : NULL;
	bool line_word = false;
	if (word) {
		unsigned idx;
		size_t wl = strlen(word), k = ps_dict_stem_len(word, &idx);
		if (!k && wl > 3 && strcmp(word + wl - 3, "_n_") == 0)
			k = wl - 3;
		if (k) {
			word[k] = '\0';
			line_word = true;
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < ps_dict_count; i++) {
		const struct ps_pdef *d = &ps_dict[i];
		if (!(d->fams & fam) || (word && !ps_mem_ifind(d->name, strlen(d->name), word)) ||
		    (line_word && !(d->flags & PS_PD_INDEXED)))
			continue;
		if (!n++) {
			printf("The %s (%s firmware). Names are compared with their letter case;\n"
			       "NAME_n_ is line n: %s.\n"
			       "? marks a default read off a device dump, not given by a guide.\n",
			       m->product, ps_dict_family_name(fam, fb, sizeof fb), lb);
			printf("%-38s %-12s %s\n", "NAME", "TYPE", "DEFAULT");
		}
		char name[160];
		if (d->flags & PS_PD_INDEXED)
			snprintf(name, sizeof name, "%s_n_", d->name);
		else
			snprintf(name, sizeof name, "%s", d->name);
		enum ps_ptype t = ps_pdef_type(d, name);
		const char *def = !d->def ? "" : t == PS_PT_SECRET && *d->def ? "********" : d->def;
		char *shown = ps_xasprintf("%s%s", d->def && !*d->def ? "(empty)" : def,
					   d->def && !(d->flags & PS_PD_DEF_GUIDE) ? " ?" : "");
		struct ps_buf b = { 0 };
		ps_buf_printf(&b, "%-38s %-12s ", name, ps_ptype_name(t));
		ps_buf_fold(&b, d->def ? shown : "", b.len, 52, 80);
		fputs(b.s, stdout);
		ps_buf_free(&b);
		free(shown);
		if (t == PS_PT_INT || t == PS_PT_ENUM || t == PS_PT_TIME) {
			char *want = ps_pdef_expect(d, name);
			sub_line("takes", want);
			free(want);
		}
		if (c->verbosity < 1)
			continue;
		struct ps_buf src = { 0 };
		for (size_t k = 0; k < ps_dict_n_sources; k++)
			if ((d->srcs & (1u << k)) && (ps_dict_source_fams[k] & fam))
				ps_buf_printf(&src, "%s%s", src.s ? ", " : "", ps_dict_sources[k]);
		if (src.s)
			sub_line("listed by", src.s);
		ps_buf_free(&src);
		if (d->guide)
			sub_line("guide", d->guide);
		if (d->flags & PS_PD_INFERRED)
			sub_line("type", "Yes/No: every real file gives it Yes or No");
		if (d->note)
			sub_line((d->flags & PS_PD_UNCERTAIN) ? "uncertain" : "note", d->note);
	}
	free(word);
	if (!n) {
		fprintf(stderr, "provscope: no parameter of the %s holds '%s'\n", m->product,
			c->target ? c->target : "");
		return PS_EXIT_USAGE;
	}
	return PS_EXIT_OK;
}

/* --version: this program, the libraries it runs with (not those it was
 * built with), and whether this host's TLS can make the phones' offers. */
static void version(void)
{
	const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	printf("provscope %s\n", PACKAGE_VERSION);
	const char *expat = XML_ExpatVersion();
	if (strncmp(expat, "expat_", 6) == 0)
		expat += 6;
	char *libs =
	    ps_xasprintf("GnuTLS %s, libcurl %s (%s), %s, libmicrohttpd %s, jansson %s, "
			 "expat %s, zlib %s",
			 ps_tls_library_version(), cv->version,
			 cv->ssl_version ? cv->ssl_version : "no TLS", ps_tui_library_version(),
			 ps_lab_library_version(), jansson_version_str(), expat, zlibVersion());
	struct ps_buf line = { 0 };
	ps_buf_puts(&line, "Libraries: ");
	ps_buf_fold(&line, libs, 11, 2, 80);
	fputs(line.s, stdout);
	ps_buf_free(&line);
	free(libs);
	char *caps = ps_tls_local_capabilities();
	fputs(caps, stdout);
	free(caps);
	size_t n = ps_model_count(), whole = 0, none = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ps_model *m = ps_model_at(i);
		bool fatal;
		char *why = ps_tls_local_policy(m->product, m->priority, m->suites, false, &fatal);
		whole += !why;
		none += why && fatal;
		free(why);
	}
	const char *what = "the phones' offers";
	if (whole == n)
		printf("  %-20s yes, all %zu models' whole\n", what, n);
	else if (none == n)
		printf("  %-20s no model's: a run says why\n", what);
	else
		printf("  %-20s not whole for %zu of %zu models: a run says why\n", what, n - whole,
		       n);
}

static int fail(int rc, char *err)
{
	fprintf(stderr, "provscope: %s\n", err);
	free(err);
	return rc;
}

static int lab(const struct ps_config *c)
{
	char *err = NULL;
	const struct ps_model *model = ps_config_model(c, &err);
	if (!model)
		return fail(PS_EXIT_USAGE, err);
	struct ps_identity id;
	ps_identity_init(&id, model);
	if (c->serial)
		ps_identity_set_serial(&id, c->serial);
	int rc = ps_lab_command(&c->lab, &id);
	ps_identity_clear(&id);
	return rc;
}

/* Live runs open the interactive view, and storms their live view, when
 * both ends are a terminal and nothing asks for a batch report. */
static bool use_tui(const struct ps_config *c)
{
	return (c->cmd == PS_CMD_LIVE || c->cmd == PS_CMD_DEMO || c->cmd == PS_CMD_SCAN ||
		c->cmd == PS_CMD_STORM) &&
	       !c->batch && !c->output && strcmp(c->format, "text") == 0 && isatty(STDOUT_FILENO) &&
	       isatty(STDIN_FILENO);
}

/* The interactive view; PS_TUI_UNAVAILABLE when the terminal cannot take
 * it. A run still waiting on a server ends the process here. */
static int interactive(const struct ps_session *s)
{
	bool busy = false;
	char *err = NULL;
	int rc = ps_tui_main(s, &busy, &err);
	if (err)
		fprintf(stderr, "provscope: %s%s\n", err,
			rc == PS_TUI_UNAVAILABLE ? "; writing the report instead" : "");
	free(err);
	if (busy) {
		/* A worker still waits on a server: end now, without freeing
		 * what it uses. */
		fflush(stderr);
		_exit(rc);
	}
	return rc;
}

/* A storm, on its live view when `tui` and the terminal can take it,
 * else with the runner's progress line; the report is written after the
 * view has given the terminal back. */
static int storm(const struct ps_session *s, bool tui)
{
	struct ps_stormtop *top = NULL;
	if (tui) {
		char *err = NULL;
		top = ps_stormtop_new(&err);
		if (err)
			fprintf(stderr, "provscope: %s; a progress line instead of the live view\n",
				err);
		free(err);
	}
	struct ps_storm_view view = { 0 };
	if (top)
		view = ps_stormtop_view(top);
	int rc = ps_run_storm(s, top ? &view : NULL);
	ps_stormtop_free(top);
	return rc;
}

static int runs(const struct ps_config *c)
{
	struct ps_session *s = NULL;
	char *err = NULL;
	/* The demo lab's request log on stderr, unless a screen is drawn. */
	FILE *lab_log = !c->batch && isatty(STDOUT_FILENO) ? NULL : stderr;
	int rc = ps_session_open(c, lab_log, &s, &err);
	if (rc != PS_EXIT_OK)
		return fail(rc, err);
	bool tui = use_tui(c);
	if (!tui) /* an interrupted run leaves --output as it was */
		ps_atomic_clean_on_signals();
	if (c->cmd == PS_CMD_DEVICES)
		rc = ps_run_devices(s);
	else if (c->cmd == PS_CMD_STORM)
		rc = storm(s, tui);
	else if (!tui || (rc = interactive(s)) == PS_TUI_UNAVAILABLE)
		rc = c->cmd == PS_CMD_SCAN ? ps_run_scan(s) : ps_run_batch(s);
	ps_session_close(s);
	return rc;
}

static int command(const struct ps_config *c)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fputs("provscope: libcurl failed to initialise\n", stderr);
		return PS_EXIT_INTERNAL;
	}
	int rc = PS_EXIT_OK;
	if (c->cmd == PS_CMD_LIST_MODELS)
		list_models(c);
	else if (c->cmd == PS_CMD_LIST_PARAMS)
		rc = list_params(c);
	else if (c->cmd == PS_CMD_LAB)
		rc = lab(c);
	else if (c->cmd == PS_CMD_MERGE)
		rc = ps_run_merge(c);
	else
		rc = runs(c);
	curl_global_cleanup();
	return rc;
}

/* --model-file: the learned models join the catalogue before anything
 * looks a model up; one file alone is the phone played unless --model
 * names another. */
static int model_files(struct ps_config *c)
{
	if (!c->n_model_files)
		return PS_EXIT_OK;
	const struct ps_model *only = NULL;
	char *err = NULL;
	if (ps_model_files_load(c->model_files, c->n_model_files, &only, &err) < 0)
		return fail(PS_EXIT_USAGE, err);
	if (only && !c->model)
		c->model = only->id;
	return PS_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct ps_config c;
	int rc;
	switch (ps_options_parse(argc, argv, &c, stdout, stderr)) {
	case PS_PARSE_RUN:
		rc = model_files(&c);
		if (rc == PS_EXIT_OK)
			rc = command(&c);
		break;
	case PS_PARSE_DONE:
		rc = PS_EXIT_OK;
		break;
	case PS_PARSE_VERSION:
		version();
		rc = PS_EXIT_OK;
		break;
	default:
		rc = PS_EXIT_USAGE;
		break;
	}
	if (rc == PS_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "provscope: standard output: %s\n", strerror(errno));
		rc = PS_EXIT_USAGE;
	}
	ps_config_clear(&c);
	return rc;
}
