/* The full-screen views' signals and screen (see termsig.h). */
#include "config.h"

#include "tui/termsig.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

const int ps_term_signals[PS_TERM_NSIG] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };

/* A signal handler can only reach statics: the signal seen and the pipe
 * that wakes the UI thread's poll. */
static volatile sig_atomic_t got_signal, got_winch;
static int signal_wake_fd = -1;

static void on_signal(int sig)
{
	int saved = errno;
	if (sig == SIGWINCH)
		got_winch = 1;
	else if (!got_signal)
		got_signal = sig;
	if (signal_wake_fd >= 0 && write(signal_wake_fd, "", 1) < 0) {
		/* full: a wake-up is pending anyway */
	}
	errno = saved;
}

void ps_term_signals_install(int wake_fd, struct sigaction old[PS_TERM_NSIG])
{
	got_signal = got_winch = 0;
	signal_wake_fd = wake_fd;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < PS_TERM_NSIG; i++)
		sigaction(ps_term_signals[i], &sa, &old[i]);
}

void ps_term_signals_restore(const struct sigaction old[PS_TERM_NSIG])
{
	for (size_t i = 0; i < PS_TERM_NSIG; i++)
		sigaction(ps_term_signals[i], &old[i], NULL);
	signal_wake_fd = -1;
}

int ps_term_wake_fd(void)
{
	return signal_wake_fd;
}

int ps_term_signal(void)
{
	return got_signal;
}

bool ps_term_winch(void)
{
	if (!got_winch)
		return false;
	got_winch = 0;
	return true;
}

void ps_term_screen_setup(void)
{
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
}
