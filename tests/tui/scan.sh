#!/bin/bash
# provscope scan on a terminal: the matrix as the list (a row per model),
# the verdict in the header, a model's pass and findings, the server's
# versions and suites, the audit; a scan where every model fails opens on
# the first one, n goes to the next; quitting leaves the verdict. Against
# the built-in lab (scan --demo): no server to set up.
. "$TOP_SRCDIR/tests/tui/lib.sh"
tui_need

tui_start 120 40
tui_run scan --demo --timeout 10
t_screen "scan: the header says a scan and the verdict" \
	'^✔ OK exit 0  scan of 23 models │ 23 passes │ clock now'
t_screen "scan: the verdict line" '^verdict 23 of 23 phones can provision'
t_screen "scan: the list is the models" '^ models +│'
for m in SPA921 SPA942 SPA962; do
	t_screen "scan: $m's row, its suite and exit status" "^✔ $m +AES256-SHA +0 │"
done
for m in SPA303 SPA504G SPA525G; do
	t_screen "scan: $m's row, its suite and exit status" "^✔ $m +DHE-RSA-AES256-SHA +0 │"
done
t_no_screen "scan: no model picker key in the footer" 'm model'
t_screen "scan: it opens on the first model, its pass in the detail" '│ ✔ SPA921: exit 0'
t_screen "scan: its TLS" '│   TLS +TLS1\.0 TLS_RSA_WITH_AES_256_CBC_SHA'
tui_keys m
t_screen "scan: m says a scan plays every model" 'a scan plays every model: --models chooses them'
tui_keys End
t_screen "scan: the findings entry last" '│ Findings'
tui_keys Up Up
t_screen "scan: the server entry" '│ The server: versions, suites, client certificates, chain'
t_screen "scan: its protocol versions" '│   ✓ TLS1\.2'
tui_keys Tab
tui_keys /
tui_wait '^search: '
tui_type "DHE group"
tui_wait '^search: DHE group'
tui_keys Enter
t_screen "scan: the DHE group in the server's detail" '│   DHE group +2048 bits'
tui_keys Tab Down
t_screen "scan: the audit entry" "│ Who else gets a per-device file\\?"
t_screen "scan: the audit's refusal" '│   ✔ without a client certificate: refused'
t_quits "scan" q 0

# Every model fails: it opens on the first, n and N go through the others.
tui_start 120 40
tui_run scan --demo --fault modern-only --timeout 10
t_screen "scan, modern-only: FAIL in the header" '^✘ FAIL exit 4  scan of 23 models'
t_screen "scan, modern-only: the rows say what stopped them" \
	'^✘ SPA942 +tls\.protocol_version +4 │'
t_screen "scan, modern-only: opens on the first model, its finding" \
	'│ ✘ SPA921: exit 4, tls\.protocol_version'
t_screen "scan, modern-only: the status line says how to go on" \
	'the scan is over: fail \(exit 4\); n and N go through the models that do not get through'
tui_keys n
t_screen "scan, modern-only: n goes to the next model" '│ ✘ SPA922: exit 4'
tui_keys N
t_screen "scan, modern-only: N back" '│ ✘ SPA921: exit 4'
t_quits "scan, modern-only" q 4
t_done
