#!/bin/bash
# Command line: usage errors exit 2 with a clear message; the catalogue;
# network failures against loopback servers that refuse, stay silent, or
# speak something other than TLS.
. "$TOP_SRCDIR/tests/integration/lib.sh"

# t_usage DESC EXPECTED-MESSAGE-PART ARGS...: exit 2 and the message on stderr.
t_usage() {
	local desc=$1 msg=$2 rc
	shift 2
	"$PROVSCOPE" "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	rc=$?
	if [ "$rc" = 2 ] && grep -q -- "$msg" "$T_DIR/err" && [ ! -s "$T_DIR/out" ]; then
		t_ok "$desc"
	else
		t_fail "$desc" "exit $rc (want 2)" "stderr: $(cat "$T_DIR/err")"
	fi
}

t_usage "no URL" "no URL given"
t_usage "unknown option" "unknown" --frobnicate https://x/
t_usage "unknown model" "not in the catalogue" --model spa999 https://x/
t_usage "bad MAC" "12 hex digits" --mac 00:11:22 https://x/
t_usage "bad timeout" "--timeout" --timeout -1 https://x/
t_usage "bad --resolve" "HOST:PORT:ADDRESS" --resolve nonsense https://x/
t_usage "--resolve to a name" "numeric address" --resolve x:443:example.net https://x/
t_usage "bad format" "--format" --format yaml https://x/
t_usage "bad priority string" "priority string" --priority 'NONE:+BOGUS' https://x/
t_usage "unreadable --cert" "device certificate" --cert /nonexistent.pem https://x/
t_usage "unreadable --ca" "--ca" --ca /nonexistent.pem https://x/
t_usage "malformed URL" "not a usable URL" 'https://[::1'
t_usage "two URLs" "one URL at a time" https://a/ https://b/
t_usage "--ca /dev/zero: read up to a cap, not to the end of memory" "--ca /dev/zero: larger than" --ca /dev/zero https://x/
t_usage "--cert /dev/zero" "device certificate /dev/zero: larger than" --cert /dev/zero https://x/
t_usage "--key /dev/zero" "device key /dev/zero: larger than" --cert "$TOP_SRCDIR/README.md" --key /dev/zero https://x/
t_usage "cert /dev/zero" "/dev/zero: larger than" cert /dev/zero
t_usage "an empty target (not an ok run with no step)" "names no URL" ''
t_usage "a blank target" "names no URL" ' '
t_usage "a target that is only a comment" "names no URL" '#'
t_usage "a profile over --max-size" "larger than" profile --max-size 1k "$TOP_SRCDIR/tests/data/profiles/fusionpbx__cisco-spa122__mac.xml"

"$PROVSCOPE" --help >"$T_DIR/help" 2>&1
t_eq "--help exits 0" 0 $?
t_check "--help lists --model" grep -q -- "--model" "$T_DIR/help"
t_eq "--version" "provscope" "$("$PROVSCOPE" --version | head -1 | cut -d' ' -f1)"

"$PROVSCOPE" --list-models >"$T_DIR/models"
t_eq "--list-models exits 0" 0 $?
t_eq "--list-models lists the phones and the ATAs" \
	"spa921 spa922 spa941 spa942 spa962 spa901 spa301 spa303 spa501g spa502g spa504g spa508g spa509g spa512g spa514g spa525g pap2t spa2102 spa3102 spa8000 spa112 spa122 spa232d" \
	"$(awk '/^[a-z]/ { printf "%s%s", sep, $1; sep=" " }' "$T_DIR/models")"
t_check "--list-models shows the SPA504G's offer by OpenSSL name, marked assumed" \
	grep -qF 'TLS 1.0?: DHE-RSA-AES256-SHA DHE-RSA-AES128-SHA AES256-SHA AES128-SHA' "$T_DIR/models"
t_check "--list-models: the SPA122 as an ATA, its assumed firmware marked, and its CAs by firmware" \
	bash -c "grep -Eq '^spa122 +ATA +Cisco +SPA122 +122 +1\\.4\\.1\\(SR5\\)\\? +no\\?\$' '$T_DIR/models' &&
		grep -qF 'server CA: Cisco Small Business CA; from 1.3.3 also Cisco 2k Small' '$T_DIR/models'"
t_check "--list-models: the SPA2102's documented User-Agent is not marked assumed, the SPA3102's is" \
	bash -c "'$PROVSCOPE' --list-models -v | grep -A6 '^spa2102' | grep -qF 'User-Agent: Linksys/SPA-2102-5.2.12 (88012BA01234)' &&
		'$PROVSCOPE' --list-models -v | grep -A6 '^spa3102' | grep -qF 'User-Agent: Linksys/SPA-3102-5.1.10(GW) (88012BA01234) (assumed)'"
t_check "--list-models -v: the sources and what is uncertain of each model" \
	bash -c "[ \$('$PROVSCOPE' --list-models -v | grep -c '^         sources: ') = 23 ] &&
		[ \$('$PROVSCOPE' --list-models -v | grep -c '^         uncertain: ') = 23 ]"
t_eq "--list-models fits 80 columns" "" "$(awk 'length > 80' "$T_DIR/models")"
"$PROVSCOPE" --list-models -v >"$T_DIR/models-v"
t_check "--list-models -v shows the SPA942 User-Agent" \
	grep -qF 'Linksys/SPA-942-6.1.5(a) (88019FA42805)' "$T_DIR/models-v"
t_check "--list-models -v shows the SPA504G User-Agent with MAC and serial" \
	grep -qF 'Cisco/SPA504G-7.5.5 (0002FDAABBCC)(CBT141400UK)' "$T_DIR/models-v"

# Identity options reach the report.
PORT=$("$FREEPORT")
J=$T_DIR/id.json
run_ps "$J" --model spa504g --mac 00-02-FD-FF-21-03 --serial CBT141400UK --firmware 7.5.2b \
	"https://127.0.0.1:$PORT/"
t_eq "identity: User-Agent from model, MAC, serial and firmware" \
	"Cisco/SPA504G-7.5.2b (0002FDFF2103)(CBT141400UK)" "$(json_get "$J" 'd["phone"]["user_agent"]')"

# Nothing listens: net.refused, exit 3.
t_eq "connection refused: exit 3" 3 "$PS_RC"
t_eq "connection refused: finding net.refused" net.refused "$(json_get "$J" 'd["findings"][0]["id"]')"

# --resolve pins the address; the report says so.
J=$T_DIR/pin.json
run_ps "$J" --resolve "prov.example.net:$PORT:127.0.0.1" "https://prov.example.net:$PORT/"
t_eq "--resolve: the pinned address is used" '["127.0.0.1"]' "$(json_get "$J" 'd["hops"][0]["addresses"]')"

# Loopback servers written in Python: one that never answers, one that
# answers in plain HTTP.
SRV=$T_DIR/srv.py
cat >"$SRV" <<'PY'
import socket, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(8)
while True:
    c, _ = s.accept()
    if mode == "http":
        c.recv(4096); c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"); c.close()
    elif mode == "close":
        c.recv(4096); c.close()
    elif mode == "reset":
        import struct
        c.recv(4096); c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()
    else:
        time.sleep(30)
PY
start_py() {
	local try
	for try in 1 2 3 4 5; do
		PY_PORT=$("$FREEPORT")
		python3 "$SRV" "$1" "$PY_PORT" 2>/dev/null &
		local pid=$!
		if wait_port "$PY_PORT"; then T_PIDS="$T_PIDS $pid"; return 0; fi
		kill "$pid" 2>/dev/null
	done
	return 1
}
start_py silent || t_bail "python3 server did not start"
J=$T_DIR/silent.json
"$PROVSCOPE" --batch --format json --timeout 1 "https://127.0.0.1:$PY_PORT/" >"$J" 2>/dev/null
t_eq "silent server: exit 3, net.timeout" "3 net.timeout" "$? $(json_get "$J" 'd["findings"][0]["id"]')"
start_py http || t_bail "python3 server did not start"
J=$T_DIR/http.json
run_ps "$J" "https://127.0.0.1:$PY_PORT/"
t_eq "plain HTTP on the port: exit 4, tls.not_tls" "4 tls.not_tls" "$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
t_check "plain HTTP on the port: the answer is quoted" \
	grep -q 'HTTP/1.1 400 Bad Request' "$J"

# These two treat every client alike: the modern-client probe fails too,
# so the server is at fault; without the probe, only what was seen is told.
start_py close || t_bail "python3 server did not start"
J=$T_DIR/close.json
run_ps "$J" --no-probe "https://127.0.0.1:$PY_PORT/"
t_eq "server closes after the ClientHello: exit 4, tls.closed" "4 tls.closed" "$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
run_ps "$J" "https://127.0.0.1:$PY_PORT/"
t_eq "server closes every client: exit 4, tls.server_error" "4 tls.server_error" "$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
start_py reset || t_bail "python3 server did not start"
J=$T_DIR/reset.json
run_ps "$J" --no-probe "https://127.0.0.1:$PY_PORT/"
t_eq "server resets after the ClientHello: exit 3, net.reset" "3 net.reset" "$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
run_ps "$J" "https://127.0.0.1:$PY_PORT/"
t_eq "server resets every client: exit 4, tls.server_error" "4 tls.server_error" "$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"

# --output writes the file; an unwritable one is a local error (exit 2).
"$PROVSCOPE" --batch --format json --output "$T_DIR/o.json" "https://127.0.0.1:$PORT/" 2>/dev/null
t_eq "--output: the exit code is the run's" 3 $?
t_eq "--output: the file holds the report" provscope/1 "$(json_get "$T_DIR/o.json" 'd["schema"]')"
"$PROVSCOPE" --batch --output /nonexistent/dir/o.json "https://127.0.0.1:$PORT/" 2>"$T_DIR/err"
t_eq "--output to an unwritable place: exit 2" 2 $?
"$PROVSCOPE" --batch "https://127.0.0.1:$PORT/" >/dev/full 2>/dev/null
t_eq "a full standard output is an error: exit 2" 2 $?

t_done
