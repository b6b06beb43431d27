/* The lab's --record: one JSON object per client connection, appended as
 * a line when the connection closes: its ClientHello in full, JA3 and JA4,
 * how the offer compares with the catalogue, the client certificate, the
 * User-Agent and the requests ($defs/lab_record in the schema). */
#ifndef PS_LAB_RECORD_H
#define PS_LAB_RECORD_H

#include <stdbool.h>

#include <jansson.h>

#include "lab/match.h"
#include "tlswire/tlswire.h"

struct ps_lab_cert_seen {
	char *subject, *issuer;       /* RFC 4514 */
	char *not_before, *not_after; /* RFC 3339, UTC */
	char *key;                    /* "RSA 2048 bits" */
	char mac[13];                 /* from ST, else CN; "" when none */
	char *product;                /* OU */
	bool trusted;
	char *reason; /* why not trusted, NULL when it is */
};

struct ps_lab_session {
	char time[24]; /* when it opened, RFC 3339 UTC */
	char peer[64];
	bool https;
	const struct ps_client_hello *ch;    /* NULL before or without one */
	const struct ps_offer_match *offer;  /* with ch */
	const struct ps_lab_cert_seen *cert; /* NULL when none was sent */
	const char *user_agent;              /* of the first request, NULL */
	const char *model;                   /* the catalogue id it names, NULL */
	const char *const *requests;         /* "GET /spa942.cfg 200" */
	size_t n_requests;
	const char *alert;        /* sent to end the handshake, NULL */
	const char *client_alert; /* the client's that ended it, NULL */
	bool handshake_completed;
};

/* The parts of a record, also written into model files (lab/learn.h). */
json_t *ps_lab_hello_json(const struct ps_client_hello *ch);
json_t *ps_lab_match_json(const struct ps_client_hello *ch, const struct ps_offer_match *m);
json_t *ps_lab_cert_json(const struct ps_lab_cert_seen *c);

/* The record as one line of JSON (no newline); caller frees. */
char *ps_lab_session_json(const struct ps_lab_session *s);
void ps_lab_cert_seen_clear(struct ps_lab_cert_seen *c);

#endif
