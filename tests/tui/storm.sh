#!/bin/bash
# `provscope storm` on a terminal: the live view of a resync storm against
# nginx with client certificates (the devices' minted from the test
# client CA). The screen shows the header, the progress, the counts, the
# latency table, the timeline, the outcomes and the findings; it redraws
# when the window is resized, down to 40 columns; q, Ctrl-C or SIGTERM
# stop the storm early (the report says how many passes were not begun,
# exit 0); a storm left alone runs to its end; the report is written on
# the normal screen once the view has given the terminal back. A TERM
# curses cannot use keeps the progress line.
. "$TOP_SRCDIR/tests/tui/lib.sh"
tui_need
command -v "$NGINX" >/dev/null || t_bail "nginx not found (.ci/run installs it)"
mk_pki || t_bail "certtool could not make the test PKI"
start_phone_nginx storm || t_bail "nginx did not start"
P=$T_DIR/pki
cat >"$WWW/spa942.cfg" <<EOT
<flat-profile>
  <Resync_Periodic>86400</Resync_Periodic>
  <Station_Name>storm-desk</Station_Name>
</flat-profile>
EOT
URL=$BASE/spa942.cfg
STORM=(storm --device-ca "$P/client-ca.pem" --device-ca-key "$P/client-ca.key"
	--ca "$P/server-ca.pem")

# tui_history: the whole pane, its scrollback too, wrapped lines joined.
tui_history() {
	"$TMUX_BIN" -S "$TUI_SOCK" capture-pane -p -J -S - -t main
}

# ended DESC: the storm ends with status 0 and the terminal as before;
# $REPORT is then the pane's text from the report's first line.
ended() {
	if tui_wait '^\[exit [0-9]+\]' 40 && tui_wait '^\[exit 0\]' 1 &&
		tui_wait '^\[tty same\]' 5; then
		t_ok "$1: exit 0, the terminal restored"
	else
		t_fail "$1: exit 0, the terminal restored" "screen:" "$TUI_LAST"
	fi
	REPORT=$(tui_history | sed -n '/^provscope [0-9.a-z~-]*: storm of /,$p')
}

# report_has DESC REGEX: a line of $REPORT matches.
report_has() {
	if printf '%s\n' "$REPORT" | grep -qE -- "$2"; then
		t_ok "$1"
	else
		t_fail "$1" "expected in the report: $2" "report:" "$REPORT"
	fi
}

# stopped_early DESC: fewer than 200 passes made, the rest not begun.
stopped_early() {
	local made
	made=$(printf '%s\n' "$REPORT" |
		sed -n 's/^Ran [0-9.]* s (stopped): \([0-9]*\) of 200 planned passes made.*/\1/p')
	if [ -n "$made" ] && [ "$made" -lt 200 ] &&
		printf '%s\n' "$REPORT" | grep -qE "^ +$((200 - made)) +not begun$"; then
		t_ok "$1: stopped after $made of 200 passes, $((200 - made)) not begun"
	else
		t_fail "$1: stopped early, the rest not begun" "report:" "$REPORT"
	fi
}

# view_gone DESC: nothing of the view left on the normal screen.
view_gone() {
	if tui_history | grep -qE '^(q or Ctrl-C stop the storm|latency +n )'; then
		t_fail "$1" "pane:" "$(tui_history)"
	else
		t_ok "$1"
	fi
}

# --- q midway, with -v (the report's info findings) --------------------------------
# 10 passes a second: 20 s, time enough to look, resize and stop.
tui_start 100 40
tui_run "${STORM[@]}" --count 200 --rate 10 -v "$URL"
t_screen "the header: the time, the model, the devices" \
	'^provscope storm │ 00:[0-9]{2} │ spa942 │ 200 devices, MACs from 000e08000001$'
t_screen "... the target" "^target https://localhost:$NGINX_PORT/spa942\\.cfg$"
t_screen "... the schedule, jobs and shard" \
	'^schedule 10 passes/s │ jobs 8 │ shard 1/1 │ 200 passes planned$'
t_screen "the progress bar, done of planned" '^█+░+ +[1-9][0-9]*/200 +[0-9]+%$'
t_screen "the counts: ok, failed, in flight, to begin, the rate" \
	'^ok [1-9][0-9]* │ failed 0 │ in flight [0-9] │ to begin [0-9]+ │ [0-9]+\.[0-9] passes/s$'
t_screen "the latency table's heading" '^latency +n +p50 +p95 +p99 +max$'
for step in connect tls first_byte total start_lag; do
	t_screen "... a row for $step" \
		"^$step +[1-9][0-9]* +[0-9.]+ (ms|s) +[0-9.]+ (ms|s) +[0-9.]+ (ms|s) +[0-9.]+ (ms|s)$"
done
t_screen "the timeline of the last seconds" '^passes a second, the last [0-9]+ s \(peak [0-9]+\)$'
t_screen "... passes begun each second" '^begun  [▁▂▃▄▅▆▇█]+$'
t_screen "the outcomes: all ok so far" \
	'^  ok +[1-9][0-9]* +100\.0%  exit 0, the phone would provision$'
t_screen "the findings with their pass counts" '^• [1-9][0-9]* +upgrade\.no_rule +Upgrade_Rule is empty'
t_screen "the keys" '^q or Ctrl-C stop the storm'
if tui_screen_attrs | grep -q $'\033\[32m█'; then
	t_ok "the bar's part done in green"
else
	t_fail "the bar's part done in green" "screen:" "$(tui_screen_attrs | cat -v | head -8)"
fi

tui_resize 60 20
t_screen "resized to 60x20: the header redrawn, the program's name gives way" \
	'^storm │ 00:[0-9]{2} │ spa942 │ 200 devices, MACs from 000e08000001$'
t_screen "... the bar as wide as the window" '^[█░]{45,} [0-9]+/200 +[0-9]+%$'
t_screen "... the schedule cut at the edge" '^schedule 10 passes/s .* 200 passes pl[a-z]*…$'
tui_resize 40 16
t_screen "resized to 40x16: the short counts" '^ok [1-9][0-9]*  fail 0  run [0-9]  wait [0-9]+  [0-9.]+/s$'
t_screen "... the latency table without n and max" '^latency +p50 +p95 +p99$'
t_screen "... the header cut at the edge" '^storm │ 00:[0-9]{2} │ spa942 │ 200 devices.*…$'
tui_resize 100 40
t_screen "resized back to 100x40" \
	'^provscope storm │ 00:[0-9]{2} │ spa942 │ 200 devices, MACs from 000e08000001$'
t_screen "... the latency table whole again" '^latency +n +p50 +p95 +p99 +max$'

tui_keys q
ended "q stops the storm"
stopped_early "q"
report_has "the report says it was stopped" '^Ran [0-9.]+ s \(stopped\): '
report_has "the report names storm.not_started" \
	'^  info +storm\.not_started: '
report_has "... how many passes were not begun" \
	'seen: [0-9]+ of 200 passes not begun \(the storm was stopped\)'
report_has "the verdict: ok, exit 0" '^Verdict: ok: all [0-9]+ passes would provision \(exit 0\)$'
view_gone "the report on the normal screen, the view gone"

# --- a storm run to its end ------------------------------------------------------------
tui_start 100 40
tui_run "${STORM[@]}" --count 200 --rate 40 "$URL"
t_screen "40 a second: the view" '^schedule 40 passes/s │ jobs 8 │ shard 1/1 │ 200 passes planned$'
ended "a storm left alone"
report_has "all 200 passes made" '^Ran [0-9.]+ s: 200 of 200 planned passes made'
report_has "200 ok" '^ +200 +100\.0% +exit 0 +ok +the phone would provision$'
report_has "the verdict: 200 ok, exit 0" \
	'^Verdict: ok: all 200 passes would provision \(exit 0\)$'
view_gone "the report on the normal screen, the view gone"

# --- Ctrl-C and SIGTERM -----------------------------------------------------------------
tui_start 100 40
tui_run "${STORM[@]}" --count 200 --rate 10 "$URL"
t_screen "Ctrl-C: the view" '^ok [1-9][0-9]* │ failed 0 │'
tui_keys C-c
ended "Ctrl-C stops the storm"
stopped_early "Ctrl-C"

tui_start 100 40
tui_run "${STORM[@]}" --count 200 --rate 10 "$URL"
t_screen "SIGTERM: the view" '^ok [1-9][0-9]* │ failed 0 │'
kill -TERM "$(cat "$T_DIR/ps.pid")"
ended "SIGTERM stops the storm"
stopped_early "SIGTERM"

# --- terminals curses cannot use: the progress line ---------------------------------------
tui_start 100 40 TERM=provscope-no-such-terminal
tui_run "${STORM[@]}" --count 20 --rate 40 "$URL"
ended "an unknown TERM"
t_check "... says why: the progress line instead" grep -q \
	'provscope: no terminal description for TERM=provscope-no-such-terminal; a progress line instead of the live view' \
	<(tui_history)
report_has "... the report" '^Verdict: ok: all 20 passes would provision \(exit 0\)$'

tui_start 100 40 TERM=dumb
tui_run "${STORM[@]}" --count 20 --rate 10 "$URL"
t_screen "TERM=dumb: the progress line" '(^|\r)storm 00:0[0-9]  [0-9]+/20 done  [0-9]+ ok  0 failed'
ended "TERM=dumb"
t_no_screen "... no live view, no message" 'latency +n +p50|no terminal description'
t_done
