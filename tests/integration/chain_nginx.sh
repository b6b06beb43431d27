#!/bin/bash
# The server certificate chain check against nginx serving each classic
# mistake, with a certtool-made PKI: a vendor server CA (what the phone
# trusts, --ca), a "public" CA that only the modern client trusts
# (--modern-ca), and an intermediate under the vendor CA.
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v "$NGINX" >/dev/null || t_bail "nginx not found (.ci/run installs it)"
P=$T_DIR/pki
mk_pki || t_bail "certtool could not make the test PKI"
mk_ca public-ca "Public Web Root CA" || t_bail "certtool failed"
MK_KEY=$P/server.key
export MK_KEY
LH=('cn = "localhost"' 'dns_name = "localhost"')
{
	mk_cert public public-ca server "${LH[@]}" &&
	mk_cert expired server-ca server "${LH[@]}" 'activation_date = "2020-01-01 00:00:00"' \
		'expiration_date = "2021-01-01 00:00:00"' &&
	mk_cert future server-ca server "${LH[@]}" 'activation_date = "2035-01-01 00:00:00"' \
		'expiration_date = "2036-01-01 00:00:00"' &&
	mk_cert wrongname server-ca server 'cn = "other.example.net"' 'dns_name = "other.example.net"' &&
	mk_cert sanonly server-ca server 'organization = "No CN Inc"' 'dns_name = "localhost"' &&
	mk_cert cnonly server-ca server 'cn = "localhost"' &&
	MK_HASH=SHA1 mk_cert sha1 server-ca server "${LH[@]}" &&
	mk_cert clientonly server-ca client "${LH[@]}" &&
	MK_KEY= mk_cert inter server-ca ca 'cn = "Vendor Intermediate CA"' &&
	mk_cert vialeaf inter server "${LH[@]}" &&
	MK_KEY= mk_cert plain server-ca server 'cn = "Not A CA"' &&
	mk_cert notca plain server "${LH[@]}"
} || t_bail "certtool could not make the test certificates"
MK_KEY= MK_BITS=1024 mk_cert weak server-ca server "${LH[@]}" || t_bail "certtool failed (1024)"
cat >"$P/self.tmpl" <<'EOT'
cn = "localhost"
dns_name = "localhost"
expiration_days = 365
signing_key
encryption_key
tls_www_server
EOT
"$CERTTOOL" --generate-self-signed --load-privkey "$P/server.key" --template "$P/self.tmpl" \
	--outfile "$P/self.pem" >/dev/null 2>&1 || t_bail "certtool failed (self-signed)"

# serve NAME FILES...: nginx with the concatenation of FILES as its chain.
serve() {
	local name=$1
	shift
	local chain=$T_DIR/chain-$name.pem key=$P/server.key
	for f in "$@"; do cat "$P/$f.pem"; done >"$chain"
	[ "$1" = weak ] && key=$P/weak.key
	NGINX_CERT=$chain NGINX_KEY=$key start_nginx "$name" \
		"ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'AES256-SHA:@SECLEVEL=0';" ||
		t_bail "nginx did not start for $name"
	URL=https://localhost:$NGINX_PORT/spa000e08aabbcc.xml
	CHAIN=$chain
}

# check NAME EXIT FINDING [ARGS...]: run against the server, expect the exit
# code and that FINDING (or "-" for none from the chain) is reported.
check() {
	local name=$1 want=$2 finding=$3
	shift 3
	J=$T_DIR/$name.json
	run_ps "$J" --ca "$P/server-ca.pem" --modern-ca "$P/public-ca.pem" "$@" "$URL"
	local ids
	ids=$(json_get "$J" '" ".join(f["id"] for f in d["findings"])')
	if [ "$PS_RC" = "$want" ] && { [ "$finding" = - ] || [[ " $ids " == *" $finding "* ]]; }; then
		t_ok "$name: exit $want${finding:+, $finding}"
	else
		t_fail "$name: exit $want, $finding" "got exit $PS_RC, findings: $ids" \
			"$(cat "$J.err")"
	fi
}

serve good server
check "directly signed by the vendor CA" 0 -
t_eq "good chain: both verdicts accept" "accept accept" \
	"$(json_get "$J" 'd["hops"][0]["chain"]["phone_verdict"]+" "+d["hops"][0]["chain"]["modern_verdict"]')"
t_eq "good chain: the tls.chain step comes inside the handshake, before the client auth" \
	"rule.expand resolve connect tls.handshake tls.chain tls.client_auth http profile.decode profile.parse" \
	"$(json_get "$J" '" ".join(s["id"] for s in d["hops"][0]["steps"])')"
C0='d["hops"][0]["chain"]["certificates"][0]'
t_eq "good chain: the certificate facts" "CN=localhost RSA 2048 RSA-SHA256 false [\"DNS:localhost\", \"IP:127.0.0.1\"] 64" \
	"$(json_get "$J" "\" \".join([$C0[\"subject\"], $C0[\"key_type\"], str($C0[\"key_bits\"]), $C0[\"signature_algorithm\"], json.dumps($C0[\"ca\"]), json.dumps($C0[\"sans\"]), str(len($C0[\"sha256\"]))])")"
t_eq "good chain: every check of the link passes or does not apply" "pass pass pass pass n/a" \
	"$(json_get "$J" '" ".join(d["hops"][0]["chain"]["links"][0]["checks"][n]["result"] for n in ("issuer_name","signature","validity","issuer_is_ca","path_len"))')"
t_eq "good chain: the anchor is the vendor CA" "CN=Test Vendor Server CA,O=provscope test" \
	"$(json_get "$J" 'd["hops"][0]["chain"]["anchor"]')"

# The same chain offline gives the same chain section.
"$PROVSCOPE" cert --format json --ca "$P/server-ca.pem" --modern-ca "$P/public-ca.pem" \
	--host localhost --at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$CHAIN" >"$T_DIR/offline.json"
t_eq "provscope cert: mode cert, exit 0" "cert 0" "$(json_get "$T_DIR/offline.json" 'd["mode"]+" "+str(d["exit_code"])')"
# Everything but the time of the check and the phone's host-name line, which
# in a live run also names the address connected to.
SAME='k=("certificates","links","anchor","phone_verdict","modern_verdict","reasons","hostname_modern","modern","phone","host"); json.dumps({x: d["chain" if "chain" in d else "hops"][x] if "chain" in d else d["hops"][0]["chain"][x] for x in k}, sort_keys=True)'
norm() { json_get "$1" "$SAME" | sed 's/checked at [0-9: -]*UTC/checked at T/g; s/valid at [0-9: -]*UTC/valid at T/g'; }
t_eq "provscope cert and the live run give the same chain section" "$(norm "$J")" "$(norm "$T_DIR/offline.json")"

# --host takes an IP literal: the phone compares it with the CN, a modern
# client with the IP subjectAltName.
"$PROVSCOPE" cert --format json --ca "$P/server-ca.pem" --host 127.0.0.1 "$P/server.pem" >"$T_DIR/ip.json"
t_eq "provscope cert --host 127.0.0.1: exit 5, the phone's CN rule fails, the IP SAN matches" \
	"5 fail pass" "$(json_get "$T_DIR/ip.json" 'str(d["exit_code"])+" "+d["chain"]["hostname_phone"]["result"]+" "+d["chain"]["hostname_modern"]["result"]')"

serve public public
check "certificate from a public CA" 5 chain.untrusted_root
t_eq "public CA: a browser would accept it, the phone will not" "reject accept" \
	"$(json_get "$J" 'd["hops"][0]["chain"]["phone_verdict"]+" "+d["hops"][0]["chain"]["modern_verdict"]')"
t_check "public CA: the summary says the phone does not trust that CA" \
	grep -q "a browser would accept this certificate; an SPA942 will not" "$J"
t_eq "public CA: the phone ends the handshake (tls.chain failed, no client auth)" "fail false" \
	"$(json_get "$J" '[s["status"] for s in d["hops"][0]["steps"] if s["id"]=="tls.chain"][0]+" "+json.dumps(d["hops"][0]["tls"]["established"])')"
check "public CA with --inspect-anyway" 5 chain.untrusted_root --inspect-anyway
t_eq "--inspect-anyway: the handshake goes on and says the phone would not" "true true" \
	"$(json_get "$J" 'json.dumps(d["hops"][0]["tls"]["established"])+" "+json.dumps("--inspect-anyway" in [s for s in d["hops"][0]["steps"] if s["id"]=="tls.chain"][0]["summary"])')"

serve expired expired
check "expired certificate" 5 chain.expired
check "expired certificate at the phone's clock --at 2020-06-01" 0 - --at 2020-06-01
serve future future
check "certificate not yet valid" 5 chain.not_yet_valid
t_check "not yet valid: the fix names the phone's clock and --at" grep -q -- "--at" "$J"
serve wrongname wrongname
check "name does not match" 5 chain.hostname_mismatch
serve sanonly sanonly
check "no CN (subjectAltName only)" 5 chain.cn_missing
t_eq "no CN: a modern client accepts it" accept "$(json_get "$J" 'd["hops"][0]["chain"]["modern_verdict"]')"
serve cnonly cnonly
check "CN only, no subjectAltName: the phone accepts" 0 chain.hostname_mismatch
t_eq "CN only: the modern client rejects it" "accept reject" \
	"$(json_get "$J" 'd["hops"][0]["chain"]["phone_verdict"]+" "+d["hops"][0]["chain"]["modern_verdict"]')"
serve weak weak
check "1024-bit key: the phone accepts, a modern client does not" 0 chain.weak_key
serve sha1 sha1
check "SHA-1 signature: the phone accepts, a modern client does not" 0 chain.weak_signature
serve clientonly clientonly
check "extended key usage without serverAuth" 0 chain.key_usage
serve missing vialeaf
check "intermediate not sent" 5 chain.missing_intermediate
serve inter vialeaf inter
check "intermediate sent: flagged for the phone" 0 chain.intermediate_present
serve order vialeaf server-ca inter
check "chain out of order, with the root" 0 chain.out_of_order
serve rootsent server server-ca
check "root sent along" 0 chain.root_sent
serve self self
check "self-signed certificate" 5 chain.self_signed
serve notca notca plain
check "issued by a certificate that is no CA" 5 chain.issuer_not_ca

# Without --ca the phone's trust cannot be judged: a warning, not a failure.
serve noca server
J=$T_DIR/noca.json
run_ps "$J" "$URL"
t_eq "no --ca: exit 0 with the warning chain.trust_unknown" "0 warning" \
	"$PS_RC $(json_get "$J" '[f["severity"] for f in d["findings"] if f["id"]=="chain.trust_unknown"][0]')"
t_eq "no --ca: no chain finding is an error" "" \
	"$(json_get "$J" '" ".join(f["id"] for f in d["findings"] if f["severity"]=="error")')"
t_eq "no --ca: the phone's verdict is unknown (not judged), a modern client's its own" \
	"unknown reject" \
	"$(json_get "$J" 'd["hops"][0]["chain"]["phone_verdict"] + " " + d["hops"][0]["chain"]["modern_verdict"]')"
run_ps "$T_DIR/noca-expect.json" --expect chain.phone_verdict=unknown "$URL"
t_eq "no --ca: --expect chain.phone_verdict=unknown holds" 0 "$PS_RC"
COLUMNS=1000 "$PROVSCOPE" --batch -v "$URL" >"$T_DIR/noca.txt" 2>&1
t_check "no --ca: the text says the phone's trust is not judged" \
	grep -q 'the SPA942: trust not judged (no --ca)' "$T_DIR/noca.txt"

t_done
