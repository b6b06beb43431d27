/* What the runs of one invocation share (see session.h). */
#include "config.h"

#include "run/session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "engine/chain.h"
#include "engine/engine.h"
#include "model/finding.h"
#include "model/profile.h"
#include "phone/identity.h"
#include "run/demo.h"

struct ps_session {
	const struct ps_config *cfg;
	const struct ps_model *model;
	struct ps_tls_creds *creds;
	struct ps_trust *trust; /* both clients' anchors, read once, shared by every run */
	struct ps_chain_memo *chain_memo; /* chains analysed under `trust`, shared likewise */
	struct ps_demo demo;
	bool demo_started;
	char mac[13];        /* --demo: the MAC the minted certificate names */
	struct ps_pin *pins; /* --demo: the command line's (borrowed) and the lab's (owned, last) */
	size_t n_pins;
	const struct ps_model **scan_models; /* scan: --models, else the catalogue */
	size_t n_scan_models;
};

/* --- checks of the files the options name ------------------------------------ */

/* --download-firmware FILE: its directory must exist and be writable, and
 * FILE, if it exists, must be a regular file (it is replaced only by a
 * whole image). */
static bool check_download(const char *file, char **err)
{
	struct stat st;
	if (stat(file, &st) == 0 && !S_ISREG(st.st_mode)) {
		*err = ps_xasprintf("--download-firmware %s: not a regular file", file);
		return false;
	}
	char *dir = ps_xstrdup(file);
	char *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	bool is_dir = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	bool ok = is_dir && access(dir, W_OK) == 0;
	if (!ok)
		*err = ps_xasprintf("--download-firmware %s: the directory %s %s", file, dir,
				    is_dir ? "is not writable" : "does not exist");
	free(dir);
	return ok;
}

/* --serial and --firmware end up in the User-Agent header: no control
 * characters (CR LF would add a header of their own). */
static bool check_text(const char *opt, const char *value, char **err)
{
	const char *bad = ps_first_control(value);
	if (!bad)
		return true;
	*err = ps_xasprintf("%s: a control character (0x%02x) at position %zu; the phone "
			    "sends this value in its User-Agent header",
			    opt, (unsigned char)*bad, (size_t)(bad - value) + 1);
	return false;
}

static bool check_mac(const char *mac, char **err)
{
	char norm[13];
	if (!mac || ps_mac_normalize(mac, norm))
		return true;
	*err = ps_xasprintf("--mac '%s': give 12 hex digits, e.g. 00:0e:08:aa:bb:cc", mac);
	return false;
}

/* scan --models LIST: catalogue rows, each once, in the order given. */
static bool load_models(struct ps_session *s, char **err)
{
	const char *list = s->cfg->models;
	size_t cap = ps_model_count();
	s->scan_models = ps_xcalloc(cap + 1, sizeof *s->scan_models);
	if (!list) {
		for (size_t i = 0; i < cap; i++)
			s->scan_models[s->n_scan_models++] = ps_model_at(i);
		return true;
	}
	char *copy = ps_xstrdup(list);
	bool ok = true;
	for (char *save = NULL, *tok = strtok_r(copy, ", ", &save); tok && ok;
	     tok = strtok_r(NULL, ", ", &save)) {
		const struct ps_model *m = ps_model_find(tok);
		if (!m) {
			*err = ps_xasprintf("--models: no model '%s' in the catalogue (see "
					    "--list-models)",
					    tok);
			ok = false;
			break;
		}
		bool seen = false;
		for (size_t i = 0; i < s->n_scan_models; i++)
			seen |= s->scan_models[i] == m;
		if (!seen)
			s->scan_models[s->n_scan_models++] = m;
	}
	free(copy);
	if (ok && !s->n_scan_models) {
		*err = ps_xasprintf("--models '%s': name at least one model (see --list-models)",
				    list);
		ok = false;
	}
	return ok;
}

/* --- the demo ------------------------------------------------------------------ */

/* Start the lab and mint the phone's certificate; the lab's rule becomes
 * the target and its address a pin. */
static bool start_demo(struct ps_session *s, FILE *lab_log, char **err)
{
	const struct ps_config *c = s->cfg;
	struct ps_identity id;
	ps_identity_init(&id, s->model);
	if (c->mac)
		ps_identity_set_mac(&id, c->mac); /* checked */
	if (c->serial)
		ps_identity_set_serial(&id, c->serial);
	char *why = NULL;
	bool ok = ps_demo_start(&s->demo, &id, c->lab.fault, c->lab.pki, lab_log, &why);
	/* The minted certificate names this MAC: every run keeps it. */
	memcpy(s->mac, id.mac, sizeof s->mac);
	ps_identity_clear(&id);
	if (!ok) {
		*err = ps_xasprintf("--demo: %s", why);
		free(why);
		return false;
	}
	s->demo_started = true;
	s->pins = ps_xcalloc(c->n_pins + 2, sizeof *s->pins);
	if (c->n_pins) /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(s->pins, c->pins, c->n_pins * sizeof *s->pins);
	s->n_pins = c->n_pins;
	const char *own[] = { s->demo.pin, s->demo.pin_http };
	for (size_t i = 0; i < 2; i++) {
		if (!ps_pin_parse(own[i], &s->pins[s->n_pins], &why)) {
			*err = ps_xasprintf("--demo: %s", why);
			free(why);
			return false;
		}
		s->n_pins++;
	}
	/* The lab's vendor CA for both clients, as a live run with --ca of it
	 * gives it: the demo's happy path is what that run would show. */
	s->trust = ps_trust_new_mem(s->demo.ca_pem, s->demo.ca_pem, c->system_trust);
	return true;
}

/* --- open and close ---------------------------------------------------------------- */

/* --keylog FILE: GnuTLS writes every session's secrets where
 * SSLKEYLOGFILE names, read at the first handshake, so setting it here,
 * before any, is enough. GnuTLS says nothing when it cannot write: try
 * first. */
static bool keylog(const char *file, char **err)
{
	/* It holds what decrypts the sessions: readable by its owner alone
	 * when made here (GnuTLS would make it as the umask says). */
	int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		*err = ps_xasprintf("--keylog %s: cannot write to it: %s", file, strerror(errno));
		return false;
	}
	close(fd);
	setenv("SSLKEYLOGFILE", file, 1);
	return true;
}

/* Whether this host can make `m`'s offer: false with `*err` when not at
 * all (a system policy that forbids TLS 1.0, say). When only some of its
 * suites are left out, each run says so (tls.local_policy). */
static bool local_policy(const struct ps_model *m, char **err)
{
	bool fatal;
	char *who = m->file ? ps_xasprintf("the learned %s (%s)", m->id, m->file)
			    : ps_xasprintf("%s %s", ps_model_article(m), m->product);
	char *why = ps_tls_local_policy(who, m->priority, m->suites, true, &fatal);
	free(who);
	if (why && fatal) {
		*err = why;
		return false;
	}
	free(why);
	return true;
}

/* The options checked against the files they name. */
static bool load(struct ps_session *s, FILE *lab_log, char **err)
{
	const struct ps_config *c = s->cfg;
	const char *priority = c->priority ? c->priority : s->model->priority;
	bool demo = c->cmd == PS_CMD_DEMO || (c->cmd == PS_CMD_SCAN && c->demo);
	bool live =
	    (c->cmd == PS_CMD_LIVE || c->cmd == PS_CMD_SCAN || c->cmd == PS_CMD_STORM) && !demo;
	if (!check_mac(c->mac, err) || !check_text("--serial", c->serial, err) ||
	    !check_text("--firmware", c->firmware, err) ||
	    (c->priority ? !ps_tls_priority_check(priority, err) : !local_policy(s->model, err)) ||
	    (live && c->target && !ps_engine_check_target(c->target, err)) ||
	    (c->download && !check_download(c->download, err)))
		return false;
	if (c->keylog && !keylog(c->keylog, err))
		return false;
	if (c->cmd == PS_CMD_SCAN && !load_models(s, err))
		return false;
	for (size_t i = 0; i < s->n_scan_models; i++)
		if (s->scan_models[i] != s->model && !local_policy(s->scan_models[i], err))
			return false;
	if (demo) {
		if (!start_demo(s, lab_log, err))
			return false;
		s->creds = ps_tls_creds_new_mem(s->demo.cert_pem, s->demo.key_pem, err);
	} else {
		if (!(s->trust = ps_trust_new_files(c->ca, c->modern_ca, c->system_trust, err)))
			return false;
		s->creds = ps_tls_creds_new(c->cert, c->key, err);
	}
	return s->creds != NULL;
}

int ps_session_open(const struct ps_config *cfg, FILE *lab_log, struct ps_session **out, char **err)
{
	*out = NULL;
	const struct ps_model *model = ps_config_model(cfg, err);
	if (!model)
		return PS_EXIT_USAGE;
	struct ps_session *s = ps_xcalloc(1, sizeof *s);
	s->cfg = cfg;
	s->model = model;
	s->chain_memo = ps_chain_memo_new();
	if (!load(s, lab_log, err)) {
		ps_session_close(s);
		if (!cfg->show_secrets) { /* a URL's password, a rule's --key */
			char *r = ps_redact_secrets(*err);
			free(*err);
			*err = r;
		}
		return PS_EXIT_USAGE;
	}
	*out = s;
	return PS_EXIT_OK;
}

void ps_session_close(struct ps_session *s)
{
	if (!s)
		return;
	/* only the demo's own pins (after the user's) are ours */
	for (size_t i = s->cfg->n_pins; i < s->n_pins; i++)
		ps_pin_clear(&s->pins[i]);
	free(s->pins);
	if (s->demo_started)
		ps_demo_stop(&s->demo);
	ps_tls_creds_free(s->creds);
	ps_trust_free(s->trust);
	ps_chain_memo_free(s->chain_memo);
	free(s->scan_models);
	free(s);
}

/* --- views ---------------------------------------------------------------------------- */

const struct ps_config *ps_session_config(const struct ps_session *s)
{
	return s->cfg;
}

const struct ps_model *ps_session_model(const struct ps_session *s)
{
	return s->model;
}

const char *ps_session_target(const struct ps_session *s)
{
	return s->demo_started ? s->demo.target : s->cfg->target;
}

const char *ps_session_mac(const struct ps_session *s)
{
	return s->demo_started ? s->mac : s->cfg->mac;
}

struct ps_tls_creds *ps_session_demo_creds(const struct ps_session *s, const struct ps_identity *id,
					   char **err)
{
	*err = NULL;
	if (!s->demo_started || s->cfg->mac || strcmp(id->mac, s->mac) == 0)
		return NULL;
	char *product = ps_lab_device_product(id->model->product);
	char *cert = NULL, *key = NULL;
	int rc = ps_lab_mint_device(s->demo.lab, id->mac, product, id->serial, &cert, &key, err);
	free(product);
	struct ps_tls_creds *c = rc < 0 ? NULL : ps_tls_creds_new_mem(cert, key, err);
	free(cert);
	free(key);
	return c;
}

const struct ps_pin *ps_session_pins(const struct ps_session *s, size_t *n)
{
	*n = s->demo_started ? s->n_pins : s->cfg->n_pins;
	return s->demo_started ? s->pins : s->cfg->pins;
}

const struct ps_tls_creds *ps_session_creds(const struct ps_session *s)
{
	return s->creds;
}

const struct ps_trust *ps_session_trust(const struct ps_session *s)
{
	return s->trust;
}

const struct ps_model *const *ps_session_scan_models(const struct ps_session *s, size_t *n)
{
	*n = s->n_scan_models;
	return s->scan_models;
}

struct ps_chain_memo *ps_session_chain_memo(const struct ps_session *s)
{
	return s->chain_memo;
}
