/* The TLS wire format, below both the engine (the phone's side) and the
 * lab (the server's side). A passive record-layer reader: fed the raw
 * bytes of each direction as they cross the socket, it cuts them into
 * records and, until a direction switches to encryption (ChangeCipherSpec),
 * into handshake messages. And the decoders of the handshake messages both
 * sides read. Pure code: no I/O, no GnuTLS. */
#ifndef PS_TLSWIRE_TLSWIRE_H
#define PS_TLSWIRE_TLSWIRE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/report.h"

enum ps_wire_kind {
	PS_WIRE_HANDSHAKE,     /* a whole plaintext handshake message */
	PS_WIRE_ENC_HANDSHAKE, /* an encrypted handshake record */
	PS_WIRE_CCS,           /* ChangeCipherSpec */
	PS_WIRE_ALERT,         /* a plaintext alert */
	PS_WIRE_ENC_ALERT,     /* an encrypted alert */
	PS_WIRE_APPDATA,       /* application data record */
	PS_WIRE_NOT_TLS,       /* bytes that are no TLS record; the direction stops */
};

struct ps_wire_event {
	enum ps_wire_kind kind;
	unsigned record_version;   /* from the record header */
	unsigned hs_type;          /* HANDSHAKE: message type */
	const unsigned char *body; /* HANDSHAKE: message body; ALERT: 2 bytes; NOT_TLS: the bytes */
	size_t len;                /* body length (record payload length for encrypted) */
};

typedef void (*ps_wire_fn)(void *ctx, enum ps_dir dir, const struct ps_wire_event *ev);

struct ps_wire_dir {
	unsigned char hdr[5];
	size_t hdr_have;
	unsigned char *rec; /* record payload being collected */
	size_t rec_need, rec_have;
	unsigned char *hs; /* handshake reassembly */
	size_t hs_len, hs_cap;
	bool encrypted;
	bool dead; /* stopped after a framing error */
};

struct ps_wire {
	struct ps_wire_dir dir[2];
	ps_wire_fn fn;
	void *ctx;
};

void ps_wire_init(struct ps_wire *w, ps_wire_fn fn, void *ctx);
void ps_wire_free(struct ps_wire *w);
/* Feed bytes that crossed the socket in direction `dir`. */
void ps_wire_feed(struct ps_wire *w, enum ps_dir dir, const unsigned char *data, size_t n);

/* Decoded hello messages. Arrays are owned by the struct. */
struct ps_client_hello {
	unsigned version;     /* legacy_version field */
	unsigned max_version; /* the highest offered: `version`, or a higher one (SSL 3.0 to
				 TLS 1.3) from supported_versions; GREASE values count not */
	unsigned *suites;
	size_t n_suites;
	unsigned *extensions;
	size_t n_extensions;
	/* What fingerprints and a recorded offer need (owned): */
	unsigned *compressions; /* compression methods, in order */
	size_t n_compressions;
	unsigned *groups; /* supported_groups (10), in order */
	size_t n_groups;
	unsigned *point_formats; /* ec_point_formats (11) */
	size_t n_point_formats;
	unsigned *sig_algs; /* signature_algorithms (13), in order */
	size_t n_sig_algs;
	unsigned *versions; /* supported_versions (43), in order */
	size_t n_versions;
	char **ext_data; /* each extension's content in lower-case hex, beside `extensions` */
	char *sni;       /* the host_name of server_name (0), NULL when none */
	char *alpn;      /* the first protocol of ALPN (16), NULL when none */
	bool session_id; /* a non-empty session id */
	bool sslv2;      /* an SSLv2-format ClientHello (ps_parse_client_hello_v2) */
};

/* Whether a suite, extension, group or version value is a GREASE one
 * (RFC 8701: 0x?a?a). */
bool ps_grease(unsigned v);

struct ps_server_hello {
	unsigned version;      /* legacy_version field */
	unsigned real_version; /* supported_versions extension when present, else version */
	unsigned suite;
	unsigned compression;
	unsigned *extensions; /* types, in the order sent; owned */
	size_t n_extensions;
};

struct ps_cert_request {
	unsigned *types;
	size_t n_types;
	struct {
		const unsigned char *der; /* a distinguished name, borrowed from the body */
		size_t len;
	} * cas;
	size_t n_cas; /* distinguished names in the request */
};

/* Decode a ClientHello body (after the 4-byte handshake header). False when
 * it is cut short (the extensions block by its own length included); an
 * extension cut short inside the block ends the list there. */
bool ps_parse_client_hello(const unsigned char *b, size_t n, struct ps_client_hello *out);
void ps_client_hello_free(struct ps_client_hello *ch);
/* Decode the body of an SSLv2-format ClientHello (after its message type:
 * version, the lengths of the cipher specs, session id and challenge,
 * then those): the specs of TLS suites (a first byte 0) as its suites,
 * the null compression, no extensions, `sslv2` set. False when it is cut
 * short or its lengths do not add up. */
bool ps_parse_client_hello_v2(const unsigned char *b, size_t n, struct ps_client_hello *out);
/* Decode a ServerHello body; its extension list as ps_parse_client_hello's.
 * Free with ps_server_hello_free. */
bool ps_parse_server_hello(const unsigned char *b, size_t n, struct ps_server_hello *out);
void ps_server_hello_free(struct ps_server_hello *sh);
/* `tls12` says whether the signature_algorithms field is present. */
bool ps_parse_cert_request(const unsigned char *b, size_t n, bool tls12,
			   struct ps_cert_request *out);
void ps_cert_request_free(struct ps_cert_request *cr);
/* The size in bits of the prime of a DHE ServerKeyExchange body (dh_p
 * first), 0 when it is cut short. */
unsigned ps_parse_dhe_bits(const unsigned char *b, size_t n);
/* The first certificate of a TLS 1.0-1.2 Certificate message (the
 * server's leaf): its DER, borrowed from the body. False when there is
 * none or the message is cut short. */
bool ps_parse_first_certificate(const unsigned char *b, size_t n, const unsigned char **der,
				size_t *len);
/* Number of certificates in a TLS 1.0-1.2 Certificate message, -1 if malformed. */
long ps_parse_certificate_count(const unsigned char *b, size_t n);
/* The same for TLS 1.3's (a request context, then entries with extensions
 * of their own): the whole entries it holds, -1 when its list is cut
 * short. */
long ps_parse_certificate_count13(const unsigned char *b, size_t n);

#endif
