#!/bin/bash
# The phone's TLS handshake against real nginx servers (OpenSSL: an
# independent TLS stack) on free loopback ports, with a test PKI made by
# certtool: a legacy server with client certificates, a TLS 1.2+ server and
# a server on nginx's defaults.
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v "$NGINX" >/dev/null || t_bail "nginx not found (.ci/run installs it)"
mk_pki || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
SPA942_PRIORITY=$("$PROVSCOPE" --list-models -v | awk '$1 == "priority:" { print $2; exit }')

# 1. Legacy nginx: TLS 1.0 with AES256-SHA, client certificate required.
start_nginx legacy "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'AES256-SHA:@SECLEVEL=0';
	ssl_verify_client on; ssl_client_certificate $P/client-ca.pem;" || t_bail "nginx did not start"
URL=https://localhost:$NGINX_PORT/spa000e08aabbcc.xml
J=$T_DIR/legacy.json
run_ps "$J" --ca "$P/server-ca.pem" --cert "$P/device.pem" --key "$P/device.key" "$URL"
t_eq "legacy nginx with the device certificate: exit 0" 0 "$PS_RC"
t_eq "schema is provscope/1" provscope/1 "$(json_get "$J" 'd["schema"]')"
t_eq "version is TLS1.0" TLS1.0 "$(json_get "$J" 'd["hops"][0]["tls"]["version"]')"
t_eq "suite is TLS_RSA_WITH_AES_256_CBC_SHA" TLS_RSA_WITH_AES_256_CBC_SHA \
	"$(json_get "$J" 'd["hops"][0]["tls"]["cipher_suite"]')"
t_eq "the four phone suites were offered in order" \
	"0x0035 0x002F 0x0005 0x0004" \
	"$(json_get "$J" '" ".join(s["id"] for s in d["hops"][0]["tls"]["offered"])')"
t_eq "full message sequence in wire order" \
	"out:ClientHello in:ServerHello in:Certificate in:CertificateRequest in:ServerHelloDone out:Certificate out:ClientKeyExchange out:CertificateVerify out:ChangeCipherSpec out:Finished in:ChangeCipherSpec in:Finished" \
	"$(json_get "$J" '" ".join(m["dir"]+":"+m["type"] for m in d["hops"][0]["tls"]["handshake"])')"
t_eq "Finished messages are marked encrypted" "True True" \
	"$(json_get "$J" '" ".join(str(m["encrypted"]) for m in d["hops"][0]["tls"]["handshake"] if m["type"]=="Finished")')"
t_eq "a certificate was requested" true "$(json_get "$J" 'd["hops"][0]["client_auth"]["requested"]')"
t_eq "and sent" true "$(json_get "$J" 'd["hops"][0]["client_auth"]["sent"]')"
t_eq "the acceptable CA is the vendor client CA" '["CN=Test Vendor Client CA,O=provscope test"]' \
	"$(json_get "$J" 'd["hops"][0]["client_auth"]["acceptable_cas"]')"
t_eq "the device certificate's issuer is among them" true \
	"$(json_get "$J" 'd["hops"][0]["client_auth"]["issuer_accepted"]')"
t_eq "the phone sends no SNI (no extensions)" null "$(json_get "$J" 'd["hops"][0]["tls"]["sni"]')"
t_eq "verdict ok" ok "$(json_get "$J" 'd["verdict"]')"

# The negotiated suite agrees with gnutls-cli using the same priority string.
CLI=$(gnutls-cli --priority "$SPA942_PRIORITY" --insecure --port "$NGINX_PORT" \
	--x509certfile "$P/device.pem" --x509keyfile "$P/device.key" 127.0.0.1 </dev/null 2>&1 |
	sed -n 's/^- Description: //p' | sed 's/-X\.509//')
t_eq "gnutls-cli with the same priority reports the same session" "$CLI" \
	"$(json_get "$J" 'd["hops"][0]["tls"]["description"]')"

# A device certificate from another CA: nginx completes the handshake (its
# refusal comes later as an HTTP 400 page); the CA list shows the mismatch.
J=$T_DIR/rogue.json
run_ps "$J" --ca "$P/server-ca.pem" --cert "$P/rogue.pem" --key "$P/rogue.key" "$URL"
t_eq "rogue device certificate: still sent, as a phone does" true \
	"$(json_get "$J" 'd["hops"][0]["client_auth"]["sent"]')"
t_eq "rogue device certificate: issuer not among the acceptable CAs" false \
	"$(json_get "$J" 'd["hops"][0]["client_auth"]["issuer_accepted"]')"
t_eq "rogue device certificate: finding client_auth.ca_mismatch" true \
	"$(json_get "$J" '"client_auth.ca_mismatch" in [f["id"] for f in d["findings"]]')"

# No device certificate: an empty Certificate message goes out.
J=$T_DIR/nocert.json
run_ps "$J" --ca "$P/server-ca.pem" "$URL"
t_eq "no --cert: requested but not sent" "True False" \
	"$(json_get "$J" 'str(d["hops"][0]["client_auth"]["requested"])+" "+str(d["hops"][0]["client_auth"]["sent"])')"
t_eq "no --cert: the phone's Certificate message is empty" "empty: no certificate" \
	"$(json_get "$J" '[m["info"] for m in d["hops"][0]["tls"]["handshake"] if m["dir"]=="out" and m["type"]=="Certificate"][0]')"

# 2. nginx with TLS 1.2 and 1.3 only: alert protocol_version, exit 4.
start_nginx modern "ssl_protocols TLSv1.2 TLSv1.3;" || t_bail "nginx did not start"
J=$T_DIR/modern.json
run_ps "$J" --ca "$P/server-ca.pem" "https://localhost:$NGINX_PORT/spa000e08aabbcc.xml"
t_eq "TLS 1.2+ nginx: exit 4" 4 "$PS_RC"
t_eq "TLS 1.2+ nginx: finding tls.protocol_version" tls.protocol_version \
	"$(json_get "$J" 'd["findings"][0]["id"]')"
t_eq "TLS 1.2+ nginx: the server's alert is protocol_version (70)" 70 \
	"$(json_get "$J" 'd["hops"][0]["tls"]["alert_received"]')"
t_eq "TLS 1.2+ nginx: the finding names the protocol version" true \
	"$(json_get "$J" '"protocol_version" in d["findings"][0]["detail"]')"
t_eq "TLS 1.2+ nginx: the modern probe gets TLS1.3" TLS1.3 \
	"$(json_get "$J" 'd["hops"][0]["tls"]["modern_probe"]["version"]')"
t_eq "TLS 1.2+ nginx: the finding says what a modern client gets" true \
	"$(json_get "$J" '"would accept TLS1.3" in d["findings"][0]["detail"]')"

# 3. nginx on its defaults: OpenSSL 3 answers TLS 1.0 with internal_error.
start_nginx defaults "" || t_bail "nginx did not start"
J=$T_DIR/defaults.json
run_ps "$J" --ca "$P/server-ca.pem" "https://localhost:$NGINX_PORT/"
t_eq "default nginx: exit 4" 4 "$PS_RC"
t_eq "default nginx: internal_error read as tls.protocol_version" "tls.protocol_version 80" \
	"$(json_get "$J" 'd["findings"][0]["id"]+" "+str(d["hops"][0]["tls"]["alert_received"])')"
t_eq "default nginx: that reading rests on a modern client getting through" true \
	"$(json_get "$J" '"security level" in d["findings"][0]["detail"] and "would accept" in d["findings"][0]["detail"]')"

# 4. Text output says the same in words.
COLUMNS=1000 "$PROVSCOPE" --batch --timeout 5 "https://localhost:$NGINX_PORT/" >"$T_DIR/out.txt" 2>&1
t_check "text output names the finding and its fix" \
	grep -q "tls.protocol_version" "$T_DIR/out.txt"
t_check "text output ends with the verdict and exit code" \
	grep -q "^Verdict: fail: .*(exit 4)" "$T_DIR/out.txt"

t_done
