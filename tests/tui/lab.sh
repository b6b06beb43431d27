#!/bin/bash
# The TUI against provscope's own lab server: the same screen checks as
# against nginx. Skipped while the build has no lab server: tui_lab in
# tests/tui/lib.sh is the hook that starts it.
. "$TOP_SRCDIR/tests/tui/lib.sh"
tui_need
if ! tui_lab; then
	echo "1..0 # SKIP no lab server in this build yet (see tui_lab in tests/tui/lib.sh)"
	exit 0
fi

tui_start 80 24
tui_run "${LAB_ARGS[@]}" --timeout 10 "$LAB_URL"
t_screen "lab: the verdict in the header" '^✔ OK exit 0 '
for step in rule.expand resolve connect tls.handshake tls.chain tls.client_auth http \
	profile.decode profile.parse; do
	t_screen "lab: step $step listed" "^[✔▲○] $step +[0-9.]+ m?s │"
done
tui_keys Home j j j j
t_screen "lab: the chain view" '│ tls.chain: Server certificate chain'
tui_keys j j j j
t_screen "lab: the profile view" '│ profile.parse: Parse the profile'
tui_resize 120 40
t_screen "lab: resized to 120x40" '^✔ OK exit 0  [A-Z][a-z]+ SPA942 │'
t_quits "lab" q 0
t_done
