#!/bin/bash
# The lab learns a phone (issue 19): `provscope lab --learn-model NAME`
# writes NAME.json from the first client that connects; `--model-file`
# adds it to the catalogue, every mode plays it, and a lab that knows it
# recognises it exactly: the round trip learn -> --model-file -> the lab.
# The learned clients are gnutls-cli with an offer of its own (extensions,
# TLS 1.2, ECDHE: GnuTLS can send it again exactly), openssl s_client
# (what GnuTLS cannot send is named) and provscope itself.
. "$TOP_SRCDIR/tests/integration/lib.sh"

PKI=$T_DIR/lab-pki
"$PROVSCOPE" lab --pki "$PKI" --mint-device 000e08aabbcc >/dev/null 2>&1 ||
	t_bail "the lab could not mint a device certificate"
PIN="prov.lab.test:*:127.0.0.1"
ID=(--ca "$PKI/vendor-ca.pem" --cert "$PKI/device-000e08aabbcc.pem" --key "$PKI/device-000e08aabbcc.key")
SCHEMA=$TOP_SRCDIR/doc/provscope.schema.json
cd "$T_DIR" || t_bail "no temporary directory"

# wait_file FILE: until it exists (10 s at most).
wait_file() {
	local i
	for i in $(seq 1 200); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# stop_lab: the lab started last.
stop_lab() {
	kill "$LAB_PID" 2>/dev/null
	wait "$LAB_PID" 2>/dev/null
}

# 1. Names the lab refuses before it starts.
out=$("$PROVSCOPE" lab --pki "$PKI" --learn-model 'Bad Name' 2>&1)
t_eq "--learn-model: a name with a space and capitals: exit 2, the rule said" \
	"2 provscope: --learn-model 'Bad Name': a model's name is 1 to 31 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit" \
	"$? $out"
out=$("$PROVSCOPE" lab --pki "$PKI" --learn-model spa942 2>&1)
t_eq "--learn-model: a catalogue model's name: exit 2" \
	"2 provscope: --learn-model 'spa942': that name is taken by a model of the catalogue or of --model-file (--list-models): choose another, such as spa942-bench" \
	"$? $out"
echo '{}' >taken.json
out=$("$PROVSCOPE" lab --pki "$PKI" --learn-model taken 2>&1)
t_eq "--learn-model: its file exists: exit 2, the file left as it was" \
	"2 provscope: --learn-model 'taken': its model file is already there: remove it or choose another name {}" \
	"$? $out $(cat taken.json)"

# 2. Learn from gnutls-cli: TLS 1.2 with ECDHE, nine extensions, no session
# ticket; its request names an SPA942 on firmware 6.1.6.
start_lab lab1 --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --learn-model bench942 ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab1.err")"
t_check "the lab says where the model will be written" grep -q "^Learning: the first phone that connects over HTTPS is written to bench942.json" lab1.out
GCLI_PRIO='NONE:+VERS-TLS1.2:+VERS-TLS1.0:+ECDHE-RSA:+RSA:+AES-128-CBC:+AES-256-CBC:+SHA1:+SIGN-ALL:+COMP-NULL:+GROUP-SECP256R1:+GROUP-X25519:%NO_TICKETS'
printf 'GET /spa942.cfg HTTP/1.0\r\nUser-Agent: Linksys/SPA-942-6.1.6 (88019FA49999)\r\n\r\n' |
	timeout 10 gnutls-cli --priority "$GCLI_PRIO" --x509cafile "$PKI/vendor-ca.pem" \
		--x509certfile "$PKI/device-000e08aabbcc.pem" --x509keyfile "$PKI/device-000e08aabbcc.key" \
		-p "$LAB_PORT" --sni-hostname prov.lab.test 127.0.0.1 >/dev/null 2>&1
wait_file bench942.json || t_bail "no model file: $(cat lab1.err)"
stop_lab
t_check "when the lab stops: which model it learned and where" \
	grep -qxF "provscope lab: learned model bench942: bench942.json (play it with --model-file bench942.json)" lab1.err
t_check "the log says what was learned and that provscope plays it exactly" \
	grep -qF "lab: learned model bench942 from 127.0.0.1:" lab1.err
t_check "... based on the SPA942 its User-Agent names, played exactly, with the option to use" \
	grep -qF "wrote bench942.json; based on spa942 (its User-Agent); provscope plays its offer exactly; play it with --model-file bench942.json" lab1.err
t_eq "the model file: the schema's model_file; JA3 and JA4 as Python computes them" "ok" \
	"$(python3 "$TOP_SRCDIR/tests/integration/ja_check.py" bench942.json "$SCHEMA")"
t_eq "the model file: based on, User-Agent as a format, firmware, serial, MAC from the certificate" \
	'spa942|Linksys/SPA-942-$SWVER ($SN)|6.1.6|88019FA49999|000e08aabbcc|null|true' \
	"$(json_get bench942.json '"|".join([d["based_on"], d["ua_format"], d["firmware"], d["serial"], d["mac"], json.dumps(d["unplayable"]), json.dumps(d["certificate"]["trusted"])])')"
t_eq "the model file: the offer as sent (TLS 1.2, its suites in order, server_name, no session_ticket)" \
	'TLS1.2|0xc013,0xc014,0x002f,0x0035|True|False' \
	"$(json_get bench942.json '"|".join([d["client_hello"]["max_version"], ",".join(s["id"] for s in d["client_hello"]["cipher_suites"]), str("0x0000" in d["client_hello"]["extensions"]), str("0x0023" in d["client_hello"]["extensions"])])')"
t_eq "the model file: each extension's content, server_name's with the name the client asked for" \
	"server_name True 9" \
	"$(json_get bench942.json '" ".join([d["client_hello"]["extension_data"][7]["name"], str("70726f762e6c61622e74657374" in d["client_hello"]["extension_data"][7]["data"]), str(len(d["client_hello"]["extension_data"]))])')"

# 3. The round trip: a lab that knows the model recognises provscope
# playing it, and tells it from the catalogue's SPA942.
start_lab lab2 --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --model-file bench942.json --record rec2.jsonl ||
	t_bail "the lab did not start with the model file: $(cat "$T_DIR/lab2.err")"
"$PROVSCOPE" --batch --format json --model-file bench942.json --no-probe "${ID[@]}" --resolve "$PIN" \
	"https://prov.lab.test:$LAB_PORT/x-played.cfg" >played.json 2>played.err
"$PROVSCOPE" --batch --model spa942 --no-probe "${ID[@]}" --resolve "$PIN" \
	"https://prov.lab.test:$LAB_PORT/x-942.cfg" >/dev/null 2>&1
stop_lab
t_check "round trip: the lab recognises the learned model exactly" \
	grep -qF "offer: matches bench942 exactly (learned from an SPA942) | GET /x-played.cfg" lab2.err
t_check "round trip: the catalogue's SPA942 is still itself" \
	grep -qF "offer: matches spa942 exactly | GET /x-942.cfg" lab2.err
t_eq "round trip: the played ClientHello has the learned JA3 and JA4" \
	"$(json_get bench942.json 'd["fingerprint"]["ja3"] + " " + d["fingerprint"]["ja4"]')" \
	"$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "GET /x-played.cfg 404" in r["requests"]:
        print(r["fingerprint"]["ja3"], r["fingerprint"]["ja4"])' rec2.jsonl)"
t_eq "one --model-file alone is the phone played: its name, firmware, serial, User-Agent" \
	'bench942|6.1.6|88019FA49999|Linksys/SPA-942-6.1.6 (88019FA49999)' \
	"$(json_get played.json '"|".join([d["phone"]["model"], d["phone"]["firmware"], d["phone"]["serial"], d["phone"]["user_agent"]])')"
out=$("$PROVSCOPE" --batch --model-file bench942.json --no-probe "${ID[@]}" --resolve "$PIN" \
	"https://prov.lab.test:1/x.cfg" 2>&1 | head -1)
t_check "the text report names the learned model beside the product" grep -qF "Linksys SPA942 (model bench942) 6.1.6" <<<"$out"

# 3b. A learned TLS 1.3 client (curl): played over TLS 1.3, its device
# certificate sent (encrypted), no false word about this host's policy;
# a scan probes its TLS 1.2 suites at TLS 1.2 and names its row.
start_lab lab7 --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --learn-model curl13 ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab7.err")"
curl -sS -o /dev/null -m 10 --cacert "$PKI/vendor-ca.pem" --cert "$PKI/device-000e08aabbcc.pem" \
	--key "$PKI/device-000e08aabbcc.key" --resolve "prov.lab.test:$LAB_PORT:127.0.0.1" \
	-A 'Linksys/SPA-942-6.1.5(a) (88019FA42805)' "https://prov.lab.test:$LAB_PORT/spa942.cfg" 2>/dev/null
wait_file curl13.json || t_bail "no model file: $(cat lab7.err)"
"$PROVSCOPE" --batch --format json --model-file curl13.json --no-probe "${ID[@]}" --resolve "$PIN" \
	"https://prov.lab.test:$LAB_PORT/spa942.cfg" >c13.json 2>/dev/null
stop_lab
t_eq "TLS 1.3 played: the version, the certificate sent, no tls.local_policy" "TLS1.3|True|False" \
	"$(json_get c13.json '"|".join([d["hops"][0]["tls"]["version"], str(d["hops"][0]["client_auth"]["sent"]), str(any(f["id"] == "tls.local_policy" for f in d["findings"]))])')"
out=$("$PROVSCOPE" scan --demo --batch --model-file curl13.json --models spa942,curl13 2>&1)
t_check "scan: the learned model's row by its name" grep -qE '^curl13 +6\.1\.5\(a\) +TLS1\.3' <<<"$out"
t_check "scan: a suite that needs TLS 1.2 is probed at TLS 1.2, and accepted" \
	grep -qE '^    yes ECDHE-RSA-AES128-GCM-SHA256 .*\(at TLS 1\.2, which it needs\)' <<<"$(tr -s '\n' '\n' <<<"$out" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n        / /g')"

# 3c. A client whose User-Agent names no catalogue model (curl's own): a
# scan with it from a directory gets the files of the model it is based on.
start_lab lab9 --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --learn-model curlua ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab9.err")"
curl -sS -o /dev/null -m 10 --cacert "$PKI/vendor-ca.pem" --cert "$PKI/device-000e08aabbcc.pem" \
	--key "$PKI/device-000e08aabbcc.key" --resolve "prov.lab.test:$LAB_PORT:127.0.0.1" \
	-A 'curl/7.88.1' "https://prov.lab.test:$LAB_PORT/spa942.cfg" 2>/dev/null
wait_file curlua.json || t_bail "no model file: $(cat lab9.err)"
stop_lab
mkdir -p uadir && cp curlua.json uadir/
out=$("$PROVSCOPE" scan --demo --batch --model-file uadir --models spa942,curlua 2>/dev/null)
t_check "a learned model with a User-Agent of its own: the lab serves it its base model's files" \
	grep -qF "Verdict: ok: 2 of 2 phones can provision (exit 0)" <<<"$out"
t_check "... and the scan names its row" grep -qE '^curlua +' <<<"$out"

# 4. --list-models and the other modes with model files.
out=$("$PROVSCOPE" --model-file bench942.json --list-models | tr -s ' \n' '  ')
t_check "--list-models: the learned model, its version and suites, where it came from" \
	grep -qF "bench942 phone Linksys SPA942 942 6.1.6 yes? TLS 1.2: ECDHE-RSA-AES128-SHA ECDHE-RSA-AES256-SHA AES128-SHA AES256-SHA learned: bench942.json, based on spa942; provscope sends its offer exactly" <<<"$out"
mkdir -p models && cp bench942.json models/
out=$("$PROVSCOPE" rule --model-file models --model bench942 '/spa$PSN-$SWVER-$MA.cfg' 2>&1)
t_check "a directory of model files and --model NAME: rule expands the learned phone's macros" \
	grep -qF "/spa942-6.1.6-000e08aabbcc.cfg" <<<"$out"
"$PROVSCOPE" scan --demo --model-file bench942.json --models spa942,bench942 --format json >scan.json 2>scan.err
t_eq "scan --demo plays the learned model beside the catalogue's" "spa942 bench942" \
	"$(json_get scan.json '" ".join(m["model"] for m in d["scan"]["models"])' 2>&1)"

# 5. Bad model files: a clear sentence and exit 2, never a crash.
bad() { # bad DESC FILE-CONTENT EXPECTED-MESSAGE-PART
	printf '%s' "$2" >bad.json
	local out rc
	out=$("$PROVSCOPE" --model-file bad.json --list-models 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 2 ] && grep -qF -- "$3" <<<"$out"; then t_ok "$1"; else t_fail "$1" "exit $rc" "$out"; fi
}
bad "not JSON" '{"id": ' "provscope: --model-file bad.json: line 1: "
bad "JSON but no model file" '{"id": "x"}' 'not a provscope model file (it has no "provscope_model_file": 1'
bad "another format version" '{"provscope_model_file": 2}' "model file format 2: this provscope reads format 1"
bad "a bad name" '{"provscope_model_file": 1, "id": "Bad", "based_on": "spa942"}' "\"id\" must be 1 to 31 lower-case letters"
bad "based on no catalogue model" '{"provscope_model_file": 1, "id": "x", "based_on": "spa999"}' "\"based_on\" 'spa999' is no catalogue model"
bad "no ClientHello" '{"provscope_model_file": 1, "id": "x", "based_on": "spa942"}' "it has no client_hello object"
bad "a suite that is no value" '{"provscope_model_file": 1, "id": "x", "based_on": "spa942", "client_hello": {"version_id": "0x0301", "max_version_id": "0x0301", "cipher_suites": [{"id": "AES"}]}}' 'client_hello.cipher_suites[0] is no value such as "0x002f"'
HELLO='"client_hello": {"version_id": "0x0301", "max_version_id": "0x0301", "cipher_suites": [{"id": "0x002f"}]}'
bad "a firmware that is no string" "{\"provscope_model_file\": 1, \"id\": \"x\", \"based_on\": \"spa942\", \"firmware\": 123, $HELLO}" '"firmware" must be a string or null'
bad "a MAC that is none" "{\"provscope_model_file\": 1, \"id\": \"x\", \"based_on\": \"spa942\", \"mac\": \"zz\", $HELLO}" "\"mac\" 'zz' is no MAC address"
bad "a priority string GnuTLS does not take" "{\"provscope_model_file\": 1, \"id\": \"x\", \"based_on\": \"spa942\", \"priority\": \"NONE:+BOGUS\", $HELLO}" '"priority": GnuTLS does not take it'
bad "a control character in a field" "{\"provscope_model_file\": 1, \"id\": \"x\", \"based_on\": \"spa942\", \"serial\": \"abc\\r\\nX: y\", $HELLO}" '"serial" holds a control character (0x0d)'
printf '%s' "{\"provscope_model_file\": 1.0, \"id\": \"onedot\", \"based_on\": \"spa942\", $HELLO}" >onedot.json
t_check "format 1.0 is format 1" "$PROVSCOPE" --model-file onedot.json --list-models
mkdir -p empty
out=$("$PROVSCOPE" --model-file empty --list-models 2>&1 >/dev/null)
t_eq "a directory without model files: exit 2" \
	"2 provscope: --model-file empty: a directory without a model file (NAME.json) in it" "$? $out"
out=$("$PROVSCOPE" --model-file bench942.json --model-file models --list-models 2>&1 >/dev/null)
t_eq "the same model twice: exit 2, which file had it" \
	"2 provscope: --model-file models/bench942.json: the name 'bench942' is taken (by bench942.json)" "$? $out"
out=$("$PROVSCOPE" --model bench942 --list-models 2>&1 >/dev/null; "$PROVSCOPE" rule --model bench942 /x.cfg 2>&1)
t_check "--model of a learned model without its file: the hint" grep -qF "a learned model needs its --model-file" <<<"$out"

# 6. Learn from a client GnuTLS cannot copy, that makes no request:
# openssl s_client, which rejects the lab's certificate.
start_lab lab3 --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --learn-model ossl ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab3.err")"
echo | timeout 10 openssl s_client -connect "127.0.0.1:$LAB_PORT" -tls1_2 \
	-cipher 'AES256-SHA:AES128-SHA' -verify_return_error -CAfile "$PKI/device-000e08aabbcc.pem" >/dev/null 2>&1
wait_file ossl.json || t_bail "no model file: $(cat lab3.err)"
# a phone that does not trust the lab's CA: the alert it sent, its JA4 and offer
"$PROVSCOPE" --batch --model spa942 --ca "$PKI/public-ca.pem" --no-probe --resolve "$PIN" \
	"https://prov.lab.test:$LAB_PORT/spa942.cfg" >/dev/null 2>&1
for i in $(seq 1 100); do grep -q "client sent alert bad_certificate" lab3.err && break; sleep 0.05; done
t_check "a phone that rejects the lab's certificate: its alert, what it means, its offer and JA4" \
	grep -qF "connection closed before the TLS handshake completed | the client sent alert bad_certificate (it does not trust the lab's certificate: a phone trusts only its vendor's CA) | client offered TLS1.0, suites AES256-SHA AES128-SHA RC4-SHA RC4-MD5 | JA4 t10i040000_0b751be0765d_000000000000 | offer: that of spa921, spa922, spa941, spa942 and 2 more" lab3.err
t_check "no request: the log says how the User-Agent can still be had" \
	grep -qF "it sent no request, so its User-Agent is missing: a plain-HTTP request from 127.0.0.1 (Profile_Rule_B" lab3.err
HTTP_PORT=$(sed -n 's|^  http://127.0.0.1:\([0-9]*\)/$|\1|p' lab3.out)
curl -sS -o /dev/null -m 10 -A 'Cisco/SPA504G-7.5.6 (000E08AABBCC)(CBT12345)' \
	"http://127.0.0.1:$HTTP_PORT/spa504G.cfg" 2>/dev/null
for i in $(seq 1 100); do grep -q "updated ossl.json" lab3.err && break; sleep 0.05; done
stop_lab
t_check "a plain-HTTP request from the same address: the log says the model file has its User-Agent" \
	grep -qF 'updated ossl.json: the User-Agent of a plain-HTTP request from the same address, "Cisco/SPA504G-7.5.6 (000E08AABBCC)(CBT12345)"; based on spa504g' lab3.err
t_eq "... the model file: the model it names, its format, firmware, serial and MAC" \
	'spa504g|Cisco/SPA504G-$SWVER ($MAU)($SN)|7.5.6|CBT12345|000e08aabbcc' \
	"$(json_get ossl.json '"|".join([d["based_on"], d["ua_format"], d["firmware"], d["serial"], d["mac"]])')"
t_check "no request: the model is based on the closest offer, and the log says so" \
	grep -qF "wrote ossl.json; based on spa9" lab3.err
t_check "... and what GnuTLS cannot send of the offer" grep -qE "wrote ossl\.json; .*; provscope plays it as far as GnuTLS allows: [a-z]" lab3.err
t_eq "the model file: the difference written down, the schema's model_file" \
	"true|ok" \
	"$(json_get ossl.json 'json.dumps(bool(d["unplayable"]))')|$(python3 "$TOP_SRCDIR/tests/integration/ja_check.py" ossl.json "$SCHEMA")"
out=$("$PROVSCOPE" --model-file ossl.json --list-models)
t_check "--list-models names what GnuTLS cannot send" grep -qF "GnuTLS cannot send all of its" <<<"$out"

# 6b. A ClientHello with no suite is not learned: the lab waits for the
# next client.
start_lab lab6 --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --learn-model nosuite ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab6.err")"
python3 - "$LAB_PORT" <<'PY'
import os, socket, sys
body = b"\x03\x03" + os.urandom(32) + b"\x00" + b"\x00\x00" + b"\x01\x00"
hs = b"\x01" + len(body).to_bytes(3, "big") + body
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"\x16\x03\x01" + len(hs).to_bytes(2, "big") + hs)
try:
    s.recv(4096)
except OSError:
    pass
s.close()
PY
for i in $(seq 1 100); do grep -q "not learned from" lab6.err && break; sleep 0.05; done
"$PROVSCOPE" --batch --model spa942 "${ID[@]}" --no-probe --resolve "$PIN" \
	"https://prov.lab.test:$LAB_PORT/spa942.cfg" >/dev/null 2>&1
wait_file nosuite.json || t_bail "no model file: $(cat lab6.err)"
stop_lab
t_check "a ClientHello without suites is not learned, and the log says so" \
	grep -qF "not learned from 127.0.0.1:" lab6.err
t_eq "... the next client is: the SPA942" "spa942" "$(json_get nosuite.json 'd["based_on"]')"

# 6b'. An old stack's SSLv2-format ClientHello: recorded, matched, learned,
# and what GnuTLS cannot send (that format) said.
start_lab lab8 --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --learn-model v2phone ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab8.err")"
python3 - "$LAB_PORT" <<'PY'
import os, socket, sys
specs = b"".join(b"\x00" + bytes.fromhex(x) for x in ["0035", "002f", "0005", "0004"]) + b"\x01\x00\x80"
ch = os.urandom(16)
body = b"\x01\x03\x01" + len(specs).to_bytes(2, "big") + b"\x00\x00" + len(ch).to_bytes(2, "big") + specs + ch
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall((0x8000 | len(body)).to_bytes(2, "big") + body)
try:
    s.recv(4096)
except OSError:
    pass
s.close()
PY
wait_file v2phone.json || t_bail "no model file: $(cat lab8.err)"
stop_lab
t_check "an SSLv2-format ClientHello: its TLS suites, said to be of that format, with its JA4" \
	grep -qF "client offered TLS1.0 in an SSLv2-format ClientHello, suites AES256-SHA AES128-SHA RC4-SHA RC4-MD5 | JA4 t10i040000_0b751be0765d_000000000000 | offer: no model's; closest spa921 (an SSLv2-format ClientHello (spa921: TLS format))" lab8.err
t_eq "... learned, with the format GnuTLS cannot send" \
	"true|a TLS-format ClientHello (the phone: SSLv2 format)" \
	"$(json_get v2phone.json 'json.dumps(d["client_hello"]["sslv2"]) + "|" + d["unplayable"]')"

# 6b''. A server_name whose name runs past its list: the lab says so, and
# answers the next client at once.
start_lab lab10 --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab10.err")"
python3 - "$LAB_PORT" <<'PY'
import os, socket, sys
name = b"prov.example"
sni = b"\x00\x00" + (len(name) + 5).to_bytes(2, "big") + (len(name) + 3).to_bytes(2, "big") + b"\x00\x00\xfa" + name
body = b"\x03\x03" + os.urandom(32) + b"\x00" + b"\x00\x04\x00\x2f\x00\x35" + b"\x01\x00" + len(sni).to_bytes(2, "big") + sni
hs = b"\x01" + len(body).to_bytes(3, "big") + body
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"\x16\x03\x01" + len(hs).to_bytes(2, "big") + hs)
try:
    s.recv(4096)
except OSError:
    pass
s.close()
PY
"$PROVSCOPE" --batch --model spa942 "${ID[@]}" --no-probe --timeout 5 --resolve "$PIN" \
	"https://prov.lab.test:$LAB_PORT/x-after.cfg" >/dev/null 2>&1
stop_lab
t_check "a malformed server_name: the lab says GnuTLS refused the hello for it" \
	grep -qF "no ServerHello: GnuTLS refused the ClientHello, whose server_name extension is malformed" lab10.err
t_check "... and answers the next client" grep -qF "GET /x-after.cfg" lab10.err

# 6c. A directory the lab cannot write: refused at the start.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir -p ro && chmod 755 ro
	out=$(cd ro && setpriv --reuid=65534 --regid=65534 --clear-groups "$PROVSCOPE" lab --learn-model rophone 2>&1)
	t_eq "--learn-model in a directory the lab cannot write: exit 2 at the start" \
		"2 provscope: --learn-model 'rophone': rophone.json cannot be written in this directory (Permission denied): start the lab in one you can write" \
		"$? $out"
else
	t_skip "--learn-model in a directory the lab cannot write" "needs root and setpriv to drop to nobody"
fi

# 7. Learn from provscope itself as an SPA504G: the lab that knows the
# model still names the SPA504G its User-Agent names.
start_lab lab4 --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --learn-model desk504 ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab4.err")"
"$PROVSCOPE" --batch --model spa504g --mac 000e08aabbcc --no-probe "${ID[@]}" --resolve "$PIN" \
	"https://prov.lab.test:$LAB_PORT/x-504.cfg" >/dev/null 2>&1
wait_file desk504.json || t_bail "no model file: $(cat lab4.err)"
stop_lab
t_eq "provscope as an SPA504G: based on it, its firmware, played exactly" "spa504g|7.5.5|null" \
	"$(json_get desk504.json '"|".join([d["based_on"], d["firmware"], json.dumps(d["unplayable"])])')"
start_lab lab5 --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --model-file desk504.json ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab5.err")"
"$PROVSCOPE" --batch --model-file desk504.json --no-probe "${ID[@]}" --resolve "$PIN" \
	"https://prov.lab.test:$LAB_PORT/x-d504.cfg" >/dev/null 2>&1
stop_lab
t_check "its offer is the SPA504G's: the User-Agent's model is named, and the learned one" \
	grep -qF "offer: matches spa504g exactly (and the learned desk504) | GET /x-d504.cfg" lab5.err

t_done
