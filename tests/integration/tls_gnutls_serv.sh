#!/bin/bash
# The phone's TLS handshake against gnutls-serv, which can serve RC4 (nginx
# on OpenSSL 3 cannot) and refuses client certificates with TLS alerts.
# gnutls-serv binds the wildcard address, so this script runs inside a
# network namespace of its own with only loopback up.
. "$TOP_SRCDIR/tests/integration/lib.sh"
in_netns "$0" "$@"
if [ "$NETNS" != yes ]; then
	echo "1..0 # SKIP network namespaces (unshare -n) are not permitted here"
	exit 0
fi

command -v "$GNUTLS_SERV" >/dev/null || t_bail "gnutls-serv not found (.ci/run installs gnutls-bin)"
mk_pki || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
SPA942_PRIORITY=$("$PROVSCOPE" --list-models -v | awk '$1 == "priority:" { print $2; exit }')
LEGACY='NONE:+VERS-TLS1.0:+RSA:+COMP-NULL:+SIGN-ALL:+CTYPE-X509'

# 1. RC4-128-SHA only.
start_gnutls_serv rc4sha --priority "$LEGACY:+ARCFOUR-128:+SHA1" || t_bail "gnutls-serv did not start"
J=$T_DIR/rc4sha.json
run_ps "$J" --handshake-only --ca "$P/server-ca.pem" "https://localhost:$GS_PORT/"
t_eq "RC4-SHA-only server: exit 0" 0 "$PS_RC"
t_eq "RC4-SHA-only server: TLS_RSA_WITH_RC4_128_SHA" TLS_RSA_WITH_RC4_128_SHA \
	"$(json_get "$J" 'd["hops"][0]["tls"]["cipher_suite"]')"
CLI=$(gnutls-cli --priority "$SPA942_PRIORITY" --insecure --port "$GS_PORT" 127.0.0.1 \
	</dev/null 2>&1 | sed -n 's/^- Description: //p' | sed 's/-X\.509//')
t_eq "gnutls-cli with the same priority reports the same session" "$CLI" \
	"$(json_get "$J" 'd["hops"][0]["tls"]["description"]')"

# The whole exchange over RC4: the phone's TLS carries curl's HTTP request
# on the same connection (gnutls-serv answers with an HTML page).
J=$T_DIR/rc4http.json
run_ps "$J" --ca "$P/server-ca.pem" "https://localhost:$GS_PORT/spa000e08aabbcc.xml"
t_eq "RC4-SHA-only server: HTTP 200 over the phone's RC4 session, sent with the phone's User-Agent" \
	"200 TLS_RSA_WITH_RC4_128_SHA User-Agent: Linksys/SPA-942-6.1.5(a) (88019FA42805)" \
	"$(json_get "$J" 'str(d["hops"][0]["http"]["status"])+" "+d["hops"][0]["tls"]["cipher_suite"]+" "+[h for h in d["hops"][0]["http"]["request_headers"] if h.startswith("User-Agent")][0]')"
t_eq "an HTML page is no profile: exit 8, profile.no_flat_profile; the RC4 session a warning" \
	"8 profile.no_flat_profile tls.rc4" \
	"$PS_RC $(json_get "$J" '" ".join([f["id"] for f in d["findings"] if f["severity"]=="error"]+[f["id"] for f in d["findings"] if f["severity"]=="warning"])')"

# provscope scan of the RC4-SHA server (GnuTLS, another stack than
# nginx's): only RC4-SHA accepted alone, and every model gets it.
J=$T_DIR/rc4scan.json
"$PROVSCOPE" scan --batch --format json --handshake-only --ca "$P/server-ca.pem" \
	"https://localhost:$GS_PORT/" >"$J" 2>"$J.err"
t_eq "scan of the RC4-SHA server: exit 0, the only suite accepted alone is RC4-SHA" \
	"0 RC4-SHA" \
	"$? $(json_get "$J" '" ".join(s["openssl_name"] for s in d["scan"]["cipher_suites"] if s["accepted"])')"
t_eq "scan of the RC4-SHA server: every model on TLS_RSA_WITH_RC4_128_SHA" \
	"$("$PROVSCOPE" --list-models | grep -c '^[a-z]')" \
	"$(json_get "$J" 'len([m for m in d["scan"]["models"] if m["tls"]["cipher_suite"] == "TLS_RSA_WITH_RC4_128_SHA"])')"
t_eq "scan of the RC4-SHA server: TLS 1.0 only" "TLS1.0" \
	"$(json_get "$J" '" ".join(p["version"] for p in d["scan"]["protocols"] if p["accepted"])')"

# 2. RC4-128-MD5 only.
start_gnutls_serv rc4md5 --priority "$LEGACY:+ARCFOUR-128:+MD5" || t_bail "gnutls-serv did not start"
J=$T_DIR/rc4md5.json
run_ps "$J" --handshake-only --ca "$P/server-ca.pem" "https://localhost:$GS_PORT/"
t_eq "RC4-MD5-only server: TLS_RSA_WITH_RC4_128_MD5" "0 TLS_RSA_WITH_RC4_128_MD5" \
	"$PS_RC $(json_get "$J" 'd["hops"][0]["tls"]["cipher_suite"]')"

# 3. TLS 1.0 but only ECDHE key exchange: no suite in common.
start_gnutls_serv ecdhe --priority 'NONE:+VERS-TLS1.0:+ECDHE-RSA:+AES-128-CBC:+SHA1:+COMP-NULL:+SIGN-ALL:+GROUP-ALL:+CTYPE-X509' ||
	t_bail "gnutls-serv did not start"
J=$T_DIR/ecdhe.json
run_ps "$J" --handshake-only --ca "$P/server-ca.pem" "https://localhost:$GS_PORT/"
t_eq "ECDHE-only server: exit 4, tls.no_shared_cipher" "4 tls.no_shared_cipher" \
	"$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
t_eq "ECDHE-only server: the probe finds the server's suite" TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA \
	"$(json_get "$J" 'd["hops"][0]["tls"]["modern_probe"]["cipher_suite"]')"

# 4. A server that requires a client certificate from the vendor client CA.
start_gnutls_serv req --priority "$LEGACY:+AES-256-CBC:+SHA1" --require-client-cert \
	--verify-client-cert --x509cafile "$P/client-ca.pem" || t_bail "gnutls-serv did not start"
URL=https://localhost:$GS_PORT/
J=$T_DIR/req-none.json
run_ps "$J" --handshake-only --ca "$P/server-ca.pem" "$URL"
t_eq "client cert required, none sent: exit 6, client_auth.required" "6 client_auth.required" \
	"$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
# Where the alert sits depends on when it crossed the socket: after the
# phone's Certificate, before or among the rest of the phone's flight.
t_eq "client cert required, none sent: the alert is in the sequence, after the phone's Certificate" true \
	"$(json_get "$J" '[m["type"]+" "+m["dir"] for m in d["hops"][0]["tls"]["handshake"]].index("Alert in") > [m["type"]+" "+m["dir"] for m in d["hops"][0]["tls"]["handshake"]].index("Certificate out")')"
J=$T_DIR/req-rogue.json
run_ps "$J" --handshake-only --ca "$P/server-ca.pem" --cert "$P/rogue.pem" --key "$P/rogue.key" "$URL"
t_eq "certificate from another CA: exit 6, client_auth.rejected" "6 client_auth.rejected" \
	"$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"
t_eq "certificate from another CA: it was sent anyway, as a phone does" "True False" \
	"$(json_get "$J" 'str(d["hops"][0]["client_auth"]["sent"])+" "+str(d["hops"][0]["client_auth"]["issuer_accepted"])')"
t_eq "certificate from another CA: alert access_denied" 49 \
	"$(json_get "$J" 'd["hops"][0]["tls"]["alert_received"]')"
J=$T_DIR/req-good.json
run_ps "$J" --handshake-only --ca "$P/server-ca.pem" --cert "$P/device.pem" --key "$P/device.key" "$URL"
t_eq "the vendor-signed device certificate: exit 0" 0 "$PS_RC"

# 5. A Cisco model offers DHE: the ServerKeyExchange shows up in order; a
# priority override without %NO_TICKETS gets a NewSessionTicket.
start_gnutls_serv dhe --priority 'NORMAL:+VERS-TLS1.0:+DHE-RSA' || t_bail "gnutls-serv did not start"
J=$T_DIR/dhe.json
run_ps "$J" --handshake-only --ca "$P/server-ca.pem" --model spa504g "https://localhost:$GS_PORT/"
# gnutls-cli names the group in its description: (DHE-CUSTOM2048).
JS=$T_DIR/dhescan.json
"$PROVSCOPE" scan --batch --format json --handshake-only --models spa942,spa504g \
	--ca "$P/server-ca.pem" "https://localhost:$GS_PORT/" >"$JS" 2>"$JS.err"
GS_BITS=$(gnutls-cli --priority 'NONE:+VERS-TLS1.0:+DHE-RSA:+AES-256-CBC:+SHA1:+COMP-NULL:+SIGN-ALL' \
	--insecure --port "$GS_PORT" 127.0.0.1 </dev/null 2>&1 |
	sed -n 's/^- Description: .*(DHE-[A-Z]*\([0-9][0-9]*\)).*/\1/p')
t_eq "scan of the DHE server: the DHE group's size as gnutls-cli reports it" "${GS_BITS:-?}" \
	"$(json_get "$JS" 'd["scan"]["dhe_bits"]')"
t_eq "SPA504G against a DHE server: DHE suite and ServerKeyExchange after Certificate" \
	"TLS_DHE_RSA_WITH_AES_256_CBC_SHA in:ServerHello in:Certificate in:ServerKeyExchange" \
	"$(json_get "$J" 'd["hops"][0]["tls"]["cipher_suite"]+" "+" ".join(m["dir"]+":"+m["type"] for m in d["hops"][0]["tls"]["handshake"][1:4])')"
J=$T_DIR/nst.json
run_ps "$J" --handshake-only --ca "$P/server-ca.pem" --priority 'NONE:+VERS-TLS1.0:+RSA:+AES-256-CBC:+SHA1:+COMP-NULL:+SIGN-ALL' "https://localhost:$GS_PORT/"
t_eq "--priority with session tickets: NewSessionTicket before the server's ChangeCipherSpec" \
	"in:NewSessionTicket in:ChangeCipherSpec in:Finished" \
	"$(json_get "$J" '" ".join(m["dir"]+":"+m["type"] for m in d["hops"][0]["tls"]["handshake"][-3:])')"
t_eq "--priority is used as given: one suite offered" 1 \
	"$(json_get "$J" 'len(d["hops"][0]["tls"]["offered"])')"

# 6. Without a network, the name does not resolve: net.dns, exit 3.
J=$T_DIR/dns.json
run_ps "$J" --handshake-only --ca "$P/server-ca.pem" "https://prov.provscope-test.invalid/spa.xml"
t_eq "unresolvable name: exit 3, net.dns" "3 net.dns" "$PS_RC $(json_get "$J" 'd["findings"][0]["id"]')"

t_done
