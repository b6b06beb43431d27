#!/bin/sh
# Runs one cmocka test binary and turns its TAP into what automake's
# tap-driver.sh accepts: one plan at the end, SKIP as "ok", numbers in order.
# The exit status of the test is kept.
CMOCKA_MESSAGE_OUTPUT=TAP
export CMOCKA_MESSAGE_OUTPUT
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out" | awk '
	/^1\.\.[0-9]+/ { next }
	/^(not )?ok [0-9]+/ {
		n++
		line = $0
		skip = (line ~ /# SKIP/)
		sub(/^not ok [0-9]+/, "not ok " n, line)
		sub(/^ok [0-9]+/, "ok " n, line)
		if (skip) sub(/^not ok/, "ok", line)
		print line
		next
	}
	{ print "# " $0 }
	END { print "1.." n }
'
exit $rc
