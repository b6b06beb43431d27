/* The difference between two ClientHello offers (see hellodiff.h). */
#include "config.h"

#include "tlswire/hellodiff.h"

#include <stdio.h>
#include <string.h>

#include "tlswire/tlsnames.h"

#define MAX_LIST 128

/* The values of `v` that count: GREASE left out, and the SCSV unless
 * `scsv`. */
static size_t real(const unsigned *v, size_t n, bool scsv, unsigned *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < MAX_LIST; i++)
		if (!ps_grease(v[i]) && (scsv || v[i] != 0x00ff))
			out[k++] = v[i];
	return k;
}

static bool in(unsigned v, const unsigned *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static bool same_list(const unsigned *a, size_t na, const unsigned *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0);
}

static void sep(struct ps_buf *why)
{
	if (why->len)
		ps_buf_puts(why, "; ");
}

static const char *suite_name(unsigned id, char buf[8])
{
	const char *o = id == 0x00ff ? "the renegotiation SCSV" : ps_suite_openssl_name(id);
	if (o)
		return o;
	snprintf(buf, 8, "0x%04x", id);
	return buf;
}

static const char *ext_name(unsigned id, char buf[8])
{
	const char *o = ps_extension_name(id);
	if (o)
		return o;
	snprintf(buf, 8, "0x%04x", id);
	return buf;
}

/* "offers A B C and 5 more": the `n` values of `list` not in `other`,
 * the first three by name. */
static void named(struct ps_buf *why, const char *verb, const unsigned *list, size_t n_list,
		  const unsigned *other, size_t n_other, unsigned n, bool ext)
{
	if (!n)
		return;
	char buf[8];
	unsigned shown = 0;
	sep(why);
	ps_buf_puts(why, verb);
	for (size_t i = 0; i < n_list && shown < 3; i++)
		if (!in(list[i], other, n_other))
			ps_buf_printf(why, "%s%s", shown++ ? ", " : " ",
				      ext ? ext_name(list[i], buf) : suite_name(list[i], buf));
	if (n > shown)
		ps_buf_printf(why, " and %u more", n - shown);
}

/* Whether the values both lists hold come in the same order. */
static bool same_order(const unsigned *a, size_t na, const unsigned *b, size_t nb)
{
	size_t j = 0;
	for (size_t i = 0; i < na; i++) {
		if (!in(a[i], b, nb))
			continue;
		while (j < nb && !in(b[j], a, na))
			j++;
		if (j >= nb || b[j] != a[i])
			return false;
		j++;
	}
	return true;
}

/* Compare two lists as sets, then in order: the distance. */
static unsigned lists(struct ps_buf *why, const unsigned *got, size_t n_got, const unsigned *want,
		      size_t n_want, bool ext, const char *label, bool thorough, const char *order)
{
	unsigned extra = 0, lacks = 0;
	for (size_t i = 0; i < n_got; i++)
		extra += !in(got[i], want, n_want);
	for (size_t i = 0; i < n_want; i++)
		lacks += !in(want[i], got, n_got);
	if (ext && n_want == 0 && n_got) {
		sep(why);
		ps_buf_printf(why, "%zu extension%s (%s: none)", n_got, n_got == 1 ? "" : "s",
			      label);
	} else {
		named(why, ext ? "sends" : "offers", got, n_got, want, n_want, extra, ext);
		named(why, "lacks", want, n_want, got, n_got, lacks, ext);
	}
	unsigned d = extra + lacks;
	bool check = (!extra && !lacks) || thorough;
	if (check && !same_order(got, n_got, want, n_want)) {
		sep(why);
		ps_buf_puts(why, order);
		d++;
	}
	return d;
}

/* One of the lists an extension carries, compared whole. */
static unsigned content(struct ps_buf *why, const char *what, const unsigned *a, size_t na,
			const unsigned *b, size_t nb)
{
	unsigned x[MAX_LIST], y[MAX_LIST];
	size_t nx = real(a, na, true, x), ny = real(b, nb, true, y);
	if (same_list(x, nx, y, ny))
		return 0;
	sep(why);
	ps_buf_printf(why, "other %s", what);
	return 1;
}

unsigned ps_hello_diff(const struct ps_client_hello *want, const struct ps_client_hello *got,
		       const char *label, unsigned flags, struct ps_buf *why)
{
	bool scsv = flags & PS_DIFF_SCSV, thorough = flags & PS_DIFF_THOROUGH;
	unsigned d = 0;
	if (got->max_version != want->max_version) {
		const char *v = ps_version_name(got->max_version);
		const char *w = ps_version_name(want->max_version);
		sep(why);
		ps_buf_printf(why, "up to %s (%s: %s)", v ? v : "an unknown version", label,
			      w ? w : "an unknown version");
		d += 2;
	}
	if (got->sslv2 != want->sslv2) {
		sep(why);
		ps_buf_printf(why, "%s ClientHello (%s: %s)",
			      got->sslv2 ? "an SSLv2-format" : "a TLS-format", label,
			      want->sslv2 ? "SSLv2 format" : "TLS format");
		d++;
	}
	unsigned g[MAX_LIST], w[MAX_LIST];
	size_t ng = real(got->extensions, got->n_extensions, true, g);
	size_t nw = real(want->extensions, want->n_extensions, true, w);
	unsigned de =
	    lists(why, g, ng, w, nw, true, label, thorough, "the extensions in another order");
	d += de;
	ng = real(got->suites, got->n_suites, scsv, g);
	nw = real(want->suites, want->n_suites, scsv, w);
	d += lists(why, g, ng, w, nw, false, label, thorough, "the suites in another order");
	if (!same_list(got->compressions, got->n_compressions, want->compressions,
		       want->n_compressions)) {
		sep(why);
		ps_buf_puts(why, "compression methods");
		for (size_t i = 0; i < got->n_compressions; i++)
			ps_buf_printf(why, "%s%u", i ? ", " : " ", got->compressions[i]);
		ps_buf_printf(why, " (%s:", label);
		for (size_t i = 0; i < want->n_compressions; i++)
			ps_buf_printf(why, "%s%u", i ? ", " : " ", want->compressions[i]);
		ps_buf_puts(why, ")");
		d++;
	}
	if (de && !thorough)
		return d;
	d += content(why, "supported groups", got->groups, got->n_groups, want->groups,
		     want->n_groups);
	d += content(why, "EC point formats", got->point_formats, got->n_point_formats,
		     want->point_formats, want->n_point_formats);
	d += content(why, "signature algorithms", got->sig_algs, got->n_sig_algs, want->sig_algs,
		     want->n_sig_algs);
	d += content(why, "supported versions", got->versions, got->n_versions, want->versions,
		     want->n_versions);
	if ((got->alpn == NULL) != (want->alpn == NULL) ||
	    (got->alpn && strcmp(got->alpn, want->alpn) != 0)) {
		sep(why);
		ps_buf_puts(why, "another ALPN protocol");
		d++;
	}
	return d;
}
