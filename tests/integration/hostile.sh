#!/bin/bash
# Hostile servers (tests/helpers/hostile_server.py, and the lab for a TLS
# server that stalls mid-handshake): each run ends with the right finding
# and exit status, within the timeout, with bounded memory, and the phone
# never reads a profile it did not get whole.
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v python3 >/dev/null || t_bail "python3 not found"
mk_ca server-ca "Test Vendor Server CA" &&
	mk_cert server server-ca server 'cn = "localhost"' 'dns_name = "localhost"' \
		'ip_address = "127.0.0.1"' || t_bail "certtool could not make the test PKI"
P=$T_DIR/pki
HOSTILE=$TOP_SRCDIR/tests/helpers/hostile_server.py

# The hostile server on a free port (start_on_port); MODE: "", not-tls or plain.
hostile_on_port() {
	exec python3 "$HOSTILE" "$SRV_PORT" "$P/server.pem" "$P/server.key" "$@"
}
start_hostile() {
	start_on_port "hostile${2:-}" hostile_on_port "${2:-}" || t_bail "the hostile server did not start"
	printf -v "$1" '%s' "$SRV_PORT"
}
start_hostile HP
start_hostile NP not-tls
start_hostile PP plain

# The memory bound; a build with AddressSanitizer keeps freed memory in
# its quarantine (256 MiB), so there it is only a sanity bound.
RSS_MAX=64
if ldd "$PROVSCOPE" 2>/dev/null | grep -q libasan; then RSS_MAX=1024; fi

# hostile DESC EXIT FINDINGS MAX-SECONDS ARGS...: one batch run with
# --timeout 3, JSON report: its exit status, its error findings (in
# order), that it ended within MAX-SECONDS, and its peak RSS under 64 MiB
# (the child's ru_maxrss, read by the parent).
hostile() {
	local desc=$1 want_rc=$2 want_f=$3 max=$4
	shift 4
	local got
	got=$(python3 - "$T_DIR/run.json" "$max" "$RSS_MAX" "$PROVSCOPE" --batch --format json --timeout 3 \
		--ca "$P/server-ca.pem" "$@" <<'PY'
import json, resource, subprocess, sys, time
out, limit, rss_max, cmd = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
t0 = time.monotonic()
with open(out, "wb") as f:
    p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.DEVNULL)
    try:
        rc = p.wait(timeout=limit + 30)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "killed"
secs = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
try:
    d = json.load(open(out))
    errors = " ".join(f["id"] for f in d["findings"] if f["severity"] == "error") or "-"
except ValueError:
    errors = "(no JSON)"
print(rc, errors, "in-time" if secs <= limit else "late(%.1fs)" % secs,
      "bounded" if rss < rss_max else "rss(%d MiB)" % rss)
PY
	)
	t_eq "$desc: exit $want_rc, $want_f, within $max s, under $RSS_MAX MiB" \
		"$want_rc $want_f in-time bounded" "$got"
}

H=https://localhost:$HP
hostile "plain HTTP, silent after the request" 3 net.timeout 8 "http://127.0.0.1:$HP/silent.xml"
hostile "plain HTTP, reset after the request" 7 http.failed 8 "http://127.0.0.1:$HP/reset.xml"
hostile "not TLS: a plain HTTP answer to the ClientHello" 4 tls.not_tls 8 "https://127.0.0.1:$NP/x.xml"
hostile "a body that stalls after 5 of 100000 bytes: a timeout, the prefix never parsed" \
	3 http.stalled 10 "$H/stall-body.xml"
hostile "a chunk stream that stalls: the same" 3 http.stalled 10 "$H/stall-chunked.xml"
hostile "endless chunked: cut at the cap" 8 profile.too_large 10 "$H/endless-chunked.xml"
hostile "a huge Content-Length: cut at the cap" 8 profile.too_large 10 "$H/huge-length.xml"
hostile "a gzip bomb: cut at the decoded cap" 8 profile.too_large 10 "$H/gzip-bomb.xml"
hostile "a redirect loop: stopped after 5" 7 http.status 10 "$H/redirect-loop.xml"
hostile "the billion laughs: refused, nothing expanded" 8 profile.xml_malformed 10 "$H/laughs.xml"
hostile "100,000 header lines: refused with what they are" 7 http.headers_too_large 10 \
	"$H/many-headers.xml"

# A TLS server that stalls mid-handshake: the lab's slow-handshake fault.
start_lab slow --pki "$T_DIR/lab" --fault slow-handshake ||
	t_bail "the slow lab did not start: $(cat "$T_DIR/slow.err")"
SLOW=$LAB_PORT
hostile "a TLS server that stalls after the ClientHello" 3 net.timeout 8 --no-probe \
	--resolve "prov.lab.test:$SLOW:127.0.0.1" "https://prov.lab.test:$SLOW/spa\$PSN.cfg"
# A plain HTTP port that waits for a request line says nothing to a
# ClientHello: a plain request on the same port tells (not "a firewall
# dropping packets").
hostile "https:// to a plain HTTP port that waits for a request line" 4 tls.not_tls 12 \
	"https://127.0.0.1:$PP/spa.cfg"
t_check "... the detail quotes its plain answer" \
	grep -q 'a plain HTTP request to the same port got \\"HTTP/1' "$T_DIR/run.json"
t_done
