/* Files replaced whole or not at all: the new content goes to a temporary
 * file beside the target (same directory, so the rename is atomic), which
 * is flushed to disk and renamed over the target only when it is complete.
 * An error, an abort or a signal (SIGINT, SIGTERM, SIGHUP, once
 * ps_atomic_clean_on_signals has been called) leaves the old file as it
 * was and no temporary file behind. */
#ifndef PS_CORE_ATOMIC_H
#define PS_CORE_ATOMIC_H

#include <stdio.h>

struct ps_atomic;

/* Start replacing `path`: returns the stream to write to, and `*out`, or
 * NULL with `*err` ("PATH: why", caller frees). The new file gets the
 * target's permissions when it exists, else 0666 less the umask. */
FILE *ps_atomic_open(const char *path, struct ps_atomic **out, char **err);

/* Flush, fsync and rename over the target; frees `a`. Returns 0, or -1
 * with `*err` (caller frees) after removing the temporary file (a full
 * disk, a write error seen by the stream). */
int ps_atomic_commit(struct ps_atomic *a, char **err);

/* Give up: close and remove the temporary file; frees `a`. NULL is
 * accepted. */
void ps_atomic_abort(struct ps_atomic *a);

/* Remove any temporary file still open when SIGINT, SIGTERM or SIGHUP
 * arrives, then die of the signal as before. For batch runs; the TUI has
 * handlers of its own. */
void ps_atomic_clean_on_signals(void);

#endif
