#!/bin/bash
# tftp:// against real TFTP servers on loopback: the server's own error text
# and code (not a stale libcurl message), the findings they give, no
# server at all, and timings measured on the transfer (the server's first
# answer, the first data block, the end). A Python server
# (tests/helpers/tftp_server.py) answers with chosen errors and delays;
# tftpd-hpa, which needs root (chroot, setuid), is used when it can run.
. "$TOP_SRCDIR/tests/integration/lib.sh"

ROOT=$T_DIR/tftp
mkdir -p "$ROOT"
chmod 755 "$ROOT"
echo "<flat-profile><Upgrade_Enable>Yes</Upgrade_Enable></flat-profile>" >"$ROOT/spa000e08aabbcc.xml"
# Two data blocks: the transfer takes two of the server's delays.
head -c 600 /dev/zero | tr '\0' ' ' >>"$ROOT/spa000e08aabbcc.xml"
chmod 644 "$ROOT"/*

# no_getpeername FILE: libcurl's message about its own UDP socket is not shown.
no_getpeername() { ! grep -q getpeername "$1"; }

start_tftp "$ROOT" --delay 100 --deny spa000e08ddeeff.xml || t_bail "the TFTP server did not start"
URL=tftp://127.0.0.1:$TFTP_PORT

# 1. A file: the times are the transfer's, not 0.
J=$T_DIR/ok.json
run_ps "$J" "$URL/spa000e08aabbcc.xml"
t_eq "TFTP file: exit 0, no error" "0 None" "$PS_RC $(json_get "$J" 'str(d["hops"][0]["http"]["error"])')"
t_eq "TFTP file: the whole file" 666 "$(json_get "$J" 'd["hops"][0]["http"]["body_size"]')"
t_eq "TFTP file: connect_ms is the server's first answer (after its 100 ms)" true \
	"$(json_get "$J" '90 <= d["hops"][0]["http"]["timing"]["connect_ms"] < 5000')"
t_eq "TFTP file: first_byte_ms is the first data block, after the answer" true \
	"$(json_get "$J" '(lambda t: t["first_byte_ms"] >= t["connect_ms"] + 90)(d["hops"][0]["http"]["timing"])')"
t_eq "TFTP file: total_ms covers the second block too" true \
	"$(json_get "$J" '(lambda t: t["total_ms"] >= t["first_byte_ms"] + 90)(d["hops"][0]["http"]["timing"])')"
t_eq "TFTP file: the connect step says UDP and when the server answered" true \
	"$(json_get "$J" '[s for s in d["hops"][0]["steps"] if s["id"]=="connect"][0]["summary"].endswith(" ms") and "over UDP" in json.dumps(d)')"

# error_case DESC FILE FINDING DETAIL: a TFTP error from the server gives
# exit 7, FINDING with DETAIL (its code and text) as the http record's
# error too, no libcurl message, and the time of the server's answer.
error_case() {
	local J=$T_DIR/$2.json
	run_ps "$J" "$URL/$2"
	t_eq "$1: exit 7, $3" "7 $3" "$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
	t_eq "$1: the server's code and text" "$4" "$(json_get "$J" 'd["findings"][0]["detail"]')"
	t_eq "$1: the http record's error is the same" "$4" \
		"$(json_get "$J" 'd["hops"][0]["http"]["error"]')"
	t_check "$1: no libcurl getpeername() message" no_getpeername "$J"
	t_eq "$1: the answer's time" true \
		"$(json_get "$J" '(lambda t: 90 <= t["connect_ms"] <= t["total_ms"])(d["hops"][0]["http"]["timing"])')"
}
# 2. A file the server does not have: TFTP error 1.
error_case "TFTP file not found" spa000e08112233.xml http.not_found \
	'the TFTP server answered with error 1 (file not found): "File not found"'
# 3. Access violation: TFTP error 2, a forbidden file.
error_case "TFTP access violation" spa000e08ddeeff.xml http.forbidden \
	'the TFTP server answered with error 2 (access violation): "Access violation: spa000e08ddeeff.xml is not for this device"'

# 4. No server on the port: no answer, a timeout, said as such.
NOPORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
J=$T_DIR/none.json
"$PROVSCOPE" --batch --format json --timeout 1 "tftp://127.0.0.1:$NOPORT/spa000e08aabbcc.xml" >"$J" 2>/dev/null
RC=$?
t_eq "no TFTP server: exit 3, net.timeout" "3 net.timeout" "$RC $(json_get "$J" 'd["findings"][0]["id"]')"
t_eq "no TFTP server: the detail says the read request got no answer" true \
	"$(json_get "$J" 'd["findings"][0]["detail"].startswith("the TFTP server did not answer the read request")')"
t_eq "no TFTP server: the connect step fails, with no connection claimed" "fail False" \
	"$(json_get "$J" '(lambda s: s["status"]+" "+str("connected to" in s["summary"]))([s for s in d["hops"][0]["steps"] if s["id"]=="connect"][0])')"
t_check "no TFTP server: no libcurl getpeername() message" no_getpeername "$J"

# 5. tftpd-hpa, where it can run (root: it chroots and drops to nobody).
if ! start_tftpd_hpa "$ROOT" 127.0.0.1; then
	t_skip "tftpd-hpa: file and timings" "needs root and tftpd-hpa"
	t_skip "tftpd-hpa: file not found" "needs root and tftpd-hpa"
else
	J=$T_DIR/hpa-ok.json
	run_ps "$J" "tftp://127.0.0.1:$HPA_PORT/spa000e08aabbcc.xml"
	t_eq "tftpd-hpa: file and timings" "0 666 True" \
		"$PS_RC $(json_get "$J" 'd["hops"][0]["http"]["body_size"]') $(json_get "$J" '(lambda t: str(0 < t["connect_ms"] <= t["first_byte_ms"] <= t["total_ms"]))(d["hops"][0]["http"]["timing"])')"
	J=$T_DIR/hpa-nf.json
	run_ps "$J" "tftp://127.0.0.1:$HPA_PORT/spa000e08112233.xml"
	t_eq "tftpd-hpa: file not found" \
		'7 http.not_found the TFTP server answered with error 1 (file not found): "File not found"' \
		"$PS_RC $(json_get "$J" 'd["findings"][0]["id"]+" "+d["findings"][0]["detail"]')"
fi

t_done
