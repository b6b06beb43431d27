#!/bin/bash
# `provscope lab` on a terminal: the live table of the phones it has seen
# (issue 19). Two phones played by provscope from the same address, each
# with its own device certificate, get a row each with their model, the
# offer matched exactly, the MAC, the last request and its status; Enter
# shows a phone's detail; q stops the lab with status 0. Off a terminal,
# and with --log, the lab writes its log lines as before.
. "$TOP_SRCDIR/tests/tui/lib.sh"
tui_need

PKI=$T_DIR/lab-pki
"$PROVSCOPE" lab --pki "$PKI" --mint-device 000e08aabbcc >/dev/null 2>&1 &&
	"$PROVSCOPE" lab --pki "$PKI" --model spa504g --mint-device 0002fdaabbcc >/dev/null 2>&1 ||
	t_bail "the lab could not mint the device certificates"
PIN="prov.lab.test:*:127.0.0.1"

# phone MODEL MAC PATH: provscope as that phone, with its own certificate,
# against the lab on $PORT.
phone() {
	"$PROVSCOPE" --batch --model "$1" --mac "$2" --no-probe --ca "$PKI/vendor-ca.pem" \
		--cert "$PKI/device-$2.pem" --key "$PKI/device-$2.key" --resolve "$PIN" \
		"https://prov.lab.test:$PORT$3" >"$T_DIR/phone-$1.out" 2>&1
}

# lab_port: the HTTPS port the table's header names.
lab_port() {
	PORT=$(printf '%s\n' "$TUI_LAST" | sed -n 's|^https://prov\.lab\.test:\([0-9]*\)/.*|\1|p' | head -1)
	[ -n "$PORT" ]
}

# quits DESC KEYS: after KEYS the lab ends with status 0 and the terminal
# is as before.
quits() {
	[ -n "$2" ] && tui_keys "$2"
	if tui_wait '\[exit [0-9]+\]' 15 && tui_wait '\[exit 0\]' 1 && tui_wait '^\[tty same\]' 5; then
		t_ok "$1: exit 0, the terminal restored"
	else
		t_fail "$1: exit 0, the terminal restored" "screen:" "$TUI_LAST"
	fi
}

tui_start 160 40
tui_run lab --pki "$PKI" --listen 127.0.0.1:0
t_screen "the table's header: what the lab serves" '^provscope lab: serving the built-in profiles, faults: none │ 0 phones, 0 requests'
t_screen "the header names the HTTPS URL" '^https://prov\.lab\.test:[0-9]+/ \(on 127\.0\.0\.1:[0-9]+\)  http://127\.0\.0\.1:[0-9]+/'
lab_port || t_bail "no port in the header"
t_screen "the column headings" '^ADDRESS +MODEL +JA4 +CERT +LAST REQUEST +RESULT'
t_screen "no phone yet" 'no phone yet'

phone spa942 000e08aabbcc '/spa942.cfg'
t_screen "the SPA942: a row with its model matched exactly, its MAC trusted, its last request" \
	'^127\.0\.0\.1 +spa942 ✓ exact +t10i040000_[0-9a-f]{12}_0{12} +000e08aabbcc trusted +HEAD /firmware/.* 200 [0-9]+s ago +ok'
phone spa504g 0002fdaabbcc '/spa504G.cfg'
t_screen "the SPA504G from the same address: a row of its own" \
	'^127\.0\.0\.1 +spa504g ✓ exact +t10i060000_[0-9a-f]{12}_0{12} +0002fdaabbcc trusted +HEAD /firmware/.* 200 [0-9]+s ago +ok'
t_screen "two phones counted" '│ 2 phones, [0-9]+ requests$'
rows=$(printf '%s\n' "$TUI_LAST" | grep -cE '^127\.0\.0\.1 ')
t_eq "two rows" 2 "$rows"
t_screen "the log pane below the table" '^[0-9:]{8} https 127\.0\.0\.1:[0-9]+ \| TLS1\.0 '

# a refused request: no certificate
curl -sk -o /dev/null "https://127.0.0.1:$PORT/spa000e08aabbcc.xml" 2>/dev/null
t_screen "curl without a certificate: a row of its own, no model's offer, 403" \
	'^127\.0\.0\.1 +≠ closest [a-z0-9]+ +t1[23]i[0-9a-z]+_[0-9a-f]{12}_[0-9a-f]{12} +none +GET /spa000e08aabbcc\.xml 403 .* 403$'

# Enter: the selected phone's detail (Down: the SPA504G)
tui_keys Home Down Enter
t_screen "Enter: the detail of the selected phone" '^── detail ─'
t_screen "... its address, MAC and counts" '^127\.0\.0\.1 0002fdaabbcc: [0-9]+ connections?, [0-9]+ requests?'
t_screen "... the offer-match sentence" '^  offer: matches spa504g exactly$'
t_screen "... the certificate's subject, trusted" '^  certificate: CN=0002fdaabbcc,OU=SPA-504G,.*trusted \(the vendor CA\)'
t_screen "... its recent requests" '^    [0-9:]{8} https GET /spa0002fdaabbcc\.xml 200, [0-9]+ bytes'
tui_keys Escape
t_screen "Esc: back to the log" '^── log ─'
tui_resize 60 16
t_screen "resized to 60x16: rows cut, not wrapped" '^127\.0\.0\.1 +spa942 ✓ exact +t10i'
t_no_screen "... no line wraps" '^[^ ]{61}'
tui_resize 160 40
quits "q stops the lab" q
t_screen "the counts after the table" '^provscope lab: 3 phones, [0-9]+ requests$'

# Ctrl-C stops it as before: status 0
tui_start 100 30
tui_run lab --pki "$PKI" --listen 127.0.0.1:0
t_screen "the table again" '^ADDRESS +MODEL'
quits "Ctrl-C stops the lab" C-c
t_screen "... saying so" '^provscope lab: stopping \(signal 2\)'

# --log: the log lines on the terminal, as before the table
tui_start 150 30
tui_run lab --pki "$PKI" --listen 127.0.0.1:0 --log
t_screen "--log: what the lab serves, printed" '^Stop with Ctrl-C\.'
TUI_LAST=$(tui_screen)
PORT=$(printf '%s\n' "$TUI_LAST" | sed -n 's|^  https://prov\.lab\.test:\([0-9]*\)/.*|\1|p' | head -1)
phone spa942 000e08aabbcc '/spa942.cfg'
t_screen "--log: a log line per request" 'lab: https 127\.0\.0\.1:[0-9]+ \| TLS1\.0 '
t_no_screen "--log: no table" '^ADDRESS +MODEL'
quits "--log, Ctrl-C" C-c

# Standard error not a terminal: log lines into the file, no table.
tui_start 150 30
tui_type "clear; stty -g >$T_DIR/tty.before; $(printf '%q' "$PROVSCOPE") lab --pki $(printf '%q' "$PKI") --listen 127.0.0.1:0 2>$(printf '%q' "$T_DIR/lab.err"); echo \"[exit \$?]\"; stty -g | cmp -s - $T_DIR/tty.before && echo '[tty same]' || echo '[tty changed]'"
tui_keys Enter
t_screen "stderr to a file: the plain start" '^Stop with Ctrl-C\.'
TUI_LAST=$(tui_screen)
PORT=$(printf '%s\n' "$TUI_LAST" | sed -n 's|^  https://prov\.lab\.test:\([0-9]*\)/.*|\1|p' | head -1)
phone spa942 000e08aabbcc '/spa942.cfg'
for i in $(seq 1 100); do
	grep -q 'offer: matches spa942 exactly' "$T_DIR/lab.err" 2>/dev/null && break
	sleep 0.05
done
t_check "stderr to a file: the log lines there, as before" \
	grep -qE 'lab: https 127\.0\.0\.1:[0-9]+ \| .*\| JA4 t10i040000_.* \| offer: matches spa942 exactly \| GET /spa942\.cfg \| 200' "$T_DIR/lab.err"
quits "stderr to a file, Ctrl-C" C-c
t_done
