/* The system's trusted CAs for the modern client's verdict, loaded cheaply.
 * gnutls_x509_trust_list_add_system_trust() imports every certificate of
 * the store (150 on Debian 12, about 45 ms here), which would dominate a
 * run; only the CAs whose subject a chain names can matter, so the bundle
 * is scanned (base64 and a few DER headers) and only those are imported. */
#ifndef PS_ENGINE_SYSTRUST_H
#define PS_ENGINE_SYSTRUST_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/x509.h>

/* The bundle GnuTLS reads for the system trust on Debian. */
#define PS_SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

/* Add to `tl` the system's CAs whose subject DN (DER) is one of the `n`
 * `names`. Returns the number of CAs in the store (whether added or not),
 * or a GnuTLS error code (< 0). When the bundle cannot be read, the whole
 * system trust is added the usual way. */
int ps_system_trust_add(gnutls_x509_trust_list_t tl, const gnutls_datum_t *names, size_t n);

/* The subject DN (DER, with its SEQUENCE header) inside a DER certificate,
 * pointing into `der`; false when the DER is not a certificate. */
bool ps_der_cert_subject(const unsigned char *der, size_t len, gnutls_datum_t *subject);

#endif
