/* What the views' unit tests read of the lines a view made (test_tui_view,
 * test_tui_storm). Include after cmocka.h and tui/view.h. */
#ifndef PS_TESTS_TUI_LINES_H
#define PS_TESTS_TUI_LINES_H

#include <string.h>

#include "core/util.h"

/* All lines, one per line of text; the caller frees. */
static inline char *joined(const struct ps_tui_lines *l)
{
	struct ps_buf b = { 0 };
	for (size_t i = 0; i < l->n; i++) {
		ps_buf_puts(&b, l->v[i].text);
		ps_buf_puts(&b, "\n");
	}
	return ps_buf_take(&b);
}

/* Index of the first line containing `needle`, or -1. */
static inline long line_of(const struct ps_tui_lines *l, const char *needle)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i].text, needle))
			return (long)i;
	return -1;
}

#endif
