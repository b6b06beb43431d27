#!/bin/bash
# The TUI when the run fails: the failed step is selected and its finding
# and fix are on screen without a key press (HTTP 404, a chain the phone
# rejects, no client certificate, nothing listening); a server that never
# answers after the handshake: q quits at once, SIGTERM and Ctrl-C restore
# the terminal; the exit status is the report's, as in batch mode.
. "$TOP_SRCDIR/tests/tui/lib.sh"
tui_need
tui_nginx
P=$T_DIR/pki

tui_start 80 24
tui_run "${DEV[@]}" --timeout 10 "$BASE/nothere.xml"
t_screen "404: the verdict" '^✘ FAIL exit 7 '
t_screen "404: the HTTP step is selected" '│ http: HTTP request'
t_screen "404: its finding" '│ ✘ error http.not_found'
t_screen "404: what was seen" '│   seen: HTTP/1.1 404 Not Found for /nothere.xml'
t_screen "404: the fix" '│   fix: Check the file name the phone asks for'
t_screen "404: the step is marked failed in the list" '^✘ http .*│'
t_quits "404" q 7

tui_start 80 24
tui_run --ca "$P/other-ca.pem" --cert "$P/device.pem" --key "$P/device.key" --timeout 10 \
	"$BASE/spa000e08aabbcc.xml"
t_screen "a chain the phone rejects: the verdict" '^✘ FAIL exit 5 '
t_screen "a chain the phone rejects: the chain step is selected" '│ tls.chain: Server certificate chain'
t_screen "a chain the phone rejects: its finding" '│ ✘ error chain\.[a-z_]+'
t_screen "a chain the phone rejects: the fix" '│   fix: '
t_quits "chain" q 5
t_eq "chain: after q, the error finding and its fix stay on the normal screen" "yes yes" \
	"$("$TMUX_BIN" -S "$TUI_SOCK" capture-pane -p -J -t main | grep -qE '^  error   chain\.' && echo yes) $("$TMUX_BIN" -S "$TUI_SOCK" capture-pane -p -J -t main | grep -qE '^ +fix: ' && echo yes)"

tui_start 120 40
tui_run --ca "$P/server-ca.pem" --timeout 10 "$BASE/spa000e08aabbcc.xml"
t_screen "no client certificate (120x40): the verdict" '^✘ FAIL exit 6 '
t_screen "no client certificate: the client-auth step is selected" \
	'│ tls.client_auth: Client certificate'
t_screen "no client certificate: its finding" '│ ✘ error client_auth.required'
t_screen "no client certificate: the fix" '│   fix: '
t_screen "no client certificate: the CA names the server asked for" \
	'│   CA names the server accepts \(1\):'
t_screen "no client certificate: the device certificate beside them" \
	'│   None configured \(--cert\)\.'
t_quits "client auth" Escape 6

REFUSED=$("$FREEPORT")
tui_start 80 24
tui_run --timeout 10 "https://127.0.0.1:$REFUSED/x.xml"
t_screen "nothing listening: the verdict" '^✘ FAIL exit 3 '
t_screen "nothing listening: the connect step is selected" '│ connect: TCP connect'
t_screen "nothing listening: its finding and fix" '│   fix: Check that the provisioning server runs'
t_quits "refused" q 3

# Secrets stay hidden on the screen too: a target rule with a --KEY, an
# expectation with a --Pwd and one with a URL password.
tui_start 120 40
tui_run --timeout 10 --expect 'param:Profile_Rule=[--Pwd s3cret2] http://h/x' \
	--expect 'tls.version=https://u:s3cret3@h/' \
	"( \$SWVER lt 9 )? [--KEY s3cret1] https://127.0.0.1:$REFUSED/x.xml"
t_screen "secrets: the run ends" '^✘ FAIL exit 3 '
t_screen "secrets: the target with its key hidden" 'target .*\[--KEY \*\*\*\*\*\*\*\*\]'
t_no_screen "secrets: no secret anywhere on the first screen" 's3cret'
tui_keys End
t_screen "secrets: the findings at the end of the list" '│ Findings'
t_no_screen "secrets: no secret on the findings' screen" 's3cret'
t_quits "secrets" q 3

# A TLS server that completes the handshake and then never answers.
mkfifo "$T_DIR/silent.in"
for try in 1 2 3 4 5; do
	SS_PORT=$("$FREEPORT")
	openssl s_server -quiet -accept "127.0.0.1:$SS_PORT" -cert "$P/server.pem" \
		-key "$P/server.key" -tls1 -cipher 'AES256-SHA:@SECLEVEL=0' \
		<>"$T_DIR/silent.in" >/dev/null 2>&1 &
	pid=$!
	if wait_port "$SS_PORT"; then
		T_PIDS="$T_PIDS $pid"
		break
	fi
	kill "$pid" 2>/dev/null
done
# The timeout (60 s) is far beyond how long quitting may take (15 s).
for how in q Escape C-c TERM; do
	tui_start 80 24
	tui_run --ca "$P/server-ca.pem" --timeout 60 "https://localhost:$SS_PORT/x.xml"
	t_screen "silent server ($how): the HTTP step runs, live" '^running hop 1 http '
	t_screen "silent server ($how): the list follows it" '^[^ ] http +[0-9.]+ m?s │'
	case $how in
	TERM)
		kill -TERM "$(cat "$T_DIR/ps.pid")"
		t_quits "silent server, SIGTERM" "" 143
		;;
	C-c) t_quits "silent server, Ctrl-C" C-c 130 ;;
	*) t_quits "silent server, $how while the step hangs" "$how" 130 ;;
	esac
done
t_done
