/* The download progress bar (see progress.h). */
#include "config.h"

#include "output/progress.h"

#include <string.h>
#include <unistd.h>

#include "core/util.h"

#define BAR_WIDTH 30

void ps_progress_init(struct ps_progress *p, FILE *out, const char *label)
{
	memset(p, 0, sizeof *p);
	p->out = out;
	p->label = label;
	p->tty = isatty(fileno(out));
	p->last_step = -1;
}

void ps_progress_size(char *buf, size_t n, long long bytes)
{
	if (bytes >= 10LL << 20)
		snprintf(buf, n, "%lld MiB", bytes >> 20);
	else if (bytes >= 1LL << 20)
		snprintf(buf, n, "%.1f MiB", (double)bytes / (1 << 20));
	else if (bytes >= 10LL << 10)
		snprintf(buf, n, "%lld KiB", bytes >> 10);
	else
		snprintf(buf, n, "%lld bytes", bytes < 0 ? 0 : bytes);
}

static void draw(struct ps_progress *p, long long bytes, long long total, int end)
{
	bool done = end != 0;
	char have[32], all[32];
	ps_progress_size(have, sizeof have, bytes);
	if (p->tty)
		fputs("\r\033[K", p->out);
	if (total > 0) {
		int pct = (int)(bytes * 100 / total);
		if (pct > 100)
			pct = 100;
		int fill = pct * BAR_WIDTH / 100;
		char bar[BAR_WIDTH + 1];
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '-', (size_t)(BAR_WIDTH - fill));
		bar[BAR_WIDTH] = '\0';
		ps_progress_size(all, sizeof all, total);
		fprintf(p->out, "%s [%s] %3d%%  %s of %s%s", p->label, bar, pct, have, all,
			end < 0 ? "  failed" : "");
	} else {
		fprintf(p->out, "%s [%s] %s", p->label,
			end > 0   ? "done"
			: end < 0 ? "failed"
				  : "...",
			have);
	}
	if (!p->tty || done)
		fputc('\n', p->out);
	p->drawn = p->tty && !done;
	fflush(p->out);
}

void ps_progress_update(void *ctx, long long bytes, long long total, int end)
{
	struct ps_progress *p = ctx;
	if (bytes < 0)
		bytes = 0;
	if (end) {
		if (p->drawn || bytes > 0)
			draw(p, bytes, end > 0 ? bytes : -1, end);
		p->drawn = false;
		return;
	}
	if (p->tty) {
		double now = ps_now_ms();
		if (p->drawn && now - p->last_ms < 100)
			return;
		p->last_ms = now;
		draw(p, bytes, total, 0);
		return;
	}
	/* A log: a line at 0, 25, 50 and 75 %; the end prints 100 %. */
	if (total <= 0 || bytes >= total)
		return;
	int step = (int)(bytes * 4 / total);
	if (step > p->last_step) {
		p->last_step = step;
		draw(p, bytes, total, 0);
	}
}
