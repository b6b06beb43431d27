#!/bin/bash
# provscope storm and merge: a few hundred devices, each with a certificate
# minted from the test device CA, against nginx (mTLS, a file per MAC, the
# certificate's CN checked against the file asked for) and against the lab;
# exact counts by outcome and finding, the schedule (--rate, --spread,
# --duration), shards merged to the unsharded figures, JUnit and TAP, the
# loopback guard, and bad input.
. "$TOP_SRCDIR/tests/integration/lib.sh"

mk_pki || t_bail "certtool failed"
P=$T_DIR/pki
# nginx answers 403 when the certificate's CN is not the MAC of the file.
start_phone_nginx storm "keepalive_timeout 0;
	location ~ \"^/spa([0-9a-f]{12})\\.xml\$\" {
		set \$want \$1;
		if (\$ssl_client_s_dn !~ \"CN=([0-9a-f]{12})\") { return 403; }
		set \$cn \$1;
		if (\$cn != \$want) { return 403; }
	}" || t_bail "nginx did not start"
# Files for the first 250 devices of the range; the last 50 get a 404.
for i in $(seq 1 250); do
	printf '<flat-profile><Station_Name>d%d</Station_Name></flat-profile>\n' "$i" \
		>"$WWW/spa000e08$(printf %06x "$i").xml"
done
CA=(--device-ca "$P/client-ca.pem" --device-ca-key "$P/client-ca.key" --ca "$P/server-ca.pem")
URL="$BASE/spa\$MA.xml"

# counts FILE: "done ok failed code:n,... finding:n,..." of a storm's JSON
counts() {
	python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["storm"]
oc = ",".join("%d:%d" % (o["exit_code"], o["passes"]) for o in s["outcomes"])
fs = ",".join("%s:%d" % (f["id"], f["passes"]) for f in s["findings"] if f["severity"] == "error")
print(s["done"], s["ok"], s["failed"], oc, fs)' "$1"
}

# --- a storm against nginx ----------------------------------------------------
"$PROVSCOPE" storm --count 300 --jobs 8 "${CA[@]}" --format json "$URL" \
	>"$T_DIR/a.json" 2>"$T_DIR/a.err"
t_eq "nginx: exit 7, the highest status of the passes" 7 "$?"
t_eq "nginx: 300 passes, 250 ok, 50 http.not_found" \
	"300 250 50 0:250,7:50 http.not_found:50" "$(counts "$T_DIR/a.json")"
t_eq "nginx: the failed passes are the last 50 devices, each named" \
	"50 000e080000fb 000e0800012c" \
	"$(json_get "$T_DIR/a.json" '"%d %s %s" % (len([p for p in d["storm"]["passes"] if p["exit_code"]]), [p["mac"] for p in d["storm"]["passes"] if p["exit_code"]][0], [p["mac"] for p in d["storm"]["passes"] if p["exit_code"]][-1])')"
t_eq "nginx: a connect, a TLS handshake and a first byte per pass, latencies ordered" \
	"300 300 300 300 True" \
	"$(json_get "$T_DIR/a.json" '" ".join(str(d["storm"]["latency"][k]["n"]) for k in ("connect", "tls", "first_byte", "total")) + " " + str(all(v["p50_ms"] <= v["p95_ms"] <= v["p99_ms"] <= v["max_ms"] for v in d["storm"]["latency"].values() if v["n"]))')"
t_eq "nginx: the timeline adds up to the passes" "300 250 50" \
	"$(json_get "$T_DIR/a.json" '"%d %d %d" % tuple(sum(s[k] for s in d["storm"]["timeline"]) for k in ("started", "ok", "failed"))')"
t_eq "nginx: failures began in the second the first failed pass ended" "True" \
	"$(json_get "$T_DIR/a.json" 'str(abs(d["storm"]["failures_began"]["second"] - min(int(p["start_s"] + p["total_ms"] / 1000) for p in d["storm"]["passes"] if p["exit_code"])) <= 1)')"
t_check "nginx: the devices' certificates were minted from the device CA" \
	grep -q 'minting 300 device certificates from' "$T_DIR/a.err"
t_eq "nginx: every device asked for its own file with its own certificate (nginx's log)" \
	"300 250" \
	"$(grep -c '"GET /spa000e08' "$T_DIR/nginx-storm/access.log") $(grep -c '" 200 ' "$T_DIR/nginx-storm/access.log")"
python3 "$TOP_SRCDIR/tests/integration/schema_check.py" "$TOP_SRCDIR/doc/provscope.schema.json" \
	"$T_DIR/a.json" >"$T_DIR/schema.out" 2>&1
t_eq "nginx: the JSON report is valid against the schema" 0 "$?"

# The text report.
"$PROVSCOPE" storm --count 60 --jobs 4 "${CA[@]}" "$URL" >"$T_DIR/t.txt" 2>/dev/null
t_eq "text: exit 0 when every device has its file" 0 "$?"
t_check "text: the header, the outcomes and the latency table" \
	grep -q '^Latency  *n  *p50  *p95  *p99  *max$' "$T_DIR/t.txt"
t_check "text: the verdict" grep -q '^Verdict: ok: all 60 passes would provision (exit 0)$' \
	"$T_DIR/t.txt"

# A device list: 10 rows share a certificate of another device (CN
# mismatch, 403); 5 rows show a certificate of another CA.
L=$T_DIR/list.csv
{
	echo "mac,cert,key"
	for i in $(seq 1 40); do
		mac=000e08$(printf %06x "$i")
		if [ "$i" -le 10 ]; then
			echo "$mac,$P/device.pem,$P/device.key"
		elif [ "$i" -le 15 ]; then
			echo "$mac,$P/rogue.pem,$P/rogue.key"
		else
			echo "$mac,,"
		fi
	done
} >"$L"
"$PROVSCOPE" storm --devices "$L" --jobs 6 "${CA[@]}" --format json "$URL" \
	>"$T_DIR/l.json" 2>"$T_DIR/l.err"
rc=$?
t_eq "list: 25 minted certificates ok, 10 borrowed refused (403), 5 of another CA refused" \
	"40 25 15 0:25,6:5,7:10 http.forbidden:10,client_auth.rejected:5" "$(counts "$T_DIR/l.json")"
t_eq "list: the exit status is the highest category" \
	"$(json_get "$T_DIR/l.json" 'max(o["exit_code"] for o in d["storm"]["outcomes"])')" "$rc"
t_check "list: only the 25 rows without a certificate were minted" \
	grep -q 'minting 25 device certificates' "$T_DIR/l.err"

# A row whose certificate cannot be used: the list is refused before any load.
printf 'mac,cert,key\n000e08000001,,\n000e08000002,%s,%s\n' "$P/device.pem" "$P/rogue.key" \
	>"$T_DIR/badcert.csv"
"$PROVSCOPE" storm --devices "$T_DIR/badcert.csv" "${CA[@]}" "$URL" >/dev/null 2>"$T_DIR/bc.err"
t_eq "list: a certificate and a key that do not match: exit 2 before any load, naming the row" \
	"2 1 0" "$? $(grep -c "badcert.csv: line 3: " "$T_DIR/bc.err") $(grep -c 'minting' "$T_DIR/bc.err")"

# --handshake-only says what was checked, not that the phones would provision.
COLUMNS=200 "$PROVSCOPE" storm --count 5 --handshake-only "${CA[@]}" "$URL" >"$T_DIR/hs.txt" 2>/dev/null
t_check "--handshake-only: the verdict says the handshakes completed" \
	grep -q '^Verdict: ok: all 5 passes completed the TLS handshake (--handshake-only: no request was made) (exit 0)$' "$T_DIR/hs.txt"

# --- shards merge to the figures of one run ---------------------------------------
for i in 1 2 3; do
	"$PROVSCOPE" storm --count 300 --jobs 4 --shard "$i/3" "${CA[@]}" --format json "$URL" \
		>"$T_DIR/s$i.json" 2>/dev/null
done
"$PROVSCOPE" merge --format json "$T_DIR/s3.json" "$T_DIR/s1.json" "$T_DIR/s2.json" \
	>"$T_DIR/m.json" 2>"$T_DIR/m.err"
t_eq "merge: exit 7 as the unsharded run" 7 "$?"
t_eq "merge: the shards' counts add up to the unsharded run's" "$(counts "$T_DIR/a.json")" \
	"$(counts "$T_DIR/m.json")"
t_eq "merge: the same passes, device by device" \
	"$(json_get "$T_DIR/a.json" '[(p["mac"], p["exit_code"], p["finding"]) for p in d["storm"]["passes"]]')" \
	"$(json_get "$T_DIR/m.json" '[(p["mac"], p["exit_code"], p["finding"]) for p in d["storm"]["passes"]]')"
t_eq "merge: each shard made every third device, 100 passes" "100 100 100" \
	"$(for i in 1 2 3; do json_get "$T_DIR/s$i.json" 'd["storm"]["done"]'; done | xargs)"
t_eq "merge: the merged histograms are the sum of the shards', their percentiles theirs" "True" \
	"$(python3 -c '
import json, sys
sh = [json.load(open(f))["storm"]["latency"]["total"]["histogram"] for f in sys.argv[2:]]
m = json.load(open(sys.argv[1]))["storm"]["latency"]["total"]
b = {}
for h in sh:
    for k, c in h["buckets"]:
        b[k] = b.get(k, 0) + c
print(dict(m["histogram"]["buckets"] and {k: c for k, c in m["histogram"]["buckets"]}) == b and m["n"] == 300)' \
	"$T_DIR/m.json" "$T_DIR/s1.json" "$T_DIR/s2.json" "$T_DIR/s3.json")"
python3 - "$T_DIR/m.json" "$T_DIR/s1.json" "$T_DIR/s2.json" "$T_DIR/s3.json" >"$T_DIR/pct.out" <<'EOF'
# The merged p50/p95/p99 recomputed from the shards' buckets as one run
# would: the highest value of the bucket that holds the rank.
import json, math, sys
m = json.load(open(sys.argv[1]))["storm"]["latency"]
for step in ("connect", "tls", "first_byte", "total"):
    b = {}
    mx = 0
    for f in sys.argv[2:]:
        h = json.load(open(f))["storm"]["latency"][step]["histogram"]
        mx = max(mx, h["max"])
        for k, c in h["buckets"]:
            b[k] = b.get(k, 0) + c
    n = sum(b.values())
    def high(k):
        if k < 64:
            return k
        mm = 6 + (k - 64) // 32
        q = 32 + (k - 64) % 32
        return ((q + 1) << (mm - 5)) - 1
    for p in (50, 95, 99):
        rank = math.ceil(p / 100 * n)
        acc = 0
        for k in sorted(b):
            acc += b[k]
            if acc >= rank:
                v = min(high(k), mx)
                break
        got = m[step]["p%d_ms" % p]
        print(step, p, "ok" if abs(got - v / 1000.0) < 1e-9 else "got %s want %s" % (got, v / 1000.0))
EOF
t_eq "merge: p50, p95, p99 of every step are those of the shards' buckets together" "" \
	"$(grep -v ' ok$' "$T_DIR/pct.out")"

"$PROVSCOPE" merge "$T_DIR/s1.json" "$T_DIR/s2.json" >"$T_DIR/m2.txt" 2>&1
t_check "merge: a missing shard is said (storm.shards_missing)" \
	grep -q 'shards 1, 2 of 3 merged; 3 missing' "$T_DIR/m2.txt"
"$PROVSCOPE" merge "$T_DIR/s1.json" "$T_DIR/s1.json" >"$T_DIR/m3.txt" 2>&1
t_eq "merge: a shard given twice is refused" \
	"2 provscope: merge: shard 1 of 3 is in both $T_DIR/s1.json and $T_DIR/s1.json" \
	"$? $(cat "$T_DIR/m3.txt")"
"$PROVSCOPE" merge "$T_DIR/a.json" "$T_DIR/s2.json" >"$T_DIR/m4.txt" 2>&1
t_check "merge: results of different storms are refused" \
	grep -q 'are not shards of one storm: they differ in the number of shards: 1, 3' \
	"$T_DIR/m4.txt"
"$PROVSCOPE" storm --count 300 --shard 2/3 --handshake-only "${CA[@]}" --format json "$URL" \
	>"$T_DIR/hs2.json" 2>/dev/null
"$PROVSCOPE" merge "$T_DIR/s1.json" "$T_DIR/hs2.json" >"$T_DIR/m6.txt" 2>&1
t_check "merge: a --handshake-only shard does not merge with full passes" \
	grep -q 'are not shards of one storm: they differ in --handshake-only' "$T_DIR/m6.txt"
"$PROVSCOPE" storm --count 300 --shard 2/3 --ca "$P/server-ca.pem" --format json "$URL" \
	>"$T_DIR/nc2.json" 2>/dev/null
"$PROVSCOPE" merge "$T_DIR/s1.json" "$T_DIR/nc2.json" >"$T_DIR/m7.txt" 2>&1
t_check "merge: a shard without --device-ca does not merge with one with it" \
	grep -q 'differ in the certificates' "$T_DIR/m7.txt"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["started"] = "2020-01-01T00:00:00Z"
json.dump(d, open(sys.argv[2], "w"))' "$T_DIR/s3.json" "$T_DIR/s3-early.json"
"$PROVSCOPE" merge -v "$T_DIR/s1.json" "$T_DIR/s2.json" "$T_DIR/s3-early.json" >"$T_DIR/m8.txt" 2>&1
t_check "merge: shards that began far apart are said (storm.shards_apart)" \
	grep -q 'storm.shards_apart' "$T_DIR/m8.txt"
"$PROVSCOPE" merge "$T_DIR/s1.json" "$T_DIR/s2.json" "$T_DIR/s3.json" >"$T_DIR/m9.txt" 2>&1
t_eq "merge: shards run together: no word of it, nor of missing shards" "0" \
	"$(grep -c 'storm.shards_apart\|storm.shards_missing' "$T_DIR/m9.txt")"
t_eq "merge: each finding's first pass is the earliest of all shards, whatever the order" \
	"$(json_get "$T_DIR/m.json" '[f["first_mac"] for f in d["storm"]["findings"]]')" \
	"$("$PROVSCOPE" merge --format json "$T_DIR/s1.json" "$T_DIR/s2.json" "$T_DIR/s3.json" 2>/dev/null |
		python3 -c 'import json,sys; print(json.dumps([f["first_mac"] for f in json.load(sys.stdin)["storm"]["findings"]]))')"
"$PROVSCOPE" --batch --format json --ca "$P/server-ca.pem" --cert "$P/device.pem" \
	--key "$P/device.key" "$BASE/spa000e08aabbcc.xml" >"$T_DIR/live.json" 2>/dev/null
"$PROVSCOPE" merge "$T_DIR/live.json" >"$T_DIR/m5.txt" 2>&1
t_eq "merge: a report of another mode is refused" \
	"2 provscope: merge: $T_DIR/live.json: not the result of a storm (provscope storm --format json)" \
	"$? $(cat "$T_DIR/m5.txt")"
"$PROVSCOPE" merge --format junit "$T_DIR/s1.json" "$T_DIR/s2.json" "$T_DIR/s3.json" \
	>"$T_DIR/m.xml" 2>/dev/null
t_eq "merge: JUnit, a testcase per pass, 50 failures" "300 50" \
	"$(python3 -c '
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find("testsuite")
print(s.get("tests"), len(s.findall("testcase/failure")))' "$T_DIR/m.xml")"

# --- the schedule --------------------------------------------------------------------
"$PROVSCOPE" storm --count 40 --rate 20 "${CA[@]}" --format json "$URL" >"$T_DIR/r.json" \
	2>/dev/null
t_eq "--rate 20: 40 passes begin over 2 s, none before its time" "True True" \
	"$(json_get "$T_DIR/r.json" '"%s %s" % (max(p["start_s"] for p in d["storm"]["passes"]) >= 1.95, d["storm"]["wall_s"] >= 1.95)')"
"$PROVSCOPE" storm --count 40 --spread 2 --seed 7 "${CA[@]}" --format json "$URL" \
	>"$T_DIR/sp.json" 2>/dev/null
t_eq "--spread 2: every pass begins within the spread (and its lag behind the schedule)" "True 40" \
	"$(json_get "$T_DIR/sp.json" '"%s %d" % (max(p["start_s"] for p in d["storm"]["passes"]) < 2.01 + d["storm"]["latency"]["start_lag"]["max_ms"] / 1000, d["storm"]["latency"]["start_lag"]["n"])')"
t_eq "--spread: the seed is in the parameters" 7 \
	"$(json_get "$T_DIR/sp.json" 'd["storm"]["params"]["seed"]')"
"$PROVSCOPE" storm --count 10 --rate 20 --duration 1.5 "${CA[@]}" --format json "$URL" \
	>"$T_DIR/du.json" 2>/dev/null
t_eq "--duration 1.5 at --rate 20: 30 passes, the 10 devices three times each" \
	"30 30 [0, 1, 2]" \
	"$(json_get "$T_DIR/du.json" '"%d %d %s" % (d["storm"]["planned"], d["storm"]["done"] + d["storm"]["not_started"], sorted(set(p["round"] for p in d["storm"]["passes"])))')"
"$PROVSCOPE" storm --count 40 --spread 30 --duration 1 "${CA[@]}" --format json "$URL" \
	>"$T_DIR/cut.json" 2>/dev/null
t_eq "--duration 1 in a 30 s spread: the passes after it are not begun, and said so" \
	"40 True storm.not_started" \
	"$(json_get "$T_DIR/cut.json" '"%d %s %s" % (d["storm"]["done"] + d["storm"]["not_started"], d["storm"]["not_started"] > 20, [f["id"] for f in d["findings"] if f["id"] == "storm.not_started"][0])')"

# A signal (SIGTERM here: a background job of a script ignores SIGINT): no
# pass begins after it, the report of what was done is written, and the
# status says a signal stopped it.
"$PROVSCOPE" storm --count 100 --rate 10 "${CA[@]}" --format json "$URL" >"$T_DIR/int.json" \
	2>/dev/null &
pid=$!
sleep 1.5
kill -TERM "$pid"
wait "$pid"
t_eq "SIGTERM: exit 143, the report written: stopped, fewer than 100 passes, the rest not begun" \
	"143 True True True" \
	"$? $(json_get "$T_DIR/int.json" '"%s %s %s" % (d["storm"]["interrupted"], 0 < d["storm"]["done"] < 100, d["storm"]["done"] + d["storm"]["not_started"] == 100)')"

"$PROVSCOPE" storm --count 40 --spread 30 --duration 1 "${CA[@]}" --format tap "$URL" \
	>"$T_DIR/cut.tap" 2>/dev/null
t_check "tap: the passes not begun are a skipped test" \
	grep -q '^ok [0-9]* - [0-9]* planned passes not begun # SKIP --duration ended first$' "$T_DIR/cut.tap"
"$PROVSCOPE" storm --count 40 --spread 30 --duration 1 "${CA[@]}" --format junit "$URL" \
	>"$T_DIR/cut.xml" 2>/dev/null
t_eq "junit: the passes not begun are a skipped testcase" "1 1" \
	"$(python3 -c '
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find("testsuite")
print(s.get("skipped"), len(s.findall("testcase/skipped")))' "$T_DIR/cut.xml")"

# --- TAP --------------------------------------------------------------------------------
"$PROVSCOPE" storm --count 20 --jobs 4 "${CA[@]}" --format tap "$URL" >"$T_DIR/s.tap" 2>/dev/null
t_eq "tap: a test per pass" "1..20 20" \
	"$(sed -n 2p "$T_DIR/s.tap") $(grep -c '^ok [0-9]* - 000e08' "$T_DIR/s.tap")"

# --- the lab as the target --------------------------------------------------------------
LPKI=$T_DIR/labpki
start_lab lab --pki "$LPKI" || t_bail "the lab did not start: $(cat "$T_DIR/lab.err")"
LRUN=(--device-ca "$LPKI/vendor-ca.pem" --device-ca-key "$LPKI/vendor-ca.key"
	--ca "$LPKI/vendor-ca.pem" --resolve "prov.lab.test:$LAB_PORT:127.0.0.1")
lab_rss() { awk '/^VmRSS/{print $2}' "/proc/$LAB_PID/status"; }
"$PROVSCOPE" storm --count 200 --jobs 16 "${LRUN[@]}" --format json \
	"https://prov.lab.test:$LAB_PORT/spa\$PSN.cfg" >"$T_DIR/lab1.json" 2>/dev/null
t_eq "lab: 200 passes, all ok" "200 200 0 0:200 " "$(counts "$T_DIR/lab1.json")"
RSS1=$(lab_rss)
"$PROVSCOPE" storm --count 200 --jobs 16 "${LRUN[@]}" --format json \
	"https://prov.lab.test:$LAB_PORT/spa\$PSN.cfg" >"$T_DIR/lab2.json" 2>/dev/null
t_eq "lab: a second storm, all ok again" "200 200 0 0:200 " "$(counts "$T_DIR/lab2.json")"
RSS2=$(lab_rss)
t_eq "lab: its memory does not grow with a second storm (${RSS1} KiB, then ${RSS2} KiB)" "True" \
	"$(python3 -c "print($RSS2 <= $RSS1 * 1.10 + 2048)")"
t_eq "lab: it still serves a phone after the storms" 0 \
	"$("$PROVSCOPE" --batch --ca "$LPKI/vendor-ca.pem" --resolve "prov.lab.test:$LAB_PORT:127.0.0.1" --handshake-only \
		"https://prov.lab.test:$LAB_PORT/spa\$PSN.cfg" >/dev/null 2>&1; echo $?)"

# --- the loopback guard -------------------------------------------------------------------
"$PROVSCOPE" storm --count 5 "${CA[@]}" --resolve "prov.example.com:443:192.0.2.10" \
	"https://prov.example.com/spa\$MA.xml" >"$T_DIR/g.txt" 2>&1
t_eq "guard: a target that is not loopback is refused before any load (exit 2)" 2 "$?"
t_check "guard: the message names the address and --i-own-this-server" \
	grep -q "prov.example.com resolves to 192.0.2.10, which is not a loopback address; .* --i-own-this-server" "$T_DIR/g.txt"
# A profile that sends the phone on to another server: the hop is refused
# before it connects.
printf '<flat-profile><Profile_Rule_B>https://192.0.2.10/b.xml</Profile_Rule_B></flat-profile>\n' \
	>"$WWW/spa000e08000001.xml"
"$PROVSCOPE" storm --count 1 "${CA[@]}" --format json "$URL" >"$T_DIR/g.json" 2>/dev/null
t_eq "guard: a later hop to another address fails storm.not_loopback (exit 2)" \
	"2 storm.not_loopback" \
	"$(json_get "$T_DIR/g.json" '"%d %s" % (d["exit_code"], d["storm"]["passes"][0]["finding"])')"

# --- bad input ----------------------------------------------------------------------------
bad() { # bad DESC EXPECTED-MESSAGE ARGS...
	local desc=$1 want=$2 out
	shift 2
	out=$("$PROVSCOPE" storm "$@" 2>&1 >/dev/null)
	local rc=$?
	if [ "$rc" = 2 ] && [[ "$out" == *"$want"* ]]; then t_ok "bad input: $desc"; else
		t_fail "bad input: $desc" "expected exit 2 and: $want" "got $rc: $out"
	fi
}
bad "no devices" "give the devices: --count N" "$URL"
bad "--count 0" "--count '0': give a number of devices from 1 to 10000000" --count 0 "$URL"
bad "--rate" "--rate 'fast': give passes per second" --count 1 --rate fast "$URL"
bad "--shard 3/2" "--shard '3/2': give I/N" --count 1 --shard 3/2 "$URL"
bad "--spread and --rate" "--spread and --rate exclude each other" --count 1 --spread 5 --rate 5 "$URL"
bad "--device-ca without its key" "--device-ca needs --device-ca-key" --count 1 \
	--device-ca "$P/client-ca.pem" "$URL"
bad "a device CA that is no CA" "--device-ca" --count 1 --device-ca "$P/server.pem" \
	--device-ca-key "$P/server.key" "$URL"
bad "--format html" "'provscope storm' writes text, json, tap or junit, not html" --count 1 \
	--format html "$URL"
bad "no URL" "no URL given" --count 3
bad "--count and --devices" "--count and --devices exclude each other" --count 3 --devices "$L" "$URL"
printf 'mac\n000e08000001\nnot-a-mac\n' >"$T_DIR/bad.csv"
bad "a list with a bad row" "line 3: MAC 'not-a-mac': give 12 hex digits" --devices "$T_DIR/bad.csv" "$URL"
bad "a MAC range past the end" "runs past ffffffffffff" --count 5 --mac ffffffffffff "$URL"
bad "--duration x --rate too many passes" "at most 10000000" --count 1 --rate 100000 \
	--duration 604800 "$URL"

t_done
