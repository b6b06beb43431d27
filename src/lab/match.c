/* The lab's comparison of a client's offer with the catalogue (see
 * match.h). */
#include "config.h"

#include "lab/match.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "engine/offer.h"
#include "tlswire/fingerprint.h"
#include "tlswire/hellodiff.h"

/* Each model's offer: the ClientHello GnuTLS makes with a catalogue
 * row's priority string, or the one a model file learned. Made once, as
 * it never changes, not on every connection. */
static struct ps_client_hello offers[PS_OFFER_MODELS];
static bool have_offer[PS_OFFER_MODELS];
static pthread_once_t offers_once = PTHREAD_ONCE_INIT;

static void make_offers(void)
{
	for (size_t i = 0; ps_model_at(i) && i < PS_OFFER_MODELS; i++) {
		const struct ps_model *m = ps_model_at(i);
		if (m->hello)
			continue;
		char *err = NULL;
		have_offer[i] = ps_offer_sample(m->priority, NULL, &offers[i], &err);
		free(err);
	}
}

static const struct ps_client_hello *offer_of(size_t i)
{
	const struct ps_model *m = ps_model_at(i);
	return m->hello ? m->hello : have_offer[i] ? &offers[i] : NULL;
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
	unsigned best = ~0u;
	pthread_once(&offers_once, make_offers);
	for (size_t i = 0; ps_model_at(i) && i < PS_OFFER_MODELS; i++) {
		const struct ps_client_hello *want = offer_of(i);
		out->dist[i] = ~0u;
		if (!want)
			continue;
		struct ps_buf why = { 0 };
		/* the SCSV counts for a learned offer, which says whether the
		 * phone sends it; the catalogue does not */
		const struct ps_model *m = ps_model_at(i);
		unsigned d = ps_hello_diff(want, ch, m->id, m->hello ? PS_DIFF_SCSV : 0, &why);
		out->dist[i] = d;
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

/* The catalogue index of `m`, -1 when none (or beyond what is compared). */
static long index_of(const struct ps_model *m)
{
	for (size_t i = 0; m && ps_model_at(i) && i < PS_OFFER_MODELS; i++)
		if (ps_model_at(i) == m)
			return (long)i;
	return -1;
}

/* " (and the learned A, B)": the learned models based on `ua` whose offer
 * it also is. */
static void learned_too(struct ps_buf *b, const struct ps_offer_match *m, const struct ps_model *ua)
{
	size_t n = 0;
	for (size_t i = 0; ps_model_at(i) && i < PS_OFFER_MODELS; i++) {
		const struct ps_model *l = ps_model_at(i);
		if (m->same[i] && l->based_on && strcmp(l->based_on, ua->id) == 0)
			ps_buf_printf(b, "%s%s", n++ ? ", " : " (and the learned ", l->id);
	}
	if (n)
		ps_buf_puts(b, ")");
}

char *ps_offer_match_text(const struct ps_offer_match *m, const struct ps_model *ua_model,
			  const struct ps_client_hello *ch)
{
	long ua = index_of(ua_model);
	struct ps_buf b = { 0 };
	if (ua >= 0 && m->same[ua]) {
		ps_buf_printf(&b, "offer: matches %s exactly", ua_model->id);
		learned_too(&b, m, ua_model);
		return ps_buf_take(&b);
	}
	/* a model learned from a phone of the model the User-Agent names */
	for (size_t i = 0; ua_model && ps_model_at(i) && i < PS_OFFER_MODELS; i++) {
		const struct ps_model *l = ps_model_at(i);
		if (m->same[i] && l->based_on && strcmp(l->based_on, ua_model->id) == 0)
			return ps_xasprintf("offer: matches %s exactly (learned from %s %s)", l->id,
					    ps_model_article(ua_model), ua_model->product);
	}
	/* how it differs from the offer of the model its User-Agent names */
	char *ua_why = NULL;
	if (ua >= 0 && ch && offer_of((size_t)ua)) {
		struct ps_buf w = { 0 };
		ps_hello_diff(offer_of((size_t)ua), ch, ua_model->id,
			      ua_model->hello ? PS_DIFF_SCSV : 0, &w);
		ua_why = ps_buf_take(&w);
	}
	if (m->n_same) {
		ps_buf_puts(&b, "offer: that of ");
		size_t shown = 0;
		for (size_t i = 0; ps_model_at(i) && i < PS_OFFER_MODELS && shown < 4; i++)
			if (m->same[i])
				ps_buf_printf(&b, "%s%s", shown++ ? ", " : "", ps_model_at(i)->id);
		if (m->n_same > shown)
			ps_buf_printf(&b, " and %zu more", m->n_same - shown);
		if (ua_model)
			ps_buf_printf(&b, ", not of the %s its User-Agent names%s%s%s",
				      ua_model->id, ua_why ? " (" : "", ua_why ? ua_why : "",
				      ua_why ? ")" : "");
	} else if (ua_why) {
		ps_buf_printf(&b, "offer: not the %s's its User-Agent names (%s)", ua_model->id,
			      ua_why);
		if (m->closest >= 0 && m->dist[m->closest] < m->dist[ua])
			ps_buf_printf(&b, "; closest %s (%s)", ps_model_at((size_t)m->closest)->id,
				      m->differs);
	} else if (m->closest < 0) {
		ps_buf_puts(&b, "offer: no model to compare with");
	} else {
		ps_buf_printf(&b, "offer: no model's; closest %s (%s)",
			      ps_model_at((size_t)m->closest)->id, m->differs);
	}
	free(ua_why);
	return ps_buf_take(&b);
}
