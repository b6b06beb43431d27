#!/bin/bash
# What a certificate given with --ca anchors, against real verifiers: a CA
# ends the path; an end-entity certificate that is not self-signed (the
# server certificate itself given as trusted) does not, for the phone nor
# for a modern client, as openssl verify -CAfile and certtool --verify
# refuse it. No network: `provscope cert` on certtool-made certificates.
. "$TOP_SRCDIR/tests/integration/lib.sh"

mk_ca ca "Test Anchor CA" || t_bail "certtool could not make the CA"
mk_cert ee ca server 'cn = "prov.example.net"' 'dns_name = "prov.example.net"' ||
	t_bail "certtool could not make the server certificate"
P=$T_DIR/pki

# verdicts CA-FILE: "phone modern" from provscope cert on the server certificate.
verdicts() {
	"$PROVSCOPE" cert --format json --no-system-trust --ca "$1" --host prov.example.net \
		"$P/ee.pem" >"$T_DIR/out.json" 2>"$T_DIR/err"
	echo "$(json_get "$T_DIR/out.json" 'd["chain"]["phone_verdict"]')" \
		"$(json_get "$T_DIR/out.json" 'd["chain"]["modern_verdict"]')"
}

# The CA as anchor: everyone accepts.
t_check "openssl verify accepts the server certificate under its CA" \
	openssl verify -CAfile "$P/ca.pem" "$P/ee.pem"
t_eq "provscope: the phone and a modern client accept it under its CA" \
	"accept accept" "$(verdicts "$P/ca.pem")"

# The server certificate as its own anchor.
if openssl verify -CAfile "$P/ee.pem" "$P/ee.pem" >"$T_DIR/openssl" 2>&1; then
	t_fail "openssl verify refuses an end-entity certificate as anchor" "$(cat "$T_DIR/openssl")"
else
	t_ok "openssl verify refuses an end-entity certificate as anchor"
fi
"$CERTTOOL" --verify --load-ca-certificate "$P/ee.pem" --infile "$P/ee.pem" >"$T_DIR/certtool" 2>&1
t_check "certtool --verify refuses it (issuer unknown)" \
	grep -q "certificate issuer is unknown" "$T_DIR/certtool"
t_eq "provscope: the phone and a modern client refuse it" "reject reject" "$(verdicts "$P/ee.pem")"
t_check "the reason says it is an end-entity certificate, not a trust anchor" \
	python3 -c 'import json,sys
c=json.load(open(sys.argv[1]))["chain"]
for w in ("phone","modern"):
    assert any("end-entity certificate issued by" in r and "trust anchor" in r
               for r in c[w]["reasons"]), c[w]["reasons"]' "$T_DIR/out.json"
t_check "and names chain.untrusted_root" grep -q '"chain.untrusted_root"' "$T_DIR/out.json"

t_done
