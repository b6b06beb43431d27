#!/bin/bash
# The explanation of a failed handshake follows the modern-client probe's
# evidence, against real lighttpd servers (OpenSSL 3) on free loopback
# ports: a lighttpd that cannot build its own chain answers every client
# with internal_error (80), so the phone's TLS 1.0 is not to blame; the same
# lighttpd without the phone's cipher refuses the phone alone.
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v "$LIGHTTPD" >/dev/null || t_bail "lighttpd not found (.ci/run installs it)"
mk_pki || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
URL_PATH=/spa000e08aabbcc.xml
# TLS 1.0 and the phone's suite allowed, as a phone's server must.
PHONE_TLS='ssl.openssl.ssl-conf-cmd = ("MinProtocol" => "TLSv1", "CipherString" => "AES256-SHA:@SECLEVEL=0")'

# 0. The working server: ssl.ca-file holds the issuer of the certificate.
start_lighttpd good "ssl.pemfile = \"$P/server.pem\"
ssl.privkey = \"$P/server.key\"
ssl.ca-file = \"$P/server-ca.pem\"
$PHONE_TLS" || t_bail "lighttpd did not start"
J=$T_DIR/good.json
run_ps "$J" --ca "$P/server-ca.pem" "https://localhost:$LIGHTTPD_PORT$URL_PATH"
t_eq "lighttpd with TLS 1.0 and its chain: exit 0, TLS1.0" "0 TLS1.0" \
	"$PS_RC $(json_get "$J" 'd["hops"][0]["tls"]["version"]')"

# 1. The same server with ssl.ca-file naming another CA (the vendor client
# CA, as for client certificates): lighttpd cannot build its chain and
# answers every ClientHello with internal_error (80).
start_lighttpd nochain "ssl.pemfile = \"$P/server.pem\"
ssl.privkey = \"$P/server.key\"
ssl.ca-file = \"$P/client-ca.pem\"
$PHONE_TLS" || t_bail "lighttpd did not start"
BASE=https://localhost:$LIGHTTPD_PORT
J=$T_DIR/nochain.json
run_ps "$J" --ca "$P/server-ca.pem" "$BASE$URL_PATH"
t_eq "chain lighttpd cannot build: the phone gets internal_error (80)" 80 \
	"$(json_get "$J" 'd["hops"][0]["tls"]["alert_received"]')"
t_eq "chain lighttpd cannot build: a modern client fails too" \
	"False None fatal alert internal_error (80)" \
	"$(json_get "$J" '" ".join(str(d["hops"][0]["tls"]["modern_probe"][k]) for k in ("established", "version", "error"))')"
t_eq "chain lighttpd cannot build: exit 4, tls.server_error, and no other finding" \
	"4 tls.server_error" "$PS_RC $(json_get "$J" '" ".join(f["id"] for f in d["findings"])')"
t_eq "chain lighttpd cannot build: the finding gives the modern client's evidence" true \
	"$(json_get "$J" '"a modern client" in d["findings"][0]["detail"] and "fails too" in d["findings"][0]["detail"]')"
t_eq "chain lighttpd cannot build: no blame on TLS 1.0 or the security level" false \
	"$(json_get "$J" 'any(w in json.dumps(d["findings"]) for w in ("SECLEVEL", "security level", "Enable TLS 1.0"))')"
t_check "chain lighttpd cannot build: lighttpd's log says so (the evidence is real)" \
	grep -q "building cert chain" "$T_DIR/lighttpd-nochain/error.log"
"$PROVSCOPE" --batch --timeout 5 --ca "$P/server-ca.pem" "$BASE$URL_PATH" >"$T_DIR/nochain.txt" 2>&1
t_check "text output: the fix points at the server's error log" \
	grep -q "fix:  Look at the server's error log" "$T_DIR/nochain.txt"

# 1b. Without the probe nothing tells the two readings of alert 80 apart:
# neither is claimed.
J=$T_DIR/noprobe.json
run_ps "$J" --no-probe --ca "$P/server-ca.pem" "$BASE$URL_PATH"
t_eq "--no-probe: no probe in the report" None \
	"$(json_get "$J" 'str(d["hops"][0]["tls"]["modern_probe"])')"
t_eq "--no-probe: exit 4, tls.handshake_failed" "4 tls.handshake_failed" \
	"$PS_RC $(json_get "$J" '" ".join(f["id"] for f in d["findings"])')"
t_eq "--no-probe: the detail names both readings and claims neither" "True False False" \
	"$(json_get "$J" '" ".join(str(w in d["findings"][0]["detail"]) for w in ("no modern client was tried", "would accept", "fails too"))')"

# 2. The same lighttpd with its chain, but without the phone's cipher: a
# modern client gets through, so the phone's offer is what it refuses.
start_lighttpd nocipher "ssl.pemfile = \"$P/server.pem\"
ssl.privkey = \"$P/server.key\"
ssl.ca-file = \"$P/server-ca.pem\"
ssl.openssl.ssl-conf-cmd = (\"MinProtocol\" => \"TLSv1\")" || t_bail "lighttpd did not start"
J=$T_DIR/nocipher.json
run_ps "$J" --ca "$P/server-ca.pem" "https://localhost:$LIGHTTPD_PORT$URL_PATH"
t_eq "no phone cipher: exit 4, tls.no_shared_cipher" "4 tls.no_shared_cipher" \
	"$PS_RC $(json_get "$J" '" ".join(f["id"] for f in d["findings"])')"
t_eq "no phone cipher: the finding says what a modern client gets" true \
	"$(json_get "$J" '"would accept TLS1.3" in d["findings"][0]["detail"]')"

t_done
