/* The phone catalogue: one const row per model, the only place that knows
 * what each phone is, says and offers. */
#ifndef PS_PHONE_CATALOGUE_H
#define PS_PHONE_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

struct ps_client_hello;

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
	const char *mac_prefix;   /* OUI used for the default MAC */
	const char *serial;       /* default serial number */
	const char *notes;        /* what is uncertain about this row */
	const char *kind;         /* "phone" or "ATA" (analog telephone adapter) */
	const char *factory_rule; /* Profile_Rule out of the box: "/spa$PSN.cfg" */
	const char *fw_majors;    /* first numbers of the family's versions: "5,6" */
	/* Models whose firmware images this one takes, by the designators of
	 * the images' names ("941" for the SPA921: servers give both
	 * spa941-5-1-8.bin); NULL when none. */
	const char *image_peers;
	/* The vendor server CAs the phone trusts, by the names of Cisco's SPA
	 * CA list ("Sipura CA"; several joined by "; "); from firmware
	 * `server_ca_from` on, `server_ca_new` as well (NULL: no change). */
	const char *server_ca;
	const char *server_ca_new;
	const char *server_ca_from;
	const char *client_ca; /* the device CA that signs its factory certificate */
	const char *sources;   /* the reference keys of this row's facts */
	/* The fields that are assumed, not documented, by the names --list-models
	 * shows: "ua", "psn", "firmware", "suites", "fw_https", "server_ca",
	 * "client_ca", "factory_rule" (comma-separated, "" when none). */
	const char *assumed;
	/* A model learned from a real phone (a model file, run/modelfile.h);
	 * all NULL/false in the catalogue's own rows. */
	const struct ps_client_hello *hello; /* the ClientHello it sends */
	bool no_sni;                         /* its ClientHello carries no server_name */
	const char *file;                    /* the model file it came from */
	const char *based_on;                /* the catalogue row it takes the rest from */
	const char *unplayable; /* what GnuTLS cannot send of its offer, NULL: nothing */
	const char *mac;        /* its default MAC (12 hex digits), NULL: the OUI's */
};

/* A vendor CA of Cisco's SPA CA list: its name, the word that tells it in a
 * certificate's names, and the devices the list gives it to. */
struct ps_vendor_ca {
	const char *name;
	const char *keyword;
	const char *devices;
	bool client; /* a device (client) CA, not a server CA */
};

/* The vendor CA whose keyword a distinguished name holds (a server CA, or a
 * device CA when `client`), NULL when none. */
const struct ps_vendor_ca *ps_vendor_ca_in(const char *dn, bool client);

/* The server CAs `m` trusts at `firmware` (NULL: its catalogue firmware):
 * "the Sipura CA", "the Cisco 2k Small Business CA or the Cisco Small
 * Business CA". Caller frees. */
char *ps_model_server_cas(const struct ps_model *m, const char *firmware);
/* Whether `m` at `firmware` trusts the server CA `ca`. */
bool ps_model_trusts(const struct ps_model *m, const char *firmware, const struct ps_vendor_ca *ca);
/* Whether `version`'s first number is one of `m`'s firmware families
 * (fw_majors); true when `m` names none. */
bool ps_model_firmware_major(const struct ps_model *m, const char *version);

/* "an" before the model's name ("an SPA942"), else "a" ("a PAP2T"). */
const char *ps_model_article(const struct ps_model *m);

/* What the issuer of a device certificate says of it for model `m`: by
 * its name the device CA of the model's factory certificates, another
 * vendor's device CA, or none (a certificate of the server's own PKI).
 * One sentence without a final stop, without the issuer; caller frees. */
char *ps_model_device_ca_note(const struct ps_model *m, const char *issuer);

/* Whether field `field` ("ua", "suites"...) of `m` is assumed. */
bool ps_model_assumed(const struct ps_model *m, const char *field);

/* The IANA names in a model's `suites` words ("TLS 1.0; NAME, NAME"), one
 * a call: start with `*at` NULL; the next name (not NUL-terminated) and
 * its length in `*len`, or NULL after the last. */
const char *ps_suite_words_next(const char *suites, const char **at, size_t *len);

/* Rows in catalogue order, then the models added by ps_model_add;
 * `ps_model_at(i)` is NULL past the end. */
size_t ps_model_count(void);
/* The catalogue's own rows (the first ones). */
size_t ps_model_builtin_count(void);
/* The most models there can be, the learned ones included. */
#define PS_MODEL_MAX 256
/* Add a model (a learned one) after the catalogue's rows, for the rest of
 * the program: `m` must live as long. False when its id is taken or
 * PS_MODEL_MAX would be passed. Not
 * thread-safe: add models before any thread looks the catalogue up. */
bool ps_model_add(const struct ps_model *m);
const struct ps_model *ps_model_at(size_t i);
/* Find by id, ignoring case, an "SPA-" hyphen and a leading vendor
 * ("SPA942", "spa-942", "linksys-spa942" all find spa942). NULL if none. */
const struct ps_model *ps_model_find(const char *name);
/* The default model (spa942). */
const struct ps_model *ps_model_default(void);

#endif
