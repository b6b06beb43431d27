/* The phone catalogue: one const row per model, the only place that knows
 * what each phone is, says and offers. */
#ifndef PS_PHONE_CATALOGUE_H
#define PS_PHONE_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

struct ps_model {
	const char *id;        /* catalogue key, lower case: "spa942" */
	const char *vendor;    /* "Linksys" or "Cisco" */
	const char *product;   /* $PN: "SPA942" */
	const char *psn;       /* $PSN: "942", "504G" */
	const char *family;    /* "SPA9x2", "SPA30x", "SPA50x", "SPA525" */
	const char *firmware;  /* default $SWVER */
	const char *ua_format; /* HTTP User-Agent, macros expanded per identity */
	const char *priority;  /* GnuTLS priority string of the phone's ClientHello */
	const char *suites;    /* the same, in words, for people */
	bool https_upgrade;    /* firmware upgrade over HTTPS supported */
	/* When the server asks for a new handshake (HelloRequest) and the first
	 * one did not agree on RFC 5746 secure renegotiation, the phone still
	 * renegotiates (legacy); false: it refuses (no_renegotiation). */
	bool legacy_renegotiation;
	const char *mac_prefix; /* OUI used for the default MAC */
	const char *serial;     /* default serial number */
	const char *notes;      /* what is uncertain about this row */
};

/* The IANA names in a model's `suites` words ("TLS 1.0; NAME, NAME"), one
 * a call: start with `*at` NULL; the next name (not NUL-terminated) and
 * its length in `*len`, or NULL after the last. */
const char *ps_suite_words_next(const char *suites, const char **at, size_t *len);

/* Rows in catalogue order; `ps_model_at(i)` is NULL past the end. */
size_t ps_model_count(void);
const struct ps_model *ps_model_at(size_t i);
/* Find by id, ignoring case, an "SPA-" hyphen and a leading vendor
 * ("SPA942", "spa-942", "linksys-spa942" all find spa942). NULL if none. */
const struct ps_model *ps_model_find(const char *name);
/* The default model (spa942). */
const struct ps_model *ps_model_default(void);

#endif
