#!/bin/bash
# SNI virtual hosts (issue 21): an nginx with two server blocks on one
# address and port. The phone names no host (no SNI), so it gets the
# default server's certificate; provscope asks again naming the host,
# finds that the server chooses its certificate by name, and says so
# (tls.sni_default_certificate) with the fix, rather than advising a new
# certificate. Checked against openssl s_client with and without
# -servername; then the fixed setup (the provisioning host as
# default_server) passes, and a server that does not choose by name gets
# no such finding.
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v "$NGINX" >/dev/null || t_bail "nginx not found (.ci/run installs it)"
P=$T_DIR/pki
mk_pki || t_bail "certtool could not make the test PKI"
mk_cert default server-ca server 'cn = "www.example.net"' 'dns_name = "www.example.net"' &&
	mk_cert prov server-ca server 'cn = "prov.test"' 'dns_name = "prov.test"' ||
	t_bail "certtool could not make the test certificates"
SCHEMA=$TOP_SRCDIR/doc/provscope.schema.json
SCHEMA_CHECK=$TOP_SRCDIR/tests/integration/schema_check.py
HAVE_JSONSCHEMA=yes
python3 -c 'import jsonschema' 2>/dev/null || HAVE_JSONSCHEMA=no
TLS="ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'AES256-SHA:@SECLEVEL=0';"

# vhosts NAME DEFAULT-FLAG: the default host www.example.net first, then
# prov.test (with DEFAULT-FLAG, e.g. default_server, on its listen line).
vhosts() {
	local www=$T_DIR/nginx-$1/www
	NGINX_CERT=$P/default.pem NGINX_KEY=$P/default.key start_nginx "$1" "$TLS
		server_name www.example.net;
	}
	server {
		listen 127.0.0.1:@PORT@ ssl $2;
		server_name prov.test;
		ssl_certificate $P/prov.pem;
		ssl_certificate_key $P/prov.key;
		$TLS
		root $www;" || t_bail "nginx did not start ($1)"
	URL=https://prov.test:$NGINX_PORT/spa000e08aabbcc.xml
	RESOLVE=prov.test:$NGINX_PORT:127.0.0.1
}

# run NAME [ARGS...]: provscope as the phone; JSON in $T_DIR/NAME.json,
# the exit status in RC.
run() {
	local name=$1
	shift
	RC=0
	"$PROVSCOPE" --batch --format json --ca "$P/server-ca.pem" --resolve "$RESOLVE" \
		"$@" "$URL" >"$T_DIR/$name.json" 2>"$T_DIR/$name.err" || RC=$?
}

# s_client_subject [SERVERNAME]: the subject of the certificate openssl
# gets, with or without SNI; s_client_sha256 the same for its fingerprint.
s_client_pem() {
	local sni=(-noservername)
	[ -n "${1:-}" ] && sni=(-servername "$1")
	openssl s_client -connect "127.0.0.1:$NGINX_PORT" "${sni[@]}" </dev/null 2>/dev/null |
		openssl x509 2>/dev/null
}
sha256_of() { openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }
cn_of() { openssl x509 -noout -subject -nameopt RFC2253 | sed 's/^subject=//'; }

# --- the default host answers the phone --------------------------------------
vhosts vh ""
for model in spa942 spa504g; do
	run "vh-$model" --model "$model"
	t_eq "$model without SNI, two virtual hosts: exit 5 (the chain)" 5 "$RC"
	t_eq "$model: tls.sni_default_certificate is reported" yes \
		"$(json_get "$T_DIR/vh-$model.json" '"yes" if any(f["id"] == "tls.sni_default_certificate" for f in d["findings"]) else "no: %s" % [f["id"] for f in d["findings"]]')"
done
J=$T_DIR/vh-spa942.json
t_eq "the phone sent no server name" null "$(json_get "$J" 'd["hops"][0]["tls"]["sni"]')"
t_eq "the SNI check named the host" prov.test \
	"$(json_get "$J" 'd["hops"][0]["tls"]["sni_check"]["server_name"]')"
t_eq "with SNI, another certificate, for the host, whose CN the phone accepts" "True True True" \
	"$(json_get "$J" '"%s %s %s" % (d["hops"][0]["tls"]["sni_check"]["differs"], d["hops"][0]["tls"]["sni_check"]["names_host"], d["hops"][0]["tls"]["sni_check"]["cn_matches"])')"
# The outside view: openssl s_client without and with -servername.
WITHOUT=$(s_client_pem)
WITH=$(s_client_pem prov.test)
t_eq "openssl without SNI gets the certificate the phone got" \
	"$(sha256_of <<<"$WITHOUT")" "$(json_get "$J" 'd["hops"][0]["chain"]["certificates"][0]["sha256"]')"
t_eq "openssl with SNI gets the certificate of provscope's SNI check" \
	"$(sha256_of <<<"$WITH")" "$(json_get "$J" 'd["hops"][0]["tls"]["sni_check"]["sha256"]')"
t_eq "... and its subject" "$(cn_of <<<"$WITH")" \
	"$(json_get "$J" 'd["hops"][0]["tls"]["sni_check"]["subject"]')"
t_eq "the hostname finding says it is the default host's certificate" yes \
	"$(json_get "$J" '"yes" if any(f["id"] == "chain.hostname_mismatch" and "default host" in (f["detail"] or "") for f in d["findings"]) else "no"')"
t_eq "the finding's fix in nginx's words names default_server" yes \
	"$(json_get "$J" '"yes" if any(f["id"] == "tls.sni_default_certificate" and "default_server" in f["fix_by_server"]["nginx"] for f in d["findings"]) else "no"')"
if [ "$HAVE_JSONSCHEMA" = yes ]; then
	t_check "the report matches the JSON Schema" python3 "$SCHEMA_CHECK" "$SCHEMA" "$J"
else
	t_skip "the report matches the JSON Schema" "python3-jsonschema is not installed"
fi
COLUMNS=1000 "$PROVSCOPE" --batch --ca "$P/server-ca.pem" --resolve "$RESOLVE" "$URL" >"$T_DIR/vh.txt" 2>&1
t_eq "the text report's verdict gives that reason" yes \
	"$(grep '^Verdict:' "$T_DIR/vh.txt" | grep -q 'chooses its certificate by the name' && echo yes || echo no)"

# provscope scan sees it too: the certificate depends on the name, the
# default host's for the phones.
"$PROVSCOPE" scan --batch --format json --ca "$P/server-ca.pem" --resolve "$RESOLVE" \
	--models spa942,spa504g "$URL" >"$T_DIR/vh-scan.json" 2>"$T_DIR/vh-scan.err"
t_eq "scan: exit 5 (the chain)" 5 "$?"
t_eq "scan: the certificate differs by name, named as openssl sees them" \
	"True $(cn_of <<<"$WITHOUT") $(cn_of <<<"$WITH")" \
	"$(json_get "$T_DIR/vh-scan.json" '"%s %s %s" % (d["scan"]["sni"]["certificate_differs"], d["scan"]["sni"]["without_name"], d["scan"]["sni"]["with_name"])')"
t_eq "scan: the probe with the name got openssl's -servername certificate" "$(sha256_of <<<"$WITH")" \
	"$(json_get "$T_DIR/vh-scan.json" 'd["scan"]["sni"]["probe"]["leaf_sha256"]')"
t_eq "scan: tls.sni_default_certificate for both models" "spa942 spa504g" \
	"$(json_get "$T_DIR/vh-scan.json" '" ".join(next(f for f in d["findings"] if f["id"] == "tls.sni_default_certificate")["models"])')"

# --- fixed: the provisioning host is the default server ----------------------
vhosts fixed default_server
run fixed
t_eq "prov.test as default_server: exit 0" 0 "$RC"
t_eq "no SNI check was needed" null "$(json_get "$T_DIR/fixed.json" 'd["hops"][0]["tls"]["sni_check"]')"
"$PROVSCOPE" scan --batch --format json --ca "$P/server-ca.pem" --resolve "$RESOLVE" \
	--models spa942 "$URL" >"$T_DIR/fixed-scan.json" 2>/dev/null
t_eq "scan: the certificate is the same with the name as without" false \
	"$(json_get "$T_DIR/fixed-scan.json" 'd["scan"]["sni"]["certificate_differs"]')"
t_eq "client_auth.not_requested: its fixes by server, nginx (which answered) first" \
	"nginx apache lighttpd haproxy" \
	"$(json_get "$T_DIR/fixed.json" '" ".join(next(f for f in d["findings"] if f["id"] == "client_auth.not_requested")["fix_by_server"])')"

# --- one certificate for all: the name is wrong whatever the client sends ----
NGINX_CERT=$P/default.pem NGINX_KEY=$P/default.key start_nginx single "$TLS" ||
	t_bail "nginx did not start (single)"
URL=https://prov.test:$NGINX_PORT/spa000e08aabbcc.xml
RESOLVE=prov.test:$NGINX_PORT:127.0.0.1
run single
t_eq "one server block with another host's certificate: exit 5" 5 "$RC"
t_eq "the SNI check got the same certificate" false \
	"$(json_get "$T_DIR/single.json" 'd["hops"][0]["tls"]["sni_check"]["differs"]')"
t_eq "no tls.sni_default_certificate, chain.hostname_mismatch stays" "no yes" \
	"$(json_get "$T_DIR/single.json" '"%s %s" % ("yes" if any(f["id"] == "tls.sni_default_certificate" for f in d["findings"]) else "no", "yes" if any(f["id"] == "chain.hostname_mismatch" for f in d["findings"]) else "no")')"

t_done
