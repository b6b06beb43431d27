/* Allocation, string building and clock helpers (see util.h). */
#include "config.h"

#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void ps_oom(void)
{
	fputs("provscope: out of memory\n", stderr);
	abort();
}

void *ps_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		ps_oom();
	return p;
}

void *ps_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		ps_oom();
	return p;
}

void *ps_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		ps_oom();
	return q;
}

void *ps_xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 4;
	while (c < need) {
		if (c > ((size_t)-1) / 4 / size)
			ps_oom();
		c *= 2;
	}
	p = ps_xrealloc(p, c * size);
	memset((char *)p + *cap * size, 0, (c - *cap) * size);
	*cap = c;
	return p;
}

char *ps_xstrdup(const char *s)
{
	return s ? ps_xstrndup(s, strlen(s)) : NULL;
}

char *ps_xstrndup(const char *s, size_t n)
{
	char *d = ps_xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *ps_xvasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		ps_oom();
	char *s = ps_xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *ps_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = ps_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

char **ps_strv_dup(char *const *v, size_t n)
{
	if (!n)
		return NULL;
	char **d = ps_xcalloc(n, sizeof *d);
	for (size_t i = 0; i < n; i++)
		d[i] = ps_xstrdup(v[i]);
	return d;
}

void ps_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void ps_buf_add(struct ps_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 64;
		while (c < b->len + n + 1)
			c *= 2;
		b->s = ps_xrealloc(b->s, c);
		b->cap = c;
	}
	if (n) /* s may be NULL for nothing: memcpy from NULL is undefined */
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void ps_buf_puts(struct ps_buf *b, const char *s)
{
	ps_buf_add(b, s, strlen(s));
}

void ps_buf_printf(struct ps_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = ps_xvasprintf(fmt, ap);
	va_end(ap);
	ps_buf_puts(b, s);
	free(s);
}

void ps_buf_fold(struct ps_buf *b, const char *text, size_t col, size_t indent, size_t width)
{
	bool first_word = true;
	while (*text) {
		text += strspn(text, " ");
		size_t n = strcspn(text, " ");
		if (!n)
			break;
		if (!first_word && col + 1 + n > width) {
			ps_buf_printf(b, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first_word) {
			ps_buf_puts(b, " ");
			col++;
		}
		ps_buf_add(b, text, n);
		col += n;
		text += n;
		first_word = false;
	}
	ps_buf_puts(b, "\n");
}

char *ps_buf_take(struct ps_buf *b)
{
	char *s = b->s ? b->s : ps_xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void ps_buf_free(struct ps_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *ps_first_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return s;
	return NULL;
}

double ps_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

char ps_ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool ps_str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ps_ascii_lower(*a) != ps_ascii_lower(*b))
			return false;
	return *a == *b;
}

bool ps_strn_ieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ps_ascii_lower(a[i]) != ps_ascii_lower(b[i]))
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

const char *ps_mem_ifind(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (ps_strn_ieq(s + i, needle, k))
			return s + i;
	return NULL;
}

void ps_hex(const unsigned char *data, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 15];
	}
	out[2 * n] = '\0';
}

/* `n` digits at *p into *v, advancing *p. */
static bool digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		*v = *v * 10 + (**p - '0');
	}
	return true;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* "[T ]HH:MM[:SS[.fraction]]" into tm; false when malformed or out of
 * range (a leap second, :60, is allowed as RFC 3339 allows it). */
static bool parse_clock(const char **p, struct tm *tm)
{
	int h, mi, sec = 0;
	if (!digits(p, 2, &h) || *(*p)++ != ':' || !digits(p, 2, &mi))
		return false;
	if (**p == ':') {
		(*p)++;
		if (!digits(p, 2, &sec))
			return false;
		if (**p == '.') { /* a fraction of a second: dropped */
			(*p)++;
			if (**p < '0' || **p > '9')
				return false;
			while (**p >= '0' && **p <= '9')
				(*p)++;
		}
	}
	if (h > 23 || mi > 59 || sec > 60)
		return false;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = sec;
	return true;
}

/* "", "Z" or "+HH:MM"/"-HH:MM" (RFC 3339) into seconds east of UTC. */
static bool parse_offset(const char *p, long *east)
{
	*east = 0;
	if (!*p)
		return true;
	if ((*p == 'Z' || *p == 'z') && !p[1])
		return true;
	if (*p != '+' && *p != '-')
		return false;
	int sign = *p++ == '-' ? -1 : 1, h, m;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &m) || *p || h > 23 || m > 59)
		return false;
	*east = sign * (h * 3600L + m * 60L);
	return true;
}

bool ps_time_parse(const char *s, time_t *out)
{
	if (s[0] == '@') {
		char *end;
		errno = 0;
		long long v = strtoll(s + 1, &end, 10);
		if (errno || end == s + 1 || *end || v <= 0)
			return false;
		*out = (time_t)v;
		return true;
	}
	/* YYYY-MM-DD, then a clock and an offset, each optional */
	const char *p = s;
	int y, mo, d;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return false;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	long east = 0;
	if (*p) {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return false;
		p++;
		if (!parse_clock(&p, &tm) || !parse_offset(p, &east))
			return false;
	}
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || t - east <= 0)
		return false;
	*out = t - east;
	return true;
}

/* The status of a failed open(2). */
static enum ps_read_status open_status(int e)
{
	if (e == ENOENT || e == ENOTDIR)
		return PS_READ_MISSING;
	if (e == EACCES || e == EPERM)
		return PS_READ_DENIED;
	if (e == EISDIR)
		return PS_READ_NOT_FILE;
	return PS_READ_FAILED;
}

/* Read `fd` to its end into `b`, at most `cap` bytes. */
static enum ps_read_status read_all(int fd, size_t cap, struct ps_buf *b)
{
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return PS_READ_FAILED;
		if (n == 0)
			return PS_READ_OK;
		if ((size_t)n > cap - b->len)
			return PS_READ_TOO_BIG;
		ps_buf_add(b, chunk, (size_t)n);
	}
}

/* What fstat says of the open `fd`: PS_READ_OK, or why it is not read. */
static enum ps_read_status check_kind(int fd, const char *file, size_t cap, bool regular,
				      char **err)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		*err = ps_xasprintf("%s: %s", file, strerror(errno));
		return PS_READ_FAILED;
	}
	if (S_ISDIR(st.st_mode)) {
		*err = ps_xasprintf("%s: is a directory", file);
		return PS_READ_NOT_FILE;
	}
	if (regular && !S_ISREG(st.st_mode)) {
		*err = ps_xasprintf("%s: not a regular file", file);
		return PS_READ_NOT_FILE;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > (uintmax_t)cap) {
		*err = ps_xasprintf("%s: larger than %zu bytes", file, cap);
		return PS_READ_TOO_BIG;
	}
	return PS_READ_OK;
}

enum ps_read_status ps_read_file_ex(const char *file, size_t cap, unsigned flags,
				    unsigned char **data, size_t *len, char **err)
{
	bool regular = flags & PS_READ_REGULAR;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular ? O_NONBLOCK : 0));
	if (fd < 0) {
		int e = errno;
		*err = ps_xasprintf("%s: %s", file, strerror(e));
		return open_status(e);
	}
	struct ps_buf b = { 0 };
	enum ps_read_status rs = check_kind(fd, file, cap, regular, err);
	if (rs == PS_READ_OK) {
		rs = read_all(fd, cap, &b); /* the size may change as it is read */
		if (rs == PS_READ_TOO_BIG)
			*err = ps_xasprintf("%s: larger than %zu bytes", file, cap);
		else if (rs == PS_READ_FAILED)
			*err = ps_xasprintf("%s: read error: %s", file, strerror(errno));
	}
	close(fd);
	if (rs != PS_READ_OK) {
		ps_buf_free(&b);
		return rs;
	}
	*len = b.len;
	*data = (unsigned char *)ps_buf_take(&b);
	return PS_READ_OK;
}

bool ps_read_file(const char *file, size_t cap, unsigned char **data, size_t *len, char **err)
{
	return ps_read_file_ex(file, cap, 0, data, len, err) == PS_READ_OK;
}
