#!/bin/bash
# Every --long-option in --help is documented in the man page.
. "$TOP_SRCDIR/tests/integration/lib.sh"
MAN=$TOP_SRCDIR/man/provscope.1
for opt in $("$PROVSCOPE" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	name=${opt#--}
	if grep -qE "^\.It (.* )?Fl Fl $name( |$)" "$MAN"; then
		t_ok "$opt is in the man page"
	else
		t_fail "$opt is not in the man page (.It Fl Fl $name)"
	fi
done
t_check "the man page documents the JSON schema" grep -q 'provscope/1' "$MAN"
for code in 0 2 3 4 5 6 7 8 9 10 70; do
	t_check "exit status $code is documented" grep -q "^\.It $code\$" "$MAN"
done
t_done
