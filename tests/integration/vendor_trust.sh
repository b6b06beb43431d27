#!/bin/bash
# Vendor trust by model and firmware (Cisco's SPA CA list): what
# chain.vendor_ca says when the phone's trust cannot be checked (no --ca) or
# it rejects the chain for want of a trusted CA, against real nginx servers
# whose chains end at CAs named like the vendor CAs (made by certtool at
# test time); the device CA a client certificate is recognised by; and the
# verdicts, where --ca is the CA, checked against openssl verify.
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v "$NGINX" >/dev/null || t_bail "nginx not found (.ci/run installs it)"
mk_pki || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
SERVER=('cn = "localhost"' 'dns_name = "localhost"' 'ip_address = "127.0.0.1"')
mk_ca sb "Cisco Small Business CA" &&
	mk_cert srv-sb sb server "${SERVER[@]}" &&
	mk_ca sipura "Sipura CA" &&
	mk_cert srv-sipura sipura server "${SERVER[@]}" &&
	mk_ca linksys-client "Linksys CA Client Root" &&
	mk_cert dev-linksys linksys-client client 'cn = "000e08aabbcc"' 'unit = "SPA-942"' \
		'locality = "88019FA42805"' 'state = "000e08aabbcc"' ||
	t_bail "certtool failed"
cat "$P/client-ca.pem" "$P/linksys-client.pem" >"$P/clients.pem"
REQUIRE="ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'AES256-SHA:DHE-RSA-AES256-SHA:@SECLEVEL=0';
	ssl_verify_client on; ssl_client_certificate $P/clients.pem;"
NGINX_CERT=$P/srv-sb.pem NGINX_KEY=$P/srv-sb.key start_nginx sb "$REQUIRE" || t_bail "nginx did not start"
SB=$NGINX_PORT
NGINX_CERT=$P/srv-sipura.pem NGINX_KEY=$P/srv-sipura.key start_nginx sipura "$REQUIRE" ||
	t_bail "nginx did not start"
SIPURA=$NGINX_PORT
DEV=(--cert "$P/device.pem" --key "$P/device.key")

# vendor J: "SEVERITY DETAIL" of chain.vendor_ca, "-" when none.
vendor() {
	json_get "$1" '([f["severity"]+" "+f["detail"] for f in d["findings"] if f["id"]=="chain.vendor_ca"]+["-"])[0]'
}

# 1. No --ca: what each model trusts, and where the chain ends.
J=$T_DIR/942-sb.json
run_ps "$J" "${DEV[@]}" "https://localhost:$SB/spa000e08aabbcc.xml"
t_eq "SPA942, a chain ending at a CA named Cisco Small Business: a warning, the CA it trusts" \
	"warning an SPA942 on 6.1.5(a) trusts the Sipura CA (Cisco's SPA CA list); this chain ends at 'CN=Cisco Small Business CA,O=provscope test', by its name the Cisco Small Business CA (of the SPA1xx, SPA232D, SPA3xx, SPA5xx), which the SPA942 does not trust" \
	"$(vendor "$J")"
J=$T_DIR/504g-sb.json
run_ps "$J" --model spa504g "${DEV[@]}" "https://localhost:$SB/spa000e08aabbcc.xml"
t_eq "SPA504G on 7.5.5, the same chain: info, its own CA by name, give it with --ca" \
	"info an SPA504G on 7.5.5 trusts the Cisco Small Business CA (Cisco's SPA CA list); this chain ends at 'CN=Cisco Small Business CA,O=provscope test', by its name the Cisco Small Business CA: give that CA's certificate with --ca to check the signatures" \
	"$(vendor "$J")"
J=$T_DIR/504g-756.json
run_ps "$J" --model spa504g --firmware 7.5.6 "${DEV[@]}" "https://localhost:$SB/spa000e08aabbcc.xml"
t_check "SPA504G on 7.5.6: the 2k CA as well" \
	grep -qF 'an SPA504G on 7.5.6 trusts the Cisco 2k Small Business CA or the Cisco Small Business CA' "$J"
J=$T_DIR/122-old.json
run_ps "$J" --model spa122 --firmware '1.3.2(014)' "${DEV[@]}" "https://localhost:$SB/spa000e08aabbcc.xml"
t_check "SPA122 before 1.3.3: the Small Business CA only" \
	grep -qF 'an SPA122 on 1.3.2(014) trusts the Cisco Small Business CA (' "$J"
J=$T_DIR/303-sipura.json
run_ps "$J" --model spa303 "${DEV[@]}" "https://localhost:$SIPURA/spa000e08aabbcc.xml"
t_eq "SPA303: listed under the Small Business and the Sipura CA; a Sipura chain is its own" "info" \
	"$(vendor "$J" | cut -d' ' -f1)"
t_check "SPA303: both CAs named" grep -qF 'trusts the Cisco Small Business CA or the Sipura CA' "$J"

# 2. --ca is the vendor CA: no word of it; the verdict agrees with openssl.
J=$T_DIR/942-sipura-ca.json
run_ps "$J" --ca "$P/sipura.pem" "${DEV[@]}" "https://localhost:$SIPURA/spa000e08aabbcc.xml"
t_eq "SPA942, --ca the Sipura-named CA: accepted, no chain.vendor_ca" "0 accept -" \
	"$PS_RC $(json_get "$J" 'd["hops"][0]["chain"]["phone_verdict"]') $(vendor "$J")"
t_check "openssl verify agrees: the chain verifies with that CA" \
	openssl verify -CAfile "$P/sipura.pem" "$P/srv-sipura.pem"

t_eq "SPA942, --ca the Small Business-named CA: accepted, but chain.vendor_ca warns" \
	"0 warning" "$(run_ps "$T_DIR/942-sb-ca.json" --ca "$P/sb.pem" "${DEV[@]}" \
		"https://localhost:$SB/spa000e08aabbcc.xml"; echo "$PS_RC") $(vendor "$T_DIR/942-sb-ca.json" | cut -d' ' -f1)"
t_check "...saying --ca accepts it, but the phone would not if the name is right" \
	grep -qF -- "--ca accepts it, but the phone would not if the name is right" "$T_DIR/942-sb-ca.json"
J=$T_DIR/8000.json
run_ps "$J" --model spa8000 "${DEV[@]}" "https://localhost:$SIPURA/spa000e08aabbcc.xml"
t_check "SPA8000: its Sipura CA is assumed, and the finding says so" \
	grep -qF "an SPA8000 on 6.1.11 trusts the Sipura CA (assumed: the model is not in the part of Cisco's SPA CA list that survives)" "$J"
# A name that holds "Small Business" without "Cisco" is no vendor CA.
mk_ca acme "Acme Small Business Services CA" && mk_cert srv-acme acme server "${SERVER[@]}" ||
	t_bail "certtool failed"
"$PROVSCOPE" cert --batch --format json "$P/srv-acme.pem" --host localhost >"$T_DIR/acme.json" 2>/dev/null
t_eq "a CA named Acme Small Business Services: info, no vendor CA named" "info no" \
	"$(vendor "$T_DIR/acme.json" | cut -d' ' -f1) $(grep -q 'by its name' "$T_DIR/acme.json" && echo yes || echo no)"

# 3. --ca another CA: the phone rejects; the finding says what it trusts.
J=$T_DIR/942-wrong-ca.json
run_ps "$J" --ca "$P/server-ca.pem" "${DEV[@]}" "https://localhost:$SIPURA/spa000e08aabbcc.xml"
t_eq "SPA942, --ca another CA: exit 5, chain.vendor_ca names the Sipura CA by the chain's end" \
	"5 info" "$PS_RC $(vendor "$J" | cut -d' ' -f1)"
t_check "SPA942, --ca another CA: by its name the Sipura CA" \
	grep -qF "by its name the Sipura CA: give that CA's certificate with --ca" "$J"
t_check "openssl verify agrees: the chain does not verify with that CA" \
	bash -c "! openssl verify -CAfile '$P/server-ca.pem' '$P/srv-sipura.pem' >/dev/null 2>&1"

# 4. The device CA a client certificate is recognised by.
J=$T_DIR/dev-linksys.json
run_ps "$J" --ca "$P/sipura.pem" --cert "$P/dev-linksys.pem" --key "$P/dev-linksys.key" \
	"https://localhost:$SIPURA/spa000e08aabbcc.xml"
t_eq "a device certificate from a CA named Linksys CA Client Root: an SPA942's factory one" \
	"0 by its issuer's name the Linksys CA Client Root, which signs an SPA942's factory certificate True" \
	"$PS_RC $(json_get "$J" 'd["hops"][0]["client_auth"]["device_ca"]+" "+str(d["hops"][0]["client_auth"]["device_ca_factory"])')"
J=$T_DIR/dev-122.json
run_ps "$J" --model spa122 --ca "$P/sipura.pem" --cert "$P/dev-linksys.pem" --key "$P/dev-linksys.key" \
	"https://localhost:$SIPURA/spa000e08aabbcc.xml"
t_check "the same certificate played as an SPA122: another vendor's device CA" \
	grep -qF "not the Sipura CA Client Root, which signs an SPA122's factory certificate" "$J"
J=$T_DIR/dev-own.json
run_ps "$J" --ca "$P/sipura.pem" "${DEV[@]}" "https://localhost:$SIPURA/spa000e08aabbcc.xml"
t_eq "a certificate of the test PKI: the server's own PKI" \
	"not from the Linksys CA Client Root, which signs an SPA942's factory certificate: a certificate of the server's own PKI False" \
	"$(json_get "$J" 'd["hops"][0]["client_auth"]["device_ca"]+" "+str(d["hops"][0]["client_auth"]["device_ca_factory"])')"
T=$T_DIR/dev-own.txt
"$PROVSCOPE" --batch -v --ca "$P/sipura.pem" "${DEV[@]}" "https://localhost:$SIPURA/spa000e08aabbcc.xml" >"$T" 2>&1
t_check "text -v: the device CA sentence under the certificate" grep -qF "not from the Linksys CA Client Root" "$T"

# 5. A scan: each model its own sentence, the SPA942's a warning.
J=$T_DIR/scan.json
"$PROVSCOPE" scan --batch --format json --timeout 5 --models spa942,spa504g "${DEV[@]}" \
	"https://localhost:$SB/spa000e08aabbcc.xml" >"$J" 2>/dev/null
t_eq "scan: chain.vendor_ca a warning for the SPA942, info for the SPA504G" "warning:spa942 info:spa504g" \
	"$(json_get "$J" '" ".join(f["severity"]+":"+",".join(f["models"]) for f in d["findings"] if f["id"]=="chain.vendor_ca")')"

t_done
