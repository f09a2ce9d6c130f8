#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Idempotent by content: a re-run stores nothing and exits 0, --force
# processes everything again without duplicating, a changed file at the same
# path is a new version (the old one kept, no longer searched).
# test_process_rerun.sh VANBAN SOURCE_DIR PYTHON3
. "$(dirname "$0")/lib.sh"

make_docs in 30
cp "$src"/fixtures/scans/*.text.pdf in/
n=33
# a copy in the same batch is processed once (the first met, by name)
cp in/hung-yen-kh-117-2.txt in/same-as-kh-117-2.txt

run 0 "$vanban" process in --db a.db --out r.jsonl
summary $n 1 0
[ "$(wc -l <err)" = 1 ] || fail "stderr is not just the summary: $(cat err)"
[ ! -s out ] || fail "stdout is not empty: $(head -c 300 out)"
count_unique a.db $n
[ "$(wc -l <r.jsonl)" = $n ] || fail "--out: $(wc -l <r.jsonl) lines, expected $n"

run 0 "$vanban" process in --db a.db --out r.jsonl
summary 0 $((n + 1)) 0
count_unique a.db $n
[ "$(wc -l <r.jsonl)" = $n ] || fail "--out grew on a run that stored nothing"

run 0 "$vanban" process in --db a.db --force
summary $n 1 0
count_unique a.db $n
archive_ok a.db

# A changed file at the same path: a new version, the old one kept.
sed -i '1s/^/Sửa đổi lần một. /' in/hung-yen-kh-117-3.txt
run 0 "$vanban" process in --db a.db
summary 1 $n 0
count_unique a.db $n
run 0 "$vanban" stats --db a.db
has out "documents   $n (and 1 earlier versions)"
run 0 "$vanban" search --db a.db "sua doi lan mot"
has out "in/hung-yen-kh-117-3.txt"
[ "$(grep -c 'in/hung-yen-kh-117-3.txt' out)" = 1 ] || fail "both versions found: $(cat out)"
archive_ok a.db

# Changed back to the first content: that version is the latest again, and
# search finds its text, not the edit's.
sed -i '1s/^Sửa đổi lần một. //' in/hung-yen-kh-117-3.txt
run 0 "$vanban" process in --db a.db
summary 1 $n 0
count_unique a.db $n
run 0 "$vanban" search --db a.db "sua doi lan mot"
[ "$(grep -c 'in/hung-yen-kh-117-3.txt' out)" = 0 ] || fail "the reverted edit is still searched: $(cat out)"
archive_ok a.db

[ "$(outcome a.db in/same-as-kh-117-2.txt)" = absent ] || fail "the copy is stored"

# The same content under another name, later: the same document.
cp in/nghe-an-hd-22-1.txt in/copy.txt
run 0 "$vanban" process in --db a.db
summary 0 $((n + 2)) 0
count_unique a.db $n
