#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# kill -9 in the middle of `process`, twice: each time the archive passes
# PRAGMA integrity_check and the FTS5 integrity-check (vanban check), and the
# run after finishes with every document once.
# test_process_kill.sh VANBAN SOURCE_DIR PYTHON3
. "$(dirname "$0")/lib.sh"

n=1500
make_docs in $n

for at in 50 700; do
    rm -f r.jsonl
    start_batch $at
    kill -9 $pid
    wait $pid 2>/dev/null
    archive_ok a.db
    records a.db
    [ "$(wc -l <records.jsonl)" -lt $n ] || fail "killed at $at, yet every document is stored"
done

run 0 "$vanban" process in --db a.db
has err ", 0 failed,"
count_unique a.db $n
archive_ok a.db
run 0 "$vanban" process in --db a.db
summary 0 $n 0

# The checks are not vacuous: a damaged copy fails them, with the reason.
cp a.db pages.db
size=$(stat -c %s pages.db)
dd if=/dev/zero of=pages.db bs=4096 seek=$((size / 4096 / 2)) count=8 conv=notrunc 2>/dev/null
run 4 "$vanban" check --db pages.db
has err "vanban: pages.db: error: integrity_check: "
cp a.db fts.db
"$py" -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DELETE FROM fts_fold_data WHERE id = (SELECT max(id) FROM fts_fold_data)")
db.commit()' fts.db
run 4 "$vanban" check --db fts.db
has err "vanban: fts.db: error: FTS5 integrity-check: database disk image is malformed"
