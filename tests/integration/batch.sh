#!/bin/bash
# Batch mode for QA: every machine format checked by a real validator.
# JSON and JSONL of full runs (the clean demo, failing demos, cert, profile
# and rule) against doc/provscope.schema.json with python3-jsonschema; TAP
# through a strict checker and automake's tap-driver; JUnit through xmllint
# --schema with tests/data/junit/junit.xsd. The formats agree on the count
# of tests and failures. --expect: met, not met (exit 10, listed in every
# format), a failing run keeping its own category, secrets, usage errors.
. "$TOP_SRCDIR/tests/integration/lib.sh"

SCHEMA=$TOP_SRCDIR/doc/provscope.schema.json
XSD=$TOP_SRCDIR/tests/data/junit/junit.xsd
D=$TOP_SRCDIR/tests/data
SCHEMA_CHECK=$TOP_SRCDIR/tests/integration/schema_check.py
TAP_CHECK=$TOP_SRCDIR/tests/integration/tap_check.py
J=$T_DIR/json
mkdir -p "$J"

HAVE_JSONSCHEMA=yes
python3 -c 'import jsonschema' 2>/dev/null || HAVE_JSONSCHEMA=no
HAVE_XMLLINT=yes
command -v xmllint >/dev/null || HAVE_XMLLINT=no

# validate DESC FILE...: the files match the JSON Schema.
validate() {
	local desc=$1 out
	shift
	if [ "$HAVE_JSONSCHEMA" = no ]; then
		t_skip "$desc" "python3-jsonschema is not installed"
	elif out=$(python3 "$SCHEMA_CHECK" "$SCHEMA" "$@" 2>&1); then
		t_ok "$desc"
	else
		t_fail "$desc" "$(printf '%s\n' "$out" | head -20)"
	fi
}

# tap_ok FILE: the strict checker's counts ("tests=N pass=P fail=F skip=S")
# and automake's tap-driver's (PASS/FAIL/SKIP/ERROR), or a problem.
tap_counts() {
	local f=$1 strict trs
	strict=$(python3 "$TAP_CHECK" "$f" 2>&1) || { echo "strict check: $strict"; return; }
	env AM_TAP_AWK="${AWK:-awk}" sh "$TOP_SRCDIR/build-aux/tap-driver.sh" --test-name "${f##*/}" \
		--log-file "$f.log" --trs-file "$f.trs" --color-tests no --enable-hard-errors yes \
		--expect-failure no -- cat "$f" >/dev/null 2>&1
	trs=$(printf 'driver: pass=%s fail=%s skip=%s error=%s' \
		"$(grep -c '^:test-result: PASS' "$f.trs")" "$(grep -c '^:test-result: FAIL' "$f.trs")" \
		"$(grep -c '^:test-result: SKIP' "$f.trs")" "$(grep -c '^:test-result: ERROR' "$f.trs")")
	echo "$strict | $trs"
}

# junit_counts FILE: valid against the XSD, and tests/failures/skipped of
# the suite as counted from its testcases ("tests=N fail=F skip=S").
junit_counts() {
	local f=$1 out
	if [ "$HAVE_XMLLINT" = yes ] && ! out=$(xmllint --noout --schema "$XSD" "$f" 2>&1); then
		echo "xmllint: $out"
		return
	fi
	python3 - "$f" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall("testsuite")
assert root.tag == "testsuites" and len(suites) == 1, "one testsuite in testsuites"
s = suites[0]
cases = s.findall("testcase")
fail = sum(1 for c in cases if c.find("failure") is not None)
skip = sum(1 for c in cases if c.find("skipped") is not None)
for el in (root, s):
    got = (int(el.get("tests")), int(el.get("failures")), int(el.get("skipped")))
    assert got == (len(cases), fail, skip), f"{el.tag} says {got}, counted {(len(cases), fail, skip)}"
total = sum(float(c.get("time")) for c in cases if c.get("classname").startswith("hop"))
assert float(s.get("time")) + 0.01 * len(cases) >= total, "suite time below the sum of the steps"
print(f"tests={len(cases)} fail={fail} skip={skip}")
PY
}

# json_counts FILE: the tests the TAP and JUnit of the same run must have
# (a step each, an expectation each, the verdict) and how many fail.
json_counts() {
	json_get "$1" '"tests=%d exit=%d expect_failed=%d" % (sum(len(h["steps"]) for h in d.get("hops", [])) + len(d["expectations"]) + 1, d["exit_code"], sum(1 for e in d["expectations"] if not e["ok"]))'
}

# --- live runs, clean and failing, in every format ------------------------------
# NAME EXIT DEMO-OPTIONS...
cases() {
	cat <<'EOT'
clean 0
expired 5 --fault expired
modern-only 4 --fault modern-only
untrusted-ca 5 --fault untrusted-ca
not-found 7 --fault not-found
no-client-auth 10 --fault no-client-auth
wrong-profile-key 8 --fault wrong-profile-key
truncated 7 --fault truncated
rc4-only 0 --fault rc4-only
weak-key 0 --fault weak-key
cisco 0 --model spa504g
handshake-only 0 --handshake-only
EOT
}
JSON_FILES=()
while read -r name code opts; do
	# shellcheck disable=SC2086
	for fmt in json jsonl tap junit; do
		"$PROVSCOPE" --demo --batch --timeout 3 --format "$fmt" $opts \
			>"$J/live-$name.$fmt" 2>/dev/null
		echo $? >"$J/live-$name.$fmt.rc"
	done
	rcs="$(cat "$J/live-$name.json.rc") $(cat "$J/live-$name.jsonl.rc") $(cat "$J/live-$name.tap.rc") $(cat "$J/live-$name.junit.rc")"
	what="--demo${opts:+ $opts}"
	t_eq "$what: exit $code in every format" "$code $code $code $code" "$rcs"
	JSON_FILES+=("$J/live-$name.json" "$J/live-$name.jsonl")
	t_eq "$what: --format jsonl is the report on one line" "1" \
		"$(wc -l <"$J/live-$name.jsonl" | tr -d ' ')"
	want=$(json_counts "$J/live-$name.json")
	tests=${want%% *}
	tap=$(tap_counts "$J/live-$name.tap")
	case "$tap" in
	"$tests pass="*" | driver: "*"error=0")
		nfail=$(echo "$tap" | sed 's/.* fail=\([0-9]*\) skip.*|.*/\1/')
		dfail=$(echo "$tap" | sed 's/.*driver: .* fail=\([0-9]*\) skip.*/\1/')
		if [ "$nfail" = "$dfail" ] && { [ "$code" = 0 ] && [ "$nfail" = 0 ] ||
			{ [ "$code" != 0 ] && [ "$nfail" -gt 0 ]; }; }; then
			t_ok "$what: TAP well-formed, the tests of every step, expectation and the verdict, failures as the run ($tap)"
		else
			t_fail "$what: TAP failures disagree with the exit status $code" "$tap"
		fi
		;;
	*) t_fail "$what: TAP well-formed with $tests" "$tap" ;;
	esac
	ju=$(junit_counts "$J/live-$name.junit")
	case "$ju" in
	"$tests fail="*)
		jfail=$(echo "$ju" | sed 's/.* fail=\([0-9]*\) .*/\1/')
		if [ "$jfail" = "$(echo "$tap" | sed 's/.* fail=\([0-9]*\) skip.*|.*/\1/')" ]; then
			t_ok "$what: JUnit valid against the XSD, the same tests and failures as TAP ($ju)"
		else
			t_fail "$what: JUnit failures differ from TAP" "junit: $ju" "tap: $tap"
		fi
		;;
	*) t_fail "$what: JUnit valid with $tests" "$ju" ;;
	esac
done < <(cases)

# The download hop and an expectation list, in JSON.
"$PROVSCOPE" --demo --batch --format json --download-firmware "$T_DIR/fw.bin" \
	--expect tls.version=TLS1.0 >"$J/live-download.json" 2>/dev/null
JSON_FILES+=("$J/live-download.json")
validate "the JSON of live runs (clean, 9 faults, a Cisco, --handshake-only, --download-firmware), json and jsonl" \
	"${JSON_FILES[@]}"
t_eq "a failing run's TAP carries the finding as YAML under its step" \
	"1" "$(grep -A12 '^not ok [0-9]* - hop 1 tls.chain: ' "$J/live-expired.tap" | grep -c '^    - id: chain.expired$')"
t_check "a failing run's JUnit: a failure typed with the finding id, its detail and fix" \
	grep -q '<failure message="A certificate in the chain has expired." type="chain.expired">error chain.expired' \
	"$J/live-expired.junit"
t_check "a skipped step is a SKIP directive in TAP" \
	grep -q '^ok [0-9]* - hop 1 tls.client_auth # SKIP ' "$J/live-expired.tap"
t_check "a skipped step is <skipped/> in JUnit" grep -q '<skipped message=' "$J/live-expired.junit"
t_eq "a warning step stays ok in TAP, with its status in the diagnostics" "  status: warn" \
	"$(grep -A2 -E '^ok [0-9]+ - hop 1 tls.chain: ' "$J/live-weak-key.tap" | sed -n 3p)"

# --- offline runs: cert, profile, rule -------------------------------------------
OFF=()
ROOT=$D/x509/badssl/roots/DigiCert_Global_Root_CA.pem
for f in "$D"/x509/badssl/*.pem "$D"/x509/badssl/*.crt; do
	b=${f##*/}
	"$PROVSCOPE" cert --format json --ca "$ROOT" --host badssl.com --at 2021-04-19 "$f" \
		>"$J/cert-$b.json" 2>/dev/null
	OFF+=("$J/cert-$b.json")
done
"$PROVSCOPE" cert --format json "$D/x509/badssl/wildcard-rsa2048.pem" >"$J/cert-noca.json" 2>/dev/null
"$PROVSCOPE" cert --format jsonl --host 127.0.0.1 "$D/x509/badssl/wildcard-self-signed.pem" \
	>"$J/cert-ip.jsonl" 2>/dev/null
OFF+=("$J/cert-noca.json" "$J/cert-ip.jsonl")
validate "the JSON of provscope cert on every badssl chain in tests/data (and without --ca, with an IP)" "${OFF[@]}"

OFF=()
for f in "$D"/profiles/*; do
	b=${f##*/}
	[ "$b" = SOURCES.md ] && continue
	"$PROVSCOPE" profile --format json "$f" >"$J/profile-$b.json" 2>/dev/null
	OFF+=("$J/profile-$b.json")
done
"$PROVSCOPE" profile --format json --mac 00:0e:08:12:34:56 --model spa504g --firmware 7.4.9 \
	"$D/profiles/provisioner__cisco-spa5xx__model.cfg" "$D/profiles/fusionpbx__cisco-spa504g__mac.xml" \
	>"$J/profile-two.json" 2>/dev/null
"$PROVSCOPE" profile --format jsonl --show-secrets "$D/profiles/wazo__spa-phone.xml" \
	>"$J/profile-shown.jsonl" 2>/dev/null
OFF+=("$J/profile-two.json" "$J/profile-shown.jsonl")
validate "the JSON of provscope profile on every profile in tests/data (and two files with --mac, --show-secrets)" "${OFF[@]}"

OFF=()
i=0
while IFS= read -r line; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	eval "\"\$PROVSCOPE\" rule --format json $line" >"$J/rule-$i.json" 2>/dev/null
	OFF+=("$J/rule-$i.json")
done <<'EOT'
--kind upgrade --model spa504g --firmware 7.4.9 '($SWVER lt 7.5.2b) ? http://p/fw/spa50x-30x-7-5-2b.bin | http://p/fw/spa50x-30x-7-5-5.bin'
'[--key k --uid bob --pwd pw] https://p/$MA.xml'
'($SWVER lt 7.5.2b http://p/x'
'/spa$PSN.cfg'
--kind trigger '($UPGERR)?'
'( $MA eq 000e08aabbcc )? ( GPP_A = "x" ; b = "$MA" ; )! [--post a] https://p/a.xml | http://q/b.xml'
EOT
validate "the JSON of provscope rule (conditions, options, assignments, a syntax error, TFTP)" "${OFF[@]}"
"$PROVSCOPE" profile --format tap "$D/profiles/wazo__SPA942.tpl" >"$J/profile.tap" 2>/dev/null
"$PROVSCOPE" cert --format junit --ca "$ROOT" --host badssl.com --at 2021-04-19 \
	"$D/x509/badssl/wildcard-incomplete-chain.pem" >"$J/cert.junit" 2>/dev/null
t_eq "provscope profile --format tap and cert --format junit: well-formed" \
	"ok ok" "$(python3 "$TAP_CHECK" "$J/profile.tap" >/dev/null 2>&1 && echo ok) $(junit_counts "$J/cert.junit" | grep -q '^tests=' && echo ok)"

# --- --expect ---------------------------------------------------------------------
"$PROVSCOPE" --demo --batch --format json --output "$J/met.json" \
	--expect tls.version=TLS1.0 --expect tls.cipher_suite=TLS_RSA_WITH_AES_256_CBC_SHA \
	--expect tls.established=yes --expect chain.phone_verdict=accept \
	--expect chain.modern_verdict=accept --expect client_auth.requested=true \
	--expect client_auth.sent=true --expect http.status=200 --expect hop2.http.status=200 \
	--expect step.tls.chain=ok --expect hop4.step.audit=ok \
	--expect upgrade.would_upgrade=true --expect upgrade.enabled=yes \
	--expect upgrade.target_version=6.1.5b --expect upgrade.check.status=200 \
	--expect verdict=ok --expect exit_code=0 --expect '!finding=chain.untrusted_root' \
	--expect hop1.step.tls.chain=ok --expect '!finding=http.not_found' \
	--expect no_finding=tls.rc4 --expect param:Upgrade_Enable=Yes \
	--expect param:Station_Name=lab-spa942-aabbcc --expect param:Password_1_=lab-secret-aabbcc \
	2>/dev/null
t_eq "--expect, every key met: exit 0, 24 expectations ok" "0 24 0" \
	"$? $(json_get "$J/met.json" 'len(d["expectations"])') $(json_get "$J/met.json" 'sum(1 for e in d["expectations"] if not e["ok"])')"
t_eq "--expect: without a hop prefix a hop key reads the first hop that has it" "0 1 3" \
	"$(json_get "$J/met.json" '" ".join(str(e["hop"]) for e in d["expectations"] if e["key"] in ("tls.version","hop2.http.status","hop4.step.audit"))')"
t_eq "--expect on a secret parameter: compared on its value, printed as ********" \
	"******** ******** no" \
	"$(json_get "$J/met.json" '[e["expected"]+" "+e["got"] for e in d["expectations"] if e["key"]=="param:Password_1_"][0]') $(grep -q lab-secret "$J/met.json" && echo yes || echo no)"
validate "the JSON with an expectations array" "$J/met.json"

EXP=(--expect http.status=404 --expect tls.version=TLS1.0 --expect 'param:Password_1_=guess'
	--expect finding=tls.rc4)
for fmt in json text tap junit; do
	COLUMNS=1000 "$PROVSCOPE" --demo --batch --format "$fmt" "${EXP[@]}" >"$J/unmet.$fmt" 2>/dev/null
	echo $? >"$J/unmet.$fmt.rc"
done
t_eq "--expect not met in an ok run: exit 10 in every format" "10 10 10 10" \
	"$(cat "$J"/unmet.json.rc "$J"/unmet.text.rc "$J"/unmet.tap.rc "$J"/unmet.junit.rc | tr '\n' ' ' | sed 's/ $//')"
t_eq "--expect not met: JSON lists each with key, expected, got, ok; verdict fail, exit_code 10" \
	"http.status:404:200:False tls.version:TLS1.0:TLS1.0:True param:Password_1_:********:********:False finding:tls.rc4:None:False fail 10" \
	"$(json_get "$J/unmet.json" '" ".join("%s:%s:%s:%s" % (e["key"], e["expected"], e["got"], e["ok"]) for e in d["expectations"])+" "+d["verdict"]+" "+str(d["exit_code"])')"
t_check "--expect not met: the text lists each with expected and got" \
	grep -q '^  FAIL    http.status=404: expected 404, got 200 (hop 1)$' "$J/unmet.text"
t_check "--expect not met: the text verdict names the first one and exit 10" \
	grep -q '^Verdict: fail: an --expect or audit check failed: 3 of 4 expectations not met (first: http.status: expected 404, got 200) (exit 10)$' \
	"$J/unmet.text"
t_eq "--expect not met: one TAP test each, not ok when not met" \
	"not ok:http.status=404 ok:tls.version=TLS1.0 not ok:param:Password_1_=******** not ok:finding=tls.rc4" \
	"$(sed -n 's/^\(not ok\|ok\) [0-9]* - expect \([^:]*\(:[A-Za-z_0-9]*\)\?=[^:]*\).*/\1:\2/p' "$J/unmet.tap" | tr '\n' ' ' | sed 's/ $//')"
t_eq "--expect not met: one JUnit testcase each, failures typed expect" "4 3" \
	"$(grep -c '<testcase classname="expect"' "$J/unmet.junit") $(grep -A1 '<testcase classname="expect"' "$J/unmet.junit" | grep -c '<failure .*type="expect"')"
t_eq "--expect not met: the TAP and JUnit stay valid" "ok ok" \
	"$(python3 "$TAP_CHECK" "$J/unmet.tap" >/dev/null 2>&1 && echo ok) $(junit_counts "$J/unmet.junit" | grep -q '^tests=' && echo ok)"
t_eq "--expect: a secret's values are printed nowhere" "0" \
	"$(cat "$J"/unmet.* | grep -c -e lab-secret -e guess)"
"$PROVSCOPE" --demo --batch --show-secrets --expect 'param:Password_1_=guess' >"$J/shown.txt" 2>/dev/null
t_check "--expect with --show-secrets prints the secret's values" \
	grep -q '^  FAIL    param:Password_1_=guess: expected guess, got lab-secret-aabbcc$' "$J/shown.txt"

"$PROVSCOPE" --demo --batch --format json --fault not-found --expect tls.version=TLS1.2 \
	--expect hop2.http.status=404 --expect finding=http.not_found >"$J/own.json" 2>/dev/null
t_eq "a failing run keeps its own category (7), expectations listed all the same" \
	"7 fail False True True" \
	"$? $(json_get "$J/own.json" 'd["verdict"]+" "+" ".join(str(e["ok"]) for e in d["expectations"])')"
t_check "a failing run's summary adds the expectations not met" \
	test "$(json_get "$J/own.json" '"1 of 3 expectations not met" in d["summary"] and d["summary"].startswith("HTTP error")')" = true
"$PROVSCOPE" --demo --batch --format json --fault expired --expect finding=chain.expired \
	--expect chain.phone_verdict=reject --expect exit_code=5 --expect verdict=fail >"$J/own2.json" 2>/dev/null
t_eq "a failing run whose failure was expected: its own exit (5), every expectation ok" "5 0" \
	"$? $(json_get "$J/own2.json" 'sum(1 for e in d["expectations"] if not e["ok"])')"

"$PROVSCOPE" cert --format json --ca "$ROOT" --host badssl.com --at 2021-04-19 \
	--expect chain.phone_verdict=reject --expect chain.modern_verdict=accept \
	--expect finding=chain.hostname_mismatch --expect '!finding=chain.expired' \
	"$D/x509/badssl/wildcard-rsa2048.pem" >"$J/exp-cert.json" 2>/dev/null
t_eq "--expect with provscope cert (the phone rejects the CN *.badssl.com, as expected)" "5 4" \
	"$? $(json_get "$J/exp-cert.json" 'sum(1 for e in d["expectations"] if e["ok"])')"
"$PROVSCOPE" profile --format json --model spa504g --expect param:Resync_Periodic=3600 \
	--expect param:Resync_Fails_On_FNF=Yes --expect upgrade.would_upgrade=false \
	"$D/profiles/provisioner__cisco-spa5xx__model.cfg" >"$J/exp-prof.json" 2>/dev/null
t_eq "--expect with provscope profile: a parameter of the table not met gives 10" \
	"10 param:Resync_Periodic" \
	"$? $(json_get "$J/exp-prof.json" '" ".join(e["key"] for e in d["expectations"] if not e["ok"])')"
"$PROVSCOPE" rule --format json --expect step.rule.expand=ok 'https://p/$MA.xml' >"$J/exp-rule.json" 2>/dev/null
t_eq "--expect with provscope rule" "0" "$?"

# Usage errors: before the run (no report), exit 2.
usage_case() { # DESC NEEDLE ARGS...
	local desc=$1 needle=$2
	shift 2
	"$PROVSCOPE" "$@" >"$T_DIR/u.out" 2>"$T_DIR/u.err"
	local rc=$?
	if [ "$rc" = 2 ] && [ ! -s "$T_DIR/u.out" ] && grep -q -- "$needle" "$T_DIR/u.err"; then
		t_ok "$desc"
	else
		t_fail "$desc" "exit $rc" "stdout: $(head -c 300 "$T_DIR/u.out")" "stderr: $(cat "$T_DIR/u.err")"
	fi
}
usage_case "--expect with an unknown key: exit 2, no report, the keys listed" \
	"unknown key; use one of tls.version" --demo --batch --expect tls.versoin=TLS1.0
usage_case "--expect without =: exit 2" "give KEY=VALUE" --demo --batch --expect verdict
usage_case "--expect http.status=abc: exit 2" "give a whole number" --demo --batch --expect http.status=abc
usage_case "--expect finding=no.such: exit 2" "not a finding id" --demo --batch --expect finding=no.such
usage_case "--expect hop2.verdict: exit 2" "not a field of a hop" --demo --batch --expect hop2.verdict=ok
usage_case "--expect step.nosuch: exit 2" "not a step id" --demo --batch --expect step.nosuch=ok
usage_case "--expect with provscope lab: exit 2" "does not apply to 'provscope lab'" lab --expect verdict=ok
usage_case "--format with an unknown name lists the six" "text, json, jsonl, tap, junit, html" --demo --format xml

# --output FILE with the new formats.
"$PROVSCOPE" --demo --batch --format junit --output "$T_DIR/out.xml" >"$T_DIR/out.stdout" 2>/dev/null
t_eq "--format junit --output FILE: the file, nothing on stdout" "0 yes 0" \
	"$? $(grep -q '^<testsuites' "$T_DIR/out.xml" && echo yes) $(wc -c <"$T_DIR/out.stdout" | tr -d ' ')"

t_done
