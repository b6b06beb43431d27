/* Files replaced whole or not at all (see atomic.h). */
#include "config.h"

#include "core/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

struct ps_atomic {
	FILE *f;
	char *path, *tmp;
	int slot; /* in `pending`, or -1 */
};

/* The temporary files a signal must remove. Process-wide by nature: a
 * signal handler can reach nothing else. Slots are claimed under `lock`;
 * the handler only reads them (a path is written before its slot is
 * published, and unpublished before it is freed). */
#define MAX_PENDING 8
static char *volatile pending[MAX_PENDING];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int publish(char *tmp)
{
	pthread_mutex_lock(&lock);
	int slot = -1;
	for (int i = 0; i < MAX_PENDING && slot < 0; i++)
		if (!pending[i]) {
			pending[i] = tmp;
			slot = i;
		}
	pthread_mutex_unlock(&lock);
	return slot;
}

static void unpublish(int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&lock);
	pending[slot] = NULL;
	pthread_mutex_unlock(&lock);
}

static void on_signal(int sig)
{
	for (int i = 0; i < MAX_PENDING; i++) {
		char *p = pending[i];
		if (p)
			unlink(p);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void ps_atomic_clean_on_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa, old;
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue; /* ignored (nohup): stays ignored */
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

/* The permissions of the new file: the target's, else 0666 less the umask
 * (read without changing it, through /proc, else assumed 022). */
static mode_t new_mode(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return st.st_mode & 07777;
	mode_t mask = 022;
	FILE *f = fopen("/proc/self/status", "r");
	if (f) {
		char line[128];
		unsigned m;
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "Umask: %o", &m) == 1)
				mask = (mode_t)m;
		fclose(f);
	}
	return 0666 & ~mask;
}

FILE *ps_atomic_open(const char *path, struct ps_atomic **out, char **err)
{
	*out = NULL;
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		*err = ps_xasprintf("%s: not a regular file", path);
		return NULL;
	}
	struct ps_atomic *a = ps_xcalloc(1, sizeof *a);
	a->path = ps_xstrdup(path);
	a->tmp = ps_xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(a->tmp);
	if (fd < 0) {
		*err = ps_xasprintf("%s: %s", path, strerror(errno));
		free(a->tmp);
		free(a->path);
		free(a);
		return NULL;
	}
	a->slot = publish(a->tmp);
	if (fchmod(fd, new_mode(path)) != 0 || !(a->f = fdopen(fd, "w"))) {
		*err = ps_xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		ps_atomic_abort(a);
		return NULL;
	}
	*out = a;
	return a->f;
}

static void release(struct ps_atomic *a, bool remove)
{
	if (remove)
		unlink(a->tmp);
	unpublish(a->slot);
	free(a->tmp);
	free(a->path);
	free(a);
}

int ps_atomic_commit(struct ps_atomic *a, char **err)
{
	bool ok = fflush(a->f) == 0 && !ferror(a->f) && fsync(fileno(a->f)) == 0;
	int e = errno;
	if (fclose(a->f) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(a->tmp, a->path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok)
		*err = ps_xasprintf("%s: %s", a->path, strerror(e ? e : EIO));
	release(a, !ok);
	return ok ? 0 : -1;
}

void ps_atomic_abort(struct ps_atomic *a)
{
	if (!a)
		return;
	if (a->f)
		fclose(a->f);
	release(a, true);
}
