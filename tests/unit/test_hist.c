/* Mergeable latency histograms (model/hist.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/hist.h"

/* Every value falls in its bucket, buckets are contiguous and narrow. */
static void test_buckets(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < 64; v++)
		assert_int_equal(ps_hist_bucket(v), v);
	uint64_t prev_high = 63;
	for (unsigned b = 64; b < PS_HIST_BUCKETS; b++) {
		uint64_t lo = ps_hist_bucket_low(b), hi = ps_hist_bucket_high(b);
		assert_int_equal(lo, prev_high + 1);
		assert_true(hi >= lo);
		assert_int_equal(ps_hist_bucket(lo), b);
		assert_int_equal(ps_hist_bucket(hi), b);
		/* at most 1/32 of the bucket's values wide */
		assert_true((hi - lo + 1) * 32 <= lo);
		prev_high = hi;
	}
	assert_int_equal(ps_hist_bucket(UINT64_MAX), PS_HIST_BUCKETS - 1);
	assert_int_equal(ps_hist_bucket((uint64_t)1 << 41), PS_HIST_BUCKETS - 1);
}

static void test_percentiles(void **state)
{
	(void)state;
	struct ps_hist h;
	ps_hist_init(&h);
	assert_int_equal(ps_hist_percentile(&h, 50), 0);
	for (uint64_t v = 1; v <= 100; v++)
		ps_hist_add(&h, v * 1000); /* 1 ms to 100 ms */
	assert_int_equal(h.n, 100);
	assert_int_equal(h.min, 1000);
	assert_int_equal(h.max, 100000);
	assert_int_equal(h.sum, 5050000);
	/* never below the true value, at most 1/32 above it */
	const double ps[] = { 50, 95, 99, 100 };
	const uint64_t truth[] = { 50000, 95000, 99000, 100000 };
	for (size_t i = 0; i < 4; i++) {
		uint64_t v = ps_hist_percentile(&h, ps[i]);
		assert_true(v >= truth[i]);
		assert_true((v - truth[i]) * 32 <= truth[i]);
	}
	assert_int_equal(ps_hist_percentile(&h, 100), 100000); /* the max, exactly */
	/* exact below 64 us */
	ps_hist_init(&h);
	for (uint64_t v = 1; v <= 10; v++)
		ps_hist_add(&h, v);
	assert_int_equal(ps_hist_percentile(&h, 50), 5);
	assert_int_equal(ps_hist_percentile(&h, 90), 9);
	assert_int_equal(ps_hist_percentile(&h, 91), 10);
}

/* Shards merge to the histogram of one run: the same percentiles. */
static void test_merge(void **state)
{
	(void)state;
	struct ps_hist whole, shard[3], merged;
	ps_hist_init(&whole);
	ps_hist_init(&merged);
	for (int i = 0; i < 3; i++)
		ps_hist_init(&shard[i]);
	uint64_t x = 12345;
	for (int i = 0; i < 3000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t v = (x >> 33) % 2000000; /* up to 2 s */
		ps_hist_add(&whole, v);
		ps_hist_add(&shard[i % 3], v);
	}
	for (int i = 0; i < 3; i++)
		ps_hist_merge(&merged, &shard[i]);
	assert_memory_equal(&merged, &whole, sizeof whole);
	struct ps_hist empty;
	ps_hist_init(&empty);
	ps_hist_merge(&merged, &empty);
	assert_memory_equal(&merged, &whole, sizeof whole);
}

static void test_json(void **state)
{
	(void)state;
	struct ps_hist h, back;
	ps_hist_init(&h);
	ps_hist_add(&h, 7);
	ps_hist_add(&h, 7);
	ps_hist_add(&h, 150000);
	char *text = ps_hist_json(&h);
	assert_string_equal(text, "{\"unit\":\"us\",\"exact\":64,\"sub\":32,\"n\":3,\"min\":7,"
				  "\"max\":150000,\"sum\":150014,\"buckets\":[[7,2],[420,1]]}");
	char *err = NULL;
	assert_true(ps_hist_from_json(text, &back, &err));
	assert_memory_equal(&back, &h, sizeof h);
	free(text);
	const char *bad[] = {
		"[]",
		"{\"exact\":64,\"sub\":16,\"n\":0,\"min\":0,\"max\":0,\"sum\":0,\"buckets\":[]}",
		"{\"exact\":64,\"sub\":32,\"n\":1,\"min\":0,\"max\":0,\"sum\":0,\"buckets\":[]}",
		"{\"exact\":64,\"sub\":32,\"n\":1,\"min\":0,\"max\":0,\"sum\":0,\"buckets\":[["
		"99999,1]]}",
		"{\"exact\":64,\"sub\":32,\"min\":0,\"max\":0,\"sum\":0,\"buckets\":[]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = NULL;
		assert_false(ps_hist_from_json(bad[i], &back, &err));
		assert_non_null(err);
		assert_int_equal(back.n, 0);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
