/* A storm's device CA (--device-ca CERT --device-ca-key KEY): the test CA
 * a provider's server trusts for device certificates, from which each
 * synthesised device gets a certificate of its own, as an SPA carries one
 * (CN and ST its MAC, OU its product, L its serial). The devices share one
 * 2048-bit key made once: minting is then a signature, not a key
 * generation, and a server checks the chain and the signature, not that
 * keys differ. Thread-safe. */
#ifndef PS_RUN_DEVCA_H
#define PS_RUN_DEVCA_H

struct ps_devca;

/* Read the CA certificate and its key (PEM or DER) and make the devices'
 * key. Returns 0 and `*out`, or -1 with a sentence in `*err` (caller
 * frees): a file unreadable or of the wrong kind, a certificate that is no
 * CA, a key that is not the certificate's. */
int ps_devca_open(const char *cert_file, const char *key_file, struct ps_devca **out, char **err);
void ps_devca_free(struct ps_devca *d);

/* A device's certificate and the shared key, as PEM (caller frees both),
 * or -1 with `*err`. */
int ps_devca_mint(struct ps_devca *d, const char *mac, const char *product, const char *serial,
		  char **cert_pem, char **key_pem, char **err);

#endif
