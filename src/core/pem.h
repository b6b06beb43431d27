/* Why a certificate or key file cannot be used, in plain words: from its
 * bytes and the GnuTLS error its import gave, never GnuTLS's own text. */
#ifndef PS_CORE_PEM_H
#define PS_CORE_PEM_H

#include <stdbool.h>
#include <stddef.h>

enum ps_pem_want {
	PS_PEM_CERT, /* one or more certificates */
	PS_PEM_KEY,  /* a private key */
};

/* What is wrong with `data` (`len` bytes, the file's whole content) for
 * `want`, given the GnuTLS code `rc` of the failed import (or 0 when it
 * imported nothing). A static sentence without the file's name, such as
 * "it holds a private key but no certificate". */
const char *ps_pem_problem(const unsigned char *data, size_t len, enum ps_pem_want want, int rc);

/* Whether `data` holds a PEM block of this label ("CERTIFICATE", "PRIVATE
 * KEY", which also finds "RSA PRIVATE KEY" and "ENCRYPTED PRIVATE KEY"). */
bool ps_pem_has(const unsigned char *data, size_t len, const char *label);

#endif
