#!/bin/bash
# Errors that say what to do, and what --version says of this host: every
# certificate and key file problem named with the file and the cause in
# plain words (never GnuTLS's own text), --cert without its key, a GnuTLS
# system policy that forbids the phones' offer (GNUTLS_SYSTEM_PRIORITY_FILE),
# unknown options with "did you mean" and curl's and openssl's spellings,
# a bare host, "help" as a word, each command's own --help, 80 columns,
# --version's libraries and capabilities, --keylog, and the lab's warning
# when it listens beyond loopback (inside a network namespace of its own).
. "$TOP_SRCDIR/tests/integration/lib.sh"

D=$T_DIR/files
mkdir -p "$D"
"$PROVSCOPE" lab --pki "$T_DIR/pki" --mint-device 000e08aabbcc >/dev/null ||
	t_bail "could not mint the lab's PKI"
P=$T_DIR/pki
cp "$P/device-000e08aabbcc.pem" "$D/cert.pem"
cp "$P/device-000e08aabbcc.key" "$D/key.pem"
cp "$P/vendor-ca.key" "$D/other.key"
openssl x509 -in "$P/vendor-ca.pem" -outform DER -out "$D/ca.der"
openssl pkey -in "$D/key.pem" -aes256 -passout pass:secret -out "$D/encrypted.key" 2>/dev/null
: >"$D/empty.pem"
printf 'just some text\n' >"$D/text.pem"
# a PEM block whose base64 is broken in its third line
awk 'NR == 3 { $0 = "#" substr($0, 2) } { print }' "$P/vendor-ca.pem" >"$D/damaged.pem"
URL=https://127.0.0.1:9/spa942.cfg

# GnuTLS's own texts for these errors: none may reach the user.
RAW='Base64|requested data were not available|No certificate was found|Decryption has failed|do not match|ASN1 parser|Error while reading'

# file_error DESC EXPECTED ARGS...: exit 2 and EXPECTED (fixed string) on
# stderr, no raw GnuTLS text.
file_error() {
	local desc=$1 want=$2 err rc
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 2 ] && grep -qF -- "$want" <<<"$err" && ! grep -qE "$RAW" <<<"$err"; then
		t_ok "$desc"
	else
		t_fail "$desc" "command: $*" "exit $rc, expected 2" "expected: $want" "stderr: $err"
	fi
}

ps() { "$PROVSCOPE" --batch -q "$@"; }

file_error "--cert without --key, a certificate alone: give --key" \
	"device certificate $D/cert.pem holds no private key: give the file of its key (for --devices, in a key column) with --key" \
	ps --cert "$D/cert.pem" "$URL"
file_error "--key of another certificate" \
	"device certificate $D/cert.pem and key $D/other.key: the key does not belong to the certificate" \
	ps --cert "$D/cert.pem" --key "$D/other.key" "$URL"
file_error "an encrypted --key" \
	"device key $D/encrypted.key: the key is encrypted with a passphrase, which provscope does not ask for: decrypt it first" \
	ps --cert "$D/cert.pem" --key "$D/encrypted.key" "$URL"
file_error "a private key as --cert" \
	"device certificate $D/key.pem: it holds a private key but no certificate" \
	ps --cert "$D/key.pem" --key "$D/key.pem" "$URL"
file_error "an empty --key" "device key $D/empty.pem: the file is empty" \
	ps --cert "$D/cert.pem" --key "$D/empty.pem" "$URL"
file_error "a damaged --cert" \
	"device certificate $D/damaged.pem: a PEM block in it is damaged: its base64 text does not decode" \
	ps --cert "$D/damaged.pem" --key "$D/key.pem" "$URL"
file_error "a text file as --ca" \
	"--ca $D/text.pem: it is neither PEM (no '-----BEGIN CERTIFICATE-----' line) nor a DER certificate" \
	ps --ca "$D/text.pem" "$URL"
file_error "a key as --ca" "--ca $D/key.pem: it holds a private key but no certificate" \
	ps --ca "$D/key.pem" "$URL"
file_error "an empty --modern-ca" "--modern-ca $D/empty.pem: the file is empty" \
	ps --modern-ca "$D/empty.pem" "$URL"
file_error "a missing --ca" "--ca $D/missing.pem: No such file or directory" \
	ps --ca "$D/missing.pem" "$URL"
file_error "cert: a damaged chain file" \
	"$D/damaged.pem: a PEM block in it is damaged: its base64 text does not decode" \
	"$PROVSCOPE" cert "$D/damaged.pem"
file_error "cert: a key as the chain file" "$D/key.pem: it holds a private key but no certificate" \
	"$PROVSCOPE" cert "$D/key.pem"
file_error "lab: a damaged file in the PKI directory" \
	"vendor-ca.pem: a PEM block in it is damaged: its base64 text does not decode (remove it to have it minted again)" \
	bash -c 'cp -r "$1" "$2" && cp "$3" "$2/vendor-ca.pem" && "$4" lab --pki "$2" --mint-device 000e08aabbcc' \
	_ "$P" "$T_DIR/pki2" "$D/damaged.pem" "$PROVSCOPE"

# DER files are taken as they are (openssl's -outform DER).
openssl x509 -in "$D/cert.pem" -outform DER -out "$D/cert.der"
openssl pkey -in "$D/key.pem" -outform DER -out "$D/key.der"
ps --cert "$D/cert.der" --key "$D/key.der" "$URL" >/dev/null 2>&1
t_eq "a DER --cert and --key: taken (the run gets to the network: exit 3)" 3 $?
file_error "a text file as --key" \
	"device key $D/text.pem: it is neither PEM (no '-----BEGIN PRIVATE KEY-----' line) nor a DER private key" \
	ps --cert "$D/cert.pem" --key "$D/text.pem" "$URL"
out=$("$PROVSCOPE" cert "$P/server.pem" --ca "$D/ca.der" --host prov.lab.test 2>&1)
t_eq "a DER --ca: the chain checks against it (exit 0)" 0 $?
t_check "a DER --ca: the phone accepts" grep -q 'the SPA942: accepts (anchor CN=provscope demo vendor CA' <<<"$out"

# --- unknown options, bare hosts, help ----------------------------------------
usage() { # DESC EXPECTED ARGS...
	local desc=$1 want=$2 err rc
	shift 2
	err=$("$PROVSCOPE" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 2 ] && [ "$err" = "provscope: $want" ]; then
		t_ok "$desc"
	else
		t_fail "$desc" "provscope $*" "exit $rc, expected 2" "expected: provscope: $want" "got:      $err"
	fi
}
usage "a typo: did you mean" "unknown option '--resovle'; did you mean --resolve HOST:PORT:ADDR[,ADDR]?" \
	--resovle x "$URL"
usage "a typo of this command's option first" "unknown option '--modles'; did you mean --models LIST?" \
	scan --modles x "$URL"
usage "curl's --cacert" "unknown option '--cacert': use --ca FILE (the CA certificates the phone trusts, PEM)" \
	--cacert x "$URL"
usage "curl's -k" "unknown option '-k': use --inspect-anyway (go on past a chain the phone rejects)" \
	-k "$URL"
usage "openssl's -CAfile" "unknown option '-CAfile': use --ca FILE (the CA certificates the phone trusts, PEM)" \
	-CAfile x "$URL"
usage "a long option with one dash" "'-batch': long options take two dashes: --batch" -batch "$URL"
usage "an ambiguous prefix" "'--mod' could be --model, --model-file, --modern-ca, --models: give the whole name" \
	--mod x "$URL"
usage "an option without its value" "--timeout needs a value: --timeout SECONDS" "$URL" --timeout
usage "nothing near" "unknown option '--frobnicate' (see --help)" --frobnicate "$URL"
usage "a bare host suggests a URL" \
	"'prov.example.net' names a host, not a file: the phone fetches a file from its server; give a URL such as 'https://prov.example.net/spa\$PSN.cfg' (a URL without a scheme is a TFTP path, as in a Profile_Rule)" \
	--batch prov.example.net
usage "a bare host and port" \
	"'10.0.0.5:8443' names a host, not a file: the phone fetches a file from its server; give a URL such as 'https://10.0.0.5:8443/spa\$PSN.cfg' (a URL without a scheme is a TFTP path, as in a Profile_Rule)" \
	--batch 10.0.0.5:8443
usage "help of no command" "help 'frob': no such command; the commands are lab, cert, profile, rule, scan, storm and merge" \
	help frob

usage "a command misspelt" "unknown command 'scna'; did you mean 'provscope scan'?" scna "$URL"
usage "a command in capitals" "unknown command 'Lab'; did you mean 'provscope lab'?" Lab
usage "version as a word" "unknown command 'version'; did you mean --version?" version
usage "curl's --ca-file habit" "unknown option '--cafile': use --ca FILE (the CA certificates the phone trusts, PEM)" \
	--cafile x "$URL"
usage "no scheme to an HTTPS port" \
	"'prov.example.net:8443/spa\$PSN.cfg' has no scheme, so the phone would fetch it over TFTP (as in a Profile_Rule), but its port is an HTTPS port: write 'https://prov.example.net:8443/spa\$PSN.cfg' (or tftp:// to mean TFTP)" \
	--batch 'prov.example.net:8443/spa$PSN.cfg'
usage "lab: a port alone" "--listen '8445': a port alone is written ':8445' (on 127.0.0.1), or 127.0.0.1:8445" \
	lab --listen 8445
"$PROVSCOPE" help help >"$T_DIR/help-help"
t_check "'provscope help help' is the help" grep -q '^Usage: provscope' "$T_DIR/help-help"
"$PROVSCOPE" --batch --format json --resolve prov.invalid:9999:127.0.0.1 https://prov.invalid:8443/x.cfg \
	>"$T_DIR/pin.json" 2>/dev/null
t_check "a --resolve for another port: net.dns says the pin is for port 9999" \
	grep -qF -- '--resolve pins prov.invalid:9999, not port 8443: a pin applies to its port alone' "$T_DIR/pin.json"

"$PROVSCOPE" help >"$T_DIR/help-word"
t_eq "'provscope help' exits 0" 0 $?
"$PROVSCOPE" --help >"$T_DIR/help"
t_check "'provscope help' is --help" cmp -s "$T_DIR/help" "$T_DIR/help-word"
for c in lab cert profile rule scan; do
	"$PROVSCOPE" help "$c" >"$T_DIR/help-$c-word"
	"$PROVSCOPE" "$c" --help >"$T_DIR/help-$c"
	t_check "'provscope help $c' is 'provscope $c --help'" cmp -s "$T_DIR/help-$c" "$T_DIR/help-$c-word"
done
t_check "lab --help: its own options" grep -q -- '--listen ADDR:PORT' "$T_DIR/help-lab"
t_check "lab --help: not a live run's" bash -c '! grep -q -- "--audit" "$1"' _ "$T_DIR/help-lab"
t_check "scan --help: --models" grep -q -- '--models LIST' "$T_DIR/help-scan"
t_check "cert --help: not --listen" bash -c '! grep -q -- "--listen" "$1"' _ "$T_DIR/help-cert"

# --- 80 columns -------------------------------------------------------------------
"$PROVSCOPE" --fault help >"$T_DIR/faults"
"$PROVSCOPE" --list-models >"$T_DIR/models"
"$PROVSCOPE" --version >"$T_DIR/version"
for f in help help-lab help-cert help-profile help-rule help-scan faults models version; do
	t_eq "$f fits 80 columns" "" "$(awk 'length > 80 { print FILENAME ": " $0 }' "$T_DIR/$f")"
done
t_eq "--fault help: a line starts with each fault's name" 17 "$(grep -c '^[a-z]' "$T_DIR/faults")"

# --- --version --------------------------------------------------------------------
v=$(sed -n '/^Libraries:/,/^[A-Z]/p' "$T_DIR/version" | tr '\n' ' ')
for lib in gnutls:GnuTLS libcurl:libcurl libmicrohttpd:libmicrohttpd jansson:jansson expat:expat zlib:zlib; do
	mod=$(pkg-config --modversion "${lib%%:*}" 2>/dev/null) || continue
	t_check "--version: ${lib#*:} $mod, as this host has it" grep -qF "${lib#*:} $mod" <<<"$v"
done
t_check "--version: ncurses" grep -qE 'ncurses 6\.[0-9]' <<<"$v"
t_check "--version: no policy, every need met" \
	bash -c '[ "$(GNUTLS_SYSTEM_PRIORITY_FILE=/dev/null "$1" --version | grep -c " yes$")" = 5 ]' _ "$PROVSCOPE"

# --- a system policy that forbids the phones' offer ---------------------------------
printf '[overrides]\ndisabled-version = tls1.0\n' >"$T_DIR/no-tls10.conf"
printf '# RC4 is gone\n[overrides]\ntls-disabled-cipher = ARCFOUR-128\n' >"$T_DIR/no-rc4.conf"
err=$(GNUTLS_SYSTEM_PRIORITY_FILE=$T_DIR/no-tls10.conf "$PROVSCOPE" --demo --batch -q 2>&1 >/dev/null)
t_eq "policy without TLS 1.0: the demo cannot start (exit 2)" 2 $?
t_check "policy without TLS 1.0: the file and its line are named" \
	grep -qF "this host's GnuTLS policy ($T_DIR/no-tls10.conf: 'disabled-version = tls1.0' (line 2))" <<<"$err"
t_check "policy without TLS 1.0: the fix" grep -qF 'GNUTLS_SYSTEM_PRIORITY_FILE=/dev/null' <<<"$err"
t_check "policy without TLS 1.0: no GnuTLS text" bash -c '! grep -q "insufficient priorities" <<<"$1"' _ "$err"
err=$(GNUTLS_SYSTEM_PRIORITY_FILE=$T_DIR/no-tls10.conf "$PROVSCOPE" scan --demo --batch -q 2>&1 >/dev/null)
t_eq "policy without TLS 1.0: a scan cannot start either (exit 2)" 2 $?
GNUTLS_SYSTEM_PRIORITY_FILE=$T_DIR/no-rc4.conf "$PROVSCOPE" --demo --batch --format json \
	>"$T_DIR/no-rc4.json" 2>/dev/null
t_eq "policy without RC4: the run goes on (exit 0)" 0 $?
seen=$(json_get "$T_DIR/no-rc4.json" '[f["detail"] for f in d["findings"] if f["id"] == "tls.local_policy"][0]')
t_check "policy without RC4: tls.local_policy names the suites left out" \
	grep -qF "the offer is not an SPA942's: this host cannot offer 2 of its 4 suites (TLS_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_RC4_128_MD5)" <<<"$seen"
t_check "policy without RC4: and the line" grep -qF "'tls-disabled-cipher = ARCFOUR-128' (line 3)" <<<"$seen"
t_eq "policy without RC4: the ClientHello offers the other two" \
	'["TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"]' \
	"$(json_get "$T_DIR/no-rc4.json" '[s["name"] for s in d["hops"][0]["tls"]["offered"]]')"
local_policy_ids() { json_get "$1" '[f["id"] for f in d["findings"] if f["id"] == "tls.local_policy"]'; }
GNUTLS_SYSTEM_PRIORITY_FILE=$T_DIR/no-rc4.conf "$PROVSCOPE" --demo --batch --format json \
	--priority 'NORMAL:+VERS-TLS1.0' >"$T_DIR/own.json" 2>/dev/null
t_eq "policy without RC4, the user's --priority: no tls.local_policy" "[]" "$(local_policy_ids "$T_DIR/own.json")"
GNUTLS_SYSTEM_PRIORITY_FILE=/dev/null "$PROVSCOPE" --demo --batch --format json >"$T_DIR/none.json" 2>/dev/null
t_eq "no policy: no tls.local_policy" "[]" "$(local_policy_ids "$T_DIR/none.json")"
v=$(GNUTLS_SYSTEM_PRIORITY_FILE=$T_DIR/no-tls10.conf "$PROVSCOPE" --version)
t_check "--version under the policy: the file" grep -qF "GnuTLS system policy: $T_DIR/no-tls10.conf" <<<"$v"
t_check "--version under the policy: TLS 1.0 no" grep -qE '^  TLS 1\.0 +no$' <<<"$v"
t_check "--version under the policy: no model's offer" grep -qF "no model's: a run says why" <<<"$v"
v=$(GNUTLS_SYSTEM_PRIORITY_FILE=$T_DIR/no-rc4.conf "$PROVSCOPE" --version)
t_check "--version without RC4: RC4 no, TLS 1.0 yes" \
	bash -c 'grep -qE "^  RC4 +no$" <<<"$1" && grep -qE "^  TLS 1\.0 +yes$" <<<"$1"' _ "$v"
t_check "--version without RC4: no model's offer whole" grep -qF "not whole for 23 of 23 models" <<<"$v"

# --- --keylog -----------------------------------------------------------------------
"$PROVSCOPE" --demo --batch -q --keylog "$T_DIR/keys.log" >/dev/null 2>&1
t_eq "--keylog: the demo runs (exit 0)" 0 $?
t_check "--keylog: NSS key log lines, a TLS 1.0 master secret each" \
	bash -c '[ "$(grep -cvE "^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$" "$1")" = 0 ] &&
		[ "$(wc -l <"$1")" -ge 5 ]' _ "$T_DIR/keys.log"
t_eq "--keylog: readable by its owner alone" 600 "$(stat -c %a "$T_DIR/keys.log")"
file_error "--keylog into a missing directory" "--keylog $T_DIR/no/keys.log: cannot write to it" \
	ps --demo --keylog "$T_DIR/no/keys.log"

# --- the lab's own "Try:" lines run as printed ------------------------------------------
LABPORT=$("$FREEPORT")
"$PROVSCOPE" lab --pki "$T_DIR/trypki" --listen "127.0.0.1:$LABPORT" >"$T_DIR/lab.out" 2>"$T_DIR/lab.err" &
LABPID=$!
T_PIDS="$T_PIDS $LABPID"
wait_port "$LABPORT" || t_bail "the lab did not start: $(cat "$T_DIR/lab.err")"
for i in $(seq 50); do grep -q '^Stop with' "$T_DIR/lab.out" && break; sleep 0.1; done
sed -n '/^Try: /,/^Stop with/p' "$T_DIR/lab.out" | sed '$d' | sed '1s/^Try: //; s/, then$//' >"$T_DIR/try.sh"
t_eq "the lab prints a Try: of two commands" 2 "$(grep -c '^ *provscope ' "$T_DIR/try.sh")"
(PATH=$(dirname "$PROVSCOPE"):$PATH; cd "$T_DIR" && bash -e "$T_DIR/try.sh") >"$T_DIR/try.out" 2>&1
t_eq "the lab's Try: lines run as printed (exit 0)" 0 $?
t_check "the lab's Try: run gets through" grep -q '^Verdict: ok' "$T_DIR/try.out"
# A device certificate of another MAC than the phone's: a warning that
# says so beside the 403 (an SPA504G plays its default MAC 0002fdaabbcc).
TP=$T_DIR/trypki
mac_run() { # OUT ARGS...: a JSON run of the SPA504G with the SPA942's certificate
	local out=$1
	shift
	"$PROVSCOPE" --batch --format json --model spa504g "$@" --ca "$TP/vendor-ca.pem" \
		--cert "$TP/device-000e08aabbcc.pem" --key "$TP/device-000e08aabbcc.key" \
		--resolve "prov.lab.test:$LABPORT:127.0.0.1" "https://prov.lab.test:$LABPORT/spa\$PSN.cfg" \
		>"$out" 2>/dev/null
}
mac_run "$T_DIR/mac.json"
t_eq "a certificate of another MAC: the lab refuses (exit 7)" 7 $?
t_eq "a certificate of another MAC: client_auth.mac_mismatch names both" \
	"the certificate sent ('CN=000e08aabbcc,OU=SPA-942,L=88019FA42805,ST=000e08aabbcc') names 000e08aabbcc; the phone's MAC is 0002fdaabbcc" \
	"$(json_get "$T_DIR/mac.json" '[f["detail"] for f in d["findings"] if f["id"] == "client_auth.mac_mismatch"][0]')"
mac_run "$T_DIR/mac-ok.json" --mac 00:0E:08:AA:BB:CC
t_eq "the certificate's MAC given with --mac: no mac_mismatch" "[]" \
	"$(json_get "$T_DIR/mac-ok.json" '[f["id"] for f in d["findings"] if f["id"] == "client_auth.mac_mismatch"]')"
# A certificate whose L (the serial, all hex here) looks like a MAC and
# whose CN names none: no MAC to compare, no warning.
printf 'cn = "SPA-942 device"\nunit = "SPA-942"\nlocality = "88019FA42805"\ntls_www_client\nexpiration_days = 30\n' \
	>"$T_DIR/serial.tmpl"
"$CERTTOOL" --generate-certificate --load-privkey "$TP/device-000e08aabbcc.key" \
	--load-ca-certificate "$TP/vendor-ca.pem" --load-ca-privkey "$TP/vendor-ca.key" \
	--template "$T_DIR/serial.tmpl" --outfile "$T_DIR/serial.pem" >/dev/null 2>&1 ||
	t_bail "certtool could not make the serial-only certificate"
"$PROVSCOPE" --batch --format json --ca "$TP/vendor-ca.pem" --cert "$T_DIR/serial.pem" \
	--key "$TP/device-000e08aabbcc.key" --resolve "prov.lab.test:$LABPORT:127.0.0.1" \
	"https://prov.lab.test:$LABPORT/spa\$PSN.cfg" >"$T_DIR/serial.json" 2>/dev/null
t_eq "a certificate with a hex serial in L and no MAC: no mac_mismatch" "[] True" \
	"$(json_get "$T_DIR/serial.json" 'str([f["id"] for f in d["findings"] if f["id"] == "client_auth.mac_mismatch"]) + " " + str(d["hops"][0]["client_auth"]["sent"])')"
kill -INT "$LABPID" 2>/dev/null

# --- the lab beyond loopback, in a network namespace of its own ----------------------
lab_warning() { # ADDR: what the lab says on stderr in its first second
	timeout -s INT 1 unshare -n sh -c 'ip link set lo up; exec "$1" lab --listen "$2"' _ \
		"$PROVSCOPE" "$1" 2>&1 >/dev/null
}
if unshare -n true 2>/dev/null; then
	t_check "lab on 0.0.0.0 (in a namespace): a warning" \
		grep -q "warning: listening on 0.0.0.0, beyond this host's loopback" <<<"$(lab_warning 0.0.0.0:0)"
	t_check "lab on [::] (in a namespace): a warning" \
		grep -q "warning: listening on \[::\]" <<<"$(lab_warning '[::]:0')"
	t_check "lab on 127.0.0.2: no warning" bash -c '! grep -q warning <<<"$1"' _ "$(lab_warning 127.0.0.2:0)"
	t_check "lab on localhost: no warning" bash -c '! grep -q warning <<<"$1"' _ "$(lab_warning localhost:0)"
else
	t_skip "lab beyond loopback" "network namespaces (unshare -n) are not permitted here"
fi

t_done
