#!/bin/bash
# The README's examples, run as written, so that they cannot rot: every
# marked example block of README.md is run in order in a fresh directory,
# against a lab started the way the README starts it, and must exit with
# the status its marker states, without a usage error. The README's fixed
# ports are replaced by free ones, so a busy 8443 does not matter.
#
# Markers: an HTML comment on the line right before a code block
# (indented, as in the README, or fenced).
#   <!-- example: lab -->             the lab server: started in the
#                                     background, stopped at the end
#   <!-- example: exit=N -->          run with bash -e; must exit N
#   <!-- example: exit=N interactive --> the same; run, as every block,
#                                     with no terminal, it prints the text
#                                     report instead of the interactive view
#   <!-- example: skip REASON -->     not run
# A command block (its first line a # comment, or provscope, curl, cat,
# printf... with an argument) without a marker fails the test, and so does
# any output that looks like a usage error, whatever the exit status.
# The README must start the lab once, as <!-- example: lab --> with
# --listen 127.0.0.1:PORT (and --http-port PORT if it shows one).
. "$TOP_SRCDIR/tests/integration/lib.sh"

README=$TOP_SRCDIR/README.md
B=$T_DIR/blocks
W=$T_DIR/work
mkdir -p "$B" "$W" "$T_DIR/bin"
ln -s "$PROVSCOPE" "$T_DIR/bin/provscope"
export PATH="$T_DIR/bin:$PATH"

# Split the README into its blocks: $B/NN.marker (what follows "example:"),
# NN.line (the block's first line number) and NN.sh (the block, unindented);
# print one line per problem: a command block without a marker, a marker
# with no block right after it, a marker that says nothing known.
problems=$(python3 - "$README" "$B" <<'EOF'
import os, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
out = sys.argv[2]
marker_re = re.compile(r"^\s*<!--\s*example:\s*(.*?)\s*-->\s*$")
known_re = re.compile(r"^(lab|exit=\d+( interactive)?|skip\b.*)$")
command_re = re.compile(
    r"^(#|(provscope|curl|cat|printf|echo|openssl|export|cd)\s+[-a-z'\"$.<>][^:\s]*(\s|$))")
def indented(l):
    return l.startswith("    ") and l.strip() != ""
n = 0
i = 0
pending = None  # (line number, marker text) waiting for its block
while i < len(lines):
    l = lines[i]
    m = marker_re.match(l)
    if m:
        if pending:
            print(f"line {pending[0]}: marker with no code block right after it")
        pending = (i + 1, m.group(1))
        if not known_re.match(m.group(1)):
            print(f"line {i + 1}: unknown marker 'example: {m.group(1)}'")
        i += 1
        continue
    fence = l.startswith("```")
    starts = fence or (indented(l) and
                       (i == 0 or lines[i - 1].strip() == "" or marker_re.match(lines[i - 1])))
    if not starts:
        if pending and l.strip() != "":
            print(f"line {pending[0]}: marker with no code block right after it")
            pending = None
        i += 1
        continue
    if fence:
        # A fenced block: the lines up to the closing fence.
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        body = lines[i + 1:j] or [""]
        j += 1
    else:
        # An indented block: indented lines, with blank lines inside it.
        j = i
        while j < len(lines) and (indented(lines[j]) or
                                  (lines[j].strip() == "" and j + 1 < len(lines) and indented(lines[j + 1]))):
            j += 1
        body = lines[i:j]
    ind = len(body[0]) - len(body[0].lstrip(" "))
    text = "\n".join(b[ind:] for b in body) + "\n"
    marked = pending is not None and pending[0] == i  # marker on the line right before
    if marked:
        n += 1
        base = os.path.join(out, "%02d" % n)
        open(base + ".marker", "w").write(pending[1] + "\n")
        open(base + ".line", "w").write("%d\n" % (i + 1))
        open(base + ".sh", "w").write(text)
    else:
        if pending:
            print(f"line {pending[0]}: marker with no code block right after it")
        if command_re.match(body[0].strip()):
            print(f"line {i + 1}: command block without an <!-- example: ... --> marker: {body[0].strip()}")
    pending = None
    i = j
if pending:
    print(f"line {pending[0]}: marker with no code block right after it")
EOF
)
t_eq "README.md: every command block is marked, every marker known and followed by its block" \
	"" "$problems"

nrun=$(cat "$B"/*.marker 2>/dev/null | grep -c '^exit=')
[ "$nrun" -ge 10 ] || t_fail "README.md: at least 10 runnable examples found" "found: $nrun"

# The one lab block: its command, and the ports it uses.
labs=$(grep -l '^lab$' "$B"/*.marker 2>/dev/null)
[ "$(echo "$labs" | grep -c .)" = 1 ] || t_bail "README.md: not exactly one <!-- example: lab --> block"
lab=${labs%.marker}
LAB_CMD=$(sed -e '/^#/d' -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$lab.sh")
README_PORT=$(printf '%s\n' "$LAB_CMD" | sed -n 's/.*--listen 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p')
README_HTTP=$(printf '%s\n' "$LAB_CMD" | sed -n 's/.*--http-port \([0-9][0-9]*\).*/\1/p')
[ -n "$README_PORT" ] || t_bail "README.md: the lab block has no --listen 127.0.0.1:PORT"

# subst FILE: FILE with the README's ports replaced by the test's.
subst() {
	sed -e "s/\\b$README_PORT\\b/$PORT/g" ${README_HTTP:+-e "s/\\b$README_HTTP\\b/$HTTP_PORT/g"} "$1"
}

# Start the lab as the README says, on free ports (five tries).
lab_up=no
for _ in 1 2 3 4 5; do
	read -r PORT HTTP_PORT <<<"$("$FREEPORT" -n 2 | tr '\n' ' ')"
	# Never the README's own ports, even when they happen to be free.
	case " $README_PORT $README_HTTP " in *" $PORT "* | *" $HTTP_PORT "*) continue ;; esac
	cmd=$(printf '%s\n' "$LAB_CMD" | subst /dev/stdin)
	(cd "$W" && eval "exec $cmd") </dev/null >"$T_DIR/lab.out" 2>"$T_DIR/lab.err" &
	LAB_PID=$!
	T_PIDS="$T_PIDS $LAB_PID"
	for _ in $(seq 1 100); do
		grep -q 'Stop with Ctrl-C' "$T_DIR/lab.out" 2>/dev/null && break
		kill -0 "$LAB_PID" 2>/dev/null || break
		sleep 0.05
	done
	if grep -q "listening on 127.0.0.1:$PORT)" "$T_DIR/lab.out" 2>/dev/null; then
		lab_up=yes
		break
	fi
	kill "$LAB_PID" 2>/dev/null
	wait "$LAB_PID" 2>/dev/null
done
if [ "$lab_up" = yes ]; then
	t_ok "README line $(cat "$lab.line"): the lab starts as written (on port $PORT for $README_PORT)"
else
	t_fail "README line $(cat "$lab.line"): the lab starts as written" "command: $cmd" \
		"$(cat "$T_DIR/lab.out" "$T_DIR/lab.err" 2>/dev/null)"
	t_bail "no lab"
fi

# Each block in order, in the same directory, as a user would in the
# second terminal; stdin and stdout are no terminal.
usage_re='is unknown or needs a value|see --help|use one of|No such file or directory|command not found|^Usage:|usage error'
for f in "$B"/*.sh; do
	b=$(basename "$f" .sh)
	marker=$(cat "$B/$b.marker")
	line=$(cat "$B/$b.line")
	what=$(grep -v '^#' "$B/$b.sh" | head -n 1 | sed 's/ *\\$//' | cut -c1-60)
	case $marker in
	lab) continue ;;
	skip*)
		t_skip "README line $line: $what" "${marker#skip }"
		continue
		;;
	exit=[0-9]*) ;;
	*) continue ;; # an unknown marker: the first test says so
	esac
	want=${marker#exit=}
	want=${want%% *}
	subst "$B/$b.sh" >"$T_DIR/$b.run.sh"
	(cd "$W" && timeout 60 bash -e "$T_DIR/$b.run.sh") </dev/null >"$T_DIR/$b.out" 2>&1
	rc=$?
	bad=$(grep -E "$usage_re" "$T_DIR/$b.out" | head -n 3)
	if [ "$rc" = "$want" ] && [ -z "$bad" ]; then
		t_ok "README line $line: exits $want: $what"
	else
		t_fail "README line $line: exits $want: $what" "exit status: $rc" \
			"${bad:+usage error: $bad}" "$(cat "$T_DIR/$b.run.sh")" "output:" \
			"$(tail -n 20 "$T_DIR/$b.out")"
	fi
done

# The README says Ctrl-C stops the lab.
kill -INT "$LAB_PID"
wait "$LAB_PID"
t_eq "the lab stops on Ctrl-C (SIGINT) with status 0" 0 "$?"
t_check "the lab logged the examples' requests" grep -q ' lab: https 127.0.0.1:' "$T_DIR/lab.err"

t_done
