/* The lab: a built-in provisioning server on libmicrohttpd and GnuTLS, for
 * `provscope lab` and `provscope --demo`. It serves the built-in profiles
 * (lab/profiles.h) or a directory over HTTPS, with the server TLS settings
 * SPA phones need, checks each device's client certificate against the
 * vendor CA of the demo PKI (lab/pki.h) and the MAC in the file name, and
 * can play one or more faults a provisioning server may have. Plain HTTP
 * is served on a second port. Every request is logged, one line each.
 *
 * Threads: libmicrohttpd runs its own threads (one per connection), which
 * call only into this module; the handle is used from one thread. */
#ifndef PS_LAB_LAB_H
#define PS_LAB_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "lab/pki.h"
#include "lab/profiles.h"

/* The faults: X(enum, name, what the server then does). */
#define PS_LAB_FAULTS(X)                                                                         \
	X(PS_LAB_FAULT_MODERN_ONLY, "modern-only",                                               \
	  "TLS 1.2 and 1.3 with ECDHE and AEAD suites only: no SPA phone can connect")           \
	X(PS_LAB_FAULT_RC4_ONLY, "rc4-only",                                                     \
	  "RC4-128 suites only (TLS 1.0-1.2, RSA key exchange): phones connect, modern clients " \
	  "cannot")                                                                              \
	X(PS_LAB_FAULT_UNTRUSTED_CA, "untrusted-ca",                                             \
	  "the server certificate comes from " PS_LAB_PUBLIC_CA_CN ", not the vendor CA")        \
	X(PS_LAB_FAULT_EXPIRED, "expired", "the server certificate expired 30 days ago")         \
	X(PS_LAB_FAULT_NOT_YET_VALID, "not-yet-valid",                                           \
	  "the server certificate becomes valid in 30 days")                                     \
	X(PS_LAB_FAULT_MISSING_INTERMEDIATE, "missing-intermediate",                             \
	  "the server certificate is signed by the vendor intermediate CA, which is not sent")   \
	X(PS_LAB_FAULT_WRONG_NAME, "wrong-name",                                                 \
	  "the server certificate is for " PS_LAB_WRONG_NAME)                                    \
	X(PS_LAB_FAULT_WEAK_KEY, "weak-key", "the server certificate has a 1024-bit RSA key")    \
	X(PS_LAB_FAULT_NO_CLIENT_AUTH, "no-client-auth",                                         \
	  "no client certificate is asked for; every file is served to anyone (a profile leak)") \
	X(PS_LAB_FAULT_CROSS_DEVICE, "cross-device",                                             \
	  "any verified device may read any device's file (a profile leak)")                     \
	X(PS_LAB_FAULT_NOT_FOUND, "not-found", "per-device files are missing: 404")              \
	X(PS_LAB_FAULT_SLOW_HANDSHAKE, "slow-handshake",                                         \
	  "the server waits (30 s by default) after the ClientHello before it answers")          \
	X(PS_LAB_FAULT_TRUNCATED, "truncated",                                                   \
	  "file bodies stop halfway through the Content-Length; TCP closes without TLS "         \
	  "close_notify")                                                                        \
	X(PS_LAB_FAULT_WRONG_PROFILE_KEY, "wrong-profile-key",                                   \
	  "per-device files are encrypted with another key than the [--key] the model file "     \
	  "gives")                                                                               \
	X(PS_LAB_FAULT_WRONG_MODEL_IMAGE, "wrong-model-image",                                   \
	  "per-device files point the phone at another model family's firmware image")           \
	X(PS_LAB_FAULT_DOWNGRADE, "downgrade",                                                   \
	  "per-device files point the phone at an older firmware than it runs, with "            \
	  "Downgrade_Rev_Limit empty")                                                           \
	X(PS_LAB_FAULT_MISLABELLED_IMAGE, "mislabelled-image",                                   \
	  "the image under the phone's own firmware name is another model's (its header says "   \
	  "so)")

enum ps_lab_fault {
#define PS_X(e, name, text) e,
	PS_LAB_FAULTS(PS_X)
#undef PS_X
	    PS_LAB_FAULT_COUNT
};

/* A comma-separated fault list ("truncated", "expired,cross-device")
 * into a bit mask (1u << enum). NULL, "" and "none" give 0. Faults that
 * pick the same thing (two server certificates, two TLS priorities, two
 * access rules, two ways to spoil a file) cannot be combined. Returns 0,
 * or -1 with a sentence listing the valid names in `*err` (caller frees). */
int ps_lab_fault_parse(const char *spec, unsigned *mask, char **err);
/* Each fault's name at the start of a line, what it does beside it from
 * column 22, folded to 80 columns with indented continuation lines
 * (caller frees). */
char *ps_lab_fault_help(void);
/* The version of libmicrohttpd in use ("0.9.75"). */
const char *ps_lab_library_version(void);
/* The name of a fault (static); "?" out of range. */
const char *ps_lab_fault_name(enum ps_lab_fault f);

/* The server's TLS priority strings. The normal one accepts the Linksys
 * SPA9x2 ClientHello (TLS 1.0, RSA, AES-CBC or RC4, no extensions) and the
 * Cisco SPA3xx/5xx one (DHE-RSA or RSA), and modern clients. */
#define PS_LAB_PRIORITY_NORMAL                                                                   \
	"NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+RSA:+DHE-RSA:+AES-256-CBC:+AES-128-CBC:+ARCFOUR-128:" \
	"+SHA1:+MD5:+COMP-NULL:+SIGN-ALL"
#define PS_LAB_PRIORITY_MODERN                                                                    \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-KX-ALL:+ECDHE-RSA:-CIPHER-ALL:+AES-256-GCM:" \
	"+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD"
#define PS_LAB_PRIORITY_RC4                                                                    \
	"NONE:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0:+RSA:+ARCFOUR-128:+SHA1:+MD5:+COMP-NULL:" \
	"+SIGN-ALL:+CTYPE-X509"

/* How the lab found a client's certificate. */
enum ps_lab_client_cert {
	PS_LAB_CLIENT_CERT_NONE,     /* none sent (or plain HTTP, or no request yet) */
	PS_LAB_CLIENT_CERT_TRUSTED,  /* issued by the vendor CA */
	PS_LAB_CLIENT_CERT_UNTRUSTED /* sent, but the vendor CA does not vouch for it */
};

struct ps_offer_match;

/* What the lab knows of one client connection at one moment, for a live
 * view (ps_lab_config.on_client): after each request it answered, and
 * when an HTTPS connection closed without a request (a failed handshake).
 * Every pointer is borrowed for the call only; NULL means not known. */
struct ps_lab_client_view {
	bool https;
	const char *peer;                   /* "127.0.0.1:41234", "[::1]:41234" */
	const char *address;                /* the same without the port: "127.0.0.1", "::1" */
	const char *user_agent;             /* printable */
	const char *model;                  /* catalogue id the User-Agent names */
	const struct ps_offer_match *offer; /* the ClientHello's fingerprints and match */
	const char *offer_text; /* ps_offer_match_text: "offer: matches spa942 exactly" */
	enum ps_lab_client_cert cert;
	const char *cert_mac;      /* the MAC the certificate carries, 12 hex digits */
	const char *cert_subject;  /* its subject DN, printable */
	const char *cert_reason;   /* why it is not trusted */
	const char *method, *path; /* the request ("GET", "/spa942.cfg"), printable; NULL
				      when the connection closed without one */
	int status;                /* its HTTP status, 0 without a request */
	size_t bytes;              /* the body sent */
	const char *reason;        /* why refused, or what is odd about the answer */
	unsigned requests;         /* requests on this connection so far */
	time_t when;               /* now */
	const char *result;        /* one word or two: "ok", "403", "404", "handshake failed",
				      "alert protocol_version", "no request" */
};

struct ps_lab_config {
	const char *listen;     /* IP address to listen on; NULL: "127.0.0.1" */
	unsigned https_port;    /* 0: a free port the kernel picks */
	unsigned http_port;     /* 0: a free port the kernel picks */
	bool no_http;           /* no plain-HTTP listener */
	const char *host;       /* host written into profile URLs; NULL: the request's
				   Host header when sane, else the listen address */
	const char *dir;        /* serve this directory instead of the built-in files */
	const char *pki_dir;    /* load/write the demo PKI there (--pki); NULL: memory */
	struct ps_lab_pki *pki; /* borrowed; when set, used instead of opening one */
	const char *fault;      /* fault list (ps_lab_fault_parse); NULL: none */
	bool encrypt;           /* per-device files encrypted with PS_LAB_PROFILE_KEY
				   (MD5 key derivation, as SPA-era firmware expects) */
	unsigned slow_seconds;  /* slow-handshake wait; 0: 30, at most 3600 */
	unsigned timeout_s;     /* idle connection timeout; 0: 15 */
	size_t max_file;        /* cap on a --dir file; 0: 16 MiB */
	size_t max_body;        /* cap on a request body (POST); 0: 64 KiB */
	FILE *log;              /* the request log; NULL: stderr */
	FILE *record;           /* --record: a JSON line per connection; NULL: none */
	const char *learn_name; /* --learn-model: the model's name; NULL: none */
	const char *learn_path; /* the model file to write for it */
	bool verbose;           /* also log libmicrohttpd's own messages */
	/* A live view's observers; NULL: none. Both are called from
	 * libmicrohttpd's threads, several at a time, so the receiver locks;
	 * they must not call back into the lab. on_log takes each log line
	 * (without its time) instead of `log`; on_client each client view. */
	void (*on_log)(void *ctx, const char *line);
	void *on_log_ctx;
	void (*on_client)(void *ctx, const struct ps_lab_client_view *v);
	void *on_client_ctx;
};

struct ps_lab;

/* Start the lab: open (or borrow) the PKI, listen, and serve on
 * libmicrohttpd's threads until ps_lab_stop. Returns 0 and `*out`, or -1
 * with a sentence in `*err` (caller frees): a bad fault name, a PKI
 * directory problem, an unreadable --dir, an address in use... */
int ps_lab_start(const struct ps_lab_config *cfg, struct ps_lab **out, char **err);
/* Stop serving (connections are closed, a slow handshake is cut short)
 * and free the lab. Accepts NULL. */
void ps_lab_stop(struct ps_lab *lab);

/* The ports listened on (0 for HTTP with no_http). */
unsigned ps_lab_https_port(const struct ps_lab *lab);
unsigned ps_lab_http_port(const struct ps_lab *lab);
/* The fault mask in effect. */
unsigned ps_lab_faults(const struct ps_lab *lab);
/* The PKI in use (borrowed: the lab's own or the one in the config). */
struct ps_lab_pki *ps_lab_pki(const struct ps_lab *lab);
/* The vendor root CA a phone must trust (PEM, borrowed). */
const char *ps_lab_vendor_ca_pem(const struct ps_lab *lab);
/* The server certificate presented over HTTPS. */
enum ps_lab_server_cert ps_lab_server_cert(const struct ps_lab *lab);

/* Mint a device certificate with the lab's PKI (ps_lab_pki_mint_device).
 * Call it from the thread that owns the lab. */
int ps_lab_mint_device(struct ps_lab *lab, const char *mac, const char *product, const char *serial,
		       char **cert_pem, char **key_pem, char **err);

/* "https://HOST:PORT/PATH" (or http:// and the HTTP port) with `host`
 * (NULL: PS_LAB_SERVER_NAME) and `path` starting with '/'. Caller frees. */
char *ps_lab_url(const struct ps_lab *lab, bool https, const char *host, const char *path);

#endif
