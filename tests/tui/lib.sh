# Shared helpers for the TUI screen tests (sourced by bash scripts, after
# the integration helpers). Each test runs provscope inside a shell in a
# detached tmux session of a fixed size on a private socket, types keys
# with send-keys and reads the screen with capture-pane, polling up to a
# deadline (never a fixed sleep as the only synchronisation).
. "$TOP_SRCDIR/tests/integration/lib.sh"

TMUX_BIN=${TMUX_BIN:-tmux}
# Not the user's server: a socket of our own in the test directory, and
# no tmux of the calling terminal.
unset TMUX TMUX_PANE
TUI_N=0 # sessions started: each has a server of its own
TUI_SOCK=$T_DIR/tmux-0.sock
TUI_WAIT=${TUI_WAIT:-20} # seconds any one screen may take to appear
export LANG=C.UTF-8
unset LC_ALL LC_CTYPE NO_COLOR

tui_cleanup() {
	local s
	for s in "$T_DIR"/tmux-*.sock; do
		[ -S "$s" ] && "$TMUX_BIN" -S "$s" kill-server 2>/dev/null
	done
	t_cleanup
}
trap tui_cleanup EXIT

# tui_need: bail out unless tmux is there.
tui_need() {
	command -v "$TMUX_BIN" >/dev/null || t_bail "tmux not found (.ci/run installs it)"
}

# tui_start COLS ROWS [VAR=VALUE...]: a fresh session "main" running a
# plain shell with the prompt "tui$ ", in an environment with the given
# variables (LANG=C for the ASCII tests, NO_COLOR=1...).
tui_start() {
	local cols=$1 rows=$2
	shift 2
	"$TMUX_BIN" -S "$TUI_SOCK" kill-server 2>/dev/null
	TUI_N=$((TUI_N + 1))
	TUI_SOCK=$T_DIR/tmux-$TUI_N.sock
	"$TMUX_BIN" -S "$TUI_SOCK" -f /dev/null new-session -d -s main -x "$cols" -y "$rows" \
		env "$@" PS1='tui$ ' bash --norc --noprofile ||
		t_bail "tmux could not start a session"
	"$TMUX_BIN" -S "$TUI_SOCK" set-option -t main status off >/dev/null
	tui_wait 'tui\$' || t_bail "no shell prompt in tmux"
}

# tui_screen: the visible screen as text.
tui_screen() {
	"$TMUX_BIN" -S "$TUI_SOCK" capture-pane -p -t main
}

# tui_screen_attrs: the same with escape sequences for colours and attributes.
tui_screen_attrs() {
	"$TMUX_BIN" -S "$TUI_SOCK" capture-pane -p -e -t main
}

# tui_keys KEY...: send tmux key names (Enter, Up, PageDown, Escape...).
tui_keys() {
	"$TMUX_BIN" -S "$TUI_SOCK" send-keys -t main "$@"
}

# tui_type TEXT: send text literally.
tui_type() {
	"$TMUX_BIN" -S "$TUI_SOCK" send-keys -t main -l "$1"
}

# tui_resize COLS ROWS
tui_resize() {
	"$TMUX_BIN" -S "$TUI_SOCK" resize-window -t main -x "$1" -y "$2"
}

# tui_run ARGS...: type a provscope command line into the shell; when it
# ends, the shell prints "[exit N]" and the terminal's settings are
# compared with those before ("[tty same]" or "[tty changed]"). The pid
# goes to $T_DIR/ps.pid.
tui_run() {
	local args="" a
	for a in "$@"; do args="$args $(printf '%q' "$a")"; done
	rm -f "$T_DIR/ps.pid"
	tui_type "clear; stty -g >$T_DIR/tty.before; bash -c 'echo \$\$ >$T_DIR/ps.pid; exec \"\$0\" \"\$@\"' $(printf '%q' "$PROVSCOPE")$args; echo \"[exit \$?]\"; stty -g | cmp -s - $T_DIR/tty.before && echo '[tty same]' || echo '[tty changed]'"
	tui_keys Enter
}

# tui_wait REGEX [SECONDS]: poll the screen until a line matches (grep -E);
# the last screen is kept in $TUI_LAST.
tui_wait() {
	local deadline=$((SECONDS + ${2:-$TUI_WAIT}))
	while :; do
		TUI_LAST=$(tui_screen)
		if printf '%s\n' "$TUI_LAST" | grep -qE -- "$1"; then return 0; fi
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# tui_wait_gone REGEX [SECONDS]: poll until no line matches.
tui_wait_gone() {
	local deadline=$((SECONDS + ${2:-$TUI_WAIT}))
	while :; do
		TUI_LAST=$(tui_screen)
		if ! printf '%s\n' "$TUI_LAST" | grep -qE -- "$1"; then return 0; fi
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# t_screen DESC REGEX [SECONDS]: a test that passes when the screen shows REGEX.
t_screen() {
	if tui_wait "$2" "${3:-$TUI_WAIT}"; then
		t_ok "$1"
	else
		t_fail "$1" "expected on screen: $2" "screen:" "$TUI_LAST"
	fi
}

# t_no_screen DESC REGEX: passes when the current screen does not show REGEX
# (after a screen that was waited for).
t_no_screen() {
	TUI_LAST=$(tui_screen)
	if printf '%s\n' "$TUI_LAST" | grep -qE -- "$2"; then
		t_fail "$1" "not expected on screen: $2" "screen:" "$TUI_LAST"
	else
		t_ok "$1"
	fi
}

# t_quits DESC KEYS STATUS: send KEYS, then the process must end with STATUS,
# the terminal settings be as before and the shell prompt answer.
t_quits() {
	local desc=$1 keys=$2 status=$3
	[ -n "$keys" ] && tui_keys "$keys"
	if ! tui_wait "^\[exit [0-9]+\]" 15; then
		t_fail "$desc: the process ends" "screen:" "$TUI_LAST"
		return
	fi
	if tui_wait "^\[exit $status\]" 1 && tui_wait '^\[tty same\]' 5; then
		t_ok "$desc: exit $status, the terminal restored"
	else
		t_fail "$desc: exit $status, the terminal restored" "screen:" "$TUI_LAST"
	fi
	# A run that ended leaves its answer on the normal screen (as -q).
	if [ "$status" != 130 ] && [ "$status" != 143 ]; then
		# the verdict, folded to the width: its first line and its end
		local left
		left=$("$TMUX_BIN" -S "$TUI_SOCK" capture-pane -p -J -t main |
			sed -n '/^Verdict: /,$p' | tr '\n' ' ')
		if printf '%s' "$left" | grep -qE "^Verdict: .*\(exit $status\)"; then
			t_ok "$desc: the verdict stays on the screen"
		else
			t_fail "$desc: the verdict stays on the screen" "screen:" "$TUI_LAST"
		fi
	fi
	local mark="prompt-$RANDOM"
	tui_type "echo $mark-\$((40 + 2))"
	tui_keys Enter
	if tui_wait "^$mark-42$" 10; then
		t_ok "$desc: the shell prompt is usable"
	else
		t_fail "$desc: the shell prompt is usable" "screen:" "$TUI_LAST"
	fi
}

# The provisioning server for the screen tests: nginx with client
# certificates (mTLS) and the test PKI; sets BASE and DEV (the phone's
# trust and device certificate options) and writes a profile.
tui_nginx() {
	command -v "$NGINX" >/dev/null || t_bail "nginx not found (.ci/run installs it)"
	mk_pki || t_bail "certtool could not make the test PKI"
	local p=$T_DIR/pki
	start_nginx tui "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'AES256-SHA:@SECLEVEL=0';
		ssl_verify_client on; ssl_client_certificate $p/client-ca.pem;" ||
		t_bail "nginx did not start"
	WWW=$T_DIR/nginx-tui/www
	BASE=https://localhost:$NGINX_PORT
	cat >"$WWW/spa000e08aabbcc.xml" <<EOT
<flat-profile>
  <Resync_Periodic>86400</Resync_Periodic>
  <Station_Name>reception-desk</Station_Name>
  <Admin_Passwd>very-secret-admin</Admin_Passwd>
</flat-profile>
EOT
	DEV=(--ca "$p/server-ca.pem" --cert "$p/device.pem" --key "$p/device.key")
}

# The hook for provscope's own lab server: sets LAB_ARGS, the options of a
# live run against it, or returns 1 when this build has no lab server, so
# that tests/tui/lab.sh skips. The lab is being built on another branch as
# `provscope --demo` (the lab started in the same process, its own PKI, the
# phone's factory rule as the target; `--fault NAME` plays a server's
# mistake); when that lands, these tests run. Should the lab move out of
# the process, start it here instead (free loopback port from $FREEPORT,
# wait_port, its pid in T_PIDS) and put its URL and trust options in
# LAB_ARGS.
tui_lab() {
	"$PROVSCOPE" --demo --batch --handshake-only </dev/null >/dev/null 2>&1 || return 1
	LAB_ARGS=(--demo)
}
