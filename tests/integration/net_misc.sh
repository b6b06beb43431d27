#!/bin/bash
# Fetches over TFTP (tests/helpers/tftp_server.py on loopback), and a
# TLS server that stops answering after the handshake (no hang: a timeout
# finding within --timeout).
. "$TOP_SRCDIR/tests/integration/lib.sh"

# --- TFTP -------------------------------------------------------------------
mkdir -p "$T_DIR/tftp"
cat >"$T_DIR/tftp/spa000e08aabbcc.xml" <<'EOT'
<flat-profile><Resync_Periodic>7200</Resync_Periodic></flat-profile>
EOT
# An RFC 1350 server that ignores curl's options: its first DATA block is
# the answer to the read request.
start_tftp "$T_DIR/tftp" --no-options || t_bail "the TFTP server did not start"
J=$T_DIR/tftp.json
run_ps "$J" "tftp://127.0.0.1:$TFTP_PORT/spa\$MA.xml"
t_eq "TFTP: the profile is fetched and parsed" "0 7200" \
	"$PS_RC $(json_get "$J" '[p["value"] for p in d["profile"]["parameters"] if p["name"]=="Resync_Periodic"][0]')"
t_eq "TFTP without options: the first data block is the server's answer" true \
	"$(json_get "$J" '(lambda t: 0 < t["connect_ms"] <= t["first_byte_ms"] <= min(t["connect_ms"] + 1000, t["total_ms"]))(d["hops"][0]["http"]["timing"])')"
J=$T_DIR/tftp404.json
run_ps "$J" "tftp://127.0.0.1:$TFTP_PORT/nothere.xml"
t_eq "TFTP: a missing file gives http.not_found, exit 7" "7 http.not_found" \
	"$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"

# --- a TLS server that goes silent after the handshake ----------------------
mk_pki || t_bail "certtool could not make the test PKI"
for try in 1 2 3 4 5; do
	SS_PORT=$("$FREEPORT")
	sleep 60 | openssl s_server -quiet -accept "127.0.0.1:$SS_PORT" \
		-cert "$T_DIR/pki/server.pem" -key "$T_DIR/pki/server.key" \
		-tls1 -cipher 'AES256-SHA:@SECLEVEL=0' >/dev/null 2>&1 &
	pid=$!
	if wait_port "$SS_PORT"; then T_PIDS="$T_PIDS $pid"; break; fi
	kill "$pid" 2>/dev/null
done
J=$T_DIR/silent.json
start=$(date +%s)
"$PROVSCOPE" --batch --format json --timeout 2 --ca "$T_DIR/pki/server-ca.pem" \
	"https://localhost:$SS_PORT/spa000e08aabbcc.xml" >"$J" 2>/dev/null
rc=$?
took=$(($(date +%s) - start))
t_eq "silent after the handshake: exit 3, net.timeout" "3 net.timeout" \
	"$rc $(json_get "$J" '[f["id"] for f in d["findings"] if f["severity"]=="error"][0]')"
t_eq "silent after the handshake: the handshake itself succeeded" "true" \
	"$(json_get "$J" 'json.dumps(d["hops"][0]["tls"]["established"])')"
if [ "$took" -le 10 ]; then t_ok "silent after the handshake: no hang (${took}s)"; else t_fail "it took ${took}s"; fi

t_done
