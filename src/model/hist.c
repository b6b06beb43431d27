/* Mergeable latency histograms (see hist.h), JSON by jansson. */
#include "config.h"

#include "model/hist.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/util.h"

void ps_hist_init(struct ps_hist *h)
{
	memset(h, 0, sizeof *h);
}

/* The position of the highest bit set (v > 0). */
static unsigned msb(uint64_t v)
{
	unsigned m = 0;
	while (v >>= 1)
		m++;
	return m;
}

unsigned ps_hist_bucket(uint64_t us)
{
	if (us < PS_HIST_EXACT)
		return (unsigned)us;
	unsigned m = msb(us);
	if (m > PS_HIST_TOP_BIT)
		return PS_HIST_BUCKETS - 1;
	unsigned shift = m - 5; /* us >> shift is in [32, 63] */
	return PS_HIST_EXACT + (m - 6) * PS_HIST_SUB + (unsigned)((us >> shift) - PS_HIST_SUB);
}

uint64_t ps_hist_bucket_low(unsigned b)
{
	if (b < PS_HIST_EXACT)
		return b;
	unsigned m = 6 + (b - PS_HIST_EXACT) / PS_HIST_SUB;
	uint64_t q = PS_HIST_SUB + (b - PS_HIST_EXACT) % PS_HIST_SUB;
	return q << (m - 5);
}

uint64_t ps_hist_bucket_high(unsigned b)
{
	if (b < PS_HIST_EXACT)
		return b;
	unsigned m = 6 + (b - PS_HIST_EXACT) / PS_HIST_SUB;
	uint64_t q = PS_HIST_SUB + (b - PS_HIST_EXACT) % PS_HIST_SUB;
	return ((q + 1) << (m - 5)) - 1;
}

void ps_hist_add(struct ps_hist *h, uint64_t us)
{
	h->counts[ps_hist_bucket(us)]++;
	if (!h->n || us < h->min)
		h->min = us;
	if (us > h->max)
		h->max = us;
	h->n++;
	h->sum += us;
}

void ps_hist_merge(struct ps_hist *a, const struct ps_hist *b)
{
	if (!b->n)
		return;
	for (unsigned i = 0; i < PS_HIST_BUCKETS; i++)
		a->counts[i] += b->counts[i];
	if (!a->n || b->min < a->min)
		a->min = b->min;
	if (b->max > a->max)
		a->max = b->max;
	a->n += b->n;
	a->sum += b->sum;
}

uint64_t ps_hist_percentile(const struct ps_hist *h, double p)
{
	if (!h->n)
		return 0;
	if (p <= 0)
		return h->min;
	double want = p / 100.0 * (double)h->n;
	uint64_t rank = (uint64_t)want;
	if ((double)rank < want)
		rank++; /* the ceiling, without libm */
	if (rank < 1)
		rank = 1;
	if (rank > h->n)
		rank = h->n;
	uint64_t seen = 0;
	for (unsigned i = 0; i < PS_HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			uint64_t v = ps_hist_bucket_high(i);
			return v > h->max ? h->max : v < h->min ? h->min : v;
		}
	}
	return h->max;
}

char *ps_hist_json(const struct ps_hist *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "unit", json_string("us"));
	json_object_set_new(o, "exact", json_integer(PS_HIST_EXACT));
	json_object_set_new(o, "sub", json_integer(PS_HIST_SUB));
	json_object_set_new(o, "n", json_integer((json_int_t)h->n));
	json_object_set_new(o, "min", json_integer((json_int_t)h->min));
	json_object_set_new(o, "max", json_integer((json_int_t)h->max));
	json_object_set_new(o, "sum", json_integer((json_int_t)h->sum));
	json_t *b = json_array();
	for (unsigned i = 0; i < PS_HIST_BUCKETS; i++)
		if (h->counts[i]) {
			json_t *pair = json_array();
			json_array_append_new(pair, json_integer(i));
			json_array_append_new(pair, json_integer((json_int_t)h->counts[i]));
			json_array_append_new(b, pair);
		}
	json_object_set_new(o, "buckets", b);
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text ? text : ps_xstrdup("{}");
}

static bool count_of(const json_t *o, const char *key, uint64_t *out)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (uint64_t)json_integer_value(v);
	return true;
}

bool ps_hist_from_json(const char *text, struct ps_hist *h, char **err)
{
	ps_hist_init(h);
	json_error_t je;
	json_t *o = json_loads(text, 0, &je);
	uint64_t exact = 0, sub = 0;
	const char *why = NULL;
	if (!json_is_object(o))
		why = "not a histogram (no JSON object)";
	else if (!count_of(o, "exact", &exact) || !count_of(o, "sub", &sub) ||
		 exact != PS_HIST_EXACT || sub != PS_HIST_SUB)
		why = "a histogram of another layout (exact and sub buckets)";
	else if (!count_of(o, "n", &h->n) || !count_of(o, "min", &h->min) ||
		 !count_of(o, "max", &h->max) || !count_of(o, "sum", &h->sum))
		why = "a histogram without n, min, max and sum";
	uint64_t total = 0;
	const json_t *b = o ? json_object_get(o, "buckets") : NULL;
	if (!why && !json_is_array(b))
		why = "a histogram without buckets";
	for (size_t i = 0; !why && i < json_array_size(b); i++) {
		const json_t *pair = json_array_get(b, i);
		const json_t *k = json_array_get(pair, 0), *c = json_array_get(pair, 1);
		if (!json_is_integer(k) || !json_is_integer(c) || json_integer_value(k) < 0 ||
		    json_integer_value(k) >= PS_HIST_BUCKETS || json_integer_value(c) < 0) {
			why = "a histogram with a bucket that is no [bucket, count] pair";
			break;
		}
		h->counts[json_integer_value(k)] += (uint64_t)json_integer_value(c);
		total += (uint64_t)json_integer_value(c);
	}
	if (!why && total != h->n)
		why = "a histogram whose buckets do not add up to its n";
	json_decref(o);
	if (why) {
		*err = ps_xstrdup(why);
		ps_hist_init(h);
		return false;
	}
	return true;
}
