/* The server certificate chain, checked step by step twice: as the phone
 * checks it (only the vendor CA is trusted, the name is the CN) and as a
 * modern client does (system trust, MEDIUM profile, subjectAltName). Pure
 * analysis with the GnuTLS X.509 API: no sockets, no DNS, no output. */
#ifndef PS_ENGINE_CHAIN_H
#define PS_ENGINE_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gnutls/gnutls.h>

#include "model/chain.h"

struct ps_trust;
struct ps_chain_memo;

struct ps_chain_params {
	/* What the phone and the modern client trust (shared, read only). May
	 * be NULL: then neither trusts any CA, and the phone's trust cannot be
	 * confirmed. */
	const struct ps_trust *trust;
	const char *host;           /* may be NULL: skip the host name checks */
	const char *connected_addr; /* numeric address, may be NULL */
	/* What host resolves to, for the phone's rule that the CN's name must
	 * resolve to the connected address; may be NULL. */
	const char *const *host_addrs;
	size_t n_host_addrs;
	time_t at; /* check validity at this time; 0 = now */
	/* Reports already made, to copy instead of analysing the same chain
	 * again (shared; may be NULL: analyse every time). */
	struct ps_chain_memo *memo;
};

/* Analyse `n` DER certificates in the order the server sent them (leaf
 * first). `out` (zero-initialised, or an earlier report) is cleared first
 * and filled; the caller clears it later with ps_chain_report_clear.
 * Reentrant: no globals; many threads may share one trust.
 * Returns 0, or a negative GnuTLS code when nothing could be parsed (then
 * out->certs is empty and both verdicts reject with a reason). A
 * certificate that cannot be parsed ends the list: the ones before it
 * are analysed, both verdicts reject, and chain.invalid is raised. */
int ps_chain_analyse(const gnutls_datum_t *certs_der, size_t n, const struct ps_chain_params *p,
		     struct ps_chain_report *out);

/* A memo of analyses. The report is a function of the certificates
 * (their DER), the trust, the host name, the addresses and the time it is
 * checked at (`at`, or the second that "now" was), and of nothing else; so
 * when every hop of a run meets the same server's chain, the memo copies the
 * first hop's report instead of analysing the chain again (about 6 million
 * instructions a hop). It keeps the last few distinct analyses. Opaque; any
 * number of threads may use one at once (it has a lock of its own). */
struct ps_chain_memo *ps_chain_memo_new(void);
/* Accepts NULL. */
void ps_chain_memo_free(struct ps_chain_memo *m);

/* Read a PEM bundle (or one DER certificate) from `file` into a DER list.
 * Returns 0 with `*der` (free with ps_chain_der_free) and `*n`, or a
 * negative GnuTLS code (GNUTLS_E_FILE_ERROR when the file cannot be read)
 * with `*err` set (caller frees). */
int ps_chain_load_pem_file(const char *file, gnutls_datum_t **der, size_t *n, char **err);
/* The same from `len` bytes in memory (borrowed); `name` (a file name, or
 * what the bytes are) starts the error messages. The file loader reads the
 * file and calls this. */
int ps_chain_load_pem(const unsigned char *data, size_t len, const char *name, gnutls_datum_t **der,
		      size_t *n, char **err);
/* Free a list from ps_chain_load_pem_file or ps_chain_load_pem; accepts
 * NULL. */
void ps_chain_der_free(gnutls_datum_t *der, size_t n);

#endif
