/* Small helpers shared by every layer: allocation that aborts on
 * out-of-memory, string building, a monotonic clock. No I/O policy here. */
#ifndef PS_CORE_UTIL_H
#define PS_CORE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Allocation: these never return NULL; out-of-memory aborts in one place. */
void *ps_xmalloc(size_t n);
void *ps_xcalloc(size_t n, size_t size);
void *ps_xrealloc(void *p, size_t n);
/* Grow an array of `*cap` elements of `size` bytes so that it holds `need`. */
void *ps_xgrow(void *p, size_t *cap, size_t need, size_t size);
/* Copies; ps_xstrdup(NULL) returns NULL. The caller owns the result. */
char *ps_xstrdup(const char *s);
char *ps_xstrndup(const char *s, size_t n);
char *ps_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *ps_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Arrays of `n` owned strings: a deep copy (NULL when n is 0) and a free. */
char **ps_strv_dup(char *const *v, size_t n);
void ps_strv_free(char **v, size_t n);

/* Growable string. Zero-initialise, append, then take or free `s`. */
struct ps_buf {
	char *s;    /* NUL-terminated once anything was appended */
	size_t len; /* bytes used, without the NUL */
	size_t cap; /* bytes allocated */
};
void ps_buf_add(struct ps_buf *b, const char *s, size_t n);
void ps_buf_puts(struct ps_buf *b, const char *s);
void ps_buf_printf(struct ps_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append `text` folded at spaces to lines of at most `width` bytes (for
 * ASCII help texts): the first line goes on from column `col`, the others
 * start with `indent` spaces; a word longer than a line is not broken.
 * Ends with a newline. */
void ps_buf_fold(struct ps_buf *b, const char *text, size_t col, size_t indent, size_t width);
/* Returns the string (never NULL; "" when empty) and resets the buffer. */
char *ps_buf_take(struct ps_buf *b);
void ps_buf_free(struct ps_buf *b);

/* The first control character of `s` (a byte below 0x20, or DEL), or
 * NULL: text that ends in an HTTP header must have none (CR LF would start
 * a header of its own). */
const char *ps_first_control(const char *s);

/* Milliseconds on the monotonic clock. */
double ps_now_ms(void);

/* ASCII case, the one home for it: independent of the locale (strcasecmp
 * and tolower follow LC_CTYPE), only 'A'..'Z' change. */
char ps_ascii_lower(char c);
/* `a` and `b` are equal ignoring ASCII case. */
bool ps_str_ieq(const char *a, const char *b);
/* The first `n` bytes of `a` and `b` are equal ignoring ASCII case, like
 * strncasecmp() == 0: the comparison stops at the first difference, so a
 * NUL-terminated string shorter than `n` is read no further than its NUL. */
bool ps_strn_ieq(const char *a, const char *b, size_t n);
/* Where `needle` first stands in the `n` bytes at `s` ignoring ASCII case,
 * or NULL; an empty needle stands at `s`. */
const char *ps_mem_ifind(const char *s, size_t n, const char *needle);
/* A time as --at takes it: "YYYY-MM-DD" (midnight UTC), RFC 3339's
 * "YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]" with "Z", "+HH:MM", "-HH:MM" or no
 * offset (UTC), or "@EPOCH". Returns false (and leaves `*out`) when
 * malformed or impossible (2026-02-30, 24:00, an hour offset of 24). */
bool ps_time_parse(const char *s, time_t *out);
/* Lower-case hex of `n` bytes into `out` (2n+1 bytes). */
void ps_hex(const unsigned char *data, size_t n, char *out);

/* Why a file could not be read (ps_read_file_ex). */
enum ps_read_status {
	PS_READ_OK,
	PS_READ_MISSING,  /* no such file (ENOENT) */
	PS_READ_DENIED,   /* no permission (EACCES, EPERM) */
	PS_READ_NOT_FILE, /* a directory, or with PS_READ_REGULAR anything but a regular file */
	PS_READ_TOO_BIG,  /* more than the cap */
	PS_READ_FAILED,   /* another open or read error */
};
/* Only a regular file: a FIFO or device is refused, and opening one does
 * not block (servers reading a path a client named). */
#define PS_READ_REGULAR 1u

/* The cap on a PEM file read whole (a certificate, a key, a CA bundle). */
#define PS_PEM_FILE_MAX ((size_t)16 << 20)

/* The one file reader. Read the whole of `file`, at most `cap` bytes,
 * NUL-terminated (`*data` is the caller's). Other than PS_READ_OK, `*err`
 * says "FILE: why" (caller frees) and `*data` is untouched. `flags` is 0
 * or PS_READ_REGULAR. */
enum ps_read_status ps_read_file_ex(const char *file, size_t cap, unsigned flags,
				    unsigned char **data, size_t *len, char **err);
/* The same with flags 0, true when read. */
bool ps_read_file(const char *file, size_t cap, unsigned char **data, size_t *len, char **err);

#endif
