#!/bin/bash
# The modern-client chain verdict against the x509-limbo and badssl corpora
# (tests/data/x509): prints one TAP line per case and the agreement rate.
: "${PROVSCOPE:?run through make check}"
exec python3 "$TOP_SRCDIR/tests/integration/conformance.py"
