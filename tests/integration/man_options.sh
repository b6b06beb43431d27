#!/bin/bash
# The man page documents the JSON schema and every exit status. (That
# every option of the table is in the man page and in --help is checked
# by tests/unit/test_options, which reads the table itself.)
. "$TOP_SRCDIR/tests/integration/lib.sh"
MAN=$TOP_SRCDIR/man/provscope.1
t_check "the man page documents the JSON schema" grep -q 'provscope/1' "$MAN"
for code in 0 2 3 4 5 6 7 8 9 10 70; do
	t_check "exit status $code is documented" grep -q "^\.It $code\$" "$MAN"
done
# Every finding of the table has its entry in FINDINGS.
for id in $(sed -n 's/^[[:space:]]*X(PS_F_[A-Z0-9_]*, "\([a-z0-9_.]*\)".*/\1/p' \
	"$TOP_SRCDIR/src/model/finding.h"); do
	grep -q "^\.It Li $id\$" "$MAN" || t_fail "finding $id is in the man page's FINDINGS"
done
t_eq "the man page lists every finding" 0 "$T_FAILED"
t_done
