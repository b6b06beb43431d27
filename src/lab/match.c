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
#define MAX_MODELS 64
static struct ps_client_hello offers[MAX_MODELS];
static bool have_offer[MAX_MODELS];
static pthread_once_t offers_once = PTHREAD_ONCE_INIT;

static void make_offers(void)
{
	for (size_t i = 0; ps_model_at(i) && i < MAX_MODELS; i++) {
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
	for (size_t i = 0;
	     ps_model_at(i) && i < MAX_MODELS && i < sizeof out->same / sizeof out->same[0]; i++) {
		const struct ps_client_hello *want = offer_of(i);
		if (!want)
			continue;
		struct ps_buf why = { 0 };
		/* the SCSV counts for a learned offer, which says whether the
		 * phone sends it; the catalogue does not */
		unsigned d = ps_hello_diff(want, ch, ps_model_at(i)->hello != NULL, &why);
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
	/* a model learned from a phone of the model the User-Agent names */
	for (size_t i = 0; ua_model && ps_model_at(i) && i < sizeof m->same / sizeof m->same[0];
	     i++) {
		const struct ps_model *l = ps_model_at(i);
		if (m->same[i] && l->based_on && strcmp(l->based_on, ua_model->id) == 0)
			return ps_xasprintf("offer: matches %s exactly (learned from %s %s)", l->id,
					    ps_model_article(ua_model), ua_model->product);
	}
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
