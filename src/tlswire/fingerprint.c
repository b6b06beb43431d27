/* JA3 and JA4 of a ClientHello (see fingerprint.h). */
#include "config.h"

#include "tlswire/fingerprint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "core/util.h"

/* `n` values, GREASE left out, joined by `sep` in decimal or as 4-digit
 * lower-case hex. */
static void join(struct ps_buf *b, const unsigned *v, size_t n, const char *sep, bool hex)
{
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (ps_grease(v[i]))
			continue;
		ps_buf_printf(b, hex ? "%s%04x" : "%s%u", first ? "" : sep, v[i]);
		first = false;
	}
}

static char *digest_hex(gnutls_digest_algorithm_t alg, const char *text, size_t hexlen)
{
	unsigned char md[64];
	char *hex = ps_xmalloc(2 * sizeof md + 1);
	if (gnutls_hash_fast(alg, text, strlen(text), md) < 0) {
		free(hex);
		return ps_xstrdup("?");
	}
	size_t n = gnutls_hash_get_len(alg);
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (hexlen < 2 * n)
		hex[hexlen] = '\0';
	return hex;
}

char *ps_ja3_string(const struct ps_client_hello *ch)
{
	struct ps_buf b = { 0 };
	ps_buf_printf(&b, "%u,", ch->version);
	join(&b, ch->suites, ch->n_suites, "-", false);
	ps_buf_puts(&b, ",");
	join(&b, ch->extensions, ch->n_extensions, "-", false);
	ps_buf_puts(&b, ",");
	join(&b, ch->groups, ch->n_groups, "-", false);
	ps_buf_puts(&b, ",");
	join(&b, ch->point_formats, ch->n_point_formats, "-", false);
	return ps_buf_take(&b);
}

char *ps_ja3(const struct ps_client_hello *ch)
{
	char *s = ps_ja3_string(ch);
	char *h = digest_hex(GNUTLS_DIG_MD5, s, 32);
	free(s);
	return h;
}

/* The version of JA4's first part: the highest of supported_versions, else
 * the ClientHello's (GREASE left out). */
static const char *ja4_version(const struct ps_client_hello *ch)
{
	unsigned v = 0;
	for (size_t i = 0; i < ch->n_versions; i++)
		if (!ps_grease(ch->versions[i]) && ch->versions[i] > v)
			v = ch->versions[i];
	if (!ch->n_versions)
		v = ch->version;
	switch (v) {
	case 0x0304:
		return "13";
	case 0x0303:
		return "12";
	case 0x0302:
		return "11";
	case 0x0301:
		return "10";
	case 0x0300:
		return "s3";
	case 0x0200:
		return "s2";
	case 0x0100:
		return "s1";
	default:
		return "00";
	}
}

static size_t count(const unsigned *v, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += !ps_grease(v[i]);
	return c > 99 ? 99 : c;
}

/* The first and last characters of the first ALPN value; a character that
 * is not alphanumeric gives the hex digits of the value's first and last
 * bytes instead; "00" without ALPN. */
static void ja4_alpn(const struct ps_client_hello *ch, char out[3])
{
	const char *a = ch->alpn;
	size_t n = a ? strlen(a) : 0;
	if (!n) {
		strcpy(out, "00");
		return;
	}
	unsigned char f = (unsigned char)a[0], l = (unsigned char)a[n - 1];
	if (isalnum(f) && isalnum(l)) {
		out[0] = (char)f;
		out[1] = (char)l;
		out[2] = '\0';
	} else {
		static const char hex[] = "0123456789abcdef";
		out[0] = hex[f >> 4];
		out[1] = hex[l & 0xf];
		out[2] = '\0';
	}
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return (x > y) - (x < y);
}

/* A sorted copy of the values, GREASE and the `skip` values (SNI, ALPN)
 * left out. */
static unsigned *sorted(const unsigned *v, size_t n, bool skip_sni_alpn, size_t *out_n)
{
	unsigned *s = ps_xcalloc(n + 1, sizeof *s);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!ps_grease(v[i]) && !(skip_sni_alpn && (v[i] == 0x0000 || v[i] == 0x0010)))
			s[k++] = v[i];
	qsort(s, k, sizeof *s, cmp_unsigned);
	*out_n = k;
	return s;
}

/* The three parts of JA4: a, and the raw lists of b and c. */
static void ja4_parts(const struct ps_client_hello *ch, char a[16], char **b, char **c)
{
	char alpn[3];
	ja4_alpn(ch, alpn);
	bool sni = false;
	for (size_t i = 0; i < ch->n_extensions; i++)
		sni |= ch->extensions[i] == 0x0000;
	snprintf(a, 16, "t%s%c%02zu%02zu%s", ja4_version(ch), sni ? 'd' : 'i',
		 count(ch->suites, ch->n_suites), count(ch->extensions, ch->n_extensions), alpn);
	size_t n;
	unsigned *s = sorted(ch->suites, ch->n_suites, false, &n);
	struct ps_buf bb = { 0 };
	join(&bb, s, n, ",", true);
	free(s);
	s = sorted(ch->extensions, ch->n_extensions, true, &n);
	struct ps_buf cb = { 0 };
	join(&cb, s, n, ",", true);
	free(s);
	if (count(ch->sig_algs, ch->n_sig_algs)) {
		ps_buf_puts(&cb, "_");
		join(&cb, ch->sig_algs, ch->n_sig_algs, ",", true);
	}
	*b = ps_buf_take(&bb);
	*c = ps_buf_take(&cb);
}

/* A JA4 hash part: the first 12 hex digits of the SHA-256 of the list;
 * zeros for an empty list (FoxIO's reference does so). */
static char *ja4_hash(const char *list)
{
	return *list ? digest_hex(GNUTLS_DIG_SHA256, list, 12) : ps_xstrdup("000000000000");
}

char *ps_ja4(const struct ps_client_hello *ch)
{
	char a[16], *b, *c;
	ja4_parts(ch, a, &b, &c);
	char *hb = ja4_hash(b), *hc = ja4_hash(c);
	char *out = ps_xasprintf("%s_%s_%s", a, hb, hc);
	free(hb);
	free(hc);
	free(b);
	free(c);
	return out;
}

char *ps_ja4_r(const struct ps_client_hello *ch)
{
	char a[16], *b, *c;
	ja4_parts(ch, a, &b, &c);
	char *out = ps_xasprintf("%s_%s_%s", a, b, c);
	free(b);
	free(c);
	return out;
}
