/* Unit tests of the profile pipeline: decode (openssl-format encryption
 * made here with GnuTLS, MD5 and SHA-256 key derivation, gzip, size cap,
 * format detection), the XML flat-profile rules, template and placeholder
 * detection on the corpus, and the SPC text parser. */
#include "config.h"

/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <zlib.h>

#include "profile/decode.h"
#include "profile/devmac.h"
#include "profile/params.h"
#include "profile/spc.h"
#include "profile/xml.h"

static const char profile_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<flat-profile>\n"
    "  <Profile_Rule ua=\"na\">http://prov.example.net/$MA.xml</Profile_Rule>\n"
    "  <GPP_SA>s3cret</GPP_SA>\n"
    "  <Upgrade_Enable>No</Upgrade_Enable>\n"
    "</flat-profile>\n";

/* --- helpers ------------------------------------------------------------ */

struct bytes {
	unsigned char *p;
	size_t n;
};

/* openssl enc -aes-256-cbc -k PASS [-md md5|sha256], with a fixed salt;
 * salt NULL is -nosalt: no header, the key and IV from PASS alone. */
static struct bytes encrypt_openssl(const void *plain, size_t n, const char *pass,
				    gnutls_digest_algorithm_t md, const unsigned char *salt)
{
	unsigned char kiv[48], d[64];
	size_t dlen = gnutls_hash_get_len(md), have = 0;
	while (have < 48) {
		gnutls_hash_hd_t h;
		assert_int_equal(gnutls_hash_init(&h, md), 0);
		if (have)
			gnutls_hash(h, d, dlen);
		gnutls_hash(h, pass, strlen(pass));
		if (salt)
			gnutls_hash(h, salt, 8);
		gnutls_hash_deinit(h, d);
		size_t take = 48 - have < dlen ? 48 - have : dlen;
		memcpy(kiv + have, d, take);
		have += take;
	}
	size_t pad = 16 - n % 16, ctlen = n + pad, hdr = salt ? 16 : 0;
	struct bytes out = { .n = hdr + ctlen };
	out.p = malloc(out.n);
	if (salt) {
		memcpy(out.p, "Salted__", 8);
		memcpy(out.p + 8, salt, 8);
	}
	memcpy(out.p + hdr, plain, n);
	memset(out.p + hdr + n, (int)pad, pad);
	gnutls_datum_t key = { kiv, 32 }, iv = { kiv + 32, 16 };
	gnutls_cipher_hd_t c;
	assert_int_equal(gnutls_cipher_init(&c, GNUTLS_CIPHER_AES_256_CBC, &key, &iv), 0);
	assert_int_equal(gnutls_cipher_encrypt(c, out.p + hdr, ctlen), 0);
	gnutls_cipher_deinit(c);
	return out;
}

static const unsigned char salt1[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* gzip with a real gzip header (windowBits 16 + 15). */
static struct bytes gzip_bytes(const void *plain, size_t n)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	struct bytes out = { .n = deflateBound(&zs, (uLong)n) + 32 };
	out.p = malloc(out.n);
	zs.next_in = (unsigned char *)(uintptr_t)plain;
	zs.avail_in = (uInt)n;
	zs.next_out = out.p;
	zs.avail_out = (uInt)out.n;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	out.n = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static char *data_path(const char *rel)
{
	const char *top = getenv("PS_TEST_DATA");
	if (!top || !*top)
		top = "tests/data";
	size_t n = strlen(top) + strlen(rel) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", top, rel);
	return p;
}

static struct bytes read_data(const char *rel)
{
	char *path = data_path(rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set PS_TEST_DATA)", path);
	struct bytes b = { 0 };
	size_t cap = 0, got;
	do {
		cap += 65536;
		b.p = realloc(b.p, cap);
		got = fread(b.p + b.n, 1, cap - b.n, f);
		b.n += got;
	} while (got);
	fclose(f);
	free(path);
	return b;
}

static int decode(const void *p, size_t n, const char *key, size_t cap, struct ps_decoded *d)
{
	struct ps_decode_opts o = { .key = key, .max_size = cap };
	return ps_profile_decode(p, n, &o, d);
}

/* Decodes and expects failure with `id`; returns the detail's copy. */
static char *decode_fails(const void *p, size_t n, const char *key, size_t cap,
			  enum ps_finding_id id)
{
	struct ps_decoded d;
	int rc = decode(p, n, key, cap, &d);
	if (rc == 0 || d.error.id != id)
		fail_msg("want %s, got rc %d and %s (%s)", ps_finding_name(id), rc,
			 d.error.id == PS_F_COUNT ? "no finding" : ps_finding_name(d.error.id),
			 d.error.detail ? d.error.detail : "");
	assert_null(d.data);
	assert_non_null(d.error.detail);
	char *detail = strdup(d.error.detail);
	ps_decoded_clear(&d);
	return detail;
}

/* Decodes and expects the plaintext to equal `want`. */
static void decode_ok(const void *p, size_t n, const char *key, const char *want,
		      struct ps_decoded *d)
{
	int rc = decode(p, n, key, 0, d);
	if (rc != 0)
		fail_msg("decode failed: %s: %s", ps_finding_name(d->error.id), d->error.detail);
	assert_int_equal(d->len, strlen(want));
	assert_memory_equal(d->data, want, d->len);
	assert_int_equal(d->data[d->len], '\0');
}

/* Parses XML text into a fresh table. */
static int parse_xml(const char *text, struct ps_params **t, struct ps_parse_result *r)
{
	*t = ps_params_new();
	return ps_profile_parse_xml(text, strlen(text), "test.xml", *t, r);
}

static int parse_spc(const char *text, struct ps_params **t, struct ps_parse_result *r)
{
	*t = ps_params_new();
	return ps_profile_parse_spc(text, strlen(text), "test.txt", *t, r);
}

static const char *val(const struct ps_params *t, const char *name)
{
	const struct ps_param *p = ps_params_get(t, name);
	if (!p)
		fail_msg("parameter %s is missing", name);
	return p->value;
}

static const char *acc(const struct ps_params *t, const char *name)
{
	const struct ps_param *p = ps_params_get(t, name);
	if (!p)
		fail_msg("parameter %s is missing", name);
	return p->access;
}

/* --- decode --------------------------------------------------------------- */

static void test_decode_plain(void **state)
{
	(void)state;
	struct ps_decoded d;
	decode_ok(profile_xml, strlen(profile_xml), NULL, profile_xml, &d);
	assert_false(d.encrypted);
	assert_false(d.compressed);
	assert_null(d.kdf);
	assert_int_equal(d.format, PS_PROFILE_XML);
	assert_string_equal(ps_profile_format_name(d.format), "xml");
	assert_int_equal(d.error.id, PS_F_COUNT);
	assert_int_equal(d.warning.id, PS_F_COUNT);
	ps_decoded_clear(&d);

	/* NULL options are the defaults; a UTF-8 BOM and blank lines are fine. */
	const char bom[] = "\xef\xbb\xbf\n\n<flat-profile><A>1</A></flat-profile>";
	assert_int_equal(ps_profile_decode((const unsigned char *)bom, strlen(bom), NULL, &d), 0);
	assert_int_equal(d.format, PS_PROFILE_XML);
	ps_decoded_clear(&d);
}

static void test_decode_encrypted_md5(void **state)
{
	(void)state;
	struct bytes e =
	    encrypt_openssl(profile_xml, strlen(profile_xml), "K3y!", GNUTLS_DIG_MD5, salt1);
	struct ps_decoded d;
	decode_ok(e.p, e.n, "K3y!", profile_xml, &d);
	assert_true(d.encrypted);
	assert_false(d.compressed);
	assert_string_equal(d.kdf, "md5");
	assert_int_equal(d.warning.id, PS_F_COUNT);
	assert_int_equal(d.format, PS_PROFILE_XML);
	ps_decoded_clear(&d);
	free(e.p);
}

static void test_decode_encrypted_sha256(void **state)
{
	(void)state;
	struct bytes e =
	    encrypt_openssl(profile_xml, strlen(profile_xml), "K3y!", GNUTLS_DIG_SHA256, salt1);
	struct ps_decoded d;
	decode_ok(e.p, e.n, "K3y!", profile_xml, &d);
	assert_true(d.encrypted);
	assert_string_equal(d.kdf, "sha256");
	/* It works for provscope, but the phone would fail: a warning. */
	assert_int_equal(d.warning.id, PS_F_PROFILE_KDF_SHA256);
	assert_int_equal(ps_finding_severity(d.warning.id), PS_SEV_WARN);
	assert_int_equal(d.error.id, PS_F_COUNT);
	ps_decoded_clear(&d);
	free(e.p);
}

static void test_decode_gzip(void **state)
{
	(void)state;
	struct bytes z = gzip_bytes(profile_xml, strlen(profile_xml));
	struct ps_decoded d;
	decode_ok(z.p, z.n, NULL, profile_xml, &d);
	assert_true(d.compressed);
	assert_false(d.encrypted);
	ps_decoded_clear(&d);

	/* Compressed first, then encrypted, with both key derivations. */
	gnutls_digest_algorithm_t mds[] = { GNUTLS_DIG_MD5, GNUTLS_DIG_SHA256 };
	for (size_t i = 0; i < 2; i++) {
		struct bytes e = encrypt_openssl(z.p, z.n, "gz-key", mds[i], salt1);
		decode_ok(e.p, e.n, "gz-key", profile_xml, &d);
		assert_true(d.compressed);
		assert_true(d.encrypted);
		assert_string_equal(d.kdf, i == 0 ? "md5" : "sha256");
		ps_decoded_clear(&d);
		free(e.p);
	}

	/* Two gzip members, as `cat a.gz b.gz` makes. */
	struct bytes a = gzip_bytes("<flat-profile>", 14);
	struct bytes b = gzip_bytes("<A>1</A></flat-profile>", 23);
	unsigned char *ab = malloc(a.n + b.n);
	memcpy(ab, a.p, a.n);
	memcpy(ab + a.n, b.p, b.n);
	decode_ok(ab, a.n + b.n, NULL, "<flat-profile><A>1</A></flat-profile>", &d);
	ps_decoded_clear(&d);
	free(ab);
	free(a.p);
	free(b.p);
	free(z.p);
}

static void test_decode_wrong_key(void **state)
{
	(void)state;
	/* A wrong key passes the PKCS#7 padding check about once in 256: try
	 * enough salts that some do, and check that none is taken. */
	for (unsigned i = 0; i < 400; i++) {
		unsigned char salt[8] = {
			(unsigned char)i, (unsigned char)(i >> 8), 9, 9, 9, 9, 9, 9
		};
		struct bytes e = encrypt_openssl(profile_xml, strlen(profile_xml), "right",
						 i % 2 ? GNUTLS_DIG_MD5 : GNUTLS_DIG_SHA256, salt);
		free(decode_fails(e.p, e.n, "wrong", 0, PS_F_PROFILE_DECRYPT_FAILED));
		free(e.p);
	}
}

static void test_decode_key_missing(void **state)
{
	(void)state;
	struct bytes e =
	    encrypt_openssl(profile_xml, strlen(profile_xml), "k", GNUTLS_DIG_MD5, salt1);
	char *detail = decode_fails(e.p, e.n, NULL, 0, PS_F_PROFILE_KEY_MISSING);
	assert_non_null(strstr(detail, "Salted__"));
	free(detail);
	free(decode_fails(e.p, e.n, "", 0, PS_F_PROFILE_KEY_MISSING));

	struct ps_decoded d;
	assert_int_equal(decode(e.p, e.n, NULL, 0, &d), -1);
	assert_true(d.encrypted);
	ps_decoded_clear(&d);

	/* Cut short: not a whole number of AES blocks, or no block at all. */
	free(decode_fails(e.p, e.n - 5, "k", 0, PS_F_PROFILE_DECRYPT_FAILED));
	free(decode_fails(e.p, 16, "k", 0, PS_F_PROFILE_DECRYPT_FAILED));
	free(decode_fails(e.p, 10, "k", 0, PS_F_PROFILE_DECRYPT_FAILED));
	free(e.p);
}

/* openssl enc -nosalt writes no header: the ciphertext alone, the key and
 * IV from the passphrase alone. The old pipeline called it a compiled SPC
 * binary whatever the key. */
static void test_decode_nosalt(void **state)
{
	(void)state;
	struct ps_decoded d;
	/* MD5 (SPA-era openssl), then SHA-256 (openssl >= 1.1.0). */
	struct bytes e =
	    encrypt_openssl(profile_xml, strlen(profile_xml), "k 1", GNUTLS_DIG_MD5, NULL);
	assert_true(e.n % 16 == 0);
	decode_ok(e.p, e.n, "k 1", profile_xml, &d);
	assert_true(d.encrypted);
	assert_true(d.nosalt);
	assert_string_equal(d.kdf, "md5");
	assert_int_equal(d.format, PS_PROFILE_XML);
	assert_int_equal(d.warning.id, PS_F_PROFILE_NOSALT);
	assert_null(strstr(d.warning.detail, "SHA-256"));
	ps_decoded_clear(&d);

	/* No key: named for what it most likely is, not a compiled SPC file. */
	char *detail = decode_fails(e.p, e.n, NULL, 0, PS_F_PROFILE_KEY_MISSING);
	assert_non_null(strstr(detail, "no Salted__ header"));
	assert_non_null(strstr(detail, "openssl enc -nosalt"));
	assert_non_null(strstr(detail, "compiled SPC profile"));
	assert_non_null(strstr(detail, "--profile-key"));
	free(detail);
	free(decode_fails(e.p, e.n, "", 0, PS_F_PROFILE_KEY_MISSING));
	/* A wrong key: decrypt_failed, naming both. */
	detail = decode_fails(e.p, e.n, "wrong", 0, PS_F_PROFILE_DECRYPT_FAILED);
	assert_non_null(strstr(detail, "-nosalt"));
	assert_non_null(strstr(detail, "compiled SPC profile"));
	free(detail);
	/* Over the size cap. */
	free(decode_fails(e.p, e.n, "k 1", 32, PS_F_PROFILE_TOO_LARGE));
	free(e.p);

	e = encrypt_openssl(profile_xml, strlen(profile_xml), "k 1", GNUTLS_DIG_SHA256, NULL);
	decode_ok(e.p, e.n, "k 1", profile_xml, &d);
	assert_true(d.nosalt);
	assert_string_equal(d.kdf, "sha256");
	assert_int_equal(d.warning.id, PS_F_PROFILE_NOSALT);
	assert_non_null(strstr(d.warning.detail, "SHA-256"));
	ps_decoded_clear(&d);
	free(e.p);

	/* gzip inside -nosalt encryption. */
	struct bytes z = gzip_bytes(profile_xml, strlen(profile_xml));
	e = encrypt_openssl(z.p, z.n, "k 1", GNUTLS_DIG_MD5, NULL);
	decode_ok(e.p, e.n, "k 1", profile_xml, &d);
	assert_true(d.nosalt);
	assert_true(d.compressed);
	ps_decoded_clear(&d);
	free(e.p);
	free(z.p);

	/* Wrong keys never pass for -nosalt either (some give a valid pad). */
	for (unsigned i = 0; i < 300; i++) {
		char pass[16];
		snprintf(pass, sizeof pass, "right%u", i);
		e = encrypt_openssl(profile_xml, strlen(profile_xml), pass,
				    i % 2 ? GNUTLS_DIG_MD5 : GNUTLS_DIG_SHA256, NULL);
		free(decode_fails(e.p, e.n, "wrong", 0, PS_F_PROFILE_DECRYPT_FAILED));
		free(e.p);
	}

	/* Binary data with structure (it compresses) in whole 16-byte blocks
	 * is still taken for a compiled SPC file, key or not; so is random
	 * data that is not whole blocks. */
	unsigned char bin[640];
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 37 + 11);
	free(decode_fails(bin, sizeof bin, NULL, 0, PS_F_PROFILE_SPC_BINARY));
	free(decode_fails(bin, sizeof bin, "k 1", 0, PS_F_PROFILE_SPC_BINARY));
	e = encrypt_openssl(profile_xml, strlen(profile_xml), "k 1", GNUTLS_DIG_MD5, NULL);
	free(decode_fails(e.p, e.n - 3, NULL, 0, PS_F_PROFILE_SPC_BINARY));
	free(decode_fails(e.p, e.n - 3, "k 1", 0, PS_F_PROFILE_SPC_BINARY));
	free(e.p);
}

static void test_decode_gzip_corrupt(void **state)
{
	(void)state;
	struct bytes z = gzip_bytes(profile_xml, strlen(profile_xml));
	/* Truncated: the end of the deflate stream and the trailer are gone. */
	char *detail = decode_fails(z.p, z.n - 12, NULL, 0, PS_F_PROFILE_GZIP_CORRUPT);
	assert_non_null(strstr(detail, "cut short"));
	free(detail);
	free(decode_fails(z.p, 2, NULL, 0, PS_F_PROFILE_GZIP_CORRUPT));
	/* Damaged: the CRC in the trailer no longer matches. */
	z.p[z.n - 6] ^= 0xff;
	detail = decode_fails(z.p, z.n, NULL, 0, PS_F_PROFILE_GZIP_CORRUPT);
	assert_non_null(strstr(detail, "damaged"));
	free(detail);
	/* Damaged header (bad compression method). */
	z.p[2] = 7;
	free(decode_fails(z.p, z.n, NULL, 0, PS_F_PROFILE_GZIP_CORRUPT));
	free(z.p);
}

static void test_decode_size_cap(void **state)
{
	(void)state;
	/* A gzip bomb: 64 MiB of text in a few tens of kilobytes. */
	size_t big = (size_t)64 << 20;
	char *text = malloc(big);
	memset(text, ' ', big);
	memcpy(text, "<flat-profile>", 14);
	struct bytes z = gzip_bytes(text, big);
	free(text);
	assert_true(z.n < 200000);
	char *detail = decode_fails(z.p, z.n, NULL, 1 << 20, PS_F_PROFILE_TOO_LARGE);
	assert_non_null(strstr(detail, "1048576"));
	free(detail);
	/* The default cap (4 MiB) stops it too. */
	free(decode_fails(z.p, z.n, NULL, 0, PS_F_PROFILE_TOO_LARGE));
	/* And inside encryption. */
	struct bytes e = encrypt_openssl(z.p, z.n, "k", GNUTLS_DIG_MD5, salt1);
	free(decode_fails(e.p, e.n, "k", 1 << 20, PS_F_PROFILE_TOO_LARGE));
	free(e.p);
	free(z.p);

	/* Exactly at the cap is fine, one byte more is not: plain and gzip'd. */
	size_t cap = 5000;
	char *t = malloc(cap + 1);
	memset(t, 'x', cap + 1);
	memcpy(t, "<flat-profile>", 14);
	struct ps_decoded d;
	assert_int_equal(decode(t, cap, NULL, cap, &d), 0);
	assert_int_equal(d.len, cap);
	ps_decoded_clear(&d);
	free(decode_fails(t, cap + 1, NULL, cap, PS_F_PROFILE_TOO_LARGE));
	struct bytes zc = gzip_bytes(t, cap), zc1 = gzip_bytes(t, cap + 1);
	assert_int_equal(decode(zc.p, zc.n, NULL, cap, &d), 0);
	assert_int_equal(d.len, cap);
	ps_decoded_clear(&d);
	free(decode_fails(zc1.p, zc1.n, NULL, cap, PS_F_PROFILE_TOO_LARGE));
	free(zc.p);
	free(zc1.p);
	free(t);
}

static void test_decode_formats(void **state)
{
	(void)state;
	/* Compiled SPC: binary bytes. */
	unsigned char bin[600];
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 37 + 11);
	struct ps_decoded d;
	assert_int_equal(decode(bin, sizeof bin, NULL, 0, &d), -1);
	assert_int_equal(d.error.id, PS_F_PROFILE_SPC_BINARY);
	assert_int_equal(d.format, PS_PROFILE_SPC_BINARY);
	assert_non_null(strstr(d.error.detail, "\\x"));
	ps_decoded_clear(&d);

	/* An HTML error page. */
	const char html[] = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
			    "<body><h1>Not Found</h1></body></html>\n";
	char *detail = decode_fails(html, strlen(html), NULL, 0, PS_F_PROFILE_NO_FLAT_PROFILE);
	assert_non_null(strstr(detail, "HTML page"));
	assert_non_null(strstr(detail, "404 Not Found"));
	free(detail);
	const char html2[] = "<?xml version=\"1.0\"?>\n<!-- x -->\n<HTML><BODY>x</BODY></HTML>";
	free(decode_fails(html2, strlen(html2), NULL, 0, PS_F_PROFILE_NO_FLAT_PROFILE));

	/* Empty, or only white space. */
	free(decode_fails("", 0, NULL, 0, PS_F_PROFILE_EMPTY));
	free(decode_fails(" \r\n\t\n", 5, NULL, 0, PS_F_PROFILE_EMPTY));
	assert_int_equal(ps_profile_decode(NULL, 0, NULL, &d), -1);
	assert_int_equal(d.error.id, PS_F_PROFILE_EMPTY);
	ps_decoded_clear(&d);

	/* Other text: quoted safely in the detail. */
	const char other[] = "Hello \"world\", this is not a profile at all\n";
	detail = decode_fails(other, strlen(other), NULL, 0, PS_F_PROFILE_UNKNOWN_FORMAT);
	assert_non_null(strstr(detail, "\"Hello \\\"world\\\", this is not a profile at \"..."));
	free(detail);
	detail = decode_fails("%PDF-1.4\n...", 12, NULL, 0, PS_F_PROFILE_UNKNOWN_FORMAT);
	assert_non_null(strstr(detail, "PDF"));
	free(detail);

	/* SPC text. */
	const char spc[] = "# SPA942\nProfile_Rule ! \"http://x/$MA.cfg\" ;\n";
	assert_int_equal(decode(spc, strlen(spc), NULL, 0, &d), 0);
	assert_int_equal(d.format, PS_PROFILE_SPC_TEXT);
	assert_string_equal(ps_profile_format_name(d.format), "spc-text");
	ps_decoded_clear(&d);
	/* SPC text with a mistake on its first line still goes to the parser. */
	const char spc_bad[] = "Line Enable[1] \"Yes\" ;\nUser_ID[1] \"100\" ;\n";
	assert_int_equal(decode(spc_bad, strlen(spc_bad), NULL, 0, &d), 0);
	assert_int_equal(d.format, PS_PROFILE_SPC_TEXT);
	ps_decoded_clear(&d);

	/* An unrendered Jinja template goes to the XML parser, which says so. */
	struct bytes tpl = read_data("profiles/wazo__SPA504G.tpl");
	assert_int_equal(decode(tpl.p, tpl.n, NULL, 0, &d), 0);
	assert_int_equal(d.format, PS_PROFILE_XML);
	ps_decoded_clear(&d);
	free(tpl.p);
}

/* --- XML -------------------------------------------------------------------- */

static void test_xml_basic_and_nesting(void **state)
{
	(void)state;
	struct ps_params *t;
	struct ps_parse_result r;
	const char *x =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<device>\n"
	    " <!-- the phone finds flat-profile anywhere -->\n"
	    " <config>\n"
	    "  <flat-profile>\n"
	    "   <Upgrade_Enable group=\"Provisioning/Firmware_Upgrade\">No</Upgrade_Enable>\n"
	    "   <Profile_Rule_B>http://x/$MA.xml</Profile_Rule_B>\n"
	    "  </flat-profile>\n"
	    " </config>\n"
	    "</device>\n";
	assert_int_equal(parse_xml(x, &t, &r), 0);
	assert_true(r.applied);
	assert_int_equal(r.n_set, 2);
	assert_int_equal(r.error.id, PS_F_COUNT);
	assert_int_equal(r.warning.id, PS_F_COUNT);
	assert_string_equal(val(t, "Upgrade_Enable"), "No");
	assert_null(acc(t, "Upgrade_Enable"));
	assert_string_equal(val(t, "Profile_Rule_B"), "http://x/$MA.xml");
	const struct ps_param *p = ps_params_get(t, "Profile_Rule_B");
	assert_string_equal(p->source, "test.xml");
	assert_int_equal(p->line, 7);
	assert_int_equal(ps_params_get(t, "Upgrade_Enable")->line, 6);
	/* Outer elements are not parameters. */
	assert_null(ps_params_get(t, "config"));
	assert_null(ps_params_get(t, "device"));
	ps_params_free(t);
	ps_parse_result_clear(&r);
}

static void test_xml_ua_and_empty_forms(void **state)
{
	(void)state;
	struct ps_params *t = ps_params_new();
	ps_params_set(t, "Keep", "factory", NULL, NULL, 0);
	ps_params_set(t, "Clear", "factory", NULL, NULL, 0);
	ps_params_set(t, "Acc", "factory", NULL, NULL, 0);
	const char *x = "<flat-profile>\n"
			"<Keep/>\n"
			"<Clear></Clear>\n"
			"<Acc ua=\"ro\"/>\n"
			"<RW ua=\"rw\">1</RW>\n"
			"<NA ua=\"na\">2</NA>\n"
			"<Odd ua=\"RW\">3</Odd>\n"
			"<Blank>   </Blank>\n"
			"</flat-profile>\n";
	struct ps_parse_result r;
	assert_int_equal(ps_profile_parse_xml(x, strlen(x), "f.xml", t, &r), 0);
	/* <X/> leaves the value; the file still named it. */
	assert_string_equal(val(t, "Keep"), "factory");
	assert_string_equal(ps_params_get(t, "Keep")->source, "f.xml");
	assert_int_equal(ps_params_get(t, "Keep")->line, 2);
	/* <X></X> sets the empty string. */
	assert_string_equal(val(t, "Clear"), "");
	/* <X ua="ro"/> sets the access only. */
	assert_string_equal(val(t, "Acc"), "factory");
	assert_string_equal(acc(t, "Acc"), "ro");
	assert_string_equal(acc(t, "RW"), "rw");
	assert_string_equal(acc(t, "NA"), "na");
	/* Other ua values are ignored, with a note. */
	assert_null(acc(t, "Odd"));
	assert_string_equal(val(t, "Odd"), "3");
	assert_int_equal(r.n_notes, 1);
	assert_non_null(strstr(r.notes[0], "ua=\"RW\""));
	assert_non_null(strstr(r.notes[0], "line 7"));
	assert_string_equal(val(t, "Blank"), "");
	assert_int_equal(r.n_set, 7);
	ps_params_free(t);
	ps_parse_result_clear(&r);
}

static void test_xml_values(void **state)
{
	(void)state;
	struct ps_params *t;
	struct ps_parse_result r;
	const char *x = "<flat-profile>\n"
			"<A>1</A>\n"
			"<Spaces>\n   first\n  second\r\n  </Spaces>\n"
			"<Ent>x &amp; y &lt;z&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42;</Ent>\n"
			"<Tab>\ta\tb\t</Tab>\n"
			"<CData><![CDATA[<raw> & ]]></CData>\n"
			"<A>2</A>\n"
			"<Mixed>one<Deep>x</Deep>two<Deeper><Deepest/></Deeper></Mixed>\n"
			"</flat-profile>";
	assert_int_equal(parse_xml(x, &t, &r), 0);
	/* The last occurrence wins, with its line. */
	assert_string_equal(val(t, "A"), "2");
	assert_int_equal(ps_params_get(t, "A")->line, 10);
	/* Trimmed; newlines inside become spaces (CR LF is one newline in XML). */
	assert_string_equal(val(t, "Spaces"), "first   second");
	assert_string_equal(val(t, "Ent"), "x & y <z> \"q\" 's' AB");
	assert_string_equal(val(t, "Tab"), "a\tb");
	assert_string_equal(val(t, "CData"), "<raw> &");
	/* Text beside child elements: the element is a container, its own
	 * text is no value; the leaves inside are parameters. */
	assert_null(ps_params_get(t, "Mixed"));
	assert_null(ps_params_get(t, "Deeper"));
	assert_string_equal(val(t, "Deep"), "x");
	assert_string_equal(val(t, "Deepest"), "");
	assert_int_equal(r.n_containers, 2);
	assert_int_equal(r.n_set, 7);
	assert_int_equal(r.n_notes, 2);
	assert_non_null(strstr(r.notes[0], "2 container elements (the first <Mixed>, line 11)"));
	assert_non_null(strstr(r.notes[1], "line 11: text beside child elements is ignored"));
	ps_params_free(t);
	ps_parse_result_clear(&r);
}

/* The SPA112/SPA122 shape: parameters nested in <router-configuration>
 * and its groups, at any depth. A leaf element is a parameter, named by
 * itself; an element holding elements is a container, never a parameter
 * (the old reader took <router-configuration> for a parameter set to ""
 * and dropped everything inside it). */
static void test_xml_nested(void **state)
{
	(void)state;
	struct ps_params *t;
	struct ps_parse_result r;
	const char *x = "<?xml version=\"1.0\"?>\n"
			"<flat-profile>\n"
			"<Provision_Enable>Yes</Provision_Enable>\n"
			"<router-configuration>\n"
			" <WAN_Interface>\n"
			"  <WAN_Connection_Type>dh</WAN_Connection_Type> <!-- dh/st/pp -->\n"
			"  <WAN_PPPoE_User_Name></WAN_PPPoE_User_Name>\n"
			" </WAN_Interface>\n"
			" <Log_Configuration><KERNEL><Enable>1</Enable></KERNEL>\n"
			"  <System><Enable>0</Enable></System></Log_Configuration>\n"
			" <Web_Remote_Management ua=\"ro\">1</Web_Remote_Management>\n"
			" <Keep_Me/>\n"
			" <Grp ua=\"rw\"><Inner ua=\"na\">v</Inner></Grp>\n"
			"</router-configuration>\n"
			"<Empty_Group>\n"
			"</Empty_Group>\n"
			"<Upgrade_Enable>No</Upgrade_Enable>\n"
			"</flat-profile>\n";
	t = ps_params_new();
	ps_params_set(t, "Keep_Me", "factory", NULL, NULL, 0);
	assert_int_equal(ps_profile_parse_xml(x, strlen(x), "test.xml", t, &r), 0);
	assert_true(r.applied);
	assert_int_equal(r.error.id, PS_F_COUNT);
	/* Containers are no parameters, not even with the value "". */
	assert_null(ps_params_get(t, "router-configuration"));
	assert_null(ps_params_get(t, "WAN_Interface"));
	assert_null(ps_params_get(t, "Log_Configuration"));
	assert_null(ps_params_get(t, "KERNEL"));
	assert_null(ps_params_get(t, "System"));
	assert_null(ps_params_get(t, "Grp"));
	assert_int_equal(r.n_containers, 6);
	/* Leaves at any depth are, with their line. */
	assert_string_equal(val(t, "Provision_Enable"), "Yes");
	assert_string_equal(val(t, "WAN_Connection_Type"), "dh");
	assert_int_equal(ps_params_get(t, "WAN_Connection_Type")->line, 6);
	assert_string_equal(val(t, "WAN_PPPoE_User_Name"), "");
	/* One name under two parents is one parameter: the last wins. */
	assert_string_equal(val(t, "Enable"), "0");
	assert_int_equal(ps_params_get(t, "Enable")->line, 10);
	/* Attributes and the empty-element form work at any depth. */
	assert_string_equal(val(t, "Web_Remote_Management"), "1");
	assert_string_equal(acc(t, "Web_Remote_Management"), "ro");
	assert_string_equal(val(t, "Keep_Me"), "factory");
	assert_string_equal(ps_params_get(t, "Keep_Me")->source, "test.xml");
	assert_string_equal(val(t, "Inner"), "v");
	assert_string_equal(acc(t, "Inner"), "na");
	/* An element with nothing but white space in it is a leaf: "". */
	assert_string_equal(val(t, "Empty_Group"), "");
	assert_string_equal(val(t, "Upgrade_Enable"), "No");
	assert_int_equal(r.n_set, 9);
	/* Noted: the containers, and the ua on one of them (ignored). */
	assert_int_equal(r.n_notes, 2);
	assert_non_null(strstr(r.notes[0], "ua=\"rw\" on <Grp> is ignored"));
	assert_non_null(
	    strstr(r.notes[1], "6 container elements (the first <router-configuration>, line 4)"));
	ps_params_free(t);
	ps_parse_result_clear(&r);

	/* A flat-profile whose only content is containers of nothing: the
	 * innermost empty element is a leaf all the same. */
	const char *y = "<flat-profile><A><B></B></A></flat-profile>";
	assert_int_equal(parse_xml(y, &t, &r), 0);
	assert_null(ps_params_get(t, "A"));
	assert_string_equal(val(t, "B"), "");
	assert_int_equal(r.n_set, 1);
	ps_params_free(t);
	ps_parse_result_clear(&r);

	/* Elements outside <flat-profile> are still nothing. */
	const char *z = "<device><info><Serial>1</Serial></info>"
			"<flat-profile><P>1</P></flat-profile><Q>2</Q></device>";
	assert_int_equal(parse_xml(z, &t, &r), 0);
	assert_null(ps_params_get(t, "Serial"));
	assert_null(ps_params_get(t, "Q"));
	assert_string_equal(val(t, "P"), "1");
	assert_int_equal(r.n_containers, 0);
	assert_int_equal(r.n_set, 1);
	ps_params_free(t);
	ps_parse_result_clear(&r);
}

static void test_xml_doctype_refused(void **state)
{
	(void)state;
	struct ps_params *t;
	struct ps_parse_result r;
	/* Billion laughs: must be refused before any expansion. */
	const char *x =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    "]>\n"
	    "<flat-profile><A>&lol2;</A></flat-profile>\n";
	assert_int_equal(parse_xml(x, &t, &r), -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_XML_MALFORMED);
	assert_non_null(strstr(r.error.detail, "DTDs are not allowed"));
	assert_int_equal(r.error.line, 2);
	assert_false(r.applied);
	assert_int_equal(ps_params_count(t), 0);
	ps_params_free(t);
	ps_parse_result_clear(&r);

	/* An external DTD reference alone is refused too. */
	x = "<!DOCTYPE flat-profile SYSTEM \"http://example.net/x.dtd\">\n<flat-profile/>";
	assert_int_equal(parse_xml(x, &t, &r), -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_XML_MALFORMED);
	assert_non_null(strstr(r.error.detail, "DTD"));
	ps_params_free(t);
	ps_parse_result_clear(&r);
}

static void test_xml_malformed(void **state)
{
	(void)state;
	struct ps_params *t = ps_params_new();
	ps_params_set(t, "A", "before", NULL, NULL, 0);
	struct ps_parse_result r;
	const char *x = "<flat-profile>\n<A>changed</A>\n<B>1</C>\n</flat-profile>\n";
	assert_int_equal(ps_profile_parse_xml(x, strlen(x), "m.xml", t, &r), -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_XML_MALFORMED);
	assert_int_equal(r.error.line, 3);
	assert_int_equal(r.error.column, 7);
	assert_non_null(strstr(r.error.detail, "mismatched tag"));
	/* A broken file changes nothing. */
	assert_false(r.applied);
	assert_string_equal(val(t, "A"), "before");
	ps_parse_result_clear(&r);

	/* Not closed at all. */
	x = "<flat-profile>\n<A>1</A>\n";
	assert_int_equal(ps_profile_parse_xml(x, strlen(x), "m.xml", t, &r), -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_XML_MALFORMED);
	ps_parse_result_clear(&r);
	ps_params_free(t);
}

static void test_xml_no_flat_profile_and_empty(void **state)
{
	(void)state;
	struct ps_params *t;
	struct ps_parse_result r;
	assert_int_equal(parse_xml("<config><A>1</A></config>", &t, &r), -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_NO_FLAT_PROFILE);
	assert_non_null(strstr(r.error.detail, "<config>"));
	assert_int_equal(ps_params_count(t), 0);
	ps_params_free(t);
	ps_parse_result_clear(&r);

	assert_int_equal(parse_xml("<html><body>x</body></html>", &t, &r), -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_NO_FLAT_PROFILE);
	assert_non_null(strstr(r.error.detail, "HTML"));
	ps_params_free(t);
	ps_parse_result_clear(&r);

	assert_int_equal(parse_xml("<flat-profile>\n  <!-- nothing -->\n</flat-profile>", &t, &r),
			 -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_EMPTY);
	ps_params_free(t);
	ps_parse_result_clear(&r);

	assert_int_equal(parse_xml("", &t, &r), -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_XML_MALFORMED);
	ps_params_free(t);
	ps_parse_result_clear(&r);
}

static void test_xml_templates(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		unsigned line;
	} tpl[] = {
		{ "profiles/wazo__SPA504G.tpl", 1 },
		{ "profiles/provisioner__cisco-spa5xx__spamac.xml", 18 },
		{ "profiles/elastix__Cisco_local_spa.tpl", 0 },
		{ "profiles/wazo__v7_5_5__model.cfg.tpl", 3 },
		{ "profiles/fusionpbx__cisco-spa112__mac.xml", 0 },
		{ "profiles/fusionpbx__linksys-spa2102__mac.xml", 0 },
	};
	for (size_t i = 0; i < sizeof tpl / sizeof tpl[0]; i++) {
		struct bytes b = read_data(tpl[i].file);
		struct ps_params *t = ps_params_new();
		struct ps_parse_result r;
		int rc = ps_profile_parse_xml((const char *)b.p, b.n, tpl[i].file, t, &r);
		if (rc != -1 || r.error.id != PS_F_PROFILE_TEMPLATE)
			fail_msg("%s: want profile.template, got %s (%s)", tpl[i].file,
				 r.error.id == PS_F_COUNT ? "none" : ps_finding_name(r.error.id),
				 r.error.detail ? r.error.detail : "");
		if (tpl[i].line)
			assert_int_equal(r.error.line, tpl[i].line);
		assert_true(r.error.line > 0);
		ps_params_free(t);
		ps_parse_result_clear(&r);
		free(b.p);
	}

	/* Markers in a comment do not count; a tag name with {$ does. */
	struct ps_params *t;
	struct ps_parse_result r;
	assert_int_equal(
	    parse_xml("<flat-profile><!-- {% if x %} --><A>1</A></flat-profile>", &t, &r), 0);
	ps_params_free(t);
	ps_parse_result_clear(&r);
	assert_int_equal(parse_xml("<flat-profile>\n<Proxy_{$line}_>x</Proxy_{$line}_>\n"
				   "</flat-profile>",
				   &t, &r),
			 -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_TEMPLATE);
	assert_int_equal(r.error.line, 2);
	assert_non_null(strstr(r.error.detail, "tag name"));
	ps_params_free(t);
	ps_parse_result_clear(&r);
	unsigned line;
	const char *marker;
	assert_true(ps_profile_find_template("a\nb\n{% block x %}", 17, &line, &marker));
	assert_int_equal(line, 3);
	assert_string_equal(marker, "{%");
	assert_false(ps_profile_find_template("<A>{$x}</A>", 11, &line, &marker));
}

static void test_xml_placeholder_corpus(void **state)
{
	(void)state;
	struct bytes b = read_data("profiles/provisioner__cisco-spa__model.cfg");
	struct ps_params *t = ps_params_new();
	struct ps_parse_result r;
	assert_int_equal(ps_profile_parse_xml((const char *)b.p, b.n, "model.cfg", t, &r), 0);
	assert_int_equal(r.warning.id, PS_F_PROFILE_PLACEHOLDER);
	assert_int_equal(ps_finding_severity(r.warning.id), PS_SEV_WARN);
	assert_non_null(strstr(r.warning.detail, "Profile_Rule"));
	assert_int_equal(r.warning.line, 8);
	assert_int_equal(r.n_set, 996);
	assert_string_equal(val(t, "Upgrade_Error_Retry_Delay"), "3600");
	assert_string_equal(acc(t, "User_Password"), "rw");
	ps_params_free(t);
	ps_parse_result_clear(&r);
	free(b.p);

	/* A concrete file: no finding at all. */
	b = read_data("profiles/wazo__spa-phone.xml");
	t = ps_params_new();
	assert_int_equal(ps_profile_parse_xml((const char *)b.p, b.n, "spa-phone.xml", t, &r), 0);
	assert_int_equal(r.warning.id, PS_F_COUNT);
	assert_int_equal(r.n_set, 393);
	ps_params_free(t);
	ps_parse_result_clear(&r);
	free(b.p);

	/* A few ${X} in a hand-written file: still a warning only. */
	b = read_data("profiles/jonpulsifer-infra__cathy.xml");
	t = ps_params_new();
	assert_int_equal(ps_profile_parse_xml((const char *)b.p, b.n, "cathy.xml", t, &r), 0);
	assert_int_equal(r.warning.id, PS_F_PROFILE_PLACEHOLDER);
	assert_non_null(strstr(r.warning.detail, "Proxy_4_"));
	ps_params_free(t);
	ps_parse_result_clear(&r);
	free(b.p);
}

/* --- SPC text -------------------------------------------------------------- */

static void test_spc_basic(void **state)
{
	(void)state;
	struct ps_params *t = ps_params_new();
	ps_params_set(t, "Keep", "factory", "rw", NULL, 0);
	const char *s = "# These parameters are for illustration only\n"
			"Feature_Enable ! \"Enable\" ; # user read-write\n"
			"Another_Parameter ? \"3600\" ;\n"
			"Hidden_Parameter \"abc123\" ;\n"
			"Keep ! ;\n"
			"Line_Enable[2] \"No\"; Proxy[1] ! \"sip.example.net\";\n"
			"Profile_Rule \"(\\\"$A\\\" ne \\\"\\\")? http://x/$MA.cfg\" ;\n"
			"Path \"C:\\dir\\\\x\" ;\n"
			"import base.txt\n"
			"Hidden_Parameter\n  \"last wins\"\n  ;\n"
			"Empty \"\" ;\n";
	struct ps_parse_result r;
	assert_int_equal(ps_profile_parse_spc(s, strlen(s), "a.txt", t, &r), 0);
	assert_true(r.applied);
	assert_string_equal(val(t, "Feature_Enable"), "Enable");
	assert_string_equal(acc(t, "Feature_Enable"), "rw");
	assert_string_equal(acc(t, "Another_Parameter"), "ro");
	assert_string_equal(acc(t, "Hidden_Parameter"), "na");
	assert_string_equal(val(t, "Hidden_Parameter"), "last wins");
	assert_int_equal(ps_params_get(t, "Hidden_Parameter")->line, 10);
	/* No value: unchanged. */
	assert_string_equal(val(t, "Keep"), "factory");
	assert_string_equal(ps_params_get(t, "Keep")->source, "a.txt");
	/* Brackets become the XML index form. */
	assert_string_equal(val(t, "Line_Enable_2_"), "No");
	assert_string_equal(val(t, "Proxy_1_"), "sip.example.net");
	assert_string_equal(acc(t, "Proxy_1_"), "rw");
	assert_int_equal(ps_params_get(t, "Proxy_1_")->line, 6);
	/* \" is a quote, \\ a backslash, other backslashes stay. */
	assert_string_equal(val(t, "Profile_Rule"), "(\"$A\" ne \"\")? http://x/$MA.cfg");
	assert_string_equal(val(t, "Path"), "C:\\dir\\x");
	assert_string_equal(val(t, "Empty"), "");
	assert_int_equal(r.n_set, 9);
	/* The import is reported, not followed. */
	bool import_noted = false;
	for (size_t i = 0; i < r.n_notes; i++)
		if (strstr(r.notes[i], "import base.txt") && strstr(r.notes[i], "line 9"))
			import_noted = true;
	assert_true(import_noted);
	ps_params_free(t);
	ps_parse_result_clear(&r);
}

/* Expects a syntax error at line:column whose detail holds `part`. */
static void spc_error(const char *text, unsigned line, unsigned column, const char *part)
{
	struct ps_params *t = ps_params_new();
	ps_params_set(t, "A", "old", NULL, NULL, 0);
	struct ps_parse_result r;
	int rc = ps_profile_parse_spc(text, strlen(text), "e.txt", t, &r);
	if (rc != -1 || r.error.id != PS_F_PROFILE_SPC_SYNTAX)
		fail_msg("'%s': want a syntax error, got rc %d", text, rc);
	if (r.error.line != line || r.error.column != column || !strstr(r.error.detail, part))
		fail_msg("'%s': got %u:%u '%s', want %u:%u '%s'", text, r.error.line,
			 r.error.column, r.error.detail, line, column, part);
	assert_false(r.applied);
	assert_string_equal(val(t, "A"), "old");
	ps_params_free(t);
	ps_parse_result_clear(&r);
}

static void test_spc_errors(void **state)
{
	(void)state;
	spc_error("A \"1\";\nLine Enable \"Yes\" ;\n", 2, 6, "space inside the parameter name");
	spc_error("A \"1\"\nB \"2\";\n", 1, 6, "no ';'");
	spc_error("A \"unterminated;\nB \"2\";\n", 1, 3, "not closed");
	spc_error("A ! Yes ;\n", 1, 5, "'Y'");
	spc_error("A \"1\";\nProxy[x] \"a\";\n", 2, 7, "index");
	spc_error("A \xe2\x80\x9cYes\xe2\x80\x9d ;\n", 1, 3, "typographic");
	spc_error("A \"1\";\n= \"2\";\n", 2, 1, "'='");
	spc_error("A \"1\"", 1, 6, "the end of the file");

	/* Only comments: nothing set. */
	struct ps_params *t;
	struct ps_parse_result r;
	assert_int_equal(parse_spc("# nothing here\n\n# at all\n", &t, &r), -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_EMPTY);
	ps_params_free(t);
	ps_parse_result_clear(&r);

	/* Placeholders in values: a warning, as for XML. */
	assert_int_equal(parse_spc("A \"{$x}\";\nB \"1\";\nC \"2\";\nD \"3\";\n", &t, &r), 0);
	assert_int_equal(r.warning.id, PS_F_PROFILE_PLACEHOLDER);
	ps_params_free(t);
	ps_parse_result_clear(&r);
	/* Mostly placeholders: an unrendered template. */
	assert_int_equal(parse_spc("A \"{$x}\";\nB \"{$y}\";\nC \"${Z}\";\n", &t, &r), -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_TEMPLATE);
	ps_params_free(t);
	ps_parse_result_clear(&r);
	/* Template logic that breaks the syntax. */
	assert_int_equal(parse_spc("A \"1\";\n{% if x %}\nB \"2\";\n", &t, &r), -1);
	assert_int_equal(r.error.id, PS_F_PROFILE_TEMPLATE);
	assert_int_equal(r.error.line, 2);
	ps_params_free(t);
	ps_parse_result_clear(&r);

	assert_true(ps_spc_probe("A \"1\";", 6));
	assert_true(ps_spc_probe("# only\n", 7));
	assert_false(ps_spc_probe("hello world\n", 12));
	assert_false(ps_spc_probe("", 0));
}

/* MAC-shaped tokens: each written form, and what must not count. */
static void test_find_macs(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *macs; /* found, space-separated, "" for none */
	} cases[] = {
		{ "<!-- for 00:0E:08:11:22:33 -->", "000e08112233" },
		{ "name=00-0e-08-11-22-33;", "000e08112233" },
		{ "000E.0811.2233", "000e08112233" },
		{ "https://x/spa000e08aabbcc.xml", "000e08aabbcc" }, /* OUI, inside a word */
		{ "SEP0018F8AABBCC", "" },                           /* other OUI in a word */
		{ "<x>0018f8aabbcc</x>", "0018f8aabbcc" },           /* alone, letters+digits */
		{ "tel 441234567890 ok", "" },                       /* a phone number */
		{ "deadbeefcafe", "" },                              /* a word, few digits */
		{ "key 000e08aabbccdd", "" },                        /* longer hex run */
		{ "00:0e:08:11:22:33:44", "" },                      /* seven pairs */
		{ "fe80::0e:08:11:22:33", "" },                      /* IPv6 */
		{ "a 00:0e:08:11:22-33", "" },                       /* mixed separators */
		{ "1:00:0e:08:11:22:33", "" },                       /* continues a list */
		{ "000e08aabbcc\n00:0e:08:11:22:33", "000e08aabbcc 000e08112233" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ps_mac_hit hits[4];
		size_t n =
		    ps_profile_find_macs(cases[i].text, strlen(cases[i].text), "000e08", hits, 4);
		char got[64] = "";
		for (size_t k = 0; k < n && k < 4; k++) {
			if (k)
				strcat(got, " ");
			strcat(got, hits[k].mac);
		}
		if (strcmp(got, cases[i].macs) != 0)
			fail_msg("case %zu '%s': found '%s', expected '%s'", i, cases[i].text, got,
				 cases[i].macs);
	}
	struct ps_mac_hit h[2];
	const char *t = "a\nb\n  00:0e:08:11:22:33";
	assert_int_equal(ps_profile_find_macs(t, strlen(t), NULL, h, 2), 1);
	assert_int_equal(h[0].line, 3);
	assert_int_equal(h[0].offset, 6);
	assert_int_equal(h[0].length, 17);
	/* more hits than room: counted, not written past the end */
	t = "000e08000001 000e08000002 000e08000003";
	assert_int_equal(ps_profile_find_macs(t, strlen(t), "000e08", h, 2), 3);
	assert_string_equal(h[1].mac, "000e08000002");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_plain),
		cmocka_unit_test(test_decode_encrypted_md5),
		cmocka_unit_test(test_decode_encrypted_sha256),
		cmocka_unit_test(test_decode_gzip),
		cmocka_unit_test(test_decode_wrong_key),
		cmocka_unit_test(test_decode_key_missing),
		cmocka_unit_test(test_decode_nosalt),
		cmocka_unit_test(test_decode_gzip_corrupt),
		cmocka_unit_test(test_decode_size_cap),
		cmocka_unit_test(test_decode_formats),
		cmocka_unit_test(test_xml_basic_and_nesting),
		cmocka_unit_test(test_xml_ua_and_empty_forms),
		cmocka_unit_test(test_xml_values),
		cmocka_unit_test(test_xml_nested),
		cmocka_unit_test(test_xml_doctype_refused),
		cmocka_unit_test(test_xml_malformed),
		cmocka_unit_test(test_xml_no_flat_profile_and_empty),
		cmocka_unit_test(test_xml_templates),
		cmocka_unit_test(test_xml_placeholder_corpus),
		cmocka_unit_test(test_spc_basic),
		cmocka_unit_test(test_spc_errors),
		cmocka_unit_test(test_find_macs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
