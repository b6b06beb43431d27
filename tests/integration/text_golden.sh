#!/bin/bash
# The text report's layouts at 80 columns against golden files
# (tests/data/golden/*.txt): the demo at each level and with faults. What
# changes from run to run (ports, dates and times, fingerprints, serials,
# durations) is replaced by placeholders first. To accept a deliberate
# change of layout: PS_GOLDEN_UPDATE=1 make check
# TESTS=tests/integration/text_golden.sh, then read the diff.
. "$TOP_SRCDIR/tests/integration/lib.sh"

GOLDEN=$TOP_SRCDIR/tests/data/golden

normalise() {
	sed -E -e 's/:[0-9]{4,5}\//:PORT\//g' -e 's/port [0-9]{4,5}/port PORT/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2})?/YYYY-MM-DD\1/g' \
		-e 's/[0-9]{2}:[0-9]{2}( UTC| to|$)/HH:MM\1/g' \
		-e 's/^[0-9]{2}:[0-9]{2}$/HH:MM/' -e 's/[0-9a-f]{16,}/HEX/g' \
		-e 's/ +[0-9]+\.[0-9] ms/ N.N ms/g' -e 's/ +$//'
}

# golden NAME ARGS...: the demo's text report with ARGS is NAME.txt.
golden() {
	local name=$1 out=$T_DIR/$1.txt
	shift
	env -u COLUMNS "$PROVSCOPE" --demo --batch "$@" 2>/dev/null >"$out.raw"
	t_eq "$name: no line wider than 80 columns" 0 \
		"$(awk 'length > 80' "$out.raw" | wc -l)"
	normalise <"$out.raw" >"$out"
	if [ -n "${PS_GOLDEN_UPDATE:-}" ]; then
		cp "$out" "$GOLDEN/$name.txt"
	fi
	local d
	if d=$(diff -u "$GOLDEN/$name.txt" "$out"); then
		t_ok "$name: the layout is the golden one"
	else
		t_fail "$name: the layout is the golden one" "$d"
	fi
}

golden demo-default
golden demo-quiet -q
golden expired-default --fault expired
golden expired-quiet -q --fault expired
golden no-client-auth-default --fault no-client-auth
golden missing-intermediate-verbose -v --fault missing-intermediate
t_done
