#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Ctrl-C in a batch of 3000 documents: exit 130, a sound archive holding
# exactly the records written to --out; the next run does the rest, and the
# archive ends with each document once.
# test_process_interrupt.sh VANBAN SOURCE_DIR PYTHON3
. "$(dirname "$0")/lib.sh"

n=3000
make_docs in $n

# Once records come out, the batch is under way (and the handler installed).
start_batch 100
kill -INT $pid
wait $pid
rc=$?
[ $rc = 130 ] || fail "exit code $rc after Ctrl-C, expected 130: $(cat batch.err)"
has batch.err "; interrupted, run again to resume"
done=$(sed -n 's/.*: \([0-9]*\) stored, .*/\1/p' batch.err)
[ -n "$done" ] && [ "$done" -lt $n ] || fail "stored '$done' of $n: $(cat batch.err)"
archive_ok a.db
# What was printed is complete and is what the archive holds.
count_unique a.db "$done"
[ "$(wc -l <r.jsonl)" = "$done" ] || fail "--out has $(wc -l <r.jsonl) lines, the archive $done"
"$py" -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' r.jsonl ||
    fail "--out has a broken line"

run 0 "$vanban" process in --db a.db --out r.jsonl
summary $((n - done)) "$done" 0
count_unique a.db $n
[ "$(wc -l <r.jsonl)" = $n ] || fail "--out has $(wc -l <r.jsonl) lines, expected $n"
archive_ok a.db
