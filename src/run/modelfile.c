/* Model files (see modelfile.h), with jansson. */
#include "config.h"

#include "run/modelfile.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/util.h"
#include "engine/offer.h"
#include "engine/tls.h"
#include "phone/identity.h"
#include "tlswire/tlsnames.h"
#include "tlswire/tlswire.h"

#define MAX_FILE (1024 * 1024)
#define MAX_LIST 512

bool ps_model_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n < 1 || n > 31 ||
	    !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* "0x0301" (or a number) into `*v`. */
static bool hex_value(const json_t *j, unsigned max, unsigned *v)
{
	if (json_is_integer(j)) {
		json_int_t i = json_integer_value(j);
		if (i < 0 || (unsigned long long)i > max)
			return false;
		*v = (unsigned)i;
		return true;
	}
	const char *s = json_string_value(j);
	if (!s || strncmp(s, "0x", 2) != 0 || !s[2] || strlen(s) > 6 ||
	    strspn(s + 2, "0123456789abcdefABCDEF") != strlen(s + 2))
		return false;
	unsigned long x = strtoul(s + 2, NULL, 16);
	if (x > max)
		return false;
	*v = (unsigned)x;
	return true;
}

/* A list of hex values (or, for suites, objects with an "id"). */
static bool hex_list(const json_t *o, const char *key, unsigned max, unsigned **out, size_t *n,
		     char **what)
{
	const json_t *a = json_object_get(o, key);
	*out = NULL;
	*n = 0;
	if (!a || json_is_null(a))
		return true;
	if (!json_is_array(a) || json_array_size(a) > MAX_LIST) {
		*what = ps_xasprintf("client_hello.%s is no list (of at most %d)", key, MAX_LIST);
		return false;
	}
	*out = ps_xcalloc(json_array_size(a) + 1, sizeof **out);
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *e = json_array_get(a, i);
		if (json_is_object(e))
			e = json_object_get(e, "id");
		if (!hex_value(e, max, &(*out)[i])) {
			*what = ps_xasprintf("client_hello.%s[%zu] is no value such as \"0x%0*x\"",
					     key, i, max > 0xff ? 4 : 2, max > 0xff ? 0x002f : 0);
			return false;
		}
	}
	*n = json_array_size(a);
	return true;
}

static bool version_of(const json_t *o, const char *id_key, const char *name_key, unsigned *v)
{
	if (hex_value(json_object_get(o, id_key), 0xffff, v))
		return true;
	const char *name = json_string_value(json_object_get(o, name_key));
	for (unsigned x = 0x0300; name && x <= 0x0304; x++)
		if (ps_version_name(x) && strcmp(ps_version_name(x), name) == 0) {
			*v = x;
			return true;
		}
	return false;
}

/* What is wrong with the fields a person may edit, NULL when nothing:
 * each is a string or null, the MAC a MAC, the priority string one GnuTLS
 * takes. */
static char *field_errors(const json_t *o)
{
	static const char *const keys[] = { "firmware", "serial",   "ua_format",
					    "mac",      "priority", "user_agent" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const json_t *v = json_object_get(o, keys[i]);
		if (v && !json_is_null(v) && !json_is_string(v))
			return ps_xasprintf("\"%s\" must be a string or null", keys[i]);
	}
	const json_t *learned = json_object_get(o, "learned");
	const char *texts[][2] = {
		{ "firmware", json_string_value(json_object_get(o, "firmware")) },
		{ "serial", json_string_value(json_object_get(o, "serial")) },
		{ "ua_format", json_string_value(json_object_get(o, "ua_format")) },
		{ "priority", json_string_value(json_object_get(o, "priority")) },
		{ "learned.peer", json_string_value(json_object_get(learned, "peer")) },
		{ "learned.time", json_string_value(json_object_get(learned, "time")) },
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		for (const char *p = texts[i][1]; p && *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return ps_xasprintf("\"%s\" holds a control character (0x%02x)",
						    texts[i][0], (unsigned char)*p);
	const char *mac = json_string_value(json_object_get(o, "mac"));
	char norm[13];
	if (mac && *mac && !ps_mac_normalize(mac, norm))
		return ps_xasprintf("\"mac\" '%s' is no MAC address (12 hexadecimal digits)", mac);
	const char *prio = json_string_value(json_object_get(o, "priority"));
	char *perr = NULL;
	if (prio && *prio && !ps_tls_priority_check(prio, &perr)) {
		char *w = ps_xasprintf("\"priority\": GnuTLS does not take it (%s); correct it, "
				       "or remove the field to have one made from the offer",
				       perr);
		free(perr);
		return w;
	}
	return NULL;
}

static char *opt_string(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? ps_xstrdup(s) : NULL;
}

static bool parse_hello(const json_t *h, struct ps_client_hello *ch, char **what)
{
	memset(ch, 0, sizeof *ch);
	if (!json_is_object(h)) {
		*what = ps_xstrdup("it has no client_hello object");
		return false;
	}
	if (!version_of(h, "version_id", "version", &ch->version) ||
	    !version_of(h, "max_version_id", "max_version", &ch->max_version)) {
		*what = ps_xstrdup("client_hello has no version (version_id, max_version_id)");
		return false;
	}
	if (!hex_list(h, "cipher_suites", 0xffff, &ch->suites, &ch->n_suites, what) ||
	    !hex_list(h, "compression_methods", 0xff, &ch->compressions, &ch->n_compressions,
		      what) ||
	    !hex_list(h, "extensions", 0xffff, &ch->extensions, &ch->n_extensions, what) ||
	    !hex_list(h, "supported_groups", 0xffff, &ch->groups, &ch->n_groups, what) ||
	    !hex_list(h, "ec_point_formats", 0xff, &ch->point_formats, &ch->n_point_formats,
		      what) ||
	    !hex_list(h, "signature_algorithms", 0xffff, &ch->sig_algs, &ch->n_sig_algs, what) ||
	    !hex_list(h, "supported_versions", 0xffff, &ch->versions, &ch->n_versions, what))
		return false;
	if (!ch->n_suites) {
		*what = ps_xstrdup("client_hello offers no cipher suite");
		return false;
	}
	ch->sni = opt_string(h, "server_name");
	ch->alpn = opt_string(h, "alpn");
	ch->session_id = json_is_true(json_object_get(h, "session_id"));
	ch->sslv2 = json_is_true(json_object_get(h, "sslv2"));
	return true;
}

/* "TLS 1.0; NAME, NAME": the words --list-models shows. */
static char *suite_words(const struct ps_client_hello *ch)
{
	struct ps_buf b = { 0 };
	const char *v = ps_version_name(ch->max_version);
	if (v && strncmp(v, "TLS", 3) == 0)
		ps_buf_printf(&b, "TLS %s;", v + 3);
	else
		ps_buf_printf(&b, "%s;", v ? v : "?");
	bool first = true;
	for (size_t i = 0; i < ch->n_suites; i++) {
		if (ps_grease(ch->suites[i]) || ch->suites[i] == 0x00ff)
			continue;
		const char *n = ps_suite_name(ch->suites[i]);
		char id[8];
		snprintf(id, sizeof id, "0x%04x", ch->suites[i]);
		ps_buf_printf(&b, "%s %s", first ? "" : ",", n ? n : id);
		first = false;
	}
	return ps_buf_take(&b);
}

/* The catalogue row's assumed fields less those the phone showed. */
static char *assumed_less(const char *assumed, bool ua)
{
	struct ps_buf b = { 0 };
	ps_buf_puts(&b, "");
	const char *p = assumed;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		bool shown = (n == 6 && strncmp(p, "suites", 6) == 0) ||
			     (ua && n == 2 && strncmp(p, "ua", 2) == 0);
		if (!shown)
			ps_buf_printf(&b, "%s%.*s", b.len ? "," : "", (int)n, p);
		p += n + (p[n] == ',');
	}
	return ps_buf_take(&b);
}

static void model_free(struct ps_model *m, const struct ps_model *base);

int ps_model_file_load(const char *path, const struct ps_model **out, char **err)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		*err = ps_xasprintf("--model-file %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
		*err = ps_xasprintf("--model-file %s: %s", path,
				    S_ISREG(st.st_mode) ? "larger than 1 MiB: no model file"
							: "not a regular file");
		return -1;
	}
	json_error_t je;
	json_t *o = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		*err = ps_xasprintf("--model-file %s: line %d: %s", path, je.line, je.text);
		return -1;
	}
	char *what = NULL;
	struct ps_client_hello *ch = ps_xcalloc(1, sizeof *ch);
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *based = json_string_value(json_object_get(o, "based_on"));
	const struct ps_model *base = based ? ps_model_find(based) : NULL;
	json_t *ver = json_object_get(o, "provscope_model_file");
	if (!json_is_object(o) || !json_is_number(ver))
		what =
		    ps_xstrdup("not a provscope model file (it has no \"provscope_model_file\": 1; "
			       "provscope lab --learn-model NAME writes them)");
	else if (json_number_value(ver) != 1)
		what = ps_xasprintf("model file format %g: this provscope reads format 1",
				    json_number_value(ver));
	else if (!ps_model_name_valid(id))
		what = ps_xstrdup("\"id\" must be 1 to 31 lower-case letters, digits, '.', '_' or "
				  "'-'");
	else if (!base || base->hello)
		what =
		    ps_xasprintf("\"based_on\" %s%s%s is no catalogue model (see --list-models)",
				 based ? "'" : "", based ? based : "(missing)", based ? "'" : "");
	else if ((what = field_errors(o)) == NULL)
		parse_hello(json_object_get(o, "client_hello"), ch, &what);
	if (what) {
		*err = ps_xasprintf("--model-file %s: %s", path, what);
		free(what);
		ps_client_hello_free(ch);
		free(ch);
		json_decref(o);
		return -1;
	}
	struct ps_model *m = ps_xcalloc(1, sizeof *m);
	*m = *base;
	m->id = ps_xstrdup(id);
	m->based_on = base->id;
	m->hello = ch;
	m->file = ps_xstrdup(path);
	char *fw = opt_string(o, "firmware"), *sn = opt_string(o, "serial"),
	     *ua = opt_string(o, "ua_format"), *mac = opt_string(o, "mac");
	char norm[13];
	if (fw)
		m->firmware = fw;
	if (sn)
		m->serial = sn;
	if (ua)
		m->ua_format = ua;
	if (mac && ps_mac_normalize(mac, norm))
		m->mac = ps_xstrdup(norm);
	free(mac);
	bool sni = false;
	for (size_t i = 0; i < ch->n_extensions; i++)
		sni |= ch->extensions[i] == 0;
	m->no_sni = !sni;
	/* the file's priority string when it holds one GnuTLS takes (it may
	 * have been edited), else the one made from the offer */
	char *prio = opt_string(o, "priority");
	if (!prio) {
		bool s2;
		prio = ps_offer_priority(ch, &s2);
	}
	m->priority = prio;
	m->suites = suite_words(ch);
	m->unplayable = ps_offer_unplayable(ch, prio, sni);
	json_t *l = json_object_get(o, "learned");
	const char *peer = json_string_value(json_object_get(l, "peer"));
	const char *when = json_string_value(json_object_get(l, "time"));
	m->notes = ps_xasprintf(
	    "Learned from the phone at %s on %s (model file %s); the rest is the %s's. %s%s%s",
	    peer ? peer : "?", when ? when : "?", path, base->product,
	    m->unplayable ? "GnuTLS cannot send all of its offer: "
			  : "provscope sends its offer "
			    "exactly.",
	    m->unplayable ? m->unplayable : "", m->unplayable ? "." : "");
	m->sources = "model file";
	m->assumed = assumed_less(base->assumed, ua != NULL);
	json_decref(o);
	if (ps_model_count() >= PS_MODEL_MAX) {
		*err = ps_xasprintf("--model-file %s: more than %zu learned models: give fewer",
				    path, (size_t)PS_MODEL_MAX - ps_model_builtin_count());
		model_free(m, base);
		return -1;
	}
	if (!ps_model_add(m)) {
		const struct ps_model *had = ps_model_find(m->id);
		*err = ps_xasprintf("--model-file %s: the name '%s' is taken (%s%s)", path, m->id,
				    had && had->file ? "by " : "by the catalogue's ",
				    had && had->file ? had->file
				    : had            ? had->id
						     : "?");
		model_free(m, base);
		return -1;
	}
	*out = m;
	return 0;
}

/* Free a model this file made (its fields not borrowed from `base`). */
static void model_free(struct ps_model *m, const struct ps_model *base)
{
	const char *own[] = { m->firmware, m->serial, m->ua_format };
	const char *theirs[] = { base->firmware, base->serial, base->ua_format };
	for (size_t i = 0; i < 3; i++)
		if (own[i] != theirs[i])
			free((char *)own[i]);
	free((char *)m->id), free((char *)m->file), free((char *)m->mac);
	free((char *)m->priority), free((char *)m->suites), free((char *)m->unplayable);
	free((char *)m->notes), free((char *)m->assumed);
	ps_client_hello_free((struct ps_client_hello *)m->hello);
	free((struct ps_client_hello *)m->hello);
	free(m);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ps_model_files_load(const char *const *args, size_t n, const struct ps_model **only, char **err)
{
	*only = NULL;
	size_t loaded = 0;
	bool from_dir = false;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			from_dir = true;
			DIR *d = opendir(args[i]);
			if (!d) {
				*err =
				    ps_xasprintf("--model-file %s: %s", args[i], strerror(errno));
				return -1;
			}
			char **names = NULL;
			size_t k = 0, cap = 0;
			struct dirent *e;
			while ((e = readdir(d))) {
				size_t len = strlen(e->d_name);
				if (e->d_name[0] == '.' || len < 6 ||
				    strcmp(e->d_name + len - 5, ".json") != 0)
					continue;
				names = ps_xgrow(names, &cap, k + 1, sizeof *names);
				names[k++] = ps_xasprintf("%s/%s", args[i], e->d_name);
			}
			closedir(d);
			if (!k) {
				*err = ps_xasprintf(
				    "--model-file %s: a directory without a model file "
				    "(NAME.json) in it",
				    args[i]);
				free(names);
				return -1;
			}
			qsort(names, k, sizeof *names, by_name);
			int rc = 0;
			for (size_t j = 0; j < k; j++) {
				const struct ps_model *m;
				if (rc == 0 && (rc = ps_model_file_load(names[j], &m, err)) == 0)
					loaded++;
				free(names[j]);
			}
			free(names);
			if (rc < 0)
				return -1;
			continue;
		}
		const struct ps_model *m;
		if (ps_model_file_load(args[i], &m, err) < 0)
			return -1;
		loaded++;
		*only = m;
	}
	if (loaded != 1 || from_dir)
		*only = NULL;
	return 0;
}
