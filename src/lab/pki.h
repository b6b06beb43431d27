/* The lab's demo PKI, minted with the GnuTLS API: a Sipura-style vendor
 * root CA that signs the provisioning server's certificate and the device
 * certificates, a vendor intermediate CA, a second "public" CA the phones
 * do not trust, the normal server certificate and one server certificate
 * per certificate fault, and device certificates minted on request.
 *
 * Everything is minted at once when the PKI is opened (five RSA keys:
 * four of 2048 bits and one of 1024, about 0.3 s; one 2048-bit key serves
 * every server certificate except weak-key). With a directory, the files
 * there are loaded instead, and what is missing is minted and written
 * (see ps_lab_pki_open). A PKI is not thread-safe: open it, mint device
 * certificates and free it from one thread at a time; the PEM text it
 * returns may be read from any thread while it lives. */
#ifndef PS_LAB_PKI_H
#define PS_LAB_PKI_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/x509.h>

/* The name the normal server certificate carries (CN and subjectAltName,
 * with localhost, 127.0.0.1 and ::1). The phone checks the CN only, so a
 * phone should reach the lab by this name (provscope --resolve
 * prov.lab.test:PORT:127.0.0.1). */
#define PS_LAB_SERVER_NAME "prov.lab.test"
/* The name of the wrong-name certificate. */
#define PS_LAB_WRONG_NAME "other.example.net"
/* Subject CNs of the three CAs. */
#define PS_LAB_VENDOR_CA_CN "provscope demo vendor CA"
#define PS_LAB_INTERMEDIATE_CN "provscope demo vendor intermediate CA"
#define PS_LAB_PUBLIC_CA_CN "provscope demo public CA"

/* The server certificates: X(enum, file stem, what it is). The file stem
 * names <stem>.pem in a PKI directory. */
#define PS_LAB_SERVER_CERTS(X)                                                                     \
	X(PS_LAB_CERT_NORMAL, "server",                                                            \
	  "signed by the vendor CA, valid now, CN " PS_LAB_SERVER_NAME)                            \
	X(PS_LAB_CERT_EXPIRED, "server-expired", "validity entirely in the past")                  \
	X(PS_LAB_CERT_NOT_YET_VALID, "server-not-yet-valid", "validity starts in 30 days")         \
	X(PS_LAB_CERT_WRONG_NAME, "server-wrong-name", "CN and subjectAltName " PS_LAB_WRONG_NAME) \
	X(PS_LAB_CERT_WEAK_KEY, "server-weak-key", "a 1024-bit RSA key")                           \
	X(PS_LAB_CERT_UNTRUSTED_CA, "server-untrusted-ca",                                         \
	  "signed by " PS_LAB_PUBLIC_CA_CN ", which the phones do not trust")                      \
	X(PS_LAB_CERT_MISSING_INTERMEDIATE, "server-missing-intermediate",                         \
	  "signed by the vendor intermediate CA, which is not sent")

enum ps_lab_server_cert {
#define PS_X(e, stem, text) e,
	PS_LAB_SERVER_CERTS(PS_X)
#undef PS_X
	    PS_LAB_CERT_COUNT
};

/* The file stem and the description of a server certificate (static). */
const char *ps_lab_server_cert_name(enum ps_lab_server_cert which);
const char *ps_lab_server_cert_text(enum ps_lab_server_cert which);

struct ps_lab_pki;

/* Open the demo PKI. `dir` NULL: mint everything in memory. Otherwise the
 * directory is created (mode 0700; its parent must exist) when missing;
 * each file found there is loaded and checked, each missing one is minted
 * and written (certificates 0644, keys 0600). A server certificate that no
 * longer fits its role (the normal one expired, the not-yet-valid one
 * became valid...) or whose key or issuer was minted again is minted
 * again and rewritten. A file that does not parse, or a certificate whose
 * key or issuer does not match the other files, is an error naming the
 * file: remove it to have it minted again. Returns 0 and `*out` (free with
 * ps_lab_pki_free), or -1 with a sentence in `*err` (caller frees). */
int ps_lab_pki_open(const char *dir, struct ps_lab_pki **out, char **err);
void ps_lab_pki_free(struct ps_lab_pki *pki);

/* The directory given to ps_lab_pki_open, NULL in memory (borrowed). */
const char *ps_lab_pki_dir(const struct ps_lab_pki *pki);

/* The vendor root CA: what a phone trusts (provscope --ca) and what device
 * certificates must chain to. PEM text, borrowed. */
const char *ps_lab_pki_vendor_ca_pem(const struct ps_lab_pki *pki);
/* Its file (DIR/vendor-ca.pem), NULL in memory; borrowed. */
const char *ps_lab_pki_vendor_ca_path(const struct ps_lab_pki *pki);
/* The untrusted "public" CA and the vendor intermediate CA (PEM, borrowed). */
const char *ps_lab_pki_public_ca_pem(const struct ps_lab_pki *pki);
const char *ps_lab_pki_intermediate_pem(const struct ps_lab_pki *pki);

/* What the server presents for `which`: the chain as sent, leaf first
 * (the untrusted-ca leaf comes with the public CA; every other leaf comes
 * alone, so missing-intermediate lacks its intermediate), and the PEM of
 * its private key. Borrowed. */
const char *ps_lab_pki_server_chain_pem(const struct ps_lab_pki *pki,
					enum ps_lab_server_cert which);
const char *ps_lab_pki_server_key_pem(const struct ps_lab_pki *pki, enum ps_lab_server_cert which);

/* Mint a device certificate signed by the vendor root, the way an SPA
 * carries one: subject CN=<mac>, OU=<product>, L=<serial>, ST=<mac> (MAC
 * as 12 lower-case hex digits), TLS web client key purpose, a fresh
 * 2048-bit RSA key, valid from yesterday for 10 years. `mac` may be
 * written with ':', '-' or '.' separators and in either case; `product`
 * (e.g. "SPA-942", see ps_lab_device_product) and `serial` are printable
 * ASCII, 1..64 characters. Returns 0 with the certificate and the key as
 * PEM (caller frees both), or -1 with `*err`. */
int ps_lab_pki_mint_device(struct ps_lab_pki *pki, const char *mac, const char *product,
			   const char *serial, char **cert_pem, char **key_pem, char **err);

/* A device certificate as ps_lab_pki_mint_device makes one, signed by
 * another CA (`ca` with `ca_key`: a storm's --device-ca) for the given
 * `key` (one key may serve many devices: a server checks the chain and the
 * signature, not that keys differ). Returns 0 with the PEM, or -1 with
 * `*err`. */
int ps_pki_mint_device_with(gnutls_x509_crt_t ca, gnutls_x509_privkey_t ca_key,
			    gnutls_x509_privkey_t key, const char *mac, const char *product,
			    const char *serial, char **cert_pem, char **err);

/* The same, as files: `dir` (NULL: the PKI's directory; one of them must
 * be set) gets device-<mac>.pem and device-<mac>.key (0600). Files already
 * there are reused when they still fit (same subject, signed by this
 * vendor CA, valid now, key matching), so a device keeps its certificate
 * across runs. Returns 0 with both paths (caller frees), or -1 with `*err`. */
int ps_lab_pki_device_files(struct ps_lab_pki *pki, const char *dir, const char *mac,
			    const char *product, const char *serial, char **cert_path,
			    char **key_path, char **err);

/* The OU a device of catalogue product `product` ("SPA942", "SPA504G")
 * carries: "SPA-942", "SPA-504G" (the hyphenated form of reference §6).
 * Caller frees. */
char *ps_lab_device_product(const char *product);

/* Normalise a MAC ("000E08AABBCC", "00:0e:08:aa:bb:cc", "00-0e-...",
 * "000e.08aa.bbcc") into 12 lower-case hex digits. False when malformed. */
bool ps_lab_mac_normalize(const char *text, char out[13]);

#endif
