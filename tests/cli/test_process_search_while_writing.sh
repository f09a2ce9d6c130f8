#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Searches while a batch writes: every search, cites and stats succeeds.
# test_process_search_while_writing.sh VANBAN SOURCE_DIR PYTHON3
. "$(dirname "$0")/lib.sh"

n=2000
make_docs in $n

start_batch 1
searches=0
while kill -0 $pid 2>/dev/null; do
    for q in "uy ban nhan dan" "Ủy ban nhân dân" "117/KH-UBND"; do
        run 0 "$vanban" search --db a.db --limit 5 "$q"
        searches=$((searches + 1))
    done
    run 0 "$vanban" cites --db a.db "TT 124"
    run 0 "$vanban" stats --db a.db
done
wait $pid
rc=$?
[ $rc = 0 ] || fail "the batch exited $rc: $(cat batch.err)"
[ $searches -ge 3 ] || fail "only $searches searches ran during the batch"
count_unique a.db $n
archive_ok a.db
run 0 "$vanban" search --db a.db --limit 10000 "uy ban nhan dan"
[ "$(grep -c '^[0-9]*\. ' out)" -ge 1000 ] || fail "the search finds too few: $(head -3 out)"
