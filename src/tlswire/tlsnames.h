/* Names for TLS wire values: cipher suites (IANA), protocol versions,
 * handshake types, alerts, extensions and certificate types. Pure tables. */
#ifndef PS_TLSWIRE_TLSNAMES_H
#define PS_TLSWIRE_TLSNAMES_H

#include <stddef.h>

/* IANA name of a cipher suite ("TLS_RSA_WITH_AES_256_CBC_SHA"), or NULL. */
const char *ps_suite_name(unsigned id);
/* OpenSSL's name for the same suite ("AES256-SHA"), or NULL. */
const char *ps_suite_openssl_name(unsigned id);
/* OpenSSL's name for the suite of IANA name `iana` (the first `n` bytes
 * of it), or NULL. */
const char *ps_suite_openssl_by_iana(const char *iana, size_t n);
/* "TLS1.0" for 0x0301 and so on; NULL when unknown. */
const char *ps_version_name(unsigned wire_version);
/* "ClientHello" for 1 and so on; NULL when unknown. */
const char *ps_handshake_name(unsigned type);
/* "protocol_version" for 70 and so on; NULL when unknown. */
const char *ps_alert_name(unsigned desc);
/* IANA name of a TLS extension ("renegotiation_info" for 65281); NULL when
 * unknown. */
const char *ps_extension_name(unsigned id);
/* "rsa_sign" for 1 and so on; NULL when unknown. */
const char *ps_cert_type_name(unsigned type);

#endif
