#!/bin/bash
# The lab as a phone analyser (issue 19, first part): for each client's
# first request it logs the JA4 of the ClientHello and how the offer
# compares with the catalogue. provscope as every catalogue model must
# match that model exactly; curl and openssl s_client, with offers of their
# own, match none, and the closest model and the differences are named.
. "$TOP_SRCDIR/tests/integration/lib.sh"

PKI=$T_DIR/lab-pki
"$PROVSCOPE" lab --pki "$PKI" --mint-device 000e08aabbcc >/dev/null 2>&1 ||
	t_bail "the lab could not mint a device certificate"
start_lab lab --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 ||
	t_bail "the lab did not start: $(cat "$T_DIR/lab.err")"
PIN="prov.lab.test:*:127.0.0.1"
ID=(--ca "$PKI/vendor-ca.pem" --cert "$PKI/device-000e08aabbcc.pem" --key "$PKI/device-000e08aabbcc.key")
LOG=$T_DIR/lab.err

# 1. provscope as each model: its model file, its offer matched exactly.
bad=
for m in $("$PROVSCOPE" --list-models | awk '/^[a-z]/ { print $1 }'); do
	: >"$LOG.mark"
	before=$(wc -l <"$LOG")
	"$PROVSCOPE" --batch --model "$m" --mac 000e08aabbcc --no-probe "${ID[@]}" --resolve "$PIN" \
		"https://prov.lab.test:$LAB_PORT/x-$m.cfg" >/dev/null 2>&1
	line=$(tail -n +"$((before + 1))" "$LOG" | grep -F "GET /x-$m.cfg" | head -1)
	case $line in
	*"| JA4 t10i0"*"0000_"*"_000000000000 | offer: matches $m exactly |"*) ;;
	*) bad="$bad $m: ${line:-no log line};" ;;
	esac
done
t_eq "every catalogue model, played by provscope: JA4 of TLS 1.0 without extensions, its offer matched exactly" "" "$bad"

# The JA4 of two offers, each the same for the models that share it.
ja4_of() { grep -F "GET /x-$1.cfg" "$LOG" | head -1 | sed -n 's/.*| JA4 \([^ ]*\) |.*/\1/p'; }
t_eq "the Linksys phones' JA4 is one, the Cisco phones' and the ATAs' another" "same same differ" \
	"$([ "$(ja4_of spa921)" = "$(ja4_of spa942)" ] && echo same) $([ "$(ja4_of spa504g)" = "$(ja4_of spa2102)" ] && echo same) $([ "$(ja4_of spa942)" != "$(ja4_of spa504g)" ] && echo differ)"
t_eq "the SPA942's JA4: TLS 1.0, no SNI, 4 suites, no extension, no ALPN" "t10i040000" \
	"$(ja4_of spa942 | cut -d_ -f1)"

# 2. Another offer played by provscope: the same suites in another order.
"$PROVSCOPE" --batch --model spa942 --no-probe "${ID[@]}" --resolve "$PIN" \
	--priority 'NONE:+VERS-TLS1.0:+RSA:+AES-128-CBC:+AES-256-CBC:+ARCFOUR-128:+SHA1:+MD5:+COMP-NULL:+SIGN-ALL:%NO_EXTENSIONS' \
	"https://prov.lab.test:$LAB_PORT/x-order.cfg" >/dev/null 2>&1
t_check "the suites in another order: not the offer of the SPA942 its User-Agent names, and how" \
	grep -qE "offer: not the spa942's its User-Agent names \(the suites in another order\) \| GET /x-order\.cfg" "$LOG"

# 3. curl (OpenSSL): TLS 1.2, extensions, other suites; its User-Agent
# names an SPA942.
curl -sS -o /dev/null --cacert "$PKI/vendor-ca.pem" --cert "$PKI/device-000e08aabbcc.pem" \
	--key "$PKI/device-000e08aabbcc.key" --resolve "prov.lab.test:$LAB_PORT:127.0.0.1" \
	-A 'Linksys/SPA-942-6.1.5(a) (88019FA42805)' "https://prov.lab.test:$LAB_PORT/x-curl.cfg" 2>/dev/null
line=$(grep -F "GET /x-curl.cfg" "$LOG" | head -1)
t_check "curl: a JA4 with its SNI (d) and TLS 1.2 or 1.3" grep -qE '\| JA4 t1[23]d[0-9]{4}[a-z0-9]{2}_[0-9a-f]{12}_[0-9a-f]{12} \|' <<<"$line"
t_check "curl: not the SPA942's offer its User-Agent names, with its version and extensions" \
	grep -qE "offer: not the spa942's its User-Agent names \(up to TLS1\.[23] \(spa942: TLS1\.0\); [0-9]+ extensions \(spa942: none\)" <<<"$line"

# 4. openssl s_client at TLS 1.0 with the SPA942's suites: the extensions
# OpenSSL always sends tell it apart.
printf 'GET /x-openssl.cfg HTTP/1.0\r\nUser-Agent: Linksys/SPA-942-6.1.5(a) (88019FA42805)\r\n\r\n' |
	timeout 10 openssl s_client -quiet -connect "127.0.0.1:$LAB_PORT" -servername prov.lab.test \
		-tls1 -cipher 'AES256-SHA:AES128-SHA:RC4-SHA:RC4-MD5:@SECLEVEL=0' \
		-CAfile "$PKI/vendor-ca.pem" -cert "$PKI/device-000e08aabbcc.pem" \
		-key "$PKI/device-000e08aabbcc.key" >/dev/null 2>&1
line=$(grep -F "GET /x-openssl.cfg" "$LOG" | head -1)
t_check "openssl s_client: TLS 1.0, the SPA942's suites, but extensions: not the SPA942's offer" \
	grep -qE "offer: not the spa942's its User-Agent names \([0-9]+ extensions \(spa942: none\)" <<<"$line"

# 5. --record: a JSON line per connection, against the schema; its JA3
# and JA4 computed again here from the recorded ClientHello (Python's
# hashlib, by the published algorithms), and the certificate's MAC.
REC=$T_DIR/record.jsonl
start_lab rec --pki "$PKI" --listen 127.0.0.1:0 --http-port 0 --record "$REC" ||
	t_bail "the lab did not start with --record: $(cat "$T_DIR/rec.err")"
"$PROVSCOPE" --batch --model spa942 --mac 000e08aabbcc --no-probe "${ID[@]}" --resolve "$PIN" \
	"https://prov.lab.test:$LAB_PORT/x-rec.cfg" >/dev/null 2>&1
curl -sS -o /dev/null --cacert "$PKI/vendor-ca.pem" --cert "$PKI/device-000e08aabbcc.pem" \
	--key "$PKI/device-000e08aabbcc.key" --resolve "prov.lab.test:$LAB_PORT:127.0.0.1" \
	-A curl-test "https://prov.lab.test:$LAB_PORT/x-curl-rec.cfg" 2>/dev/null
kill -TERM "$LAB_PID"
wait "$LAB_PID" 2>/dev/null
t_eq "--record: a line per connection, two" 2 "$(wc -l <"$REC")"
out=$(python3 "$TOP_SRCDIR/tests/integration/ja_check.py" "$REC" "$TOP_SRCDIR/doc/provscope.schema.json")
t_eq "--record: valid records; JA3 and JA4 as Python computes them from the recorded ClientHello; the models; the certificate's MAC" "ok" "$out"

t_done
