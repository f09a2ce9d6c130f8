#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# test_cli_archive.sh VANBAN LOADER RECORDS.jsonl: the archive commands end to
# end: outputs, exit codes and the exact text of every error. LOADER is
# vb-archive-bench (its --load mode fills an archive from RECORDS.jsonl).
set -u

vanban=$1
loader=$2
records=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/vb-test-cli-archive.XXXXXX")
trap 'rm -rf "$work"' EXIT
db=$work/archive.db
failures=0
checks=0

# expect NAME RC STDOUT STDERR -- COMMAND...: runs COMMAND, compares all three.
expect()
{
    local name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 5
    checks=$((checks + 1))
    "$@" >"$work/out" 2>"$work/err"
    local rc=$?
    if [ "$rc" != "$want_rc" ] || [ "$(cat "$work/out")" != "$want_out" ] ||
        [ "$(cat "$work/err")" != "$want_err" ]; then
        failures=$((failures + 1))
        echo "FAIL: $name (exit $rc, want $want_rc)"
        diff <(printf '%s\n' "$want_out") "$work/out" | sed 's/^/  stdout /'
        diff <(printf '%s\n' "$want_err") "$work/err" | sed 's/^/  stderr /'
    fi
}

"$loader" --load "$db" "$records" || {
    echo "FAIL: loading $records"
    exit 1
}
tab=$'\t'

expect "cites, loose" 0 "117/KH-UBND${tab}Ủy ban nhân dân tỉnh Hưng Yên${tab}2025-11-14${tab}scans/kh-117.pdf
22/KH-CAT${tab}Công an tỉnh Hưng Yên${tab}2025-10-22${tab}scans/kh-22.txt
9/BC-DU${tab}Dang uy xa${tab}2025-09-01${tab}scans/bc-9.txt" "" \
    -- "$vanban" cites --db "$db" TT 124

expect "cites, Party symbol in a sentence" 0 \
    "117/KH-UBND${tab}Ủy ban nhân dân tỉnh Hưng Yên${tab}2025-11-14${tab}scans/kh-117.pdf" "" \
    -- "$vanban" cites --db "$db" "Chỉ thị số 01-CT/TU"

expect "cites --json" 0 '{"symbol":"22/KH-CAT","issuer":"Công an tỉnh Hưng Yên","date":"2025-10-22","path":"scans/kh-22.txt","id":"2222222222222222222222222222222222222222222222222222222222222222","title":"Tuyên truyền pháp luật","cites":"02/2020/NĐ-CP","role":"can_cu"}' "" \
    -- "$vanban" cites --db "$db" --json nghi dinh 02/2020

expect "search without diacritics: the form as typed first" 0 "1. 9/BC-DU  2025-09-01  Dang uy xa
   scans/bc-9.txt  (333333333333)
   [Dang uy] xa bao cao ket qua. Can cu 124/2021/TT-BCA.
2. 22/KH-CAT  2025-10-22  Công an tỉnh Hưng Yên
   scans/kh-22.txt  (222222222222)
   [Đảng ủy] Công an tỉnh chỉ đạo. Căn cứ Nghị…
3. 117/KH-UBND  2025-11-14  Ủy ban nhân dân tỉnh Hưng Yên
   scans/kh-117.pdf  (111111111111)
   …Công an; Thực hiện Chỉ thị số 01-CT/TU, [Đảng ủy] Công an tỉnh chỉ đạo. 1. Công an…" "" \
    -- "$vanban" search --db "$db" dang uy --limit 5

expect "search --limit" 0 "1. 9/BC-DU  2025-09-01  Dang uy xa
   scans/bc-9.txt  (333333333333)
   [Dang uy] xa bao cao ket qua. Can cu 124/2021/TT-BCA." "" \
    -- "$vanban" search --db "$db" --limit 1 dang uy

expect "search: a symbol and a quote are plain text" 0 "1. 117/KH-UBND  2025-11-14  Ủy ban nhân dân tỉnh Hưng Yên
   scans/kh-117.pdf  (111111111111)
   …trì, phối hợp với Sở Tài chính, \"[Sở Tư pháp]\"; thực hiện xong trong quý I/2026." "" \
    -- "$vanban" search --db "$db" '"Sở Tư pháp"'

expect "search: nothing found" 0 "" "" -- "$vanban" search --db "$db" 'NEAR(a b) OR *'

expect "show by symbol: the record as stored" 0 "$(sed -n 1p "$records" | python3 -c '
import json, sys
print(json.dumps(json.loads(sys.stdin.read()), ensure_ascii=False, separators=(",", ":")))')" "" \
    -- "$vanban" show --db "$db" 117/kh-ubnd

expect "stats" 0 "documents   3 (and 0 earlier versions)
failed      0
pages       4
references  5
tasks       1
targets     0
agencies    3

most cited (citing documents, symbol, issuer)
       3  124/2021/TT-BCA  Bộ Công an
       1  01-CT/TU  Tỉnh ủy Hưng Yên
       1  02/2020/NĐ-CP  Chính phủ

tasks per lead agency
       1  Công an tỉnh

task deadlines per month
       1  2026-03" "" -- "$vanban" stats --db "$db"

expect "export csv" 0 "document_id,document_symbol,document_date,issuer,path,task_no,task,lead,partners,deadline_kind,deadline_start,deadline_end,deadline_text
1111111111111111111111111111111111111111111111111111111111111111,117/KH-UBND,2025-11-14,Ủy ban nhân dân tỉnh Hưng Yên,scans/kh-117.pdf,1,Tuyên truyền Thông tư số 124/2021/TT-BCA,Công an tỉnh,Sở Tài chính; Sở Tư pháp,quarter,2026-01-01,2026-03-31,quý I/2026" "" \
    -- sh -c "'$vanban' export --db '$db' --format csv | tr -d '\r'"

expect "export opensearch" 0 "" "vanban: 3 documents in $work/os.ndjson, index template in $work/os.template.json; load them with
  curl -XPUT 'http://localhost:9200/_index_template/vanban' -H 'Content-Type: application/json' --data-binary @$work/os.template.json
  curl -XPOST 'http://localhost:9200/_bulk' -H 'Content-Type: application/x-ndjson' --data-binary @$work/os.ndjson" \
    -- "$vanban" export --db "$db" --format opensearch --out "$work/os.ndjson"
expect "the _bulk file and the template" 0 "6 3 icu_folding" "" -- python3 -c '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
ids = [json.loads(l)["index"]["_id"] for l in lines[0::2]]
assert ids == [json.loads(l)["id"] for l in lines[1::2]]
t = json.load(open(sys.argv[2], encoding="utf-8"))
print(len(lines), len(ids), t["template"]["settings"]["analysis"]["analyzer"]["vi_folded"]["filter"][0])
' "$work/os.ndjson" "$work/os.template.json"

# must fail, with these exact words
expect "no --db" 1 "" "vanban: error: search: which archive? (--db FILE)" \
    -- "$vanban" search dang uy
expect "no query" 1 "" "vanban: error: search: what to search for? (vanban search --db FILE QUERY)" \
    -- "$vanban" search --db "$db"
expect "bad --limit" 1 "" "vanban: error: search: --limit wants a number from 1 to 10000, not 'x'" \
    -- "$vanban" search --db "$db" --limit x dang
expect "option of another command" 1 "" "vanban: error: cites: no option --limit here (vanban cites --help)" \
    -- "$vanban" cites --db "$db" --limit 3 TT 124
expect "unknown option" 1 "" "vanban: error: stats: unknown or incomplete option '--bogus' (vanban stats --help)" \
    -- "$vanban" stats --db "$db" --bogus
expect "option without its value" 1 "" "vanban: error: export: unknown or incomplete option '--format' (vanban export --help)" \
    -- "$vanban" export --db "$db" --format
expect "no number in the symbol" 1 "" "vanban: error: cites: no document number in \"thông tư\"" \
    -- "$vanban" cites --db "$db" thông tư
expect "missing archive" 2 "" "vanban: $work/none.db: error: no archive here (vanban process --db FILE makes one)" \
    -- "$vanban" stats --db "$work/none.db"
expect "not an archive" 2 "" "vanban: $records: error: not a vanban archive: file is not a database" \
    -- "$vanban" search --db "$records" dang uy
expect "unknown document" 2 "" "vanban: $db: error: no document \"999/KH-UBND\" in the archive" \
    -- "$vanban" show --db "$db" 999/KH-UBND
expect "unknown format" 1 "" "vanban: error: export: --format jsonl, csv, opensearch or opensearch-template (not 'xml')" \
    -- "$vanban" export --db "$db" --format xml
expect "unwritable output" 2 "" "vanban: $work/no/dir.jsonl.tmp: error: cannot create the file" \
    -- "$vanban" export --db "$db" --format jsonl --out "$work/no/dir.jsonl"
cp "$db" "$work/newer.db"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 99"); c.commit()' "$work/newer.db"
expect "archive from a newer vanban" 3 "" "vanban: $work/newer.db: error: the archive has schema version 99, newer than this vanban's 1" \
    -- "$vanban" stats --db "$work/newer.db"

echo "$checks checks, $failures failed"
[ "$failures" = 0 ]
