/* The profile decode pipeline, as the phone runs it on a fetched body:
 * openssl enc AES-256-CBC decryption ("Salted__", or headerless as
 * -nosalt writes it), gzip decompression, then format detection (XML
 * flat-profile, SPC text, compiled SPC binary).
 * Pure: the caller passes the bytes; nothing is read or written. */
#ifndef PS_PROFILE_DECODE_H
#define PS_PROFILE_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/crypto.h>

#include "profile/params.h"

/* Default cap on the decrypted and decompressed size. */
#define PS_DECODE_MAX_DEFAULT ((size_t)4 * 1024 * 1024)

struct ps_decode_opts {
	const char *key; /* passphrase of openssl enc -k (the rule's --key), or NULL */
	size_t max_size; /* cap on the plaintext in bytes; 0 means PS_DECODE_MAX_DEFAULT */
};

enum ps_profile_format {
	PS_PROFILE_XML,        /* starts with '<' (or an unrendered XML template) */
	PS_PROFILE_SPC_TEXT,   /* the profile compiler's source: Name ! "value" ; */
	PS_PROFILE_SPC_BINARY, /* not text: assumed to be a compiled SPC profile */
	PS_PROFILE_UNKNOWN,    /* anything else (error page, other file) */
};

/* "xml", "spc-text", "spc-binary", "unknown" (the report's format labels). */
const char *ps_profile_format_name(enum ps_profile_format f);

struct ps_decoded {
	bool encrypted;                /* started with "Salted__", or decrypted as -nosalt */
	bool nosalt;                   /* decrypted as openssl enc -nosalt (no header) */
	const char *kdf;               /* "md5" or "sha256" once decrypted, else NULL (static) */
	bool compressed;               /* gzip, after any decryption */
	enum ps_profile_format format; /* of the final plaintext */
	unsigned char *data;           /* final plaintext (owned), NUL-terminated; NULL on error */
	size_t len;                    /* its length, without the NUL */
	struct ps_profile_issue error; /* id PS_F_COUNT on success */
	/* PS_F_PROFILE_KDF_SHA256 when the SHA-256 key derivation was needed,
	 * PS_F_PROFILE_NOSALT when the file was decrypted as -nosalt (its
	 * detail then says whether SHA-256 was needed too), else id
	 * PS_F_COUNT. */
	struct ps_profile_issue warning;
};

/* Decodes `len` bytes. Returns 0 when the plaintext is ready for a parser
 * (out->format XML or SPC_TEXT), -1 with out->error set otherwise:
 *   profile.key_missing     encrypted, and o->key is NULL or empty; also
 *                           headerless binary data that looks encrypted
 *                           (whole 16-byte blocks that do not compress):
 *                           openssl enc -nosalt, or a compiled SPC file;
 *   profile.decrypt_failed  neither the MD5 nor the SHA-256 key derivation
 *                           gives a valid padding and a plausible plaintext
 *                           (for headerless data: tried as -nosalt, with the
 *                           key and IV from the key alone);
 *   profile.too_large       larger than the cap once decrypted/decompressed
 *                           (never allocates much more than the cap);
 *   profile.gzip_corrupt    damaged or cut-short gzip data;
 *   profile.empty           nothing but white space;
 *   profile.spc_binary      not text, and not like ciphertext (format
 *                           SPC_BINARY);
 *   profile.no_flat_profile an HTML page (an error page from the server);
 *   profile.unknown_format  other text or a known non-profile file type.
 * Unrendered templates are classed as XML so that the XML parser reports
 * profile.template with its line. `o` may be NULL. `out` is overwritten;
 * call ps_decoded_clear() after use. */
int ps_profile_decode(const unsigned char *data, size_t len, const struct ps_decode_opts *o,
		      struct ps_decoded *out);
void ps_decoded_clear(struct ps_decoded *d);

/* EVP_BytesToKey(digest, salt, pass, count 1) for AES-256-CBC, as
 * `openssl enc` derives the key and IV from a passphrase:
 * D1 = H(pass || salt), Di = H(D(i-1) || pass || salt); key || iv = the
 * first 48 bytes. `salt` is 8 bytes, or NULL for no salt (-nosalt).
 * Returns 0, or -1 when GnuTLS fails. */
int ps_bytes_to_key(gnutls_digest_algorithm_t alg, const char *pass, const unsigned char *salt,
		    unsigned char kiv[48]);

#endif
