/* What the two clients trust, loaded once per process and shared by every
 * hop, device and re-run: the phone's anchors (--ca, or the lab's vendor CA
 * in memory for --demo) and the modern client's (the anchors given for it,
 * and the system store, which GnuTLS loads on the first verdict that needs
 * it). An opaque handle; once made, any number of threads may read it at
 * once (GnuTLS trust lists are read-only during verification, as in the
 * credentials its sessions share). */
#ifndef PS_ENGINE_TRUST_H
#define PS_ENGINE_TRUST_H

#include <stdbool.h>

#include <gnutls/x509.h>

struct ps_trust;

/* From files, each read once: `ca_file` (--ca, may be NULL) holds the
 * phone's anchors, which the modern client trusts too; `modern_ca_file`
 * (--modern-ca, may be NULL) anchors only the modern client; with `system`
 * the modern client also trusts the system store. Returns NULL with `*err`
 * (caller frees) when a file cannot be read or holds no certificate. */
struct ps_trust *ps_trust_new_files(const char *ca_file, const char *modern_ca_file, bool system,
				    char **err);

/* From PEM text: `phone_pem` the phone's anchors, `modern_pem` the modern
 * client's besides the system store (each may be NULL). Never fails: a
 * bundle that cannot be read is reported in the verdicts it concerns. */
struct ps_trust *ps_trust_new_mem(const char *phone_pem, const char *modern_pem, bool system);

/* Accepts NULL. */
void ps_trust_free(struct ps_trust *t);

/* The phone's anchors: a list (borrowed, never NULL), the number of CAs in
 * it (0 when none was given or none could be read) and why they could not
 * be read (borrowed, NULL when they could or none was given). */
gnutls_x509_trust_list_t ps_trust_phone(const struct ps_trust *t, int *n, const char **error);

/* The modern client's anchors without the system store (borrowed, never
 * NULL), and why they could not all be read (borrowed, or NULL). */
gnutls_x509_trust_list_t ps_trust_modern_given(const struct ps_trust *t, const char **error);

/* Whether anchors were given for the phone (readable or not). */
bool ps_trust_has_phone(const struct ps_trust *t);

/* Whether the modern client trusts the system store, and whether anchors
 * were given for it besides. */
bool ps_trust_uses_system(const struct ps_trust *t);
bool ps_trust_has_modern_given(const struct ps_trust *t);

/* The modern client's anchors with the system store: the given ones first,
 * then the system's, loaded by GnuTLS on the first call of the process
 * (later calls, from any thread, wait for it and share it). Borrowed,
 * never NULL; `*error` says why the system store gave nothing (borrowed,
 * or NULL). Only when ps_trust_uses_system. The trust stays const to its
 * readers: the load is behind a lock of its own. */
gnutls_x509_trust_list_t ps_trust_modern_system(const struct ps_trust *t, const char **error);

#endif
