/* Fingerprints of a ClientHello: JA3 (Salesforce: the MD5 of
 * "version,suites,extensions,groups,point formats", decimal, GREASE left
 * out) and JA4 (FoxIO, technical_details/JA4.md: "t" + version + SNI or
 * not + suite and extension counts + ALPN, then truncated SHA-256 of the
 * sorted suites and of the sorted extensions with the signature
 * algorithms). Pure but for the hashes, which GnuTLS's crypto computes. */
#ifndef PS_TLSWIRE_FINGERPRINT_H
#define PS_TLSWIRE_FINGERPRINT_H

#include "tlswire/tlswire.h"

/* The JA3 string ("769,53-47-5-4,,,") and its MD5 in hex; caller frees. */
char *ps_ja3_string(const struct ps_client_hello *ch);
char *ps_ja3(const struct ps_client_hello *ch);

/* JA4 ("t10i040000_5ac2ca4b4d0d_000000000000") and its raw form with the
 * lists sorted (JA4_r: "t10i040000_002f,0035,..._"); caller frees. */
char *ps_ja4(const struct ps_client_hello *ch);
char *ps_ja4_r(const struct ps_client_hello *ch);

#endif
