/* Latency histograms that merge: a storm's steps (connect, TLS, first
 * byte, total) are counted into log-linear buckets, so that the shards of
 * a run, each with its own histograms, add up to the histograms one run
 * would have had, and give the same percentiles (`provscope merge`).
 *
 * Values are microseconds. Below 64 each value has its own bucket; above,
 * each power of two is cut into 32 buckets, so a bucket is at most 1/32
 * (3.1%) of its values wide, up to 2^40 us (12 days; larger values count
 * in the last bucket). Percentiles are a bucket's highest value, never
 * below the true one, and exact below 64 us; min, max and the sum are
 * kept exactly. */
#ifndef PS_MODEL_HIST_H
#define PS_MODEL_HIST_H

#include <stdbool.h>
#include <stdint.h>

#define PS_HIST_EXACT 64
#define PS_HIST_SUB 32
#define PS_HIST_TOP_BIT 40
#define PS_HIST_BUCKETS (PS_HIST_EXACT + (PS_HIST_TOP_BIT - 6 + 1) * PS_HIST_SUB)

struct ps_hist {
	uint64_t counts[PS_HIST_BUCKETS];
	uint64_t n;
	uint64_t min, max; /* of the values counted (max of 0 when empty) */
	uint64_t sum;
};

void ps_hist_init(struct ps_hist *h);
/* Count one value (microseconds). */
void ps_hist_add(struct ps_hist *h, uint64_t us);
/* Add `b`'s counts to `a`. */
void ps_hist_merge(struct ps_hist *a, const struct ps_hist *b);
/* The value at percentile `p` (0 < p <= 100): the highest value of the
 * bucket that holds the ceil(p% of n)-th smallest value, never above the
 * maximum counted; 0 when empty. */
uint64_t ps_hist_percentile(const struct ps_hist *h, double p);

/* The bucket of a value, and the lowest and highest value a bucket
 * holds. */
unsigned ps_hist_bucket(uint64_t us);
uint64_t ps_hist_bucket_low(unsigned b);
uint64_t ps_hist_bucket_high(unsigned b);

/* The histogram as JSON text, its non-empty buckets as [bucket, count]
 * pairs: {"unit":"us","exact":64,"sub":32,"n":..,"min":..,"max":..,
 * "sum":..,"buckets":[[b,c],...]}. Caller frees. */
char *ps_hist_json(const struct ps_hist *h);
/* Read what ps_hist_json wrote into `h` (initialised first). False with
 * a sentence in `*err` (caller frees) when it is not such a histogram or
 * its layout differs (another exact/sub). */
bool ps_hist_from_json(const char *text, struct ps_hist *h, char **err);

#endif
