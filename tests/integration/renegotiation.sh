#!/bin/bash
# Client certificates by renegotiation (issue 21): Apache asking for the
# client certificate inside a <Location> finishes the first handshake
# without a CertificateRequest, reads the request, then sends a
# HelloRequest and renegotiates to ask for it. The phones' offer has no
# RFC 5746 extension, so they renegotiate the legacy way, which OpenSSL 3
# refuses unless Apache says SSLInsecureRenegotiation on. provscope shows
# the HelloRequest and the second handshake in the trace, in wire order,
# and reports client_auth.renegotiation with the fix in Apache's words.
. "$TOP_SRCDIR/tests/integration/lib.sh"

[ -x "$APACHE" ] || t_bail "apache2 not found (.ci/run installs it)"
command -v curl >/dev/null || t_bail "curl not found (.ci/packages-test lists it)"
[ -f "$APACHE_MODULES/mod_ssl.so" ] || t_bail "mod_ssl not found in $APACHE_MODULES"
P=$T_DIR/pki
mk_pki || t_bail "certtool could not make the test PKI"
SCHEMA=$TOP_SRCDIR/doc/provscope.schema.json
SCHEMA_CHECK=$TOP_SRCDIR/tests/integration/schema_check.py
PER_LOCATION="SSLCACertificateFile $P/client-ca.pem
	<Location /prov>
		SSLVerifyClient require
		SSLVerifyDepth 2
	</Location>"

# run NAME URL [ARGS...]: provscope with the device certificate; JSON in
# $T_DIR/NAME.json, the exit status in RC.
run() {
	local name=$1 url=$2
	shift 2
	RC=0
	"$PROVSCOPE" --batch --format json --ca "$P/server-ca.pem" --cert "$P/device.pem" \
		--key "$P/device.key" "$@" "$url" >"$T_DIR/$name.json" 2>"$T_DIR/$name.err" || RC=$?
}
# the hop's client_auth.renegotiation as "kind completed" (or null)
reneg() { json_get "$1" 'd["hops"][0]["client_auth"]["renegotiation"] and "%s %s" % (d["hops"][0]["client_auth"]["renegotiation"]["kind"], d["hops"][0]["client_auth"]["renegotiation"]["completed"])'; }
has_finding() { json_get "$1" '"yes" if any(f["id"] == "'"$2"'" for f in d["findings"]) else "no"'; }
# the trace's messages of the renegotiation, "dir:type" joined by spaces
reneg_trace() { json_get "$1" '" ".join("%s:%s" % (m["dir"], m["type"]) for m in d["hops"][0]["tls"]["handshake"] if m["renegotiation"] == 1)'; }

# --- Apache's default (no legacy renegotiation) ----------------------------
start_apache perloc "$PER_LOCATION" || t_bail "apache did not start"
URL=https://localhost:$APACHE_PORT/prov/spa000e08aabbcc.xml
LOG=$T_DIR/apache-perloc/error.log
t_eq "curl (secure renegotiation) gets the profile from the per-Location setup" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' --cacert "$P/server-ca.pem" --cert "$P/device.pem" \
		--key "$P/device.key" --tls-max 1.2 "$URL")"
for model in spa942 spa504g; do
	run "perloc-$model" "$URL" --model "$model"
	J=$T_DIR/perloc-$model.json
	t_eq "$model, per-Location client certificate: exit 6 (client_auth)" 6 "$RC"
	t_eq "$model: client_auth.renegotiation" yes "$(has_finding "$J" client_auth.renegotiation)"
	t_eq "$model: a legacy renegotiation, not completed" "legacy False" "$(reneg "$J")"
done
"$PROVSCOPE" scan --batch --format json --ca "$P/server-ca.pem" --cert "$P/device.pem" \
	--key "$P/device.key" --models spa942,spa504g "$URL" >"$T_DIR/perloc-scan.json" 2>/dev/null
t_eq "scan: exit 6, the server asks by a legacy renegotiation, refused" "6 True legacy False" \
	"$? $(json_get "$T_DIR/perloc-scan.json" '"%s %s %s" % (d["scan"]["renegotiation"]["requested"], d["scan"]["renegotiation"]["kind"], d["scan"]["renegotiation"]["completed"])')"
J=$T_DIR/perloc-spa942.json
t_eq "the verdict leads with client_auth.renegotiation" client_auth.renegotiation \
	"$(json_get "$J" '[f["id"] for f in d["findings"] if f["severity"] == "error"][0]')"
t_eq "the trace: HelloRequest, the phone's ClientHello, the server's fatal alert" \
	"in:HelloRequest out:ClientHello in:Alert" "$(reneg_trace "$J")"
t_eq "the alert is handshake_failure (40), decrypted" 40 \
	"$(json_get "$J" '[m for m in d["hops"][0]["tls"]["handshake"] if m["renegotiation"] == 1][-1]["alert"]')"
t_eq "the fix is in Apache's words" yes \
	"$(json_get "$J" '"yes" if any(f["id"] == "client_auth.renegotiation" and "SSLVerifyClient require at the <VirtualHost> level" in f["fix_by_server"]["apache"] for f in d["findings"]) else "no"')"
t_eq "Apache's log: it refused the legacy renegotiation" yes \
	"$(grep -q 'unsafe legacy renegotiation disabled' "$LOG" && echo yes || echo no)"
t_eq "client_auth.not_requested is not claimed" no "$(has_finding "$J" client_auth.not_requested)"
if python3 -c 'import jsonschema' 2>/dev/null; then
	t_check "the report matches the JSON Schema" python3 "$SCHEMA_CHECK" "$SCHEMA" "$J"
else
	t_skip "the report matches the JSON Schema" "python3-jsonschema is not installed"
fi
COLUMNS=1000 "$PROVSCOPE" --batch -v --ca "$P/server-ca.pem" --cert "$P/device.pem" --key "$P/device.key" \
	"$URL" >"$T_DIR/perloc.txt" 2>&1
t_eq "the text trace shows the renegotiation as a block of its own" yes \
	"$(grep -q '^        renegotiation 1 (asked by the server):' "$T_DIR/perloc.txt" &&
		grep -q '^          .* <-  HelloRequest' "$T_DIR/perloc.txt" && echo yes || echo no)"

# A phone whose offer has RFC 5746 renegotiates securely, which Apache takes.
run secure "$URL" --priority "NONE:+VERS-TLS1.0:+RSA:+AES-256-CBC:+SHA1:+COMP-NULL:+SIGN-ALL:%SAFE_RENEGOTIATION"
t_eq "an offer with renegotiation_info: exit 0" 0 "$RC"
t_eq "... a secure renegotiation, completed" "secure True" "$(reneg "$T_DIR/secure.json")"

# --- Apache that allows legacy renegotiation -------------------------------
start_apache insecure "SSLInsecureRenegotiation on
	$PER_LOCATION" || t_bail "apache did not start (insecure)"
URL=https://localhost:$APACHE_PORT/prov/spa000e08aabbcc.xml
run insecure "$URL"
J=$T_DIR/insecure.json
t_eq "SSLInsecureRenegotiation on: exit 0" 0 "$RC"
t_eq "... a legacy renegotiation, completed" "legacy True" "$(reneg "$J")"
t_eq "... the device certificate was sent in it" "true" \
	"$(json_get "$J" 'd["hops"][0]["client_auth"]["sent"]')"
t_eq "... the profile came" 200 "$(json_get "$J" 'd["hops"][0]["http"]["status"]')"
t_eq "the whole second handshake is in the trace, in wire order" \
	"in:HelloRequest out:ClientHello in:ServerHello in:Certificate in:CertificateRequest in:ServerHelloDone out:Certificate out:ClientKeyExchange out:CertificateVerify out:ChangeCipherSpec out:Finished in:ChangeCipherSpec in:Finished" \
	"$(reneg_trace "$J")"

# --- the fix: the client certificate asked for in the handshake ------------
start_apache vhost "SSLCACertificateFile $P/client-ca.pem
	SSLVerifyClient require
	SSLVerifyDepth 2" || t_bail "apache did not start (vhost)"
run vhost "https://localhost:$APACHE_PORT/prov/spa000e08aabbcc.xml"
t_eq "SSLVerifyClient at the VirtualHost level: exit 0" 0 "$RC"
t_eq "... no renegotiation" null "$(reneg "$T_DIR/vhost.json")"
t_eq "... the certificate asked for in the handshake" true \
	"$(json_get "$T_DIR/vhost.json" 'd["hops"][0]["client_auth"]["requested"]')"

# --- fixes in the server's words: Apache said who it is ------------------------
start_apache open "" || t_bail "apache did not start (open)"
run open "https://localhost:$APACHE_PORT/prov/spa000e08aabbcc.xml"
t_eq "no client certificate asked for: Apache's fix first" "apache nginx lighttpd haproxy" \
	"$(json_get "$T_DIR/open.json" '" ".join(next(f for f in d["findings"] if f["id"] == "client_auth.not_requested")["fix_by_server"])')"
"$PROVSCOPE" --batch --ca "$P/server-ca.pem" --cert "$P/device.pem" --key "$P/device.key" \
	"https://localhost:$APACHE_PORT/prov/spa000e08aabbcc.xml" >"$T_DIR/open.txt" 2>&1
t_eq "the text gives Apache's words alone, as the server that answered" "1 0" \
	"$(grep -c '^                Apache (the server that answered): SSLVerifyClient require' "$T_DIR/open.txt") $(grep -c '^                nginx' "$T_DIR/open.txt")"

t_done
