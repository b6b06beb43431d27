/* Decode pipeline: openssl enc decryption with GnuTLS (EVP_BytesToKey with
 * MD5, then SHA-256), gzip inflation under a size cap, format detection. */
#include "config.h"

#include "profile/decode.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <zlib.h>

#include "core/utf8.h"
#include "core/util.h"
#include "profile/spc.h"
#include "profile/xml.h"

#define SALT_MAGIC "Salted__"
#define AES_BLOCK 16
#define HEADER_LEN 16 /* "Salted__" + 8-byte salt */

const char *ps_profile_format_name(enum ps_profile_format f)
{
	switch (f) {
	case PS_PROFILE_XML:
		return "xml";
	case PS_PROFILE_SPC_TEXT:
		return "spc-text";
	case PS_PROFILE_SPC_BINARY:
		return "spc-binary";
	case PS_PROFILE_UNKNOWN:
		break;
	}
	return "unknown";
}

void ps_decoded_clear(struct ps_decoded *d)
{
	free(d->data);
	ps_profile_issue_clear(&d->error);
	ps_profile_issue_clear(&d->warning);
	memset(d, 0, sizeof *d);
	d->error.id = PS_F_COUNT;
	d->warning.id = PS_F_COUNT;
	d->format = PS_PROFILE_UNKNOWN;
}

/* Up to `max` bytes of `p` as a double-quoted string a person can read
 * whatever the bytes are: printable ASCII as is, the rest as \xNN. */
static char *quote_bytes(const unsigned char *p, size_t n, size_t max)
{
	struct ps_buf b = { 0 };
	ps_buf_puts(&b, "\"");
	for (size_t i = 0; i < n && i < max; i++) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\')
			ps_buf_printf(&b, "\\%c", c);
		else if (c == '\n')
			ps_buf_puts(&b, "\\n");
		else if (c == '\r')
			ps_buf_puts(&b, "\\r");
		else if (c == '\t')
			ps_buf_puts(&b, "\\t");
		else if (c >= 0x20 && c < 0x7f)
			ps_buf_add(&b, (const char *)&c, 1);
		else
			ps_buf_printf(&b, "\\x%02x", c);
	}
	ps_buf_puts(&b, n > max ? "\"..." : "\"");
	return ps_buf_take(&b);
}

/* Bytes in the first `n` that are not text: control characters other than
 * tab, CR, LF and form feed, DEL, and bytes outside valid UTF-8 (core/utf8.h). */
static size_t count_non_text(const unsigned char *p, size_t n, bool *has_nul)
{
	size_t bad = 0;
	*has_nul = false;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c == 0)
			*has_nul = true;
		if (c >= 0x80) {
			uint32_t cp;
			/* a character cut by the end of the window counts as text */
			size_t k = ps_utf8_truncated(p + i, n - i)
				       ? n - i
				       : ps_utf8_decode(p + i, n - i, &cp);
			if (!k) {
				bad++;
				i++;
			} else {
				i += k;
			}
			continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f)
			bad++;
		i++;
	}
	return bad;
}

static size_t skip_bom_space(const unsigned char *p, size_t n)
{
	size_t i = 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

static bool is_gzip(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Whether a decryption result is believable: a wrong key still passes the
 * PKCS#7 padding check about once in 256 tries, so look at the bytes. */
static bool plausible_plaintext(const unsigned char *p, size_t n)
{
	if (n == 0)
		return true;
	if (n >= 3 && is_gzip(p, n) && p[2] == 8)
		return true;
	size_t i = skip_bom_space(p, n);
	if (i == n)
		return true;
	unsigned char c = p[i];
	bool start_ok = c == '<' || c == '#' || c == '{' || c == '_' || (c >= 'A' && c <= 'Z') ||
			(c >= 'a' && c <= 'z');
	if (!start_ok)
		return false;
	size_t look = n < 1024 ? n : 1024;
	bool nul;
	return count_non_text(p, look, &nul) == 0;
}

/* EVP_BytesToKey(digest, salt, pass, count 1) for AES-256-CBC:
 * D1 = H(pass || salt), Di = H(D(i-1) || pass || salt); key || iv = the
 * first 48 bytes; without a salt (openssl enc -nosalt) the salt is left
 * out of each hash. */
int ps_bytes_to_key(gnutls_digest_algorithm_t alg, const char *pass, const unsigned char *salt,
		    unsigned char kiv[48])
{
	unsigned char d[64];
	size_t dlen = gnutls_hash_get_len(alg);
	size_t have = 0;
	bool first = true;
	if (!dlen || dlen > sizeof d)
		return -1;
	while (have < 48) {
		gnutls_hash_hd_t h;
		if (gnutls_hash_init(&h, alg) < 0)
			return -1;
		if (!first)
			gnutls_hash(h, d, dlen);
		gnutls_hash(h, pass, strlen(pass));
		if (salt)
			gnutls_hash(h, salt, 8);
		gnutls_hash_deinit(h, d);
		first = false;
		size_t take = 48 - have < dlen ? 48 - have : dlen;
		memcpy(kiv + have, d, take);
		have += take;
	}
	gnutls_memset(d, 0, sizeof d);
	return 0;
}

/* Decrypts with one digest. Returns 0 and the plaintext (owned, with one
 * spare byte for a NUL) when the padding is valid. */
static int decrypt_with(gnutls_digest_algorithm_t alg, const char *pass, const unsigned char *salt,
			const unsigned char *ct, size_t ctlen, unsigned char **pt, size_t *ptlen)
{
	unsigned char kiv[48];
	if (ps_bytes_to_key(alg, pass, salt, kiv) < 0)
		return -1;
	gnutls_datum_t key = { .data = kiv, .size = 32 };
	gnutls_datum_t iv = { .data = kiv + 32, .size = 16 };
	gnutls_cipher_hd_t c;
	int rc = gnutls_cipher_init(&c, GNUTLS_CIPHER_AES_256_CBC, &key, &iv);
	gnutls_memset(kiv, 0, sizeof kiv);
	if (rc < 0)
		return -1;
	unsigned char *out = ps_xmalloc(ctlen + 1);
	/* The trap (GnuTLS 3.7.9): *ptext_len must be the ciphertext length on
	 * input, or the pad byte is read from the wrong place. */
	size_t outlen = ctlen;
	rc = gnutls_cipher_decrypt3(c, ct, ctlen, out, &outlen, GNUTLS_CIPHER_PADDING_PKCS7);
	gnutls_cipher_deinit(c);
	if (rc < 0 || outlen > ctlen) {
		free(out);
		return -1;
	}
	out[outlen] = '\0';
	*pt = out;
	*ptlen = outlen;
	return 0;
}

/* Tries the MD5, then the SHA-256 key derivation on `ct` with `salt` (8
 * bytes, or NULL for -nosalt). Returns 0 with the plaintext and out->kdf
 * set when one gives a valid padding and a plausible plaintext, else -1
 * (no issue set). */
static int try_kdfs(const char *key, const unsigned char *salt, const unsigned char *ct,
		    size_t ctlen, struct ps_decoded *out, unsigned char **pt, size_t *ptlen)
{
	static const struct {
		gnutls_digest_algorithm_t alg;
		const char *name;
	} kdfs[] = { { GNUTLS_DIG_MD5, "md5" }, { GNUTLS_DIG_SHA256, "sha256" } };
	for (size_t i = 0; i < sizeof kdfs / sizeof kdfs[0]; i++) {
		unsigned char *p;
		size_t n;
		if (decrypt_with(kdfs[i].alg, key, salt, ct, ctlen, &p, &n) < 0)
			continue;
		if (!plausible_plaintext(p, n)) {
			free(p);
			continue;
		}
		out->kdf = kdfs[i].name;
		*pt = p;
		*ptlen = n;
		return 0;
	}
	return -1;
}

static int decrypt(const unsigned char *data, size_t len, const char *key, size_t cap,
		   struct ps_decoded *out, unsigned char **pt, size_t *ptlen)
{
	if (!key || !*key) {
		ps_profile_issue_set(
		    &out->error, PS_F_PROFILE_KEY_MISSING, 0, 0,
		    "the profile starts with \"Salted__\" (openssl enc) and no key "
		    "was given");
		return -1;
	}
	if (len < HEADER_LEN + AES_BLOCK || (len - HEADER_LEN) % AES_BLOCK) {
		ps_profile_issue_set(&out->error, PS_F_PROFILE_DECRYPT_FAILED, 0, 0,
				     "after the 16-byte Salted__ header there are %zu bytes, not a "
				     "whole number of 16-byte AES blocks: the file is cut short or "
				     "was not made by openssl enc -aes-256-cbc",
				     len < HEADER_LEN ? (size_t)0 : len - HEADER_LEN);
		return -1;
	}
	if (len - HEADER_LEN > cap + AES_BLOCK) {
		ps_profile_issue_set(&out->error, PS_F_PROFILE_TOO_LARGE, 0, 0,
				     "the encrypted data is %zu bytes, over the limit of %zu bytes",
				     len - HEADER_LEN, cap);
		return -1;
	}
	if (try_kdfs(key, data + 8, data + HEADER_LEN, len - HEADER_LEN, out, pt, ptlen) == 0) {
		if (strcmp(out->kdf, "sha256") == 0)
			ps_profile_issue_set(
			    &out->warning, PS_F_PROFILE_KDF_SHA256, 0, 0,
			    "decrypted only with the SHA-256 key derivation (openssl "
			    "enc without -md md5); SPA-era firmware uses MD5");
		return 0;
	}
	ps_profile_issue_set(
	    &out->error, PS_F_PROFILE_DECRYPT_FAILED, 0, 0,
	    "AES-256-CBC with the key given fails with both the MD5 and the SHA-256 "
	    "key derivation (bad padding or no readable plaintext): wrong key, or "
	    "not openssl enc -aes-256-cbc -k");
	return -1;
}

/* Whether bytes without a header look like AES-CBC ciphertext, as
 * openssl enc -nosalt writes it: at least one whole 16-byte block and
 * only whole blocks, not text, and random-looking: deflate gains nothing
 * on the first 4 KiB (ciphertext never compresses; a compiled SPC file
 * that is not encrypted or scrambled has structure). */
static bool looks_like_ciphertext(const unsigned char *p, size_t n)
{
	if (n < AES_BLOCK || n % AES_BLOCK)
		return false;
	size_t look = n < 4096 ? n : 4096;
	bool nul;
	size_t bad = count_non_text(p, look, &nul);
	if (!nul && bad * 20 <= look)
		return false;
	uLongf zlen = compressBound((uLong)look);
	unsigned char *z = ps_xmalloc(zlen);
	int rc = compress2(z, &zlen, p, (uLong)look, 9);
	free(z);
	/* zlib adds 6 bytes of its own (header and checksum) */
	return rc == Z_OK && zlen >= look + 6 - look / 20;
}

/* Headerless bytes that look like ciphertext: openssl enc -nosalt (the key
 * and IV from the passphrase alone), or a compiled SPC profile, which
 * cannot be told apart without the key. Returns 0 with the plaintext when
 * the key decrypts it, -1 with out->error otherwise. */
static int decrypt_nosalt(const unsigned char *data, size_t len, const char *key, size_t cap,
			  struct ps_decoded *out, unsigned char **pt, size_t *ptlen)
{
	char *q = quote_bytes(data, len, 16);
	if (!key || !*key) {
		ps_profile_issue_set(
		    &out->error, PS_F_PROFILE_KEY_MISSING, 0, 0,
		    "no Salted__ header, but %zu bytes of binary data in whole 16-byte blocks "
		    "that do not compress, starting with %s: most likely encrypted without a "
		    "salt header (openssl enc -nosalt), or a compiled SPC profile; give the key "
		    "with --profile-key to try it",
		    len, q);
	} else if (len > cap + AES_BLOCK) {
		ps_profile_issue_set(&out->error, PS_F_PROFILE_TOO_LARGE, 0, 0,
				     "the data, encrypted without a salt header or a compiled SPC "
				     "profile, is %zu bytes, over the limit of %zu bytes",
				     len, cap);
	} else if (try_kdfs(key, NULL, data, len, out, pt, ptlen) == 0) {
		out->encrypted = true;
		out->nosalt = true;
		ps_profile_issue_set(
		    &out->warning, PS_F_PROFILE_NOSALT, 0, 0,
		    "decrypted as openssl enc -nosalt (no Salted__ header, key and IV from the "
		    "key alone)%s; the SPA guides describe only the salted format",
		    strcmp(out->kdf, "sha256") == 0
			? ", and only with the SHA-256 key derivation (SPA-era firmware uses MD5)"
			: "");
		free(q);
		return 0;
	} else {
		ps_profile_issue_set(
		    &out->error, PS_F_PROFILE_DECRYPT_FAILED, 0, 0,
		    "no Salted__ header, but %zu bytes of binary data in whole 16-byte blocks "
		    "that do not compress, starting with %s; as openssl enc -nosalt the key "
		    "given fails with both the MD5 and the SHA-256 key derivation: wrong key, "
		    "or a compiled SPC profile, which provscope cannot read",
		    len, q);
	}
	free(q);
	return -1;
}
/* Give zlib the next piece of the input once it used up the last one
 * (avail_in is an unsigned int; the input may be larger). */
static void feed_input(z_stream *zs, const unsigned char *in, size_t inlen, size_t *fed)
{
	if (zs->avail_in || *fed >= inlen)
		return;
	size_t chunk = inlen - *fed < (size_t)UINT_MAX / 2 ? inlen - *fed : UINT_MAX / 2;
	zs->next_in = (unsigned char *)(uintptr_t)(in + *fed);
	zs->avail_in = (uInt)chunk;
	*fed += chunk;
}

/* Inflates gzip data (one or more members) into at most `cap` bytes; the
 * buffer never grows past cap + 2 bytes, so a gzip bomb costs nothing. */
static int gunzip(const unsigned char *in, size_t inlen, size_t cap, struct ps_decoded *out,
		  unsigned char **res, size_t *reslen)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		ps_profile_issue_set(&out->error, PS_F_PROFILE_GZIP_CORRUPT, 0, 0,
				     "zlib could not start inflating");
		return -1;
	}
	size_t limit = cap + 1; /* producing this many bytes proves "too large" */
	size_t alloc = inlen < limit / 4 ? inlen * 4 : limit;
	if (alloc < 4096)
		alloc = limit < 4096 ? limit : 4096;
	unsigned char *buf = ps_xmalloc(alloc + 1);
	size_t total = 0, fed = 0;
	int rc = -1;
	for (;;) {
		feed_input(&zs, in, inlen, &fed);
		if (total == alloc) {
			if (alloc >= limit) {
				ps_profile_issue_set(
				    &out->error, PS_F_PROFILE_TOO_LARGE, 0, 0,
				    "the gzip data inflates to more than the limit "
				    "of %zu bytes (%zu compressed)",
				    cap, inlen);
				break;
			}
			alloc = alloc > limit / 2 ? limit : alloc * 2;
			buf = ps_xrealloc(buf, alloc + 1);
		}
		size_t room = alloc - total < (size_t)UINT_MAX / 2 ? alloc - total : UINT_MAX / 2;
		zs.next_out = buf + total;
		zs.avail_out = (uInt)room;
		int z = inflate(&zs, Z_NO_FLUSH);
		total += room - zs.avail_out;
		if (z == Z_STREAM_END) {
			/* Another member follows (gzip -c a b > ab.gz)? */
			feed_input(&zs, in, inlen, &fed);
			if (zs.avail_in >= 2 && is_gzip(zs.next_in, zs.avail_in)) {
				inflateReset(&zs);
				continue;
			}
			rc =
			    0; /* trailing bytes that are no gzip member are ignored, as gzip does */
			break;
		}
		if (z == Z_OK || z == Z_BUF_ERROR) {
			if (total < alloc && zs.avail_in == 0 && fed == inlen) {
				ps_profile_issue_set(
				    &out->error, PS_F_PROFILE_GZIP_CORRUPT, 0, 0,
				    "the gzip data ends early (cut short after %zu "
				    "compressed bytes)",
				    inlen);
				break;
			}
			continue;
		}
		ps_profile_issue_set(&out->error, PS_F_PROFILE_GZIP_CORRUPT, 0, 0,
				     "the gzip data is damaged: %s",
				     zs.msg ? zs.msg : "zlib error");
		break;
	}
	inflateEnd(&zs);
	if (rc < 0) {
		free(buf);
		return -1;
	}
	buf[total] = '\0';
	*res = buf;
	*reslen = total;
	return 0;
}

/* The `n` bytes at `p` begin with `s` / where `s` first stands in them,
 * ignoring ASCII case (core/util.h on the body's bytes). */
static bool starts_ci(const unsigned char *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n >= k && ps_strn_ieq((const char *)p, s, k);
}

static const unsigned char *find_ci(const unsigned char *p, size_t n, const char *s)
{
	return (const unsigned char *)ps_mem_ifind((const char *)p, n, s);
}

/* Whether markup at p is an HTML page: the first thing after the XML
 * declaration, comments and white space is an HTML doctype or <html>,
 * <head>, <body> or <title>. */
static bool looks_like_html(const unsigned char *p, size_t n)
{
	size_t i = 0;
	for (;;) {
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
			i++;
		if (i + 4 <= n && memcmp(p + i, "<!--", 4) == 0) {
			const unsigned char *e = find_ci(p + i + 4, n - i - 4, "-->");
			if (!e)
				return false;
			i = (size_t)(e - p) + 3;
			continue;
		}
		if (i + 2 <= n && memcmp(p + i, "<?", 2) == 0) {
			const unsigned char *e = find_ci(p + i + 2, n - i - 2, "?>");
			if (!e)
				return false;
			i = (size_t)(e - p) + 2;
			continue;
		}
		break;
	}
	if (starts_ci(p + i, n - i, "<!doctype html"))
		return true;
	static const char *const tags[] = { "<html", "<head", "<body", "<title" };
	for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++) {
		size_t k = strlen(tags[t]);
		if (starts_ci(p + i, n - i, tags[t]) &&
		    (i + k == n || p[i + k] == '>' || p[i + k] == ' ' || p[i + k] == '\t' ||
		     p[i + k] == '\r' || p[i + k] == '\n'))
			return true;
	}
	return false;
}

static void html_issue(struct ps_decoded *out, const unsigned char *p, size_t n)
{
	size_t look = n < 8192 ? n : 8192;
	const unsigned char *t = find_ci(p, look, "<title>");
	const unsigned char *e = t ? find_ci(t + 7, look - (size_t)(t + 7 - p), "</title>") : NULL;
	if (t && e) {
		const unsigned char *a = t + 7;
		while (a < e && (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n'))
			a++;
		char *q = quote_bytes(a, (size_t)(e - a), 80);
		ps_profile_issue_set(&out->error, PS_F_PROFILE_NO_FLAT_PROFILE, 1, 0,
				     "the file looks like an HTML page (title %s), not a profile: "
				     "probably an error or login page from the server",
				     q);
		free(q);
	} else {
		ps_profile_issue_set(&out->error, PS_F_PROFILE_NO_FLAT_PROFILE, 1, 0,
				     "the file looks like an HTML page, not a profile: probably an "
				     "error or login page from the server");
	}
}

/* Known file types that are no profile, by their first bytes. */
static const struct {
	const char *magic;
	size_t len;
	const char *what;
} known[] = {
	{ SALT_MAGIC, 8,
	  "encrypted twice, or compressed after encrypting (openssl-encrypted data "
	  "inside the decoded profile; compress first, then encrypt once)" },
	{ "\x1f\x8b", 2, "compressed twice (gzip data inside gzip data)" },
	{ "%PDF-", 5, "a PDF document" },
	{ "\x89PNG", 4, "a PNG image" },
	{ "GIF8", 4, "a GIF image" },
	{ "\xff\xd8\xff", 3, "a JPEG image" },
	{ "PK\x03\x04", 4, "a ZIP archive" },
	{ "\177ELF", 4, "an ELF executable" },
};

static int detect(struct ps_decoded *out)
{
	const unsigned char *p = out->data;
	size_t n = out->len;
	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff))) {
		out->format = PS_PROFILE_UNKNOWN;
		ps_profile_issue_set(&out->error, PS_F_PROFILE_UNKNOWN_FORMAT, 0, 0,
				     "the file is UTF-16 text (it starts with a UTF-16 byte order "
				     "mark); the phone reads ASCII (UTF-8) profiles only");
		return -1;
	}
	for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
		if (n >= known[k].len && memcmp(p, known[k].magic, known[k].len) == 0) {
			out->format = PS_PROFILE_UNKNOWN;
			ps_profile_issue_set(&out->error, PS_F_PROFILE_UNKNOWN_FORMAT, 0, 0,
					     "the file is %s, not a profile", known[k].what);
			return -1;
		}
	}
	size_t i = skip_bom_space(p, n);
	if (i == n) {
		out->format = PS_PROFILE_UNKNOWN;
		if (n)
			ps_profile_issue_set(&out->error, PS_F_PROFILE_EMPTY, 0, 0,
					     "the profile holds only white space (%zu bytes)", n);
		else
			ps_profile_issue_set(&out->error, PS_F_PROFILE_EMPTY, 0, 0,
					     "the profile is empty (0 bytes)");
		return -1;
	}
	size_t look = n < 4096 ? n : 4096;
	bool nul;
	size_t bad = count_non_text(p, look, &nul);
	if (nul || bad * 20 > look) {
		out->format = PS_PROFILE_SPC_BINARY;
		char *q = quote_bytes(p, n, 16);
		ps_profile_issue_set(&out->error, PS_F_PROFILE_SPC_BINARY, 0, 0,
				     "%zu of the first %zu bytes are not text%s; the file starts "
				     "with %s",
				     bad, look, nul ? " (NUL bytes among them)" : "", q);
		free(q);
		return -1;
	}
	if (p[i] == '<') {
		if (looks_like_html(p + i, n - i)) {
			out->format = PS_PROFILE_UNKNOWN;
			html_issue(out, p + i, n - i);
			return -1;
		}
		out->format = PS_PROFILE_XML;
		return 0;
	}
	if (ps_spc_probe((const char *)p, n)) {
		out->format = PS_PROFILE_SPC_TEXT;
		return 0;
	}
	unsigned tline;
	const char *marker;
	if (ps_profile_find_template((const char *)p, n, &tline, &marker)) {
		out->format = PS_PROFILE_XML; /* the XML parser reports the template */
		return 0;
	}
	out->format = PS_PROFILE_UNKNOWN;
	char *q = quote_bytes(p + i, n - i, 40);
	ps_profile_issue_set(&out->error, PS_F_PROFILE_UNKNOWN_FORMAT, 0, 0,
			     "the file is text but neither XML nor SPC text; it starts with %s", q);
	free(q);
	return -1;
}

int ps_profile_decode(const unsigned char *data, size_t len, const struct ps_decode_opts *o,
		      struct ps_decoded *out)
{
	memset(out, 0, sizeof *out);
	ps_decoded_clear(out);
	size_t cap = o && o->max_size ? o->max_size : PS_DECODE_MAX_DEFAULT;
	const char *key = o ? o->key : NULL;
	if (!data)
		len = 0;

	unsigned char *plain = NULL; /* owned stage result, or NULL: still `data` */
	size_t plen = len;
	if (len >= 8 && memcmp(data, SALT_MAGIC, 8) == 0) {
		out->encrypted = true;
		if (decrypt(data, len, key, cap, out, &plain, &plen) < 0)
			return -1;
	} else if (!is_gzip(data, len) && looks_like_ciphertext(data, len)) {
		if (decrypt_nosalt(data, len, key, cap, out, &plain, &plen) < 0)
			return -1;
	}
	const unsigned char *cur = plain ? plain : data;
	if (is_gzip(cur, plen)) {
		out->compressed = true;
		unsigned char *z;
		size_t zlen;
		int rc = gunzip(cur, plen, cap, out, &z, &zlen);
		free(plain);
		plain = NULL;
		if (rc < 0)
			return -1;
		plain = z;
		plen = zlen;
	}
	if (plen > cap) {
		free(plain);
		ps_profile_issue_set(&out->error, PS_F_PROFILE_TOO_LARGE, 0, 0,
				     "the profile is %zu bytes, over the limit of %zu bytes", plen,
				     cap);
		return -1;
	}
	if (!plain) {
		plain = ps_xmalloc(plen + 1);
		if (plen)
			memcpy(plain, data, plen);
		plain[plen] = '\0';
	}
	out->data = plain;
	out->len = plen;
	if (detect(out) < 0) {
		free(out->data);
		out->data = NULL;
		out->len = 0;
		return -1;
	}
	return 0;
}
