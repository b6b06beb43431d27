#!/bin/bash
# provscope's handshake trace against the wire: the phone's traffic with
# servers nobody here wrote (openssl s_server, Python's ssl) is captured
# with tcpdump on loopback and dissected by tshark, and compared record by
# record and message by message with the JSON trace. Cases: a server that
# answers the phone's certificate with a fatal alert while the phone is
# still sending its flight, and a server that sends its leaf without the
# intermediate, which the phone refuses after the ServerHelloDone came in
# the same segment. And the Cisco ClientHello's extensions on the wire,
# and the ServerHello's in tls.extensions. Runs in a network namespace of
# its own (capturing needs it, and root).
. "$TOP_SRCDIR/tests/integration/lib.sh"
in_netns "$0" "$@"
if [ "$NETNS" != yes ]; then
	echo "1..0 # SKIP network namespaces (unshare -n) are not permitted here"
	exit 0
fi
for tool in tcpdump tshark openssl python3; do
	command -v "$tool" >/dev/null || t_bail "$tool not found (.ci/packages-test lists it)"
done
COMPARE=$TOP_SRCDIR/tests/integration/wire_compare.py
mk_pki || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
# A slow device key (CertificateVerify takes milliseconds to sign): the
# server's alert then comes while the phone is still sending its flight.
MK_BITS=4096 mk_cert slow other-ca client 'cn = "SPA942-000E08AABBCC"' ||
	t_bail "certtool could not make the 4096-bit device certificate"
mk_cert inter server-ca ca 'cn = "Test Vendor Intermediate"' &&
	mk_cert leafi inter server 'cn = "localhost"' 'dns_name = "localhost"' 'ip_address = "127.0.0.1"' ||
	t_bail "certtool could not make the intermediate"
TLS10='AES256-SHA:@SECLEVEL=0'

# start_s_server NAME ARGS...: openssl s_server, TLS 1.0, on a free port
# of 127.0.0.1; sets SRV_PORT.
s_server_on_port() {
	exec openssl s_server -accept "127.0.0.1:$SRV_PORT" -tls1 -cipher "$TLS10" -quiet "$@"
}
start_s_server() {
	local name=$1
	shift
	start_on_port "$name" s_server_on_port "$@"
}

# start_py_server NAME: Python's ssl module (OpenSSL) requiring a client
# certificate from client-ca; sets SRV_PORT.
start_py_server() {
	SRV_PORT=$("$FREEPORT")
	python3 -W ignore - "$SRV_PORT" "$P/server.pem" "$P/server.key" "$P/client-ca.pem" \
		>"$T_DIR/$1.srv.log" 2>&1 <<'PY' &
import socket, ssl, sys
port, cert, key, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1
ctx.set_ciphers("AES256-SHA:@SECLEVEL=0")
ctx.load_cert_chain(cert, key)
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.load_verify_locations(ca)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(8)
while True:
    c, _ = s.accept()
    try:
        ctx.wrap_socket(c, server_side=True).close()
    except (OSError, ssl.SSLError) as e:
        print("server:", e, file=sys.stderr, flush=True)
        c.close()
PY
	local pid=$!
	wait_port "$SRV_PORT" && kill -0 "$pid" 2>/dev/null || return 1
	T_PIDS="$T_PIDS $pid"
}

# capture NAME ARGS...: provscope --handshake-only against the server on
# SRV_PORT, its traffic captured; leaves $T_DIR/NAME.json (provscope) and
# $T_DIR/NAME.wire.json (tshark).
capture() {
	local name=$1 try
	shift
	# A loaded machine may lose a capture (tcpdump stopped before it wrote
	# the last packets): the run is made again, at most three times, until
	# the capture holds the connection's TLS records.
	for try in 1 2 3; do
		capture_once "$name" "$@"
		python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])) else 1)' \
			"$T_DIR/$name.wire.json" 2>/dev/null && return 0
		echo "# capture $name: no TLS record captured, again ($try)"
	done
}

capture_once() {
	local name=$1 i
	shift
	tcpdump -i lo -Z root --immediate-mode -U -w "$T_DIR/$name.pcap" \
		"tcp port $SRV_PORT" >"$T_DIR/$name.tcpdump.log" 2>&1 &
	local cap=$!
	for i in $(seq 1 100); do
		grep -qs "listening on" "$T_DIR/$name.tcpdump.log" && break
		sleep 0.05
	done
	grep -qs "listening on" "$T_DIR/$name.tcpdump.log" ||
		t_bail "tcpdump cannot capture on lo: $(cat "$T_DIR/$name.tcpdump.log")"
	run_ps "$T_DIR/$name.json" --handshake-only --no-probe "$@" "https://localhost:$SRV_PORT/"
	sleep 0.5
	kill -INT "$cap"
	wait "$cap" 2>/dev/null
	# decoded as TLS whatever the port (no heuristics)
	tshark -r "$T_DIR/$name.pcap" -d "tcp.port==$SRV_PORT,tls" -Y tls -T json -J "tcp tls" \
		--no-duplicate-keys >"$T_DIR/$name.wire.json" 2>/dev/null
}

# same_as_wire DESC NAME: the trace equals the wire, message by message.
same_as_wire() {
	local out
	if out=$(python3 "$COMPARE" "$T_DIR/$2.wire.json" "$T_DIR/$2.json" "$SRV_PORT"); then
		t_ok "$1"
		printf '%s\n' "$out" | sed 's/^/# /'
	else
		t_fail "$1" "$out"
	fi
}

# 1. s_server requires a client certificate (-Verify 1): a certificate
# from another CA gets unknown_ca, none gets handshake_failure, sent as
# soon as it read the phone's Certificate.
start_s_server verify -cert "$P/server.pem" -key "$P/server.key" -Verify 1 \
	-verify_return_error -CAfile "$P/client-ca.pem" || t_bail "openssl s_server did not start"
mid=0
for run in 1 2 3; do
	capture "rogue$run" --ca "$P/server-ca.pem" --cert "$P/slow.pem" --key "$P/slow.key"
	t_eq "s_server, a device certificate from another CA, run $run: exit 6, client_auth.rejected" \
		"6 client_auth.rejected" \
		"$PS_RC $(json_get "$T_DIR/rogue$run.json" 'd["findings"][0]["id"]')"
	same_as_wire "s_server, run $run: the trace is the wire, message by message" "rogue$run"
	case $(python3 "$COMPARE" "$T_DIR/rogue$run.wire.json" "$T_DIR/rogue$run.json" "$SRV_PORT") in
	*"in Alert(48), out"*) mid=$((mid + 1)) ;;
	esac
done
echo "# the alert came while the phone was still sending in $mid of 3 runs"
capture none --ca "$P/server-ca.pem"
t_eq "s_server, no device certificate: exit 6, client_auth.required" "6 client_auth.required" \
	"$PS_RC $(json_get "$T_DIR/none.json" 'd["findings"][0]["id"]')"
same_as_wire "s_server, no device certificate: the trace is the wire, message by message" none

# 2. Python's ssl module, the same refusal from another server.
start_py_server py || t_bail "the Python TLS server did not start"
capture py --ca "$P/server-ca.pem" --cert "$P/slow.pem" --key "$P/slow.key"
t_eq "Python ssl, a device certificate from another CA: alert unknown_ca" "6 48" \
	"$PS_RC $(json_get "$T_DIR/py.json" 'd["hops"][0]["tls"]["alert_received"]')"
same_as_wire "Python ssl: the trace is the wire, message by message" py

# 3. s_server sends its leaf without the intermediate: ServerHello,
# Certificate and ServerHelloDone in one segment; the phone refuses the
# chain with bad_certificate. GnuTLS stops at the Certificate, but the
# ServerHelloDone crossed the socket before the phone's alert.
start_s_server leaf -cert "$P/leafi.pem" -key "$P/leafi.key" || t_bail "openssl s_server did not start"
capture leaf --ca "$P/server-ca.pem"
t_eq "leaf without its intermediate: the phone sends bad_certificate (42)" 42 \
	"$(json_get "$T_DIR/leaf.json" 'd["hops"][0]["tls"]["alert_sent"]')"
t_eq "leaf without its intermediate: the ServerHelloDone is in the trace, before the phone's alert" \
	"in ServerHelloDone|out Alert" \
	"$(json_get "$T_DIR/leaf.json" '"|".join(m["dir"]+" "+m["type"] for m in d["hops"][0]["tls"]["handshake"][-2:])')"
same_as_wire "leaf without its intermediate: the trace is the wire, message by message" leaf

# 4. The Cisco ClientHello carries no extension its firmware could not
# send (GnuTLS 3.7 cannot leave out record_size_limit without leaving out
# all, see the catalogue), as the catalogue says; the ServerHello's
# extensions are in tls.extensions.
start_s_server plain -cert "$P/server.pem" -key "$P/server.key" || t_bail "openssl s_server did not start"
for model in spa303 spa504g spa525g; do
	capture "$model" --model "$model" --ca "$P/server-ca.pem"
	t_eq "$model: handshake completes" 0 "$PS_RC"
	t_eq "$model: the ClientHello on the wire carries no extension" "ClientHello: ''" \
		"ClientHello: '$(tshark -r "$T_DIR/$model.pcap" -Y 'tls.handshake.type == 1' \
			-T fields -e tls.handshake.extension.type 2>/dev/null)'"
	t_eq "$model: the trace says so, and the ServerHello answered with none" \
		"TLS1.0, 6 cipher suites, no extensions|[]" \
		"$(json_get "$T_DIR/$model.json" 'd["hops"][0]["tls"]["handshake"][0]["info"]+"|"+json.dumps(d["hops"][0]["tls"]["extensions"])')"
done
capture usual --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.0' --ca "$P/server-ca.pem"
WIRE_EXT=$(tshark -r "$T_DIR/usual.pcap" -Y 'tls.handshake.type == 2' -T fields \
	-e tls.handshake.extension.type 2>/dev/null)
t_check "GnuTLS's usual offer: the server answered with extensions" test -n "$WIRE_EXT"
t_eq "tls.extensions lists the ServerHello's extensions as on the wire" "$WIRE_EXT" \
	"$(json_get "$T_DIR/usual.json" '",".join(str(int(e["id"],16)) for e in d["hops"][0]["tls"]["extensions"])')"
t_eq "the ServerHello line names them" \
	"$(json_get "$T_DIR/usual.json" '", ".join(e["name"] for e in d["hops"][0]["tls"]["extensions"])')" \
	"$(json_get "$T_DIR/usual.json" '[m["info"] for m in d["hops"][0]["tls"]["handshake"] if m["type"]=="ServerHello"][0].split(": ",1)[1]')"
# 5. Apache asks for the client certificate inside a <Location>, by
# renegotiating after the request: the whole exchange captured and read by
# tshark with the run's keys (GnuTLS writes them to SSLKEYLOGFILE), the
# renegotiation's encrypted messages compared by type. Refused (OpenSSL 3
# refuses legacy renegotiation), then allowed (SSLInsecureRenegotiation on).
if [ -x "$APACHE" ] && [ -f "$APACHE_MODULES/mod_ssl.so" ]; then
	PER_LOCATION="SSLCACertificateFile $P/client-ca.pem
	<Location /prov>
		SSLVerifyClient require
	</Location>"
	for setup in refused allowed; do
		extra=""
		[ "$setup" = allowed ] && extra="SSLInsecureRenegotiation on"
		start_apache "$setup" "$extra
	$PER_LOCATION" || t_bail "apache did not start ($setup)"
		SRV_PORT=$APACHE_PORT
		rm -f "$T_DIR/$setup.keys"
		tcpdump -i lo -Z root --immediate-mode -U -w "$T_DIR/$setup.pcap" \
			"tcp port $SRV_PORT" >"$T_DIR/$setup.tcpdump.log" 2>&1 &
		cap=$!
		for i in $(seq 1 100); do
			grep -qs "listening on" "$T_DIR/$setup.tcpdump.log" && break
			sleep 0.05
		done
		SSLKEYLOGFILE=$T_DIR/$setup.keys run_ps "$T_DIR/$setup.json" --ca "$P/server-ca.pem" \
			--cert "$P/device.pem" --key "$P/device.key" --no-probe \
			"https://localhost:$SRV_PORT/prov/spa000e08aabbcc.xml"
		sleep 0.5
		kill -INT "$cap"
		wait "$cap" 2>/dev/null
		tshark -r "$T_DIR/$setup.pcap" -o "tls.keylog_file:$T_DIR/$setup.keys" \
			-d "tcp.port==$SRV_PORT,tls" -Y tls -T json -J "tcp tls" --no-duplicate-keys \
			>"$T_DIR/$setup.wire.json" 2>/dev/null
		want=6
		[ "$setup" = allowed ] && want=0
		t_eq "Apache, renegotiation $setup: exit $want" "$want" "$PS_RC"
		if out=$(python3 "$COMPARE" --decrypted "$T_DIR/$setup.wire.json" "$T_DIR/$setup.json" \
			"$SRV_PORT"); then
			t_ok "Apache, renegotiation $setup: the trace is the decrypted wire, message by message"
			printf '%s\n' "$out" | sed 's/^/# /'
		else
			t_fail "Apache, renegotiation $setup: the trace is the decrypted wire" "$out"
		fi
	done
else
	t_skip "Apache renegotiation on the wire" "apache2 with mod_ssl is not installed"
fi
t_check "JSON matches the schema" python3 "$TOP_SRCDIR/tests/integration/schema_check.py" \
	"$TOP_SRCDIR/doc/provscope.schema.json" "$T_DIR/usual.json" "$T_DIR/leaf.json"
t_done
