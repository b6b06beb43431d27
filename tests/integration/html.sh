#!/bin/bash
# --format html: one self-contained page (no network, no external asset),
# well-formed, with a ladder diagram per hop whose arrows are the
# handshake's messages (the same as the JSON report's), alerts in red, the
# chain and the verdict; secrets shown as ********. When Debian's chromium
# is installed (.ci/run installs it), a real browser loads the page: a
# screenshot is taken and the DOM it built is checked.
. "$TOP_SRCDIR/tests/integration/lib.sh"

# page NAME ARGS...: the demo's report as HTML ($T_DIR/NAME.html) and as
# JSON ($T_DIR/NAME.json), from two runs alike.
page() {
	local name=$1
	shift
	"$PROVSCOPE" --demo --batch --format html "$@" >"$T_DIR/$name.html" 2>/dev/null
	PAGE_RC=$?
	"$PROVSCOPE" --demo --batch --format json "$@" >"$T_DIR/$name.json" 2>/dev/null
}

# check_page NAME: well-formed, self-contained, its arrows and verdict
# those of the JSON report. Prints what is wrong, nothing when all holds.
check_page() {
	python3 - "$T_DIR/$1.html" "$T_DIR/$1.json" <<'PY'
import json, re, sys
from html.parser import HTMLParser
page, report = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))
VOID = {"meta", "br", "line", "path", "hr", "img", "link", "input"}
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.bad = []; s.arrows = {}; s.svg = None
        s.external = []
    def handle_starttag(s, t, a):
        a = dict(a)
        for k in ("src", "href"):
            if k in a and not a[k].startswith("#"):
                s.external.append(a[k])
        if t in ("script", "link", "iframe", "img", "object"):
            s.external.append(t)
        if t == "svg":
            s.svg = a.get("aria-labelledby")
            s.arrows[s.svg] = 0
        if t == "line" and "msg" in a.get("class", ""):
            s.arrows[s.svg] += 1
        if t not in VOID:
            s.stack.append(t)
    def handle_startendtag(s, t, a):
        if t == "line":
            s.handle_starttag(t, a)
    def handle_endtag(s, t):
        if t in VOID:
            return
        if not s.stack or s.stack[-1] != t:
            s.bad.append(t)
        else:
            s.stack.pop()
p = P(); p.feed(page)
out = []
if p.stack or p.bad:
    out.append("not well-formed: open %s, stray %s" % (p.stack, p.bad))
if p.external:
    out.append("external references: %s" % p.external)
want = [len(h["tls"]["handshake"]) for h in report["hops"] if h["tls"] and h["tls"]["handshake"]]
got = [p.arrows[k] for k in p.arrows]
if want != got:
    out.append("arrows per hop %s, messages per hop %s" % (got, want))
v = "Verdict: %s: %s (exit %d)" % (report["verdict"], report["summary"], report["exit_code"])
if v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") not in page:
    out.append("no verdict line: " + v)
print("\n".join(out))
PY
}

page clean
t_eq "the demo as HTML: exit 0" 0 "$PAGE_RC"
t_eq "the demo's page: well-formed, self-contained, an arrow per message, the verdict" "" \
	"$(check_page clean)"
t_eq "the demo's page: secrets as ********" "yes no" \
	"$(grep -q '\*\*\*\*\*\*\*\*' "$T_DIR/clean.html" && echo yes) $(grep -q 'lab-secret-aabbcc' "$T_DIR/clean.html" && echo yes || echo no)"
t_eq "the demo's page: the chain as certificate cards with coloured checks" "yes yes" \
	"$(grep -q '<li class="cert">' "$T_DIR/clean.html" && echo yes) $(grep -q '<li class="ok">&#x2714; signature' "$T_DIR/clean.html" && echo yes)"
page expired --fault expired
t_eq "an expired certificate as HTML: exit 5" 5 "$PAGE_RC"
t_eq "its page: well-formed, an arrow per message, the verdict" "" "$(check_page expired)"
t_eq "its page: the phone's alert drawn in red, named" "1 yes" \
	"$(grep -o '<line class="msg alert"[^>]*stroke="#b00"' "$T_DIR/expired.html" | wc -l) $(grep -q '>Alert: fatal bad_certificate (42)</text>' "$T_DIR/expired.html" && echo yes)"
t_eq "its page: the finding with its fix" "yes yes" \
	"$(grep -q '<code>chain.expired</code>' "$T_DIR/expired.html" && echo yes) $(grep -q '<strong>Fix:</strong> Renew' "$T_DIR/expired.html" && echo yes)"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	t_skip "a real browser loads the page" "chromium is not installed (.ci/run installs it)"
	t_skip "the browser's DOM has the ladder and the verdict" "chromium is not installed"
else
	shot=$T_DIR/expired.png
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --user-data-dir="$T_DIR/chromium" --window-size=1200,3000 \
		--screenshot="$shot" "file://$T_DIR/expired.html" >"$T_DIR/chromium.log" 2>&1
	t_eq "a real browser loads the page and draws it (a PNG screenshot)" "PNG" \
		"$(head -c 4 "$shot" 2>/dev/null | tail -c 3)"
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --user-data-dir="$T_DIR/chromium" --dump-dom \
		"file://$T_DIR/expired.html" >"$T_DIR/expired.dom" 2>>"$T_DIR/chromium.log"
	t_eq "the browser's DOM has the ladder's arrows, the alert and the verdict" "yes yes yes" \
		"$([ "$(grep -o '<line class="msg' "$T_DIR/expired.dom" | wc -l)" -ge 5 ] && echo yes) $(grep -q 'Alert: fatal bad_certificate' "$T_DIR/expired.dom" && echo yes) $(grep -q 'id="verdict" class="verdict fail">Verdict: fail' "$T_DIR/expired.dom" && echo yes)"
fi
t_done
