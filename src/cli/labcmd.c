/* `provscope lab`: the lab server alone until a signal (see labcmd.h). */
#include "config.h"

#include "cli/labcmd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "lab/lab.h"
#include "lab/pki.h"
#include "lab/profiles.h"
#include "phone/catalogue.h"
#include "phone/identity.h"
#include "run/modelfile.h"
#include "tui/labtop.h"

/* "ADDR:PORT", "[V6]:PORT", "ADDR", ":PORT" into an address (owned) and
 * a port (0 when none). */
static bool parse_listen(const char *s, char **addr, unsigned *port, char **err)
{
	const char *colon = NULL, *a = s, *a_end;
	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close || (close[1] && close[1] != ':'))
			goto bad;
		a = s + 1;
		a_end = close;
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon) { /* a bare IPv6 address */
			colon = NULL;
			a_end = s + strlen(s);
		} else {
			a_end = colon ? colon : s + strlen(s);
		}
	}
	*port = 0;
	if (!colon && *s && strspn(s, "0123456789") == strlen(s)) {
		*err = ps_xasprintf("--listen '%s': a port alone is written ':%s' (on 127.0.0.1), "
				    "or 127.0.0.1:%s",
				    s, s, s);
		return false;
	}
	if (colon) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(colon + 1, &end, 10);
		if (errno || end == colon + 1 || *end || v > 65535)
			goto bad;
		*port = (unsigned)v;
	}
	*addr = a_end > a ? ps_xstrndup(a, (size_t)(a_end - a)) : ps_xstrdup("127.0.0.1");
	return true;
bad:
	*err = ps_xasprintf("--listen '%s': give ADDR:PORT, [IPv6]:PORT, ADDR or :PORT "
			    "(port 0 picks a free one)",
			    s);
	return false;
}

static volatile sig_atomic_t lab_signal;

static void on_signal(int sig)
{
	lab_signal = sig;
}

static int mint_device(const struct ps_lab_opts *o, const struct ps_identity *id)
{
	char mac[13];
	if (!ps_lab_mac_normalize(o->mint_device, mac)) {
		fprintf(stderr, "provscope: --mint-device '%s': give 12 hex digits\n",
			o->mint_device);
		return 2;
	}
	if (!o->pki) {
		fputs("provscope: --mint-device needs --pki DIR (where the vendor CA is kept)\n",
		      stderr);
		return 2;
	}
	struct ps_lab_pki *pki = NULL;
	char *err = NULL, *cert = NULL, *key = NULL;
	char *product = ps_lab_device_product(id->model->product);
	int rc = 2;
	if (ps_lab_pki_open(o->pki, &pki, &err) == 0 &&
	    ps_lab_pki_device_files(pki, o->pki, mac, product, id->serial, &cert, &key, &err) ==
		0) {
		printf("device certificate %s\ndevice key         %s\nvendor CA          %s\n",
		       cert, key, ps_lab_pki_vendor_ca_path(pki));
		rc = 0;
	} else {
		fprintf(stderr, "provscope: %s\n", err);
	}
	free(err);
	free(cert);
	free(key);
	free(product);
	ps_lab_pki_free(pki);
	return rc;
}

/* Whether `addr` (an IP address as --listen gives it) is this host's
 * loopback alone: 127.0.0.0/8, ::1 or ::ffff:127.x.y.z. */
static bool loopback_only(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return strcmp(addr, "localhost") == 0; /* the lab takes it as 127.0.0.1 */
}

/* With --pki, the commands to try: mint the device certificate of the
 * phone of --model (its own MAC) and play that phone against the lab, at
 * an address it can connect to (loopback for a wildcard). Caller frees. */
static char *try_text(const struct ps_lab_opts *o, const struct ps_identity *id, struct ps_lab *lab,
		      const char *addr)
{
	unsigned hp = ps_lab_https_port(lab);
	const char *ca = ps_lab_pki_vendor_ca_path(ps_lab_pki(lab));
	const char *to = strcmp(addr, "0.0.0.0") == 0 ? "127.0.0.1"
			 : strcmp(addr, "::") == 0    ? "::1"
						      : addr;
	bool to6 = strchr(to, ':') != NULL;
	bool other = id->model != ps_model_default();
	/* a learned model needs its file wherever it is named */
	char *mopt = !other            ? ps_xstrdup("")
		     : id->model->file ? ps_xasprintf(" --model-file %s --model %s",
						      id->model->file, id->model->id)
				       : ps_xasprintf(" --model %s", id->model->id);
	char *s = ps_xasprintf("Try: provscope lab --pki %s --mint-device %s%s, then\n"
			       "     provscope --ca %s%s --mac %s \\\n"
			       "       --cert %s/device-%s.pem --key %s/device-%s.key \\\n"
			       "       --resolve %s:%u:%s%s%s 'https://%s:%u/spa$PSN.cfg'\n",
			       o->pki, id->mac, mopt, ca ? ca : "VENDOR-CA.pem", mopt, id->mac,
			       o->pki, id->mac, o->pki, id->mac, PS_LAB_SERVER_NAME, hp,
			       to6 ? "[" : "", to, to6 ? "]" : "", PS_LAB_SERVER_NAME, hp);
	free(mopt);
	return s;
}

/* SIGINT, SIGTERM and SIGHUP to on_signal. */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* At the end: what --learn-model wrote, or that nothing was. */
static void learn_summary(const struct ps_lab_opts *o, const char *learn_path)
{
	struct stat st;
	if (learn_path && stat(learn_path, &st) == 0)
		fprintf(stderr,
			"provscope lab: learned model %s: %s (play it with --model-file %s)\n",
			o->learn_model, learn_path, learn_path);
	else if (learn_path)
		fprintf(stderr,
			"provscope lab: no model learned: no client connected over HTTPS\n");
}

/* The live table's header: what the lab serves and where. */
static char *table_header(const struct ps_lab_opts *o, struct ps_lab *lab, const char *addr)
{
	bool v6 = strchr(addr, ':') != NULL;
	unsigned hp = ps_lab_https_port(lab);
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "provscope lab: serving %s, faults: %s\n",
		      o->dir ? o->dir : "the built-in profiles",
		      o->fault && *o->fault ? o->fault : "none");
	ps_buf_printf(&b, "https://%s:%u/ (on %s%s%s:%u)", PS_LAB_SERVER_NAME, hp, v6 ? "[" : "",
		      addr, v6 ? "]" : "", hp);
	if (ps_lab_http_port(lab))
		ps_buf_printf(&b, "  http://%s%s%s:%u/", v6 ? "[" : "", addr, v6 ? "]" : "",
			      ps_lab_http_port(lab));
	const char *ca = ps_lab_pki_vendor_ca_path(ps_lab_pki(lab));
	ps_buf_printf(&b, "\nvendor CA: %s", ca ? ca : "in memory only (--pki DIR keeps it)");
	return ps_buf_take(&b);
}

/* The lab under its live table until q or a signal. */
static void run_table(struct ps_labtop *top, const struct ps_lab_opts *o,
		      const struct ps_identity *id, struct ps_lab *lab, const char *addr)
{
	char *header = table_header(o, lab, addr);
	ps_labtop_set_header(top, header);
	free(header);
	if (o->pki) { /* the commands to try, at the top of the log */
		char *try = try_text(o, id, lab, addr);
		for (char *sp = NULL, *line = strtok_r(try, "\n", &sp); line;
		     line = strtok_r(NULL, "\n", &sp))
			ps_labtop_log(top, line);
		free(try);
	}
	if (!loopback_only(addr))
		ps_labtop_log(top, "warning: listening beyond this host's loopback: anyone who can "
				   "reach it gets the lab's profiles, passwords, profile key and "
				   "firmware images");
	int sig = ps_labtop_run(top);
	ps_labtop_close(top);
	ps_lab_stop(lab);
	size_t phones = 0;
	unsigned long requests = 0;
	ps_labtop_counts(top, &phones, &requests);
	if (sig)
		fprintf(stderr, "provscope lab: stopping (signal %d)\n", sig);
	fprintf(stderr, "provscope lab: %zu phone%s, %lu request%s\n", phones,
		phones == 1 ? "" : "s", requests, requests == 1 ? "" : "s");
}

int ps_lab_command(const struct ps_lab_opts *o, const struct ps_identity *id)
{
	if (o->mint_device)
		return mint_device(o, id);
	char *addr = NULL, *err = NULL;
	unsigned port = 0, http_port = 0;
	if (!parse_listen(o->listen ? o->listen : "127.0.0.1:0", &addr, &port, &err)) {
		fprintf(stderr, "provscope: %s\n", err);
		free(err);
		return 2;
	}
	if (o->http_port) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(o->http_port, &end, 10);
		if (errno || end == o->http_port || *end || v > 65535) {
			fprintf(stderr,
				"provscope: --http-port '%s': give a port number (0 picks "
				"a free one)\n",
				o->http_port);
			free(addr);
			return 2;
		}
		http_port = (unsigned)v;
	}
	/* Signals are blocked from here on and taken only while waiting, so
	 * libmicrohttpd's threads never see them. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	char *learn_path = NULL;
	if (o->learn_model) {
		char *why = NULL;
		if (!ps_model_name_valid(o->learn_model))
			why =
			    ps_xstrdup("a model's name is 1 to 31 lower-case letters, digits, '.', "
				       "'_' or '-', starting with a letter or digit");
		else if (ps_model_find(o->learn_model))
			why = ps_xasprintf("that name is taken by a model of the catalogue or of "
					   "--model-file (--list-models): choose another, such as "
					   "%s-bench",
					   o->learn_model);
		learn_path = ps_xasprintf("%s.json", o->learn_model);
		struct stat st;
		if (!why && lstat(learn_path, &st) == 0)
			why = ps_xstrdup("its model file is already there: remove it or choose "
					 "another name");
		if (!why && access(".", W_OK) != 0)
			why = ps_xasprintf("%s cannot be written in this directory (%s): start the "
					   "lab in one you can write",
					   learn_path, strerror(errno));
		if (why) {
			fprintf(stderr, "provscope: --learn-model '%s': %s\n", o->learn_model, why);
			free(why);
			free(learn_path);
			free(addr);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			return 2;
		}
	}
	FILE *record = NULL;
	if (o->record && !(record = fopen(o->record, "a"))) {
		fprintf(stderr, "provscope: --record %s: %s\n", o->record, strerror(errno));
		free(addr);
		free(learn_path);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return 2;
	}
	if (record)
		setvbuf(record, NULL, _IOLBF, 0);
	/* The live table on a terminal (it reads keys from it too); log lines
	 * otherwise, or with --log. */
	struct ps_labtop *top = NULL;
	if (!o->log && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO)) {
		/* The table's handlers give way to these when it closes: a
		 * signal while the lab stops is then only noted. */
		catch_signals();
		top = ps_labtop_open(&err);
		if (err)
			fprintf(stderr, "provscope: %s; log lines instead of the table\n", err);
		free(err);
		err = NULL;
	}
	struct ps_lab_config lc = { .listen = addr,
				    .record = record,
				    .learn_name = o->learn_model,
				    .learn_path = learn_path,
				    .https_port = port,
				    .http_port = http_port,
				    .dir = o->dir,
				    .pki_dir = o->pki,
				    .fault = o->fault,
				    .encrypt = o->encrypt,
				    .log = stderr };
	if (top) {
		lc.on_log = ps_labtop_log;
		lc.on_log_ctx = top;
		lc.on_client = ps_labtop_client;
		lc.on_client_ctx = top;
	}
	struct ps_lab *lab = NULL;
	if (ps_lab_start(&lc, &lab, &err) < 0) {
		ps_labtop_free(top);
		if (record)
			fclose(record);
		fprintf(stderr, "provscope: lab: %s\n", err);
		free(err);
		free(addr);
		free(learn_path);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return 2;
	}
	if (top) {
		if (learn_path) {
			char *l = ps_xasprintf("learning: the first phone that connects over HTTPS "
					       "is written to %s (--learn-model %s)",
					       learn_path, o->learn_model);
			ps_labtop_log(top, l);
			free(l);
		}
		run_table(top, o, id, lab, addr);
		learn_summary(o, learn_path);
		ps_labtop_free(top);
		if (record)
			fclose(record);
		free(addr);
		free(learn_path);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	unsigned hp = ps_lab_https_port(lab);
	bool v6 = strchr(addr, ':') != NULL;
	if (!loopback_only(addr))
		fprintf(stderr,
			"provscope lab: warning: listening on %s%s%s, beyond this host's loopback: "
			"anyone who can reach it gets the lab's profiles, with their passwords "
			"and profile key, and its firmware images. The lab is a test server; "
			"give --listen 127.0.0.1:PORT unless another machine (a real phone) "
			"must reach it.\n",
			v6 ? "[" : "", addr, v6 ? "]" : "");
	printf("provscope lab: serving %s\n", o->dir ? o->dir : "the built-in profiles");
	printf("  https://%s:%u/  (listening on %s%s%s:%u)\n", PS_LAB_SERVER_NAME, hp,
	       v6 ? "[" : "", addr, v6 ? "]" : "", hp);
	if (ps_lab_http_port(lab))
		printf("  http://%s%s%s:%u/\n", v6 ? "[" : "", addr, v6 ? "]" : "",
		       ps_lab_http_port(lab));
	const char *ca = ps_lab_pki_vendor_ca_path(ps_lab_pki(lab));
	printf("  vendor CA: %s\n", ca ? ca : "in memory only (--pki DIR keeps it)");
	printf("  faults: %s\n", o->fault && *o->fault ? o->fault : "none");
	if (o->pki) {
		char *try = try_text(o, id, lab, addr);
		fputs(try, stdout);
		free(try);
	}
	if (learn_path)
		printf("Learning: the first phone that connects over HTTPS is written to %s "
		       "(--learn-model %s).\n",
		       learn_path, o->learn_model);
	printf("Stop with Ctrl-C.\n");
	fflush(stdout);
	catch_signals();
	sigset_t wait = old;
	sigdelset(&wait, SIGINT);
	sigdelset(&wait, SIGTERM);
	sigdelset(&wait, SIGHUP);
	while (!lab_signal)
		sigsuspend(&wait);
	fprintf(stderr, "provscope lab: stopping (signal %d)\n", (int)lab_signal);
	ps_lab_stop(lab);
	learn_summary(o, learn_path);
	if (record)
		fclose(record);
	free(addr);
	free(learn_path);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}
