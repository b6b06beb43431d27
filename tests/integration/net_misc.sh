#!/bin/bash
# Fetches over TFTP (a small TFTP server written here, on loopback), and a
# TLS server that stops answering after the handshake (no hang: a timeout
# finding within --timeout).
. "$TOP_SRCDIR/tests/integration/lib.sh"

# --- TFTP -------------------------------------------------------------------
mkdir -p "$T_DIR/tftp"
cat >"$T_DIR/tftp/spa000e08aabbcc.xml" <<'EOT'
<flat-profile><Resync_Periodic>7200</Resync_Periodic></flat-profile>
EOT
cat >"$T_DIR/tftpd.py" <<'PY'
# A minimal read-only TFTP server (RFC 1350, no options) for one directory.
import os, socket, struct, sys
root, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
while True:
    pkt, peer = s.recvfrom(2048)
    if struct.unpack("!H", pkt[:2])[0] != 1:
        continue
    name = pkt[2:].split(b"\0")[0].decode().lstrip("/")
    t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t.bind(("127.0.0.1", 0))
    t.settimeout(2)
    path = os.path.join(root, os.path.basename(name))
    if not os.path.isfile(path):
        t.sendto(struct.pack("!HH", 5, 1) + b"File not found\0", peer)
        t.close()
        continue
    data = open(path, "rb").read()
    block = 1
    while True:
        chunk = data[(block - 1) * 512:block * 512]
        for _ in range(5):
            t.sendto(struct.pack("!HH", 3, block) + chunk, peer)
            try:
                ack, _ = t.recvfrom(16)
                if struct.unpack("!HH", ack[:4]) == (4, block):
                    break
            except socket.timeout:
                pass
        if len(chunk) < 512:
            break
        block += 1
    t.close()
PY
TFTP_PORT=$("$FREEPORT")
python3 "$T_DIR/tftpd.py" "$T_DIR/tftp" "$TFTP_PORT" 2>/dev/null &
T_PIDS="$T_PIDS $!"
sleep 0.3
J=$T_DIR/tftp.json
run_ps "$J" "tftp://127.0.0.1:$TFTP_PORT/spa\$MA.xml"
t_eq "TFTP: the profile is fetched and parsed" "0 7200" \
	"$PS_RC $(json_get "$J" '[p["value"] for p in d["profile"]["parameters"] if p["name"]=="Resync_Periodic"][0]')"
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
