#!/bin/bash
# HTTP edge cases over the phone's own TLS, against servers started here on
# loopback: answers cut short with the TCP connection ended without a TLS
# close_notify (fewer bytes than Content-Length, a body delimited by the end
# of the connection, a chunk stream cut mid-chunk), and a chunked,
# gzip-compressed profile, from nginx (gzip on the fly) and from a small
# Python TLS server (tests/helpers/edge_server.py).
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v python3 >/dev/null || t_bail "python3 not found"
command -v "$NGINX" >/dev/null || t_bail "nginx not found (.ci/run installs it)"
mk_ca server-ca "Test Vendor Server CA" &&
	mk_cert server server-ca server 'cn = "localhost"' 'dns_name = "localhost"' \
		'ip_address = "127.0.0.1"' || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
CA=(--ca "$P/server-ca.pem")
EDGE=$TOP_SRCDIR/tests/helpers/edge_server.py

PROFILE=$T_DIR/profile.xml
cat >"$PROFILE" <<'EOT'
<flat-profile>
  <Resync_Periodic>7200</Resync_Periodic>
  <Station_Name>edge-case test phone, with a name long enough for a few chunks</Station_Name>
  <Primary_NTP_Server>ntp.example.com</Primary_NTP_Server>
  <Resync_Random_Delay>17</Resync_Random_Delay>
</flat-profile>
EOT
FULL=$(wc -c <"$PROFILE")
PARAMS="7200|edge-case test phone, with a name long enough for a few chunks|ntp.example.com|17"

# fetch NAME URL: run provscope (run_ps) into $T_DIR/NAME.json and read what
# the tests look at, with one python3 run, into F[...]: rc, errors (ids of
# the error findings), status, body, truncated, error (http.error),
# last_step (id:status), decode (the profile.decode step: status and
# whether its summary says gzip, or "none"), hop_compressed (the hop's
# profile.compressed, or "null" with no profile), compressed
# (profile.compressed), headers (the response headers, "|"-joined), params
# (the four profile values above, "|"-joined, "-" for one not set by the
# profile), detail (the http.truncated finding's detail).
declare -A F
fetch() {
	local j=$T_DIR/$1.json k v
	run_ps "$j" "${CA[@]}" "$2"
	F=([rc]=$PS_RC)
	while IFS=$'\t' read -r k v; do F[$k]=$v; done < <(python3 - "$j" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError as e:
    print("errors\tno JSON report: %s" % e)
    sys.exit()
h = d["hops"][0] if d.get("hops") else {}
ht = h.get("http") or {}
steps = h.get("steps") or []
dec = [s for s in steps if s["id"] == "profile.decode"]
hp = h.get("profile")
pr = d.get("profile") or {}
url = h.get("url")
vals = {p["name"]: p["value"] for p in pr.get("parameters", []) if p.get("source") == url}
out = {
    "errors": " ".join(f["id"] for f in d["findings"] if f["severity"] == "error") or "-",
    "status": ht.get("status"),
    "body": ht.get("body_size"),
    "truncated": json.dumps(ht.get("truncated")),
    "error": json.dumps(ht.get("error")),
    "last_step": steps[-1]["id"] + ":" + steps[-1]["status"] if steps else "-",
    "decode": "%s %s" % (dec[0]["status"], "gzip" if "gzip" in dec[0]["summary"] else dec[0]["summary"]) if dec else "none",
    "hop_compressed": json.dumps(hp["compressed"]) if hp else "null",
    "compressed": json.dumps(pr.get("compressed")),
    "headers": "|".join(ht.get("response_headers") or []),
    "params": "|".join(vals.get(n, "-") for n in ("Resync_Periodic", "Station_Name", "Primary_NTP_Server", "Resync_Random_Delay")),
    "detail": "".join(f["detail"] or "" for f in d["findings"] if f["id"] == "http.truncated"),
}
for k, v in out.items():
    print("%s\t%s" % (k, str(v).replace("\t", " ").replace("\n", " ")))
PY
	)
}

# --- the Python TLS server ------------------------------------------------
edge_on_port() {
	exec python3 "$EDGE" "$SRV_PORT" "$P/server.pem" "$P/server.key" "$PROFILE"
}
start_on_port edge edge_on_port || t_bail "the Python TLS server did not start"
EDGE_PORT=$SRV_PORT
EB=https://localhost:$EDGE_PORT

# The server's two ways of ending a connection, seen by another TLS stack
# (Python's OpenSSL client, which counts a TCP end without close_notify as
# an error whatever this python3's default is): a FIN below the TLS layer
# sends no close_notify, unwrap() does; for every path the tests below use.
t_eq "the helper: a TCP FIN below TLS sends no close_notify, unwrap() does (OpenSSL client)" \
	"/eof.xml: no close_notify /eof-notify.xml: close_notify /cl-short.xml: no close_notify /cl-short-notify.xml: close_notify /cl-full.xml: no close_notify /chunked-gzip.xml: close_notify /chunked-cut.xml: no close_notify" \
	"$(python3 "$EDGE" --client "$EDGE_PORT" /eof.xml /eof-notify.xml /cl-short.xml /cl-short-notify.xml \
		/cl-full.xml /chunked-gzip.xml /chunked-cut.xml 2>&1)"

# --- 0. half the body, then nothing for longer than --timeout --------------
run_ps "$T_DIR/stall.json" "${CA[@]}" --timeout 1 "$EB/stall.xml"
t_eq "half the body, then nothing for --timeout: exit 3, http.stalled (not a crash)" \
	"3 http.stalled" \
	"$PS_RC $(json_get "$T_DIR/stall.json" '" ".join(f["id"] for f in d["findings"] if f["severity"] == "error")')"
t_eq "... the detail: how much came, then how long nothing did" \
	"$((FULL / 2)) of $FULL bytes arrived, then the server sent nothing for 1.0 s (--timeout)" \
	"$(json_get "$T_DIR/stall.json" '[f["detail"] for f in d["findings"] if f["id"] == "http.stalled"][0]')"

# --- 1. Content-Length, half the body, no close_notify ----------------------
fetch cl-short "$EB/cl-short.xml"
t_eq "Content-Length, half the body, TCP closed without close_notify: exit 7, http.truncated" \
	"7 http.truncated" "${F[rc]} ${F[errors]}"
t_eq "... HTTP 200, $((FULL / 2)) of $FULL bytes, truncated true" "200 $((FULL / 2)) true" \
	"${F[status]} ${F[body]} ${F[truncated]}"
t_eq "... the finding: the server closed TCP without a TLS close_notify" \
	"$((FULL / 2)) bytes arrived, then the server closed TCP without a TLS close_notify" "${F[detail]}"
t_eq "... the http step fails; no profile step follows, no profile" "http:fail null" \
	"${F[last_step]} ${F[hop_compressed]}"
# The same short body, then close_notify: libcurl's short transfer alone
# makes it a truncation (truncated false, libcurl's text in http.error).
fetch cl-short-notify "$EB/cl-short-notify.xml"
t_eq "fewer bytes than Content-Length, then close_notify: exit 7, http.truncated, truncated false" \
	"7 http.truncated false" "${F[rc]} ${F[errors]} ${F[truncated]}"
t_check "... http.error has libcurl's text" test "${F[error]}" != null

# The whole body as Content-Length announced, then a TCP close without
# close_notify: nothing is missing, and provscope(1) counts a close without
# close_notify as a truncation only "while the answer was being read", so
# this fetch succeeds, whichever of the server's close and libcurl's end of
# the transfer the pump sees first (5 fetches, as the order varies).
CLF="the whole Content-Length body, then TCP closed without close_notify: exit 0, truncated false, in 5 fetches of 5"
got=
for i in 1 2 3 4 5; do
	fetch cl-full "$EB/cl-full.xml"
	got="$got${got:+, }${F[rc]} ${F[errors]} ${F[truncated]}"
done
t_eq "$CLF" "0 - false, 0 - false, 0 - false, 0 - false, 0 - false" "$got"

# --- 1b. a body delimited by the end of the connection ----------------------
# HTTP/1.0 style, no Content-Length: only close_notify tells the phone that
# the body is whole, so a bare TCP close is a truncation even with every byte.
fetch eof "$EB/eof.xml"
t_eq "no Content-Length, the whole body, then TCP closed without close_notify: exit 7, http.truncated" \
	"7 http.truncated" "${F[rc]} ${F[errors]}"
t_eq "... all $FULL bytes arrived, truncated true, the profile not applied" \
	"$FULL true http:fail null -|-|-|-" \
	"${F[body]} ${F[truncated]} ${F[last_step]} ${F[hop_compressed]} ${F[params]}"
fetch eof-notify "$EB/eof-notify.xml"
t_eq "the same ended with close_notify: exit 0, HTTP 200, truncated false, the profile applied" \
	"0 - 200 false $PARAMS" "${F[rc]} ${F[errors]} ${F[status]} ${F[truncated]} ${F[params]}"

# --- 2. chunked and gzip'd: nginx -------------------------------------------
# nginx gzips on the fly only for a request with Accept-Encoding: gzip, which
# the phone does not send: the TLS location proxies to the same server on a
# Unix socket with that header; the gzip'd answer, of unknown length, goes
# back to the phone chunked, with Content-Encoding: gzip.
SOCK=$T_DIR/gz.sock
NG=(
	"nginx, chunked gzip: exit 0, HTTP 200, truncated false"
	"nginx, chunked gzip: the response headers recorded include Transfer-Encoding: chunked and Content-Encoding: gzip"
	"nginx, chunked gzip: profile.decode says gzip; hop and report profile compressed true"
	"nginx, chunked gzip: the profile's parameters are in the table"
)
start_gz_nginx() {
	rm -f "$SOCK"
	start_nginx gz "listen unix:$SOCK;
	ssl_protocols TLSv1 TLSv1.2; ssl_ciphers 'AES256-SHA:@SECLEVEL=0';
	location = /spa000e08aabbcc.xml {
		proxy_pass http://unix:$SOCK:/raw/spa000e08aabbcc.xml;
		proxy_http_version 1.1;
		proxy_set_header Accept-Encoding gzip;
	}
	location /raw/ {
		alias $T_DIR/nginx-gz/www/;
		gzip on; gzip_types *; gzip_min_length 1;
	}"
}
if [ ${#SOCK} -gt 100 ]; then
	for c in "${NG[@]}"; do t_skip "$c" "the Unix socket path is too long: $SOCK"; done
else
	start_gz_nginx || t_bail "nginx did not start"
	cp "$PROFILE" "$T_DIR/nginx-gz/www/spa000e08aabbcc.xml"
	fetch nginx-gz "https://localhost:$NGINX_PORT/spa\$MA.xml"
	t_eq "${NG[0]}" "0 - 200 false" "${F[rc]} ${F[errors]} ${F[status]} ${F[truncated]}"
	h="|${F[headers]}|"
	case "$h" in
	*"|Transfer-Encoding: chunked|"*"|Content-Encoding: gzip|"* | \
		*"|Content-Encoding: gzip|"*"|Transfer-Encoding: chunked|"*) t_ok "${NG[1]}" ;;
	*) t_fail "${NG[1]}" "headers: ${F[headers]}" ;;
	esac
	t_eq "${NG[2]}" "ok gzip true true" "${F[decode]} ${F[hop_compressed]} ${F[compressed]}"
	t_eq "${NG[3]}" "$PARAMS" "${F[params]}"
fi

# --- 2b. chunked and gzip'd: the Python server, ended with close_notify ------
fetch chunked-gzip "$EB/chunked-gzip.xml"
t_eq "Python, chunked gzip in several chunks, close_notify: exit 0, HTTP 200, truncated false" \
	"0 - 200 false" "${F[rc]} ${F[errors]} ${F[status]} ${F[truncated]}"
case "|${F[headers]}|" in
*"|Transfer-Encoding: chunked|"*) t_ok "Python, chunked gzip: Transfer-Encoding: chunked among the response headers" ;;
*) t_fail "Python, chunked gzip: Transfer-Encoding: chunked among the response headers" "headers: ${F[headers]}" ;;
esac
t_eq "Python, chunked gzip: decoded as gzip, compressed true, the parameters in the table" \
	"ok gzip true true $PARAMS" "${F[decode]} ${F[hop_compressed]} ${F[compressed]} ${F[params]}"

# --- 3. the same chunk stream cut mid-chunk, no close_notify -----------------
fetch chunked-cut "$EB/chunked-cut.xml"
t_eq "chunked gzip cut mid-chunk, TCP closed without close_notify: exit 7, http.truncated" \
	"7 http.truncated" "${F[rc]} ${F[errors]}"
t_eq "... HTTP 200, truncated true, nothing decoded (no profile.gzip_corrupt)" \
	"200 true http:fail none null" \
	"${F[status]} ${F[truncated]} ${F[last_step]} ${F[decode]} ${F[hop_compressed]}"

# --- 4. escape sequences from the server --------------------------------------
# The text report shows them as \xNN (no byte of a title change, a screen
# clear or a C1 CSI reaches the terminal); JSON keeps the exact bytes.
COLUMNS=1000 "$PROVSCOPE" --batch -vv "${CA[@]}" --show-secrets "$EB/escape.cfg" >"$T_DIR/escape.txt" 2>&1
t_eq "escapes: exit 0" 0 "$?"
t_eq "escapes: the text report has no ESC, BEL or C1 byte" 0 \
	"$(LC_ALL=C grep -c $'[\x1b\x07\x9b]' "$T_DIR/escape.txt")"
t_check "escapes: the reason phrase shows them as \\x escapes" \
	grep -qF '< HTTP/1.1 200 OK\x1b]0;pwned\x07' "$T_DIR/escape.txt"
t_check "escapes: a header's screen clear and raw CSI byte too" \
	grep -qF '< X-Evil: \x1b[2J\x9b1m' "$T_DIR/escape.txt"
t_check "escapes: a profile value's C1 control (U+009B) too" \
	grep -qF '\x1b]0;pwned\x07x\x1b[2J\xc2\x9b31m' "$T_DIR/escape.txt"
run_ps "$T_DIR/escape.json" "${CA[@]}" --show-secrets "$EB/escape.cfg"
t_eq "escapes: JSON keeps the exact bytes (the header as sent)" \
	"$(printf 'X-Evil: \033[2J\xef\xbf\xbd1m')" \
	"$(json_get "$T_DIR/escape.json" '[x for x in d["hops"][0]["http"]["response_headers"] if x.startswith("X-Evil")][0]')"

t_done
