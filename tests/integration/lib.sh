# Shared helpers for the integration tests (sourced by bash scripts).
# Each test makes its own temporary directory, test PKI and servers on
# free loopback ports, speaks TAP on stdout, and stops everything on exit.

set -u
: "${PROVSCOPE:?run through make check}"
: "${FREEPORT:?run through make check}"
NGINX=${NGINX:-nginx}
LIGHTTPD=${LIGHTTPD:-lighttpd}
GNUTLS_SERV=${GNUTLS_SERV:-gnutls-serv}
CERTTOOL=${CERTTOOL:-certtool}

T_N=0
T_FAILED=0
T_PIDS=""
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/provscope-test.XXXXXX")

t_cleanup() {
	for p in $T_PIDS; do kill "$p" 2>/dev/null; done
	for p in $T_PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$T_DIR"
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

t_ok() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
t_fail() {
	T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $1"
	shift
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
}
t_skip() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP $2"; }
t_done() { echo "1..$T_N"; [ "$T_FAILED" -eq 0 ]; }
t_bail() { echo "Bail out! $*"; exit 1; }

# t_check DESC COMMAND...: passes when the command succeeds.
t_check() {
	local desc=$1; shift
	local out
	if out=$("$@" 2>&1); then t_ok "$desc"; else t_fail "$desc" "command: $*" "$out"; fi
}

# t_eq DESC EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_fail "$1" "expected: $2" "got:      $3"; fi
}

# json_get FILE EXPR: a value from a JSON file (python3's json module).
json_get() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
v=eval(sys.argv[2], {"d": d, "json": json})
print(json.dumps(v) if isinstance(v,(dict,list,bool)) or v is None else v)' "$1" "$2"
}

# schema_ok DESC FILE: a test that the JSON report FILE validates against
# the schema (doc/provscope.schema.json); skipped without python3's
# jsonschema module (schema_check.py exits 2).
schema_ok() {
	local out
	if out=$(python3 "$TOP_SRCDIR/tests/integration/schema_check.py" \
		"$TOP_SRCDIR/doc/provscope.schema.json" "$2" 2>&1); then
		t_ok "$1: the report validates against the schema"
	elif [ $? -eq 2 ]; then
		t_skip "$1: the report validates against the schema" "$out"
	else
		t_fail "$1: the report validates against the schema" "$out"
	fi
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (5 s at most).
wait_port() {
	local i
	for i in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
		sleep 0.05
	done
	return 1
}

# --- test PKI (certtool) --------------------------------------------------
# mk_ca NAME CN: a self-signed CA in $T_DIR/pki/NAME.{key,pem}
mk_ca() {
	local d=$T_DIR/pki
	mkdir -p "$d"
	cat >"$d/$1.tmpl" <<EOT
cn = "$2"
organization = "provscope test"
serial = $(date +%s%N | cut -c1-15)
expiration_days = 3650
ca
cert_signing_key
crl_signing_key
EOT
	"$CERTTOOL" --generate-privkey --key-type rsa --bits 2048 --outfile "$d/$1.key" >/dev/null 2>&1 &&
		"$CERTTOOL" --generate-self-signed --load-privkey "$d/$1.key" \
			--template "$d/$1.tmpl" --outfile "$d/$1.pem" >/dev/null 2>&1
}

# mk_cert NAME CA KIND TEMPLATE-LINES...: a certificate signed by CA.
# KIND is server, client, ca (an intermediate CA) or plain (no key purpose).
# Template lines are certtool template lines (subject, SANs, dates); with no
# activation/expiration line the certificate is valid for a year from now.
# MK_KEY=FILE reuses a key instead of making one; MK_BITS (default 2048)
# and MK_HASH (e.g. SHA1) change how the key is made and the cert signed.
mk_cert() {
	local name=$1 ca=$2 kind=$3 d=$T_DIR/pki
	shift 3
	{
		for l in "$@"; do echo "$l"; done
		echo "serial = $(date +%s%N | cut -c1-15)"
		case " $* " in *expiration_date*) ;; *) echo "expiration_days = 365" ;; esac
		case "$kind" in
		ca) echo "ca"; echo "cert_signing_key" ;;
		server) echo "signing_key"; echo "encryption_key"; echo "tls_www_server" ;;
		client) echo "signing_key"; echo "encryption_key"; echo "tls_www_client" ;;
		*) echo "signing_key"; echo "encryption_key" ;;
		esac
	} >"$d/$name.tmpl"
	if [ -n "${MK_KEY:-}" ]; then
		cp "$MK_KEY" "$d/$name.key"
	else
		"$CERTTOOL" --generate-privkey --key-type rsa --bits "${MK_BITS:-2048}" \
			--outfile "$d/$name.key" >/dev/null 2>&1 || return 1
	fi
	"$CERTTOOL" --generate-certificate --load-privkey "$d/$name.key" \
		--load-ca-certificate "$d/$ca.pem" --load-ca-privkey "$d/$ca.key" \
		${MK_HASH:+--hash "$MK_HASH"} \
		--template "$d/$name.tmpl" --outfile "$d/$name.pem" >/dev/null 2>&1
}

# The standard test PKI: a vendor server CA and the provisioning server's
# certificate; a vendor client CA with an SPA942 device certificate; and
# another CA with a device certificate the server will not trust.
mk_pki() {
	mk_ca server-ca "Test Vendor Server CA" &&
		mk_cert server server-ca server 'cn = "localhost"' 'dns_name = "localhost"' \
			'ip_address = "127.0.0.1"' &&
		mk_ca client-ca "Test Vendor Client CA" &&
		mk_cert device client-ca client 'cn = "SPA942-000E08AABBCC"' 'unit = "SPA-942"' \
			'locality = "88019FA42805"' 'state = "000e08aabbcc"' &&
		mk_ca other-ca "Some Other CA" &&
		mk_cert rogue other-ca client 'cn = "SPA942-000E08AABBCC"' 'unit = "SPA-942"'
}

# --- servers ---------------------------------------------------------------
# start_nginx NAME SERVER-BLOCK-LINES: nginx on a free port; sets NGINX_PORT.
# The server block gets "listen 127.0.0.1:PORT ssl;" and the server
# certificate: $NGINX_CERT / $NGINX_KEY when set (a chain file, leaf first).
# @PORT@ in the lines becomes the port (for more server blocks: close the
# first with "}" and open the next, "server { listen 127.0.0.1:@PORT@ ssl;").
# NGINX_WORKER_CONNECTIONS (default 64) sets its one worker's connections
# (a load test, bench/run's storm, needs more).
start_nginx() {
	local name=$1 body=$2 d=$T_DIR/nginx-$1 try
	mkdir -p "$d/www" "$d/tmp"
	echo "<flat-profile><Upgrade_Enable>Yes</Upgrade_Enable></flat-profile>" >"$d/www/spa000e08aabbcc.xml"
	for try in 1 2 3 4 5; do
		NGINX_PORT=$("$FREEPORT")
		cat >"$d/nginx.conf" <<EOT
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log info;
events { worker_connections ${NGINX_WORKER_CONNECTIONS:-64}; }
http {
	access_log $d/access.log;
	client_body_temp_path $d/tmp/body;
	proxy_temp_path $d/tmp/proxy;
	fastcgi_temp_path $d/tmp/fastcgi;
	uwsgi_temp_path $d/tmp/uwsgi;
	scgi_temp_path $d/tmp/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT ssl;
		ssl_certificate ${NGINX_CERT:-$T_DIR/pki/server.pem};
		ssl_certificate_key ${NGINX_KEY:-$T_DIR/pki/server.key};
		root $d/www;
		${body//@PORT@/$NGINX_PORT}
	}
}
EOT
		rm -f "$d/nginx.pid"
		"$NGINX" -p "$d" -c "$d/nginx.conf" -e "$d/error.log" 2>>"$d/start.log" &
		local pid=$! i
		# Another program may hold the port (nginx then retries the bind
		# for 2.5 s with its other sockets open, and gives up): nginx is
		# up once it wrote its pid file, which it does after binding all.
		if wait_port "$NGINX_PORT"; then
			for i in $(seq 1 100); do
				if [ "$(cat "$d/nginx.pid" 2>/dev/null)" = "$pid" ]; then
					T_PIDS="$T_PIDS $pid"
					return 0
				fi
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.05
			done
		fi
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	cat "$d/start.log" "$d/error.log" 2>/dev/null | sed 's/^/# /'
	return 1
}

# start_phone_nginx NAME [MORE-LINES]: nginx as a provisioning server for
# the phone (TLS 1.0 and 1.2 with AES256-SHA, a client certificate from
# client-ca required, MORE-LINES added to the server block); sets
# NGINX_PORT, WWW (its document root) and BASE (https://localhost:PORT).
start_phone_nginx() {
	start_nginx "$1" "ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'AES256-SHA:@SECLEVEL=0';
	ssl_verify_client on; ssl_client_certificate $T_DIR/pki/client-ca.pem;
	${2:-}" || return 1
	WWW=$T_DIR/nginx-$1/www
	BASE=https://localhost:$NGINX_PORT
}

# start_lighttpd NAME CONF-LINES: lighttpd (OpenSSL, an independent TLS
# stack and configuration) in the foreground on a free port with TLS; sets
# LIGHTTPD_PORT and WWW (its document root). CONF-LINES add to the config:
# the certificate (ssl.pemfile, ssl.privkey), ssl.ca-file, ssl-conf-cmd.
lighttpd_on_port() {
	local d=$1
	cat >"$d/lighttpd.conf" <<EOT
server.document-root = "$d/www"
server.bind = "127.0.0.1"
server.port = $SRV_PORT
server.errorlog = "$d/error.log"
server.modules += ("mod_openssl")
ssl.engine = "enable"
$2
EOT
	exec "$LIGHTTPD" -D -f "$d/lighttpd.conf"
}
start_lighttpd() {
	local name=$1 d=$T_DIR/lighttpd-$1
	mkdir -p "$d/www"
	echo "<flat-profile><Upgrade_Enable>Yes</Upgrade_Enable></flat-profile>" >"$d/www/spa000e08aabbcc.xml"
	if ! start_on_port "lighttpd-$name" lighttpd_on_port "$d" "$2"; then
		sed 's/^/# /' "$d/error.log" 2>/dev/null
		return 1
	fi
	LIGHTTPD_PORT=$SRV_PORT
	WWW=$d/www
}

# start_apache NAME VHOST-LINES: Apache httpd with mod_ssl (OpenSSL) in the
# foreground on a free port, TLS 1.0 to 1.2 with AES256-SHA and the test
# server certificate, one <VirtualHost> with VHOST-LINES added; sets
# APACHE_PORT and WWW (its document root, with the SPA942 profile in prov/).
# Its workers run as nobody, so the test directory is opened to them.
APACHE=${APACHE:-/usr/sbin/apache2}
APACHE_MODULES=${APACHE_MODULES:-/usr/lib/apache2/modules}
apache_on_port() {
	local d=$1
	cat >"$d/httpd.conf" <<EOT
ServerRoot $d
PidFile $d/httpd.pid
Mutex file:$d default
DefaultRuntimeDir $d
LoadModule mpm_event_module $APACHE_MODULES/mod_mpm_event.so
LoadModule authz_core_module $APACHE_MODULES/mod_authz_core.so
LoadModule socache_shmcb_module $APACHE_MODULES/mod_socache_shmcb.so
LoadModule ssl_module $APACHE_MODULES/mod_ssl.so
User nobody
Group nogroup
ServerName localhost
Listen 127.0.0.1:$SRV_PORT
ErrorLog $d/error.log
LogLevel info ssl:debug
SSLSessionCache shmcb:$d/scache(51200)
<VirtualHost 127.0.0.1:$SRV_PORT>
	DocumentRoot $d/www
	SSLEngine on
	SSLProtocol -all +TLSv1 +TLSv1.1 +TLSv1.2
	SSLOpenSSLConfCmd MinProtocol TLSv1
	SSLCipherSuite AES256-SHA:@SECLEVEL=0
	SSLCertificateFile $T_DIR/pki/server.pem
	SSLCertificateKeyFile $T_DIR/pki/server.key
	<Directory $d/www>
		Require all granted
	</Directory>
	$2
</VirtualHost>
EOT
	exec "$APACHE" -f "$d/httpd.conf" -DFOREGROUND
}
start_apache() {
	local name=$1 d=$T_DIR/apache-$1
	mkdir -p "$d/www/prov"
	echo "<flat-profile><Station_Name>apache</Station_Name></flat-profile>" \
		>"$d/www/prov/spa000e08aabbcc.xml"
	chmod 755 "$T_DIR" "$d" "$d/www" "$d/www/prov"
	chmod 644 "$d/www/prov/spa000e08aabbcc.xml"
	if ! start_on_port "apache-$name" apache_on_port "$d" "$2"; then
		sed 's/^/# /' "$d/error.log" 2>/dev/null
		return 1
	fi
	APACHE_PORT=$SRV_PORT
	WWW=$d/www
}

# start_tftp ROOT ARGS...: tests/helpers/tftp_server.py serving ROOT on a
# free UDP port of 127.0.0.1 (ARGS: --delay MS, --deny NAME, --no-options);
# sets TFTP_PORT.
start_tftp() {
	local out=$T_DIR/tftp-server.$$.$RANDOM i
	python3 "$TOP_SRCDIR/tests/helpers/tftp_server.py" "$@" >"$out" 2>"$out.log" &
	T_PIDS="$T_PIDS $!"
	for i in $(seq 1 100); do
		TFTP_PORT=$(sed -n 's/^ready //p' "$out")
		[ -n "$TFTP_PORT" ] && return 0
		sleep 0.05
	done
	return 1
}

# start_tftpd_hpa ROOT ADDR: tftpd-hpa serving ROOT on ADDR ("127.0.0.1",
# "[::1]") and a free port, where it can run (root: it chroots and drops
# to nobody); sets HPA_PORT. Returns 1 when it cannot run or did not start.
start_tftpd_hpa() {
	local tftpd try pid
	tftpd=$(command -v in.tftpd || echo /usr/sbin/in.tftpd)
	[ "$(id -u)" = 0 ] && [ -x "$tftpd" ] || return 1
	for try in 1 2 3 4 5; do
		HPA_PORT=$("$FREEPORT")
		"$tftpd" -L -a "$2:$HPA_PORT" -u nobody -s "$1" 2>>"$T_DIR/hpa.log" &
		pid=$!
		sleep 0.2
		if kill -0 "$pid" 2>/dev/null; then
			T_PIDS="$T_PIDS $pid"
			return 0
		fi
	done
	return 1
}

# start_lab NAME ARGS...: `provscope lab ARGS` in the background until it
# says where it listens (its output in $T_DIR/NAME.out and NAME.err); sets
# LAB_PORT (HTTPS) and LAB_PID. Returns 1 when it did not start.
start_lab() {
	local name=$1 i
	shift
	"$PROVSCOPE" lab "$@" >"$T_DIR/$name.out" 2>"$T_DIR/$name.err" &
	LAB_PID=$!
	T_PIDS="$T_PIDS $LAB_PID"
	for i in $(seq 1 100); do
		grep -q 'Stop with Ctrl-C' "$T_DIR/$name.out" 2>/dev/null && break
		sleep 0.05
	done
	LAB_PORT=$(sed -n 's|^  https://prov.lab.test:\([0-9]*\)/.*|\1|p' "$T_DIR/$name.out")
	[ -n "$LAB_PORT" ]
}

# start_on_port NAME COMMAND ARGS...: COMMAND in the background with
# SRV_PORT set to a free port, until it listens there on 127.0.0.1 (five
# ports tried); its output goes to $T_DIR/NAME.srv.log, shown on failure.
# COMMAND may be a shell function that reads SRV_PORT; it must exec the
# server, so that the process stopped at the end is the server itself.
start_on_port() {
	local name=$1 try
	shift
	for try in 1 2 3 4 5; do
		SRV_PORT=$("$FREEPORT")
		"$@" </dev/null >"$T_DIR/$name.srv.log" 2>&1 &
		local pid=$!
		if wait_port "$SRV_PORT" && kill -0 "$pid" 2>/dev/null; then
			T_PIDS="$T_PIDS $pid"
			return 0
		fi
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	sed 's/^/# /' "$T_DIR/$name.srv.log"
	return 1
}

# start_gnutls_serv NAME ARGS...: gnutls-serv on a free port; sets GS_PORT.
# gnutls-serv binds the wildcard address, so tests call it only inside a
# network namespace of their own (see in_netns).
gnutls_serv_on_port() {
	exec "$GNUTLS_SERV" --port "$SRV_PORT" --x509certfile "$T_DIR/pki/server.pem" \
		--x509keyfile "$T_DIR/pki/server.key" "$@"
}
start_gnutls_serv() {
	local name=$1
	shift
	start_on_port "gs-$name" gnutls_serv_on_port "$@" || return 1
	GS_PORT=$SRV_PORT
}

# in_netns "$0" "$@": re-run the calling script inside a new network
# namespace with only loopback up. Returns (does not exec) when already
# inside, or when namespaces are not permitted here (then NETNS=no).
in_netns() {
	if [ "${PROVSCOPE_IN_NETNS:-}" = 1 ]; then
		ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null
		NETNS=yes
		return 0
	fi
	if unshare -n true 2>/dev/null; then
		rm -rf "$T_DIR"
		trap - EXIT
		PROVSCOPE_IN_NETNS=1 exec unshare -n bash "$@"
	fi
	NETNS=no
}

# run_ps OUT-JSON ARGS...: provscope --batch --format json; sets PS_RC.
run_ps() {
	local out=$1
	shift
	"$PROVSCOPE" --batch --format json --timeout 5 "$@" >"$out" 2>"$out.err"
	PS_RC=$?
}
