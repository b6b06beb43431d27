/* Edit distance and suggestions (see suggest.h). */
#include "config.h"

#include "core/suggest.h"

#include <string.h>

#define MAXW 127

static unsigned char fold(unsigned char c, bool f)
{
	return f && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

unsigned ps_edit_distance(const char *a, const char *b, unsigned cap, bool fold_case)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > MAXW || lb > MAXW)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	/* three rows: i-2, i-1, i */
	unsigned rows[3][MAXW + 1];
	unsigned *pp = rows[0], *p = rows[1], *r = rows[2];
	for (size_t j = 0; j <= lb; j++)
		p[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		r[0] = (unsigned)i;
		unsigned best = r[0];
		unsigned char ca = fold((unsigned char)a[i - 1], fold_case);
		for (size_t j = 1; j <= lb; j++) {
			unsigned char cb = fold((unsigned char)b[j - 1], fold_case);
			unsigned v = p[j - 1] + (ca != cb);
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (r[j - 1] + 1 < v)
				v = r[j - 1] + 1;
			if (i > 1 && j > 1 && ca == fold((unsigned char)b[j - 2], fold_case) &&
			    fold((unsigned char)a[i - 2], fold_case) == cb && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			r[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
		unsigned *t = pp;
		pp = p;
		p = r;
		r = t;
	}
	return p[lb] > cap ? cap + 1 : p[lb];
}

unsigned ps_suggest_tolerance(size_t len)
{
	return len <= 4 ? 1 : len <= 12 ? 2 : 3;
}

size_t ps_suggest(const char *word, const char *const *names, size_t n, size_t *out, size_t max)
{
	if (!max)
		return 0;
	unsigned tol = ps_suggest_tolerance(strlen(word));
	size_t k = 0;
	unsigned score[16];
	if (max > 16)
		max = 16;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(word, names[i]) == 0)
			continue; /* the word itself */
		unsigned d;
		if (ps_edit_distance(word, names[i], 0, true) == 0)
			d = 0; /* the same but for letter case */
		else {
			d = ps_edit_distance(word, names[i], tol, false);
			if (d > tol)
				continue;
			d += 1;
		}
		/* insert in order, stable */
		size_t at = k;
		while (at > 0 && score[at - 1] > d)
			at--;
		if (at >= max)
			continue;
		size_t last = k < max ? k : max - 1;
		for (size_t m = last; m > at; m--) {
			score[m] = score[m - 1];
			out[m] = out[m - 1];
		}
		score[at] = d;
		out[at] = i;
		if (k < max)
			k++;
	}
	return k;
}
