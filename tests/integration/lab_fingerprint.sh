#!/bin/bash
# The lab as a phone analyser (issue 19), checked from outside: its JA3
# and JA4 against the wire, its offer matching with clients that are not
# provscope, and the client certificate in --record.
# 1. Clients of every kind talk to one lab (provscope as two models, curl,
#    openssl s_client, gnutls-cli with offers of its own, ClientHellos made
#    byte by byte with GREASE and odd ALPN values), captured with tcpdump
#    on loopback; connection by connection (the client port), the record's
#    ja3 and ja3_string must be tshark's, its ja4 and ja4_r the JA4 that
#    ja_wire.py computes from tshark's dissection (tshark's own JA4 when it
#    has one). Capturing needs a network namespace of its own and root;
#    without them that part is skipped and the rest still runs.
# 2. gnutls-cli with a phone's offer, one suite more, one less, and
#    GnuTLS's usual TLS 1.2 offer: what the lab's offer line says.
# 3. Client certificates the lab does not trust (another CA, expired) and
#    none: trusted false and why in the record, 403 in the log.
. "$TOP_SRCDIR/tests/integration/lib.sh"
in_netns "$0" "$@"
for tool in curl openssl gnutls-cli "$CERTTOOL" python3; do
	command -v "$tool" >/dev/null || t_bail "$tool not found (.ci/packages-test lists it)"
done
JA_WIRE=$TOP_SRCDIR/tests/integration/ja_wire.py
NO_CAPTURE=
if [ "$NETNS" != yes ]; then
	NO_CAPTURE="network namespaces (unshare -n) are not permitted here"
else
	for tool in tcpdump tshark; do
		command -v "$tool" >/dev/null || NO_CAPTURE="$tool not found"
	done
fi

PKI=$T_DIR/lab-pki
MAC=000e08aabbcc
"$PROVSCOPE" lab --pki "$PKI" --mint-device "$MAC" >/dev/null 2>&1 ||
	t_bail "the lab could not mint a device certificate"
REC=$T_DIR/record.jsonl
start_lab lab --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --record "$REC" ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab.err")"
LOG=$T_DIR/lab.err
CA=$PKI/vendor-ca.pem
CERT=$PKI/device-$MAC.pem
KEY=$PKI/device-$MAC.key

CAP=$T_DIR/lab.pcap
if [ -z "$NO_CAPTURE" ]; then
	tcpdump -i lo -Z root --immediate-mode -U -w "$CAP" "tcp port $LAB_PORT" \
		>"$T_DIR/tcpdump.log" 2>&1 &
	CAP_PID=$!
	T_PIDS="$T_PIDS $CAP_PID"
	for i in $(seq 1 100); do
		grep -qs "listening on" "$T_DIR/tcpdump.log" && break
		sleep 0.05
	done
	grep -qs "listening on" "$T_DIR/tcpdump.log" ||
		NO_CAPTURE="tcpdump cannot capture on lo: $(head -c 200 "$T_DIR/tcpdump.log")"
fi

# ps_as MODEL: provscope as MODEL fetches /x-MODEL.cfg.
ps_as() {
	timeout 30 "$PROVSCOPE" --batch --model "$1" --mac "$MAC" --no-probe --timeout 10 \
		--ca "$CA" --cert "$CERT" --key "$KEY" --resolve "prov.lab.test:*:127.0.0.1" \
		"https://prov.lab.test:$LAB_PORT/x-$1.cfg" >/dev/null 2>&1
}
# curl_get NAME [CURL-ARGS]: curl fetches /NAME with the vendor CA.
curl_get() {
	local name=$1
	shift
	timeout 15 curl -sS -o /dev/null --max-time 10 --cacert "$CA" \
		--resolve "prov.lab.test:$LAB_PORT:127.0.0.1" "$@" \
		"https://prov.lab.test:$LAB_PORT/$name" 2>/dev/null
}
# gnutls_get NAME PRIORITY: gnutls-cli with PRIORITY sends GET /NAME.
gnutls_get() {
	printf 'GET /%s HTTP/1.0\r\nHost: prov.lab.test\r\n\r\n' "$1" |
		timeout 15 gnutls-cli --priority "$2" --x509cafile "$CA" --x509certfile "$CERT" \
			--x509keyfile "$KEY" --sni-hostname prov.lab.test --verify-hostname prov.lab.test \
			-p "$LAB_PORT" 127.0.0.1 >"$T_DIR/gnutls-$1.out" 2>&1
}
# log_of NAME: the lab's log line of the request for /NAME.
log_of() { grep -F "GET /$1 " "$LOG" | head -1; }

PHONE='NONE:+VERS-TLS1.0:+RSA:+AES-256-CBC:+AES-128-CBC:+ARCFOUR-128:+SHA1:+MD5:+COMP-NULL:+SIGN-ALL:%NO_EXTENSIONS'
ps_as spa942
ps_as spa504g
curl_get x-curl.cfg --cert "$CERT" --key "$KEY"
printf 'GET /x-openssl.cfg HTTP/1.0\r\n\r\n' |
	timeout 15 openssl s_client -quiet -tls1_2 -connect "127.0.0.1:$LAB_PORT" \
		-servername prov.lab.test -CAfile "$CA" -cert "$CERT" -key "$KEY" >/dev/null 2>&1
gnutls_get x-gnutls-phone.cfg "$PHONE"
gnutls_get x-gnutls-3des.cfg "${PHONE/+MD5:/+MD5:+3DES-CBC:}"
gnutls_get x-gnutls-nomd5.cfg "${PHONE/+MD5:/}"
gnutls_get x-gnutls-tls12.cfg 'NORMAL:-VERS-TLS1.3'
timeout 15 python3 "$JA_WIRE" hello "$LAB_PORT" grease
timeout 15 python3 "$JA_WIRE" hello "$LAB_PORT" alpn

# Certificates the lab does not trust: one from another CA, one from the
# lab's own vendor CA that has expired; and none.
mkdir -p "$T_DIR/pki"
cp "$PKI/vendor-ca.pem" "$T_DIR/pki/labca.pem"
cp "$PKI/vendor-ca.key" "$T_DIR/pki/labca.key"
mk_ca other "Some Other CA" &&
	mk_cert rogue other client 'cn = "SPA504G-000E08DDEEFF"' 'unit = "SPA-504G"' &&
	mk_cert expired labca client 'cn = "SPA942"' 'unit = "SPA-942"' 'state = "000e08aabbcc"' \
		'activation_date = "2001-01-01 00:00:00 UTC"' 'expiration_date = "2002-01-01 00:00:00 UTC"' ||
	t_bail "certtool could not make the client certificates"
curl_get spa000e08ddeeff.xml --cert "$T_DIR/pki/rogue.pem" --key "$T_DIR/pki/rogue.key"
curl_get spa000e08aabbcc.xml --cert "$T_DIR/pki/expired.pem" --key "$T_DIR/pki/expired.key" \
	-A 'expired'
curl_get spa000e08aabbcc.xml -A 'no certificate'
curl_get spa000e08aabbcc.xml --cert "$CERT" --key "$KEY" -A 'trusted'

if [ -z "$NO_CAPTURE" ]; then
	sleep 0.5
	kill -INT "$CAP_PID"
	wait "$CAP_PID" 2>/dev/null
fi
# The record's lines are written as the connections close.
kill -TERM "$LAB_PID"
wait "$LAB_PID" 2>/dev/null
t_eq "--record: a line per connection, fourteen" 14 "$(wc -l <"$REC")"

# 1. The wire.
if [ -n "$NO_CAPTURE" ]; then
	t_skip "the lab's JA3 and JA4 against tshark's reading of the wire" "$NO_CAPTURE"
else
	tshark -r "$CAP" -d "tcp.port==$LAB_PORT,tls" -Y 'tls.handshake.type == 1' \
		-T json -x -J "tcp tls" --no-duplicate-keys >"$T_DIR/wire.json" 2>"$T_DIR/tshark.err"
	t_eq "the wire: fourteen ClientHellos, one a connection" 14 \
		"$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T_DIR/wire.json" 2>&1)"
	if out=$(python3 "$JA_WIRE" compare "$T_DIR/wire.json" "$REC" 2>&1) && [ "${out##*$'\n'}" = ok ]; then
		t_ok "every connection: the lab's ja3 and ja3_string are tshark's, its ja4 and ja4_r computed from tshark's fields"
		printf '%s\n' "$out" | sed 's/^/# /'
	else
		t_fail "every connection: the lab's ja3, ja3_string, ja4 and ja4_r agree with the wire" "$out"
	fi
	if tshark -G fields 2>/dev/null | grep -q $'\ttls.handshake.ja4\t'; then
		echo "# this tshark has tls.handshake.ja4: compared too"
	else
		echo "# this tshark has no tls.handshake.ja4 ($(tshark -v 2>/dev/null | head -1)): JA4 computed from its fields"
	fi
fi

# rec_get MATCH EXPR: EXPR over the record whose requests or User-Agent
# contain MATCH (r is the record).
rec_get() {
	python3 -c 'import json,sys
for line in open(sys.argv[1]):
	r=json.loads(line)
	if any(sys.argv[2] in q for q in r["requests"]) or sys.argv[2]==r["user_agent"]:
		v=eval(sys.argv[3]); print(v if isinstance(v,str) else json.dumps(v)); break
else:
	print("no record for", sys.argv[2])' "$REC" "$1" "$2"
}
# The hand-made ClientHellos: no request, found by their offer.
hello_get() {
	python3 -c 'import json,sys
for line in open(sys.argv[1]):
	r=json.loads(line)
	if r["client_hello"] and sys.argv[2] in r["client_hello"]["extensions"]:
		v=eval(sys.argv[3]); print(v if isinstance(v,str) else json.dumps(v)); break
else:
	print("no record with extension", sys.argv[2])' "$REC" "$1" "$2"
}
t_eq "GREASE: left out of JA4 (TLS 1.2 from supported_versions, SNI, 7 suites, 8 extensions, ALPN h1)" \
	"t12d0708h1" "$(hello_get 0x2a2a 'r["fingerprint"]["ja4"].split("_")[0]')"
t_eq "GREASE: left out of the JA3 string" \
	"771,4865-49199-49200-156-47-53-255,0-23-10-11-35-16-13-43,29-23-24,0" \
	"$(hello_get 0x2a2a 'r["fingerprint"]["ja3_string"]')"
t_eq "an ALPN value whose ends are not alphanumeric: JA4 takes the hex digits at its ends" \
	"t12i0304ad" "$(hello_get 0x1234 'r["fingerprint"]["ja4"].split("_")[0]')"

# 2. gnutls-cli's offers. The lead's wording of the differences may
# change: only the stable parts are asserted.
ja4_of() { log_of "$1" | sed -n 's/.*| JA4 \([^ ]*\) |.*/\1/p'; }
t_check "gnutls-cli with the Linksys phones' priority: the SPA942's JA4, TLS 1.0 without extensions" \
	grep -qE '^t10i040000_[0-9a-f]{12}_000000000000 = t10i040000_' \
	<<<"$(ja4_of x-gnutls-phone.cfg) = $(ja4_of x-spa942.cfg)"
t_eq "gnutls-cli with the Linksys phones' priority: JA4 as provscope's SPA942" \
	"$(ja4_of x-spa942.cfg)" "$(ja4_of x-gnutls-phone.cfg)"
t_eq "gnutls-cli with the Linksys phones' priority: the record has it the SPA942's offer exactly" \
	"true null" \
	"$(rec_get x-gnutls-phone.cfg '"spa942" in r["fingerprint"]["offer_of"]') $(rec_get x-gnutls-phone.cfg 'r["fingerprint"]["differs"]')"
line=$(log_of x-gnutls-3des.cfg)
t_check "gnutls-cli, the phone's offer and 3DES: no model's; closest a Linksys phone; offers DES-CBC3-SHA" \
	grep -qE "offer: no model's; closest spa9[0-9]+ \(.*offers [^|]*DES-CBC3-SHA" <<<"$line"
t_check "gnutls-cli, the phone's offer and 3DES: JA4 with five suites" \
	grep -qE '\| JA4 t10i050000_' <<<"$line"
line=$(log_of x-gnutls-nomd5.cfg)
t_check "gnutls-cli, the phone's offer without MD5: no model's; closest a Linksys phone; lacks RC4-MD5" \
	grep -qE "offer: no model's; closest spa9[0-9]+ \(.*lacks [^|]*RC4-MD5" <<<"$line"
line=$(log_of x-gnutls-tls12.cfg)
t_check "gnutls-cli NORMAL:-VERS-TLS1.3: JA4 of TLS 1.2 with SNI; no model's offer, the version named" \
	grep -qE "\| JA4 t12d[0-9]{4}00_.*offer: no model's; closest [a-z0-9]+ \(.*TLS1\.2" <<<"$line"
t_eq "gnutls-cli NORMAL:-VERS-TLS1.3: the record names no model and says how it differs" \
	"[] true" "$(rec_get x-gnutls-tls12.cfg 'r["fingerprint"]["offer_of"]') $(rec_get x-gnutls-tls12.cfg 'bool(r["fingerprint"]["differs"])')"

# 3. Client certificates.
t_eq "curl, the minted device certificate: its MAC, trusted, no reason" \
	"$MAC true null" \
	"$(rec_get trusted 'r["certificate"]["mac"]') $(rec_get trusted 'r["certificate"]["trusted"]') $(rec_get trusted 'r["certificate"]["reason"]')"
t_eq "curl, a certificate from another CA: the MAC from its CN, not trusted" \
	"000e08ddeeff false" \
	"$(rec_get spa000e08ddeeff.xml 'r["certificate"]["mac"]') $(rec_get spa000e08ddeeff.xml 'r["certificate"]["trusted"]')"
t_check "curl, a certificate from another CA: a reason, the issuer unknown" \
	grep -qi "issuer\|signer" <<<"$(rec_get spa000e08ddeeff.xml 'r["certificate"]["reason"]')"
t_eq "curl, a certificate from another CA: its issuer recorded" "Some Other CA" \
	"$(rec_get spa000e08ddeeff.xml 'r["certificate"]["issuer"]' | sed -n 's/.*CN=\([^,]*\).*/\1/p')"
t_check "curl, a certificate from another CA: 403, not trusted, in the log" \
	grep -qE '\(NOT trusted\).*GET /spa000e08ddeeff\.xml \| 403 \| refused: the client certificate is not trusted' "$LOG"
t_eq "curl, an expired certificate from the lab's own CA: the MAC from its ST, not trusted" \
	"$MAC false" \
	"$(rec_get expired 'r["certificate"]["mac"]') $(rec_get expired 'r["certificate"]["trusted"]')"
t_check "curl, an expired certificate from the lab's own CA: the reason says expired" \
	grep -qi "expired" <<<"$(rec_get expired 'r["certificate"]["reason"]')"
t_eq "curl without a certificate: none recorded, the request refused" "null" \
	"$(rec_get 'no certificate' 'r["certificate"]')"
t_check "curl without a certificate: 403 in the log" \
	grep -qE 'GET /spa000e08aabbcc\.xml \| 403 \| refused: no client certificate' "$LOG"

out=$(python3 -c 'import json,sys
try:
	import jsonschema
except ImportError:
	print("ok"); sys.exit()
s=json.load(open(sys.argv[2])); sub={"$ref":"#/$defs/lab_record","$defs":s["$defs"]}
bad=[]
for line in open(sys.argv[1]):
	try: jsonschema.validate(json.loads(line), sub)
	except jsonschema.ValidationError as e: bad.append(e.message)
print("; ".join(bad) or "ok")' "$REC" "$TOP_SRCDIR/doc/provscope.schema.json" 2>&1)
t_eq "--record: every line valid against the schema's lab_record" ok "$out"
t_done
