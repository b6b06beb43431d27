/* The lab's session records (see record.h), with jansson. */
#include "config.h"

#include "lab/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/json.h"
#include "core/util.h"
#include "phone/catalogue.h"
#include "tlswire/fingerprint.h"
#include "tlswire/tlsnames.h"

static json_t *hex_list(const unsigned *v, size_t n, unsigned width)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		char buf[8];
		snprintf(buf, sizeof buf, width == 1 ? "0x%02x" : "0x%04x", v[i]);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

json_t *ps_lab_hello_json(const struct ps_client_hello *ch)
{
	json_t *o = json_object();
	const char *v = ps_version_name(ch->version), *mv = ps_version_name(ch->max_version);
	json_object_set_new(o, "version", ps_json_string_or_null(v));
	json_object_set_new(o, "max_version", ps_json_string_or_null(mv));
	char id[8];
	snprintf(id, sizeof id, "0x%04x", ch->version);
	json_object_set_new(o, "version_id", json_string(id));
	snprintf(id, sizeof id, "0x%04x", ch->max_version);
	json_object_set_new(o, "max_version_id", json_string(id));
	json_t *suites = json_array();
	for (size_t i = 0; i < ch->n_suites; i++) {
		json_t *s = json_object();
		snprintf(id, sizeof id, "0x%04x", ch->suites[i]);
		json_object_set_new(s, "id", json_string(id));
		json_object_set_new(s, "name",
				    ps_json_string_or_null(ps_suite_name(ch->suites[i])));
		json_array_append_new(suites, s);
	}
	json_object_set_new(o, "cipher_suites", suites);
	json_object_set_new(o, "compression_methods",
			    hex_list(ch->compressions, ch->n_compressions, 1));
	json_object_set_new(o, "extensions", hex_list(ch->extensions, ch->n_extensions, 2));
	json_t *data = json_array();
	for (size_t i = 0; ch->ext_data && i < ch->n_extensions; i++) {
		json_t *e = json_object();
		snprintf(id, sizeof id, "0x%04x", ch->extensions[i]);
		json_object_set_new(e, "type", json_string(id));
		json_object_set_new(e, "name",
				    ps_json_string_or_null(ps_extension_name(ch->extensions[i])));
		json_object_set_new(e, "data", json_string(ch->ext_data[i]));
		json_array_append_new(data, e);
	}
	json_object_set_new(o, "extension_data", data);
	json_object_set_new(o, "server_name", ps_json_string_or_null(ch->sni));
	json_object_set_new(o, "alpn", ps_json_string_or_null(ch->alpn));
	json_object_set_new(o, "supported_groups", hex_list(ch->groups, ch->n_groups, 2));
	json_object_set_new(o, "ec_point_formats",
			    hex_list(ch->point_formats, ch->n_point_formats, 1));
	json_object_set_new(o, "signature_algorithms", hex_list(ch->sig_algs, ch->n_sig_algs, 2));
	json_object_set_new(o, "supported_versions", hex_list(ch->versions, ch->n_versions, 2));
	json_object_set_new(o, "session_id", json_boolean(ch->session_id));
	if (ch->sslv2)
		json_object_set_new(o, "sslv2", json_true());
	return o;
}

json_t *ps_lab_match_json(const struct ps_client_hello *ch, const struct ps_offer_match *m)
{
	json_t *o = json_object();
	char *s = ps_ja3_string(ch);
	json_object_set_new(o, "ja3", json_string(m->ja3));
	json_object_set_new(o, "ja3_string", json_string(s));
	free(s);
	json_object_set_new(o, "ja4", json_string(m->ja4));
	s = ps_ja4_r(ch);
	json_object_set_new(o, "ja4_r", json_string(s));
	free(s);
	json_t *same = json_array();
	for (size_t i = 0; ps_model_at(i) && i < sizeof m->same / sizeof m->same[0]; i++)
		if (m->same[i])
			json_array_append_new(same, json_string(ps_model_at(i)->id));
	json_object_set_new(o, "offer_of", same);
	json_object_set_new(o, "closest",
			    m->closest >= 0 ? json_string(ps_model_at((size_t)m->closest)->id)
					    : json_null());
	json_object_set_new(o, "differs",
			    m->n_same || !*m->differs ? json_null() : json_string(m->differs));
	return o;
}

json_t *ps_lab_cert_json(const struct ps_lab_cert_seen *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "subject", ps_json_string_or_null(c->subject));
	json_object_set_new(o, "issuer", ps_json_string_or_null(c->issuer));
	json_object_set_new(o, "not_before", ps_json_string_or_null(c->not_before));
	json_object_set_new(o, "not_after", ps_json_string_or_null(c->not_after));
	json_object_set_new(o, "key", ps_json_string_or_null(c->key));
	json_object_set_new(o, "mac", c->mac[0] ? json_string(c->mac) : json_null());
	json_object_set_new(o, "product", ps_json_string_or_null(c->product));
	json_object_set_new(o, "trusted", json_boolean(c->trusted));
	json_object_set_new(o, "reason", ps_json_string_or_null(c->reason));
	return o;
}

char *ps_lab_session_json(const struct ps_lab_session *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "time", json_string(s->time));
	json_object_set_new(o, "peer", json_string(s->peer));
	json_object_set_new(o, "scheme", json_string(s->https ? "https" : "http"));
	json_object_set_new(o, "client_hello", s->ch ? ps_lab_hello_json(s->ch) : json_null());
	json_object_set_new(o, "fingerprint",
			    s->ch && s->offer ? ps_lab_match_json(s->ch, s->offer) : json_null());
	json_object_set_new(o, "handshake_completed", json_boolean(s->handshake_completed));
	json_object_set_new(o, "alert", ps_json_string_or_null(s->alert));
	json_object_set_new(o, "client_alert", ps_json_string_or_null(s->client_alert));
	json_object_set_new(o, "certificate", s->cert ? ps_lab_cert_json(s->cert) : json_null());
	json_object_set_new(o, "user_agent", ps_json_string_or_null(s->user_agent));
	json_object_set_new(o, "model", ps_json_string_or_null(s->model));
	json_t *rq = json_array();
	for (size_t i = 0; i < s->n_requests; i++)
		json_array_append_new(rq, json_string(s->requests[i]));
	json_object_set_new(o, "requests", rq);
	char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	return text ? text : ps_xstrdup("{}");
}

void ps_lab_cert_seen_clear(struct ps_lab_cert_seen *c)
{
	free(c->subject);
	free(c->issuer);
	free(c->not_before);
	free(c->not_after);
	free(c->key);
	free(c->product);
	free(c->reason);
	memset(c, 0, sizeof *c);
}
