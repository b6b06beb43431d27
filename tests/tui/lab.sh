#!/bin/bash
# The TUI against provscope's own lab server (provscope --demo): the
# verdict and the steps on screen, the chain and profile views, quitting
# cleanly; a fault of the lab shows its failed step, finding and fix
# without a key press. Skipped while the build has no lab server: tui_lab
# in tests/tui/lib.sh is the hook.
. "$TOP_SRCDIR/tests/tui/lib.sh"
tui_need
if ! tui_lab; then
	echo "1..0 # SKIP no lab server in this build yet (see tui_lab in tests/tui/lib.sh)"
	exit 0
fi

tui_start 120 40
tui_run "${LAB_ARGS[@]}" --timeout 10
t_screen "lab: the verdict in the header" '^✔ OK exit 0  Linksys SPA942 │'
tui_keys Home
t_screen "lab: the first hop" '^hop 1 spa942\.cfg +│'
for step in rule.expand resolve connect tls.handshake tls.chain tls.client_auth http \
	profile.decode profile.parse; do
	t_screen "lab: step $step listed" "^[✔▲○] $step +[0-9.]+ m?s +│"
done
tui_keys j j j j
t_screen "lab: the chain view" '│ tls\.chain: Server certificate chain'
t_screen "lab: the phone accepts the lab's chain" '│   ✔ the SPA942 accepts'
t_screen "lab: a modern client accepts it too, as with --ca of the lab's CA" \
	'│   ✔ a modern client accepts'
tui_keys j j j j
t_screen "lab: the profile view" '│ profile\.parse: Parse the profile'
# /: the step list searched, then the detail pane (with the focus).
tui_keys Home
tui_wait '│ rule\.expand: Expand the rule'
tui_keys /
tui_wait '^search: '
tui_type "profile.parse"
tui_wait '^search: profile\.parse'
tui_keys Enter
t_screen "lab: / finds a step in the list" '│ profile\.parse: Parse the profile'
tui_keys Home j j j
t_screen "lab: the handshake view" '│ tls\.handshake: '
tui_keys Tab
tui_keys /
tui_wait '^search: '
tui_type "ServerHelloDone"
tui_wait '^search: ServerHelloDone'
tui_keys Enter
t_screen "lab: / in the detail pane scrolls to the line" "^the run is over|'ServerHelloDone' in line [0-9]+"
t_screen "lab: ... which is now the pane's first" '│ +[0-9.]+ ms ← ServerHelloDone'
tui_keys Tab
# w: the suggested name goes with the first key typed; the extension
# says the format.
tui_keys w
tui_wait '^write to '
tui_type "$T_DIR/w-report.txt"
tui_wait 'w-report\.txt$'
tui_keys Enter
t_screen "lab: w writes the report as text" "wrote the report as text to"
t_eq "lab: the file is the text report" "yes" \
	"$(grep -q '^Verdict: ok' "$T_DIR/w-report.txt" 2>/dev/null && echo yes)"
tui_keys w
tui_wait '^write to '
tui_type "$T_DIR/w-report.json"
tui_wait 'w-report\.json$'
tui_keys Enter
t_eq "lab: w to .json writes the JSON report" "ok" \
	"$(json_get "$T_DIR/w-report.json" 'd["verdict"]' 2>/dev/null)"
tui_resize 80 24
t_screen "lab: resized to 80x24" '^✔ OK exit 0  (Linksys SPA942 │|SPA942 ) MAC 000e08aabbcc'
t_quits "lab" q 0

# --expect holds on the interactive view as in batch mode: the run itself
# is fine, the expectation is not, so the status is 10 (the TUI used to
# finish the report without the expectations and exit 0).
tui_start 100 30
tui_run "${LAB_ARGS[@]}" --timeout 10 --expect verdict=fail --expect http.status=200
t_screen "lab --expect: the header says exit 10" '^✘ FAIL exit 10 '
t_screen "lab --expect: the verdict names the expectation" \
	'^verdict an --expect or audit check failed: 1 of 2 expectations not met'
t_quits "lab --expect verdict=fail" q 10
tui_start 100 30
tui_run "${LAB_ARGS[@]}" --timeout 10 --expect http.status=200
t_screen "lab --expect http.status=200: the verdict" '^✔ OK exit 0 '
t_quits "lab --expect http.status=200 (holds)" q 0

# FAULT EXIT FINDING STEP: what the lab's faults give, as in batch mode
while read -r fault code finding step; do
	tui_start 80 24
	tui_run "${LAB_ARGS[@]}" --timeout 10 --fault "$fault"
	t_screen "lab --fault $fault: the verdict" "^✘ FAIL exit $code "
	t_screen "lab --fault $fault: the failed step selected" "│ $step: "
	t_screen "lab --fault $fault: its finding" "│ ✘ error $finding"
	t_screen "lab --fault $fault: its fix" '│   fix: '
	if [ "$fault" = expired ]; then
		# the batch fix says --at; here a key does it
		t_screen "lab --fault expired: the fix in the view's keys" "│   here: press t to set"
	fi
	t_quits "lab --fault $fault" q "$code"
done <<'EOT'
not-found 7 http.not_found http
expired 5 chain.expired tls.chain
wrong-model-image 9 upgrade.wrong_model upgrade.decision
EOT

# n and N go through the steps that are not ok: with no client
# certificate asked for, each hop's tls.client_auth is a warning and the
# audit fails.
tui_start 100 30
tui_run "${LAB_ARGS[@]}" --timeout 10 --fault no-client-auth
t_screen "lab --fault no-client-auth: it opens on the failure" '│ audit: '
t_screen "... the status line says the run is over" '^the run is over: fail '
tui_keys N
t_screen "N: the previous step that is not ok" '│ tls.client_auth: '
tui_keys n
t_screen "n: the next one, the failure again" '│ audit: '
t_quits "lab --fault no-client-auth" q 10

# m: another model, with its own default MAC (the demo mints its device
# certificate), as batch --model gives it.
tui_start 110 30
tui_run "${LAB_ARGS[@]}" --timeout 10
t_screen "lab: the SPA942 first" '^✔ OK exit 0  Linksys SPA942 │ MAC 000e08aabbcc'
tui_keys m
t_screen "lab: m opens the model picker" 'Phone model'
tui_keys j j j j j j j Enter
t_screen "lab: m to the SPA504G: its own MAC, and the run goes through" \
	'^✔ OK exit 0  Cisco SPA504G │ MAC 0002fdaabbcc'
t_quits "lab, m to another model" q 0

# Ctrl-C after the run has ended leaves the answer too.
tui_start 100 30
tui_run "${LAB_ARGS[@]}" --timeout 10 --fault expired
t_screen "lab, Ctrl-C after the run: the failure on screen" '^✘ FAIL exit 5 '
tui_keys C-c
tui_wait '^\[exit [0-9]+\]' 15
t_eq "lab, Ctrl-C after the run: the verdict and the finding stay on the normal screen" "yes yes" \
	"$("$TMUX_BIN" -S "$TUI_SOCK" capture-pane -p -J -t main | grep -q '^Verdict: fail' && echo yes) $("$TMUX_BIN" -S "$TUI_SOCK" capture-pane -p -J -t main | grep -q '^  error   chain.expired' && echo yes)"

# During the run the views show what is known: while the server sits on
# the ClientHello, the handshake view has the phone's offer already.
tui_start 100 30
tui_run "${LAB_ARGS[@]}" --timeout 60 --fault slow-handshake
t_screen "slow handshake: the handshake step runs, live" '^running hop 1 tls\.handshake '
t_screen "... its view shows the offer before the ServerHello" \
	'│ Offered by the phone \(4\) and chosen by the server'
t_quits "lab --fault slow-handshake, q while it waits" q 130
t_done
