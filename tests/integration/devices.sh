#!/bin/bash
# --devices: the same pass for every device of a CSV list, --jobs at a time,
# against provscope's lab with devices minted by --mint-device. One device
# asks with another device's certificate, two rows are bad: the records say
# so per device in text, TAP, JUnit and JSONL, the other devices run, and
# the exit status is the worst category.
. "$TOP_SRCDIR/tests/integration/lib.sh"

XSD=$TOP_SRCDIR/tests/data/junit/junit.xsd
PKI=$T_DIR/pki
for mac in 000e08aabbcc 000e08000001; do
	"$PROVSCOPE" lab --pki "$PKI" --mint-device "$mac" >/dev/null 2>&1 ||
		t_bail "lab --mint-device failed"
done
start_lab lab --pki "$PKI" --http-port 0 || t_bail "the lab did not start: $(cat "$T_DIR/lab.err")"
PORT=$LAB_PORT
RUN=(--batch --timeout 5 --ca "$PKI/vendor-ca.pem" --resolve "prov.lab.test:$PORT:127.0.0.1")
TARGET="https://prov.lab.test:$PORT/spa\$PSN.cfg"

L=$T_DIR/devices.csv
cat >"$L" <<EOT
# the lab's devices; one borrows another's certificate; two rows are bad
mac,serial,model,firmware,cert,key
000e08aabbcc,88019FA42805,spa942,,$PKI/device-000e08aabbcc.pem,$PKI/device-000e08aabbcc.key
00:0E:08:00:00:01,88019FA40001,SPA-942,6.1.5(b),$PKI/device-000e08000001.pem,$PKI/device-000e08000001.key
000e08000002,88019FA40002,spa942,,$PKI/device-000e08aabbcc.pem,$PKI/device-000e08aabbcc.key
not-a-mac,1,spa942,,,
000e08000003,2,spa9999,,,
EOT

"$PROVSCOPE" "${RUN[@]}" --devices "$L" --jobs 3 "$TARGET" >"$T_DIR/d.txt" 2>"$T_DIR/d.err"
t_eq "text: exit 7, the worst category (HTTP) of the list" 7 "$?"
t_eq "text: a record per device in list order, with its line, MAC and exit status" \
	"ok 3 0|ok 4 0|FAIL 5 7|FAIL 6 2|FAIL 7 2" \
	"$(awk '/^(ok|FAIL) /{printf "%s%s %s %s", sep, $1, $3, $7; sep="|"}' "$T_DIR/d.txt")"
for sh in 1/2 2/2; do
	"$PROVSCOPE" "${RUN[@]}" --devices "$L" --jobs 3 --shard "$sh" "$TARGET" \
		>"$T_DIR/d-shard.txt" 2>/dev/null
	echo "$? $(awk '/^(ok|FAIL) /{printf "%s%s %s %s", sep, $1, $3, $7; sep="|"}' \
		"$T_DIR/d-shard.txt")"
done >"$T_DIR/shards.out"
t_eq "--shard 1/2 and 2/2: every other row from the first and from the second, their own status" \
	"7 ok 3 0|FAIL 5 7|FAIL 7 2
2 ok 4 0|FAIL 6 2" "$(cat "$T_DIR/shards.out")"
t_check "text: the borrowed certificate is refused by the lab (http.forbidden)" \
	grep -q '^       http.forbidden: HTTP/1.1 403 Forbidden for /spa000e08000002.xml' "$T_DIR/d.txt"
t_check "text: the bad rows say why, with their line" \
	grep -q "line 6: MAC 'not-a-mac': give 12 hex digits" "$T_DIR/d.txt"
t_check "text: a model not in the catalogue" \
	grep -q "line 7: model 'spa9999' is not in the catalogue" "$T_DIR/d.txt"
t_check "text: the summary counts each category" \
	grep -q '^5 devices in .* s: 2 ok (0), 2 usage (2), 1 http (7)$' "$T_DIR/d.txt"

"$PROVSCOPE" "${RUN[@]}" --format jsonl --devices "$L" --jobs 2 "$TARGET" >"$T_DIR/d.jsonl" \
	2>"$T_DIR/d.jsonl.err"
t_eq "jsonl: exit 7, one line per device, in list order" \
	"7 000e08aabbcc:0 000e08000001:0 000e08000002:7 line6:2 line7:2" \
	"$? $(python3 -c '
import json, sys
out = []
for line in open(sys.argv[1]):
    d = json.loads(line)
    out.append((d["phone"]["mac"] if "phone" in d else "line%d" % d["line"]) + ":" + str(d["exit_code"]))
print(" ".join(out))' "$T_DIR/d.jsonl")"
t_eq "jsonl: the second device runs with its firmware column, so it does not upgrade" \
	"6.1.5(b) False" \
	"$(python3 -c '
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])][1]
print(d["phone"]["firmware"], d["upgrade"]["would_upgrade"])' "$T_DIR/d.jsonl")"
grep '"schema":"provscope/1",' "$T_DIR/d.jsonl" >"$T_DIR/reports.jsonl"
if python3 -c 'import jsonschema' 2>/dev/null; then
	t_check "jsonl: the devices' reports validate against the JSON Schema" \
		python3 "$TOP_SRCDIR/tests/integration/schema_check.py" \
		"$TOP_SRCDIR/doc/provscope.schema.json" "$T_DIR/reports.jsonl"
else
	t_skip "jsonl: the devices' reports validate against the JSON Schema" \
		"python3-jsonschema is not installed"
fi
t_check "jsonl: the summary goes to the standard error" \
	grep -q '^provscope: 5 devices in .*worst exit 7$' "$T_DIR/d.jsonl.err"

"$PROVSCOPE" "${RUN[@]}" --format tap --devices "$L" --jobs 4 "$TARGET" >"$T_DIR/d.tap" 2>/dev/null
t_eq "tap: exit 7; plan 1..5, two ok, three not ok, numbered in order" \
	"7 1..5 ok1 ok2 notok3 notok4 notok5" \
	"$? $(sed -n 2p "$T_DIR/d.tap") $(awk '/^(not )?ok /{n=$0; sub(/ -.*/,"",n); gsub(/ /,"",n); printf "%s ", n}' "$T_DIR/d.tap" | sed 's/ $//')"
env AM_TAP_AWK=awk sh "$TOP_SRCDIR/build-aux/tap-driver.sh" --test-name devices.tap \
	--log-file "$T_DIR/d.tap.log" --trs-file "$T_DIR/d.tap.trs" --color-tests no \
	--enable-hard-errors yes --expect-failure no -- cat "$T_DIR/d.tap" >/dev/null 2>&1
t_eq "tap: automake's TAP driver reads 2 PASS, 3 FAIL, no ERROR" "2 3 0" \
	"$(grep -c ':test-result: PASS' "$T_DIR/d.tap.trs") $(grep -c ':test-result: FAIL' "$T_DIR/d.tap.trs") $(grep -c ':test-result: ERROR' "$T_DIR/d.tap.trs")"

"$PROVSCOPE" "${RUN[@]}" --format junit --devices "$L" "$TARGET" >"$T_DIR/d.xml" 2>/dev/null
t_eq "junit: exit 7" 7 "$?"
if command -v xmllint >/dev/null; then
	t_check "junit: valid against the JUnit schema" xmllint --noout --schema "$XSD" "$T_DIR/d.xml"
else
	t_skip "junit: valid against the JUnit schema" "xmllint is not installed"
fi
t_eq "junit: 5 testcases, 3 failures, each failure typed by its finding or category" \
	"5 3 http.forbidden usage usage" \
	"$(python3 -c '
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find("testsuite")
c = s.findall("testcase")
print(len(c), s.get("failures"), " ".join(f.get("type") for f in s.iter("failure")))' "$T_DIR/d.xml")"

# A field with a control byte: the row does not run (serial and firmware
# would go into the User-Agent header) and its error quotes the field; the
# jsonl record stays JSON (\u0001, not the \x01 of YAML), the TAP and
# JUnit records stay well-formed.
printf 'mac,serial\n00\001e08000004,88019FA40004\n000e08000005,8801\00140005\n' >"$T_DIR/ctl.csv"
"$PROVSCOPE" "${RUN[@]}" --format jsonl --devices "$T_DIR/ctl.csv" --jobs 1 "$TARGET" \
	>"$T_DIR/ctl.jsonl" 2>/dev/null
t_eq "jsonl: a control byte in a CSV field is escaped as JSON (json.loads reads every line)" \
	"2 line2:2:True line3:2:True" \
	"$(python3 -c '
import json, sys
out = []
for line in open(sys.argv[1], "rb"):
    d = json.loads(line)
    if "phone" in d:
        out.append("%s:%s" % (d["phone"]["mac"], d["phone"]["serial"] == "8801\x0140005"))
    else:
        out.append("line%d:%d:%s" % (d["line"], d["exit_code"], "\x01" in d["error"]))
print(len(out), " ".join(out))' "$T_DIR/ctl.jsonl" 2>&1)"
t_check "jsonl: the escape is \\u0001" grep -q "column mac '00\\\\u0001e08000004'" "$T_DIR/ctl.jsonl"
"$PROVSCOPE" "${RUN[@]}" --format junit --devices "$T_DIR/ctl.csv" "$TARGET" >"$T_DIR/ctl.xml" \
	2>/dev/null
t_check "junit: a control byte in a CSV field leaves well-formed XML" \
	python3 -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' "$T_DIR/ctl.xml"

# Rows with their own url; a list that cannot be used at all.
cat >"$T_DIR/url.csv" <<EOT
mac,cert,key,url
000e08aabbcc,$PKI/device-000e08aabbcc.pem,$PKI/device-000e08aabbcc.key,https://prov.lab.test:$PORT/spa\$MA.xml
000e08000001,$PKI/device-000e08000001.pem,$PKI/device-000e08000001.key,
EOT
"$PROVSCOPE" "${RUN[@]}" --devices "$T_DIR/url.csv" >"$T_DIR/url.txt" 2>&1
t_eq "a url column without a command-line URL: the row with one runs, the other is a bad row" \
	"2 ok FAIL" "$? $(awk '/^(ok|FAIL) /{printf "%s ", $1}' "$T_DIR/url.txt" | sed 's/ $//')"
printf 'mac,colour\n000e08aabbcc,blue\n' >"$T_DIR/bad.csv"
"$PROVSCOPE" "${RUN[@]}" --devices "$T_DIR/bad.csv" "$TARGET" >/dev/null 2>"$T_DIR/bad.err"
t_eq "an unknown column: usage error naming it and the line" \
	"2 provscope: --devices $T_DIR/bad.csv: line 1: unknown column 'colour' (use mac, serial, model, firmware, cert, key, url)" \
	"$? $(cat "$T_DIR/bad.err")"
"$PROVSCOPE" "${RUN[@]}" --devices "$T_DIR/none.csv" "$TARGET" >/dev/null 2>&1
t_eq "a missing list: usage error" 2 "$?"
"$PROVSCOPE" "${RUN[@]}" --format json --devices "$L" "$TARGET" >/dev/null 2>&1
t_eq "--format json with --devices: usage error (jsonl is the per-device format)" 2 "$?"
"$PROVSCOPE" "${RUN[@]}" --jobs 2 "$TARGET" >/dev/null 2>&1
t_eq "--jobs without --devices: usage error" 2 "$?"
"$PROVSCOPE" --demo --batch --jobs 2 >/dev/null 2>&1
t_eq "--jobs with --demo: usage error" 2 "$?"
"$PROVSCOPE" --demo --batch --devices "$L" >/dev/null 2>&1
t_eq "--devices with --demo: usage error" 2 "$?"
"$PROVSCOPE" lab --devices "$L" >/dev/null 2>&1
t_eq "--devices with provscope lab: usage error (the lab does not start)" 2 "$?"

# --output is replaced whole or not at all: a run interrupted while the
# devices wait on a server that stalls in the handshake leaves the previous
# report and no temporary file; a run that ends replaces it.
start_lab slow --pki "$PKI" --fault slow-handshake ||
	t_bail "the slow lab did not start: $(cat "$T_DIR/slow.err")"
SLOW=$LAB_PORT
OUT=$T_DIR/report.xml
echo "the previous report" >"$OUT"
"$PROVSCOPE" --batch --timeout 20 --ca "$PKI/vendor-ca.pem" --resolve "prov.lab.test:$SLOW:127.0.0.1" \
	--format junit --output "$OUT" --devices "$L" "https://prov.lab.test:$SLOW/spa\$PSN.cfg" \
	>/dev/null 2>&1 &
pid=$!
for i in $(seq 1 100); do
	ls "$OUT".tmp-* >/dev/null 2>&1 && break
	sleep 0.05
done
t_check "an --output run writes to a temporary file beside the report" ls "$OUT".tmp-*
sleep 0.3
# SIGTERM: a background job of a script ignores SIGINT
kill -TERM "$pid"
wait "$pid"
t_eq "interrupted (SIGTERM): the previous report is left, no temporary file" \
	"143|the previous report|" "$?|$(cat "$OUT")|$(ls "$OUT".tmp-* 2>/dev/null)"
"$PROVSCOPE" "${RUN[@]}" --format junit --output "$OUT" --devices "$L" "$TARGET" >/dev/null 2>&1
t_eq "a run that ends replaces it (exit 7, a JUnit document)" "7 <testsuites" \
	"$? $(sed -n 2p "$OUT" | cut -c1-11)"
t_eq "... with the permissions of the file it replaced" "$(stat -c %a "$L")" "$(stat -c %a "$OUT")"

t_done
