#!/bin/bash
# provscope scan against real nginx servers (OpenSSL) on free loopback
# ports, each set up as a provider might: the phones' legacy configuration
# (every model through), DHE only (the Cisco models through, the Linksys
# ones not), TLS 1.2 only, AES128-SHA only, no client certificate asked
# (the audit's finding), client certificates of another CA asked (every
# model refused), and a modern-only server. The server's suites and
# versions are checked against what openssl s_client gets from the same
# server, each suite alone.
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v "$NGINX" >/dev/null || t_bail "nginx not found (.ci/run installs it)"
mk_pki || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
# A standard group (RFC 7919 ffdhe2048) for nginx's DHE suites: no prime
# search at test time.
"$CERTTOOL" --get-dh-params --bits 2048 >"$P/dh.pem" 2>/dev/null || t_bail "certtool --get-dh-params"
ID=(--ca "$P/server-ca.pem" --cert "$P/device.pem" --key "$P/device.key")
LEGACY_CIPHERS="DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA:@SECLEVEL=0"
REQUIRE="ssl_verify_client on; ssl_client_certificate $P/client-ca.pem;"

# scan OUT ARGS...: provscope scan --batch --format json; sets SC_RC.
scan() {
	local out=$1
	shift
	"$PROVSCOPE" scan --batch --format json --timeout 5 "$@" >"$out" 2>"$out.err"
	SC_RC=$?
}

# models J EXPR: the models (space-separated) whose row satisfies EXPR (m).
models() {
	json_get "$1" '" ".join(m["model"] for m in d["scan"]["models"] if ('"$2"'))'
}


# The models from the catalogue itself: ALL in its order; LINKSYS, those
# whose offer is RSA only (the SPA9xx phones); CISCO, those that offer
# DHE-RSA first (the Cisco phones and the ATAs); NPASS, the passes a scan
# of one URL without $PSN makes: one per offer and firmware.
"$PROVSCOPE" --list-models >"$T_DIR/models.txt"
ALL=$(awk '/^[a-z]/ && $1 != "MODEL" { printf "%s%s", sep, $1; sep = " " }' "$T_DIR/models.txt")
LINKSYS=$(awk '/^[a-z]/ { id = $1 } /TLS 1.0/ && !/DHE/ { printf "%s%s", sep, id; sep = " " }' "$T_DIR/models.txt")
CISCO=$(awk '/^[a-z]/ { id = $1 } /TLS 1.0/ && /DHE/ { printf "%s%s", sep, id; sep = " " }' "$T_DIR/models.txt")
NPASS=$(awk '/^[a-z]/ && $1 != "MODEL" { fw = $6 } /TLS 1.0/ { print fw, /DHE/ }' "$T_DIR/models.txt" | sort -u | wc -l)
NMODELS=$(wc -w <<<"$ALL")
# the models that share spa921's pass (its offer and firmware: the SPA9x2)
SHARE921=$(awk '/^[a-z]/ && $1 != "MODEL" { id = $1; fw = $6 } /TLS 1.0/ { k = fw " " ($0 ~ /DHE/); if (first == "") first = k; if (k == first) { printf "%s%s", sep, id; sep = " " } }' "$T_DIR/models.txt")
# the file each model asks for as spa$PSN.xml
PSNFILES=$(awk '/^[a-z]/ && $1 != "MODEL" { p = $5; sub(/\?$/, "", p); printf "%sspa%s.xml", sep, p; sep = " " }' "$T_DIR/models.txt")
upper_list() { local out= m; for m in $1; do out="$out${out:+, }${m^^}"; done; echo "$out"; }
[ "$NMODELS" -ge 20 ] && [ -n "$LINKSYS" ] && [ -n "$CISCO" ] || t_bail "cannot read the catalogue from --list-models"

# 1. The phones' legacy configuration: every model provisions.
start_nginx legacy "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers '$LEGACY_CIPHERS';
	ssl_dhparam $P/dh.pem; $REQUIRE" || t_bail "nginx did not start"
for m in $ALL; do
	psn=${m#spa}
	psn=${psn^^}
	echo "<flat-profile><Resync_Periodic>3600</Resync_Periodic></flat-profile>" \
		>"$T_DIR/nginx-legacy/www/spa$psn.xml"
done
LEGACY=$NGINX_PORT
J=$T_DIR/legacy.json
scan "$J" "${ID[@]}" --mac 000e08aabbcc "https://localhost:$NGINX_PORT/spa\$MA.xml"
t_eq "legacy: exit 0" 0 "$SC_RC"
t_eq "legacy: mode scan" scan "$(json_get "$J" 'd["mode"]')"
t_eq "legacy: every model of the catalogue, in order" "$ALL" "$(models "$J" True)"
t_eq "legacy: every model gets through" "$ALL" "$(models "$J" 'm["exit_code"] == 0')"
t_eq "legacy: one pass per offer and firmware: $NPASS passes" "$NPASS" \
	"$(json_get "$J" 'len(d["scan"]["passes"])')"
t_eq "legacy: the SPA9x2 models share spa921's pass" "$SHARE921" \
	"$(models "$J" 'm["pass_of"] == "spa921"')"
t_eq "legacy: the Linksys models get AES256-SHA" "$LINKSYS" \
	"$(models "$J" 'm["tls"]["cipher_suite"] == "TLS_RSA_WITH_AES_256_CBC_SHA"')"
t_eq "legacy: the Cisco models get DHE-RSA-AES256-SHA" "$CISCO" \
	"$(models "$J" 'm["tls"]["cipher_suite"] == "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"')"
t_eq "legacy: every model accepts the chain, sends its certificate, gets 200" "$ALL" \
	"$(models "$J" 'm["chain"]["phone_verdict"] == "accept" and m["client_certificate"] == "sent" and m["http"]["status"] == 200')"
t_eq "legacy: protocols TLS1.0 and TLS1.2 accepted, 1.1 and 1.3 not" \
	"TLS1.0:True TLS1.1:False TLS1.2:True TLS1.3:False" \
	"$(json_get "$J" '" ".join(p["version"]+":"+str(p["accepted"]) for p in d["scan"]["protocols"])')"
t_eq "legacy: the AES and DHE suites accepted alone, RC4 not" \
	"AES256-SHA AES128-SHA DHE-RSA-AES256-SHA DHE-RSA-AES128-SHA" \
	"$(json_get "$J" '" ".join(s["openssl_name"] for s in d["scan"]["cipher_suites"] if s["accepted"])')"
t_eq "legacy: the suites of the offers, each once" 6 "$(json_get "$J" 'len(d["scan"]["cipher_suites"])')"
t_eq "legacy: the DHE group is 2048 bits" 2048 "$(json_get "$J" 'd["scan"]["dhe_bits"]')"
t_eq "legacy: a client certificate is asked for, naming the vendor client CA" \
	'true ["CN=Test Vendor Client CA,O=provscope test"]' \
	"$(json_get "$J" 'd["scan"]["client_auth"]["requested"]') $(json_get "$J" 'd["scan"]["client_auth"]["ca_names"]')"
t_eq "legacy: the chain as sent is the server's certificate" "CN=localhost" \
	"$(json_get "$J" 'd["scan"]["chain"]["certificates"][0]["subject"]')"
t_eq "legacy: the audit ran and nothing leaked" "true 0" \
	"$(json_get "$J" 'd["scan"]["audit"]["done"]') $(json_get "$J" 'd["scan"]["audit"]["report"]["exit_code"]')"
schema_ok legacy "$J"
# Each suite alone against openssl s_client: the same verdicts.
for s in $(json_get "$J" '" ".join(s["openssl_name"]+"="+str(s["accepted"]) for s in d["scan"]["cipher_suites"])'); do
	name=${s%=*}
	if echo | timeout 5 openssl s_client -connect "127.0.0.1:$LEGACY" -tls1 \
		-cipher "$name:@SECLEVEL=0" -cert "$P/device.pem" -key "$P/device.key" \
		</dev/null 2>/dev/null | grep -q "Cipher is $name"; then
		want=True
	else
		want=False
	fi
	t_eq "legacy: $name alone at TLS 1.0 agrees with openssl s_client" "$name=$want" "$s"
done
# The server's preference: nginx follows the client's order by default
# (ssl_prefer_server_ciphers off).
t_eq "legacy: the client's order is followed" false \
	"$(json_get "$J" 'd["scan"]["preferred"]["server_order"]')"

# The same server, a URL per model ($PSN): a pass per model.
J2=$T_DIR/legacy-psn.json
scan "$J2" "${ID[@]}" --mac 000e08aabbcc --jobs 3 "https://localhost:$NGINX_PORT/spa\$PSN.xml"
t_eq "legacy, a file per model: exit 0" 0 "$SC_RC"
t_eq "legacy, a file per model: a pass each" "$NMODELS" "$(json_get "$J2" 'len(d["scan"]["passes"])')"
t_eq "legacy, a file per model: each fetched its own file" "$PSNFILES" \
	"$(json_get "$J2" '" ".join(m["url"].rsplit("/",1)[1] for m in d["scan"]["models"])')"
t_eq "legacy, a file per model: the URL holds no MAC, no audit" false \
	"$(json_get "$J2" 'd["scan"]["audit"]["done"]')"

# --models, the text matrix, TAP and JUnit.
T=$T_DIR/legacy.txt
COLUMNS=100 "$PROVSCOPE" scan --batch "${ID[@]}" --mac 000e08aabbcc --models SPA942,spa-504g \
	"https://localhost:$LEGACY/spa\$MA.xml" >"$T" 2>&1
t_eq "--models: exit 0" 0 "$?"
t_check "--models: the matrix has SPA942 and SPA504G only" \
	bash -c "grep -Eq '^SPA942 +6\.1\.5\(a\) +TLS1\.0 AES256-SHA +accept +sent +200 +0' '$T' &&
		grep -Eq '^SPA504G +7\.5\.5 +TLS1\.0 DHE-RSA-AES256-SHA +accept +sent +200 +0' '$T' &&
		[ \$(grep -c '^SPA' '$T') = 2 ]"
t_check "text: the verdict line" grep -q '^Verdict: ok: 2 of 2 phones can provision (exit 0)' "$T"
TAP=$T_DIR/legacy.tap
"$PROVSCOPE" scan --batch --format tap "${ID[@]}" --mac 000e08aabbcc "https://localhost:$LEGACY/spa\$MA.xml" >"$TAP"
t_eq "tap: a test per model and the audit" "1..$((NMODELS + 1)) $NMODELS 1" \
	"$(sed -n 2p "$TAP") $(grep '^ok [0-9]* - [a-z0-9]*:' "$TAP" | grep -vc ' - audit') $(grep -c '^ok [0-9]* - audit' "$TAP")"
t_check "tap: a valid TAP stream" python3 "$TOP_SRCDIR/tests/integration/tap_check.py" "$TAP"
JU=$T_DIR/legacy.xml
"$PROVSCOPE" scan --batch --format junit "${ID[@]}" --mac 000e08aabbcc "https://localhost:$LEGACY/spa\$MA.xml" >"$JU"
t_eq "junit: a testcase per model and the audit, none failed" "$((NMODELS + 1)) 0" \
	"$(python3 -c 'import sys,xml.dom.minidom as m; d=m.parse(sys.argv[1]); print(len(d.getElementsByTagName("testcase")), len(d.getElementsByTagName("failure")))' "$JU")"
if command -v xmllint >/dev/null; then
	t_check "junit: valid against the JUnit schema" xmllint --noout --schema \
		"$TOP_SRCDIR/tests/data/junit/junit.xsd" "$JU"
else
	t_skip "junit: valid against the JUnit schema" "xmllint is not installed"
fi
H=$T_DIR/legacy.html
"$PROVSCOPE" scan --batch --format html "${ID[@]}" --mac 000e08aabbcc "https://localhost:$LEGACY/spa\$MA.xml" >"$H"
t_check "html: the page has the matrix, a row per model" python3 -c '
import html.parser, sys
class P(html.parser.HTMLParser):
    rows = 0; inmodels = False
    def handle_starttag(self, tag, attrs):
        if tag == "section": self.inmodels = dict(attrs).get("id") == "models"
        if self.inmodels and tag == "tr": self.rows += 1
p = P(); p.feed(open(sys.argv[1]).read())
sys.exit(0 if p.rows == int(sys.argv[2]) + 1 else "%d rows" % p.rows)' "$H" "$NMODELS"
# --expect on scan keys.
"$PROVSCOPE" scan --batch -q "${ID[@]}" --mac 000e08aabbcc "https://localhost:$LEGACY/spa\$MA.xml" \
	--expect scan.models_ok="$NMODELS" --expect scan.spa303.tls.cipher_suite=TLS_DHE_RSA_WITH_AES_256_CBC_SHA \
	--expect scan.protocol.TLS1.3=false --expect scan.suite.RC4-SHA=no --expect scan.dhe_bits=2048 \
	--expect scan.client_auth.requested=true --expect scan.audit=ok >/dev/null 2>&1
t_eq "--expect scan.*: all met, exit 0" 0 "$?"
"$PROVSCOPE" scan --batch -q "${ID[@]}" --mac 000e08aabbcc "https://localhost:$LEGACY/spa\$MA.xml" \
	--expect scan.spa942.http.status=404 >/dev/null 2>&1
t_eq "--expect scan.spa942.http.status=404 not met: exit 10" 10 "$?"

# 2. DHE only: the Cisco models through, the Linksys ones not.
start_nginx dhe "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:@SECLEVEL=0';
	ssl_dhparam $P/dh.pem; $REQUIRE" || t_bail "nginx did not start"
J=$T_DIR/dhe.json
scan "$J" "${ID[@]}" --mac 000e08aabbcc "https://localhost:$NGINX_PORT/spa000e08aabbcc.xml"
t_eq "DHE only: exit 4 (the worst: TLS)" 4 "$SC_RC"
t_eq "DHE only: the Cisco models get through" "$CISCO" "$(models "$J" 'm["exit_code"] == 0')"
t_eq "DHE only: the Linksys models stop at tls.no_shared_cipher" "$LINKSYS" \
	"$(models "$J" 'm["exit_code"] == 4 and [f["id"] for f in m["findings"] if f["severity"] == "error"][:1] == ["tls.no_shared_cipher"]')"
t_eq "DHE only: the summary names them and the suite to enable" \
	"$(wc -w <<<"$CISCO") of $NMODELS phones can provision; $(upper_list "$LINKSYS") cannot: tls.no_shared_cipher: enable AES256-SHA" \
	"$(json_get "$J" 'd["summary"]')"
t_eq "DHE only: the finding lists the models it concerns" "$LINKSYS" \
	"$(json_get "$J" '" ".join([f for f in d["findings"] if f["id"] == "tls.no_shared_cipher"][0]["models"])')"
t_eq "DHE only: only the DHE suites accepted" "DHE-RSA-AES256-SHA DHE-RSA-AES128-SHA" \
	"$(json_get "$J" '" ".join(s["openssl_name"] for s in d["scan"]["cipher_suites"] if s["accepted"])')"
schema_ok "DHE only" "$J"

# 3. TLS 1.2 only: no phone speaks it.
start_nginx tls12 "ssl_protocols TLSv1.2; ssl_ciphers 'AES256-SHA:AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256';
	$REQUIRE" || t_bail "nginx did not start"
J=$T_DIR/tls12.json
scan "$J" "${ID[@]}" --mac 000e08aabbcc "https://localhost:$NGINX_PORT/spa000e08aabbcc.xml"
t_eq "TLS 1.2 only: exit 4" 4 "$SC_RC"
t_eq "TLS 1.2 only: no model gets through, each on tls.protocol_version" "$ALL" \
	"$(models "$J" 'm["exit_code"] == 4 and "tls.protocol_version" in [f["id"] for f in m["findings"]]')"
t_eq "TLS 1.2 only: only TLS1.2 accepted" "TLS1.2" \
	"$(json_get "$J" '" ".join(p["version"] for p in d["scan"]["protocols"] if p["accepted"])')"
t_eq "TLS 1.2 only: no suite accepted at TLS 1.0" "" \
	"$(json_get "$J" '" ".join(s["name"] for s in d["scan"]["cipher_suites"] if s["accepted"])')"

# 4. AES128-SHA only: every phone offers it.
start_nginx aes128 "ssl_protocols TLSv1; ssl_ciphers 'AES128-SHA:@SECLEVEL=0'; $REQUIRE" ||
	t_bail "nginx did not start"
J=$T_DIR/aes128.json
scan "$J" "${ID[@]}" --mac 000e08aabbcc "https://localhost:$NGINX_PORT/spa000e08aabbcc.xml"
t_eq "AES128 only: exit 0" 0 "$SC_RC"
t_eq "AES128 only: every model on AES128-SHA" "$ALL" \
	"$(models "$J" 'm["tls"]["cipher_suite"] == "TLS_RSA_WITH_AES_128_CBC_SHA"')"
t_eq "AES128 only: the only suite accepted, and preferred" "TLS_RSA_WITH_AES_128_CBC_SHA TLS_RSA_WITH_AES_128_CBC_SHA" \
	"$(json_get "$J" '" ".join(s["name"] for s in d["scan"]["cipher_suites"] if s["accepted"])') $(json_get "$J" 'd["scan"]["preferred"]["cipher_suite"]')"
t_eq "AES128 only: one suite, no order to tell" null "$(json_get "$J" 'd["scan"]["preferred"]["server_order"]')"

# 5. No client certificate asked: the audit finds the file served to anyone.
start_nginx open "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers '$LEGACY_CIPHERS'; ssl_dhparam $P/dh.pem;" ||
	t_bail "nginx did not start"
J=$T_DIR/open.json
scan "$J" "${ID[@]}" --mac 000e08aabbcc "https://localhost:$NGINX_PORT/spa\$MA.xml"
t_eq "no client certificate asked: exit 10 (the audit)" 10 "$SC_RC"
t_eq "no client certificate asked: every model itself gets through" "$ALL" "$(models "$J" 'm["exit_code"] == 0')"
t_eq "no client certificate asked: requested false" false \
	"$(json_get "$J" 'd["scan"]["client_auth"]["requested"]')"
t_eq "no client certificate asked: finding audit.served_without_cert, for the audit" '[]' \
	"$(json_get "$J" '[f["models"] for f in d["findings"] if f["id"] == "audit.served_without_cert"][0]')"
t_eq "no client certificate asked: the models say not asked" "$ALL" \
	"$(models "$J" 'm["client_certificate"] == "not asked"')"

# 6. Client certificates of another CA asked: every model refused.
start_nginx otherca "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers '$LEGACY_CIPHERS'; ssl_dhparam $P/dh.pem;
	ssl_verify_client on; ssl_client_certificate $P/other-ca.pem;" || t_bail "nginx did not start"
J=$T_DIR/otherca.json
scan "$J" "${ID[@]}" --mac 000e08aabbcc "https://localhost:$NGINX_PORT/spa\$MA.xml"
t_eq "another CA asked: exit 6" 6 "$SC_RC"
t_eq "another CA asked: every model exit 6" "$ALL" "$(models "$J" 'm["exit_code"] == 6')"
t_eq "another CA asked: the CA names are the other CA's" '["CN=Some Other CA,O=provscope test"]' \
	"$(json_get "$J" 'd["scan"]["client_auth"]["ca_names"]')"

# 7. Modern only: TLS 1.2 and 1.3 with ECDHE suites.
start_nginx modern "ssl_protocols TLSv1.2 TLSv1.3;" || t_bail "nginx did not start"
J=$T_DIR/modern.json
scan "$J" "${ID[@]}" --mac 000e08aabbcc "https://localhost:$NGINX_PORT/spa\$MA.xml"
t_eq "modern only: exit 4" 4 "$SC_RC"
t_eq "modern only: no model gets through" "" "$(models "$J" 'm["exit_code"] == 0')"
t_eq "modern only: TLS1.2 and TLS1.3 accepted" "TLS1.2 TLS1.3" \
	"$(json_get "$J" '" ".join(p["version"] for p in d["scan"]["protocols"] if p["accepted"])')"
schema_ok "modern only" "$J"
T=$T_DIR/modern.txt
COLUMNS=1000 "$PROVSCOPE" scan --batch "${ID[@]}" --mac 000e08aabbcc "https://localhost:$NGINX_PORT/spa\$MA.xml" >"$T" 2>&1
t_check "modern only, text: the verdict names every model" \
	grep -qF "Verdict: fail: 0 of $NMODELS phones can provision; $(upper_list "$ALL")" "$T"

# The phone rejects the chain (it trusts another CA): the handshake ends
# before the certificate request is read, so the rows do not say "not
# asked"; the server's request comes from the hello probe.
J=$T_DIR/untrusted.json
scan "$J" --ca "$P/other-ca.pem" --cert "$P/device.pem" --key "$P/device.key" --mac 000e08aabbcc \
	"https://localhost:$LEGACY/spa\$MA.xml"
t_eq "untrusted chain: exit 5" 5 "$SC_RC"
t_eq "untrusted chain: every row reject, its client certificate not known" "$ALL" \
	"$(models "$J" 'm["chain"]["phone_verdict"] == "reject" and m["client_certificate"] is None')"
t_eq "untrusted chain: the server's request still seen, naming the vendor client CA" \
	'true ["CN=Test Vendor Client CA,O=provscope test"]' \
	"$(json_get "$J" 'd["scan"]["client_auth"]["requested"]') $(json_get "$J" 'd["scan"]["client_auth"]["ca_names"]')"

# A server that accepts connections and says nothing: its versions and
# suites unknown (null), not refused; every model net.timeout.
# (It binds a port of the kernel's choosing and says which: no race with
# another program for a port picked beforehand.)
python3 -c 'import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f: f.write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    c, _ = s.accept(); held.append(c)' "$T_DIR/silent.port" &
T_PIDS="$T_PIDS $!"
for _ in $(seq 1 100); do [ -s "$T_DIR/silent.port" ] && break; sleep 0.05; done
SILENT_PORT=$(cat "$T_DIR/silent.port" 2>/dev/null)
[ -n "$SILENT_PORT" ] || t_bail "the silent server did not start"
J=$T_DIR/silent.json
scan "$J" "${ID[@]}" --models spa942,spa504g --timeout 1 "https://localhost:$SILENT_PORT/spa\$MA.xml"
t_eq "silent server: exit 3 (timeout)" 3 "$SC_RC"
t_eq "silent server: versions and suites unknown, not refused" "None None" \
	"$(json_get "$J" 'str(set(p["accepted"] for p in d["scan"]["protocols"]).pop()) + " " + str(set(s["accepted"] for s in d["scan"]["cipher_suites"]).pop())')"
schema_ok "silent server" "$J"

# Nothing listens: every model exit 3, the server's versions and suites
# unknown (null), not refused.
CLOSED=$("$FREEPORT")
J=$T_DIR/closed.json
scan "$J" "${ID[@]}" "https://localhost:$CLOSED/spa\$MA.xml"
t_eq "nothing listens: exit 3" 3 "$SC_RC"
t_eq "nothing listens: every model net.refused" "$ALL" \
	"$(models "$J" 'm["exit_code"] == 3 and m["findings"][0]["id"] == "net.refused"')"
t_eq "nothing listens: versions and suites unknown, not refused" "None None" \
	"$(json_get "$J" 'str(set(p["accepted"] for p in d["scan"]["protocols"]).pop()) + " " + str(set(s["accepted"] for s in d["scan"]["cipher_suites"]).pop())')"
schema_ok "nothing listens" "$J"

# Usage errors.
"$PROVSCOPE" scan --batch --models spa999 https://localhost:1/x >/dev/null 2>"$T_DIR/err"
t_eq "--models with an unknown model: exit 2" 2 "$?"
t_check "--models with an unknown model: says which" grep -q "no model 'spa999'" "$T_DIR/err"
"$PROVSCOPE" scan --batch --model spa942 https://localhost:1/x >/dev/null 2>"$T_DIR/err"
t_eq "--model is not for scan: exit 2" 2 "$?"

t_done
