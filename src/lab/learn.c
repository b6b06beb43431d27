/* The lab's model files (see learn.h). */
#include "config.h"

#include "lab/learn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/json.h"
#include "core/util.h"
#include "engine/offer.h"
#include "phone/catalogue.h"
#include "phone/identity.h"

/* The macro at `p` ("$SWVER"...): its length, 0 when none. */
static size_t macro_at(const char *p, const char **name)
{
	static const char *const names[] = { "SWVER", "MAU", "MA", "SN", "PSN", "PN" };
	if (*p != '$')
		return 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t n = strlen(names[i]);
		if (strncmp(p + 1, names[i], n) == 0) {
			*name = names[i];
			return n + 1;
		}
	}
	return 0;
}

bool ps_ua_capture(const char *format, const char *ua, char **swver, char **sn, char **mac)
{
	*swver = *sn = *mac = NULL;
	const char *f = format, *u = ua;
	while (*f) {
		const char *name;
		size_t ml = macro_at(f, &name);
		if (!ml) {
			if (*f++ != *u++)
				goto no;
			continue;
		}
		f += ml;
		/* the value runs to the next literal text of the format */
		size_t lit = 0;
		const char *dummy;
		while (f[lit] && !macro_at(f + lit, &dummy))
			lit++;
		const char *end = u + strlen(u);
		if (lit) {
			char *want = ps_xstrndup(f, lit);
			const char *at = strstr(u, want);
			free(want);
			if (!at)
				goto no;
			end = at;
		}
		if (end == u)
			goto no;
		char *v = ps_xstrndup(u, (size_t)(end - u));
		char **slot = strcmp(name, "SWVER") == 0 ? swver
			      : strcmp(name, "SN") == 0  ? sn
			      : name[0] == 'M'           ? mac
							 : NULL;
		if (slot && !*slot)
			*slot = v;
		else
			free(v);
		u = end;
	}
	if (!*u)
		return true;
no:
	free(*swver), free(*sn), free(*mac);
	*swver = *sn = *mac = NULL;
	return false;
}

/* `ua` with `value` (when found) replaced by `macro`. */
static char *put_macro(char *ua, const char *value, const char *macro)
{
	char *at = value && *value ? strstr(ua, value) : NULL;
	if (!at)
		return ua;
	char *s = ps_xasprintf("%.*s%s%s", (int)(at - ua), ua, macro, at + strlen(value));
	free(ua);
	return s;
}

/* What a User-Agent tells of the phone, by the format of `base` (else
 * its values put back as macros): into `o`. `mac` is the certificate's
 * ("" when none), completed from the User-Agent. */
static void ua_fields(json_t *o, const struct ps_model *base, const char *ua, char mac[13])
{
	char *swver = NULL, *sn = NULL, *uamac = NULL, *format = NULL;
	if (ua) {
		if (ps_ua_capture(base->ua_format, ua, &swver, &sn, &uamac)) {
			format = ps_xstrdup(base->ua_format);
		} else {
			format = ps_xstrdup(ua);
			char mau[13];
			for (size_t i = 0; i < sizeof mau; i++)
				mau[i] =
				    (char)(mac[i] >= 'a' && mac[i] <= 'f' ? mac[i] - 32 : mac[i]);
			format = put_macro(format, mac[0] ? mac : NULL, "$MA");
			format = put_macro(format, mac[0] ? mau : NULL, "$MAU");
		}
		if (!mac[0] && uamac)
			ps_mac_normalize(uamac, mac);
	}
	json_object_set_new(o, "user_agent", ua ? json_string(ua) : json_null());
	json_object_set_new(o, "ua_format", format ? json_string(format) : json_null());
	json_object_set_new(o, "firmware", swver ? json_string(swver) : json_null());
	json_object_set_new(o, "serial", sn ? json_string(sn) : json_null());
	json_object_set_new(o, "mac", mac[0] ? json_string(mac) : json_null());
	free(swver), free(sn), free(uamac), free(format);
}

const struct ps_model *ps_ua_names(const char *ua)
{
	const char *slash = ua ? strchr(ua, '/') : NULL;
	if (!slash)
		return NULL;
	char tok[64];
	size_t n = strcspn(slash + 1, " ");
	if (n >= sizeof tok)
		return NULL;
	memcpy(tok, slash + 1, n);
	tok[n] = '\0';
	char *dash = strrchr(tok, '-');
	if (dash)
		*dash = '\0';
	return ps_model_find(tok);
}

/* The catalogue model a User-Agent names, a learned one's base. */
static const struct ps_model *named_by(const char *ua)
{
	const struct ps_model *m = ps_ua_names(ua);
	return m && m->hello ? ps_model_find(m->based_on) : m;
}

/* Write `o` to `path` whole. */
static int write_json(const char *path, json_t *o, char **err)
{
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	if (!text) {
		*err = ps_xstrdup("the model file could not be made (out of memory)");
		return -1;
	}
	int rc = -1;
	struct ps_atomic *a = NULL;
	FILE *f = ps_atomic_open(path, &a, err);
	if (f) {
		fprintf(f, "%s\n", text);
		rc = ps_atomic_commit(a, err);
	}
	free(text);
	return rc;
}

int ps_lab_learn_ua(const char *path, const char *ua, const char *match, char **said, char **err)
{
	json_error_t je;
	json_t *o = json_load_file(path, 0, &je);
	if (!o) {
		*err = ps_xasprintf("%s: %s", path, je.text);
		return -1;
	}
	const struct ps_model *base = named_by(ua);
	if (!base)
		base = ps_model_find(json_string_value(json_object_get(o, "based_on")));
	if (!base)
		base = ps_model_default();
	char mac[13] = "";
	const char *cm = json_string_value(json_object_get(o, "mac"));
	if (cm)
		ps_mac_normalize(cm, mac);
	json_object_set_new(o, "based_on", json_string(base->id));
	ua_fields(o, base, ua, mac);
	json_t *l = json_object_get(o, "learned");
	if (json_is_object(l) && match)
		json_object_set_new(l, "match", json_string(match));
	int rc = write_json(path, o, err);
	if (rc == 0)
		*said = ps_xasprintf("updated %s: the User-Agent of a plain-HTTP request from the "
				     "same address, \"%s\"; based on %s",
				     path, ua, base->id);
	json_decref(o);
	return rc;
}

int ps_lab_learn(const char *path, const char *name, const struct ps_lab_session *s, char **said,
		 char **err)
{
	if (!s->ch->n_suites) {
		*err = ps_xstrdup("its ClientHello offers no cipher suite: nothing to play");
		return -2;
	}
	const struct ps_model *base = s->model ? ps_model_find(s->model) : NULL;
	if (base && base->hello)
		base = ps_model_find(base->based_on);
	bool by_offer = false;
	if (!base && s->offer && s->offer->closest >= 0) {
		base = ps_model_at((size_t)s->offer->closest);
		if (base && base->hello)
			base = ps_model_find(base->based_on);
		by_offer = base != NULL;
	}
	if (!base)
		base = ps_model_default();
	char mac[13] = "";
	if (s->cert && s->cert->mac[0])
		memcpy(mac, s->cert->mac, sizeof mac);
	bool sni = false;
	char *priority = ps_offer_priority(s->ch, &sni);
	char *unplayable = ps_offer_unplayable(s->ch, priority, sni);
	char *match =
	    ps_offer_match_text(s->offer, s->model ? ps_model_find(s->model) : NULL, s->ch);

	json_t *o = json_object();
	json_object_set_new(o, "provscope_model_file", json_integer(1));
	json_object_set_new(o, "id", json_string(name));
	json_object_set_new(o, "based_on", json_string(base->id));
	json_t *l = json_object();
	json_object_set_new(l, "time", json_string(s->time));
	json_object_set_new(l, "peer", json_string(s->peer));
	json_object_set_new(l, "by", json_string("provscope " PACKAGE_VERSION));
	json_object_set_new(l, "match", json_string(match));
	json_object_set_new(o, "learned", l);
	ua_fields(o, base, s->user_agent, mac);
	json_object_set_new(o, "client_hello", ps_lab_hello_json(s->ch));
	json_object_set_new(o, "fingerprint", ps_lab_match_json(s->ch, s->offer));
	json_object_set_new(o, "certificate", s->cert ? ps_lab_cert_json(s->cert) : json_null());
	json_object_set_new(o, "priority", json_string(priority));
	json_object_set_new(o, "sni", json_boolean(sni));
	json_object_set_new(o, "unplayable", ps_json_string_or_null(unplayable));
	int rc = write_json(path, o, err);
	json_decref(o);
	if (rc == 0) {
		struct ps_buf b = { 0 };
		ps_buf_printf(
		    &b, "learned model %s from %s: wrote %s; based on %s (%s)", name, s->peer, path,
		    base->id,
		    s->model   ? "its User-Agent"
		    : by_offer ? (s->user_agent ? "the closest offer: its User-Agent names no model"
						: "the closest offer: it sent no User-Agent")
			       : (s->user_agent ? "the default: its User-Agent names no model"
						: "the default: it sent no User-Agent"));
		if (unplayable)
			ps_buf_printf(&b, "; provscope plays it as far as GnuTLS allows: %s",
				      unplayable);
		else
			ps_buf_puts(&b, "; provscope plays its offer exactly");
		ps_buf_printf(&b, "; play it with --model-file %s", path);
		*said = ps_buf_take(&b);
	}
	free(priority), free(unplayable), free(match);
	return rc;
}
