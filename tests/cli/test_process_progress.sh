#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# The progress bar: drawn when stderr is a terminal, absent otherwise (just
# the summary line), nothing at all with --quiet.
# test_process_progress.sh VANBAN SOURCE_DIR PYTHON3
. "$(dirname "$0")/lib.sh"

command -v script >/dev/null || {
    echo "SKIP: no script(1) to give vanban a terminal"
    exit 77
}
make_docs in 300

# script(1) runs the command on a pseudo-terminal; -e passes its exit code.
script -qec "'$vanban' process in --db t.db" /dev/null >tty.out </dev/null ||
    fail "exit code $? on a terminal"
tr '\r' '\n' <tty.out >tty.txt
has tty.txt "[########################] 300/300 docs, 300/300 pages,"
has tty.txt ", ETA "
has tty.txt "vanban: t.db: 300 stored, 0 skipped (already in the archive), 0 failed,"

run 0 "$vanban" process in --db n.db
[ "$(wc -l <err)" = 1 ] || fail "not only the summary on stderr: $(cat err)"
has err "vanban: n.db: 300 stored, 0 skipped (already in the archive), 0 failed,"
! grep -q '\[[#.]*\]' err || fail "a bar without a terminal"

run 0 "$vanban" process in --db q.db --quiet
[ ! -s err ] || fail "--quiet printed: $(cat err)"
# errors are never quiet
run 2 "$vanban" process in "$src/tests/data/bad/empty.txt" --db q.db --quiet
has err "vanban: $src/tests/data/bad/empty.txt: error: empty file"
[ "$(wc -l <err)" = 1 ] || fail "--quiet: $(cat err)"
