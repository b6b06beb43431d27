/* The lab's comparison of a client's offer with the catalogue (see
 * match.h). */
#include "config.h"

#include "lab/match.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "engine/tls.h"
#include "tlswire/fingerprint.h"
#include "tlswire/tlsnames.h"

/* The suites of an offer that count: GREASE and the SCSV left out. */
static size_t real_suites(const unsigned *v, size_t n, unsigned *out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < max; i++)
		if (!ps_grease(v[i]) && v[i] != 0x00ff)
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

static const char *suite_name(unsigned id, char buf[8])
{
	const char *o = ps_suite_openssl_name(id);
	if (o)
		return o;
	snprintf(buf, 8, "0x%04x", id);
	return buf;
}

/* "offers A B C and 5 more": the `n` of `list` not in `other`, the
 * first three by name. */
static void suite_list(struct ps_buf *why, const char *verb, const unsigned *list, size_t n_list,
		       const unsigned *other, size_t n_other, unsigned n)
{
	if (!n)
		return;
	char buf[8];
	unsigned shown = 0;
	ps_buf_printf(why, "%s%s", why->len ? "; " : "", verb);
	for (size_t i = 0; i < n_list && shown < 3; i++)
		if (!in(list[i], other, n_other))
			ps_buf_printf(why, " %s", suite_name(list[i], buf)), shown++;
	if (n > shown)
		ps_buf_printf(why, " and %u more", n - shown);
}

/* Each model's offer, from its priority string: made once, as it never
 * changes, not on every connection. */
#define MAX_MODELS 64
static struct {
	unsigned ids[64];
	size_t n;
} offers[MAX_MODELS];
static pthread_once_t offers_once = PTHREAD_ONCE_INIT;

static void make_offers(void)
{
	for (size_t i = 0; ps_model_at(i) && i < MAX_MODELS; i++) {
		struct ps_tls_suite_def *defs = NULL;
		size_t n = ps_tls_priority_suites(ps_model_at(i)->priority, &defs);
		for (size_t k = 0; k < n && offers[i].n < 64; k++)
			offers[i].ids[offers[i].n++] = defs[k].id;
		free(defs);
	}
}

/* How far the offer is from model `i`'s, with the differences in `why`. */
static unsigned distance(const struct ps_client_hello *ch, const unsigned *got, size_t n_got,
			 size_t model, struct ps_buf *why)
{
	const unsigned *want = offers[model].ids;
	size_t n_want = offers[model].n;
	unsigned d = 0;
	/* the catalogue's offers: TLS 1.0 at most, no extension */
	if (ch->max_version != 0x0301) {
		const char *v = ps_version_name(ch->max_version);
		ps_buf_printf(why, "%sup to %s (the model: TLS 1.0)", why->len ? "; " : "",
			      v ? v : "an unknown version");
		d += 2;
	}
	size_t n_ext = 0;
	for (size_t i = 0; i < ch->n_extensions; i++)
		n_ext += !ps_grease(ch->extensions[i]);
	if (n_ext) {
		ps_buf_printf(why, "%s%zu extension%s (the model: none)", why->len ? "; " : "",
			      n_ext, n_ext == 1 ? "" : "s");
		d += (unsigned)n_ext;
	}
	unsigned extra = 0, lacks = 0;
	for (size_t i = 0; i < n_got; i++)
		extra += !in(got[i], want, n_want);
	for (size_t i = 0; i < n_want; i++)
		lacks += !in(want[i], got, n_got);
	suite_list(why, "offers", got, n_got, want, n_want, extra);
	suite_list(why, "lacks", want, n_want, got, n_got, lacks);
	d += extra + lacks;
	if (!extra && !lacks && memcmp(got, want, n_got * sizeof *got) != 0) {
		ps_buf_printf(why, "%sthe suites in another order", why->len ? "; " : "");
		d++;
	}
	return d;
}

void ps_offer_match(const struct ps_client_hello *ch, struct ps_offer_match *out)
{
	memset(out, 0, sizeof *out);
	out->closest = -1;
	char *s = ps_ja3(ch);
	snprintf(out->ja3, sizeof out->ja3, "%s", s);
	free(s);
	s = ps_ja4(ch);
	snprintf(out->ja4, sizeof out->ja4, "%s", s);
	free(s);
	unsigned got[64];
	size_t n_got = real_suites(ch->suites, ch->n_suites, got, 64);
	unsigned best = ~0u;
	pthread_once(&offers_once, make_offers);
	for (size_t i = 0;
	     ps_model_at(i) && i < MAX_MODELS && i < sizeof out->same / sizeof out->same[0]; i++) {
		struct ps_buf why = { 0 };
		unsigned d = distance(ch, got, n_got, i, &why);
		if (d == 0) {
			out->same[i] = true;
			out->n_same++;
		}
		if (d < best) {
			best = d;
			out->closest = (long)i;
			snprintf(out->differs, sizeof out->differs, "%s", why.s ? why.s : "");
		}
		ps_buf_free(&why);
	}
}

char *ps_offer_match_text(const struct ps_offer_match *m, const struct ps_model *ua_model)
{
	long ua = -1;
	for (size_t i = 0; ua_model && ps_model_at(i); i++)
		if (ps_model_at(i) == ua_model)
			ua = (long)i;
	if (ua >= 0 && m->same[ua])
		return ps_xasprintf("offer: matches %s exactly", ua_model->id);
	struct ps_buf b = { 0 };
	if (m->n_same) {
		ps_buf_puts(&b, "offer: that of ");
		size_t shown = 0;
		for (size_t i = 0; ps_model_at(i) && shown < 4; i++)
			if (m->same[i])
				ps_buf_printf(&b, "%s%s", shown++ ? ", " : "", ps_model_at(i)->id);
		if (m->n_same > shown)
			ps_buf_printf(&b, " and %zu more", m->n_same - shown);
		if (ua_model)
			ps_buf_printf(&b, ", not of the %s its User-Agent names", ua_model->id);
		return ps_buf_take(&b);
	}
	if (m->closest < 0)
		return ps_xstrdup("offer: no model to compare with");
	ps_buf_printf(&b, "offer: no model's; closest %s (%s)", ps_model_at((size_t)m->closest)->id,
		      m->differs);
	return ps_buf_take(&b);
}
