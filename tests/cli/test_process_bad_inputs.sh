#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# A batch with bad inputs mixed in: exit code 2, each bad input recorded in
# the archive and in --out with its reason, every good input stored. Then a
# re-run: the good inputs are skipped (the scan is not OCR'd again), the bad
# ones tried and reported again, nothing duplicated.
# test_process_bad_inputs.sh VANBAN SOURCE_DIR PYTHON3
. "$(dirname "$0")/lib.sh"

mkdir -p in/good in/bad in/walk
cp "$src"/fixtures/seeds/*.txt "$src"/fixtures/truth/*.txt "$src"/fixtures/scans/*.text.pdf in/good/
# the one OCR'd input of these tests (1 page)
cp "$src"/fixtures/scans/hung-yen-kh-117.p1.png in/good/
for f in empty.txt truncated.pdf truncated.tif encrypted.pdf huge.png latin.txt unknown.bin; do
    cp "$src/tests/data/bad/$f" in/bad/
done
make_docs in/walk 2
# a document with one page that cannot be read: stored, with a warning
printf 'Kế hoạch số 7/KH-UBND\fpage two \xe0\xff\n' >in/walk/two-pages.txt
ln -s .. in/walk/loop # a loop: in/walk/loop/walk/loop/...
ln -s ../good in/walk/again # not a loop: files already taken, not twice
good=13

# unknown.bin is no input in a folder (not a supported type); named, it is one.
run 2 "$vanban" process in in/bad/unknown.bin --db a.db --out r.jsonl
has err ": $good stored (1 with pages that could not be read), 0 skipped (already in the archive), 8 failed,"
has err "; 1 other file(s) left out (not PDF, TIFF, PNG, JPEG or *.txt)"
for line in \
    "vanban: in/walk/loop: error: directory loop: a symbolic link leads back to a folder that contains it; not followed" \
    "vanban: in/bad/empty.txt: error: empty file" \
    "vanban: in/bad/encrypted.pdf: error: encrypted PDF: a password is needed" \
    "vanban: in/bad/huge.png: page 1: error: image is 60000x60000 pixels, more than the limit of 200000000" \
    "vanban: in/bad/latin.txt: page 1: error: text is not valid UTF-8" \
    "vanban: in/bad/truncated.pdf: error: truncated or damaged PDF: no end-of-file marker" \
    "vanban: in/bad/truncated.tif: error: truncated or damaged TIFF: page 2's image data ends past the end of the file" \
    "vanban: in/bad/unknown.bin: error: unknown file type (not PDF, TIFF, PNG, JPEG or text)" \
    "vanban: in/walk/two-pages.txt: page 2: error: text is not valid UTF-8"; do
    has err "$line"
done
[ "$(grep -c ': error: ' err)" = 9 ] || fail "9 errors expected, got: $(cat err)"
archive_ok a.db

# The same outcome in the archive and in --out: path, ok or failed, and why.
count_unique a.db $((good + 8))
"$py" - records.jsonl r.jsonl <<'PY' || fail "records (see above)"
import json, sys
want = {
    "in/walk/loop": "directory loop: a symbolic link leads back to a folder that contains it; not followed",
    "in/bad/empty.txt": "empty file",
    "in/bad/encrypted.pdf": "encrypted PDF: a password is needed",
    "in/bad/huge.png": "image is 60000x60000 pixels, more than the limit of 200000000",
    "in/bad/latin.txt": "text is not valid UTF-8",
    "in/bad/truncated.pdf": "truncated or damaged PDF: no end-of-file marker",
    "in/bad/truncated.tif": "truncated or damaged TIFF: page 2's image data ends past the end of the file",
    "in/bad/unknown.bin": "unknown file type (not PDF, TIFF, PNG, JPEG or text)",
}
for name in sys.argv[1:]:
    recs = {}
    for line in open(name, encoding="utf-8"):
        r = json.loads(line)
        recs[r["source"]["path"]] = r
    got = {p: r["error"]["message"] for p, r in recs.items() if r.get("error")}
    if sorted(got) != sorted(want) or not all(got[p].startswith(want[p]) for p in want):
        sys.exit("%s: failures %s, expected %s" % (name, got, want))
    ok = sorted(p for p, r in recs.items() if not r.get("error"))
    if len(ok) != 13 or not all(p.startswith(("in/good/", "in/walk/")) for p in ok):
        sys.exit("%s: stored %s" % (name, ok))
    png = recs["in/good/hung-yen-kh-117.p1.png"]
    if png["source"]["text_origin"] != "ocr" or "117/KH-UBND" not in (png["text"] or ""):
        sys.exit("%s: the scan was not read: %s" % (name, (png["text"] or "")[:200]))
    two = recs["in/walk/two-pages.txt"]
    if "page 2: text is not valid UTF-8" not in two["quality"]["warnings"]:
        sys.exit("%s: two-pages.txt: warnings %s" % (name, two["quality"]["warnings"]))
PY
"$py" "$src/tests/emit/validate-schema.py" "$src/schema/vanban.record-1.schema.json" r.jsonl \
    records.jsonl >schema.out 2>&1 || fail "records against the schema: $(cat schema.out)"
# A document is findable by what it says.
run 0 "$vanban" search --db a.db --limit 50 "Hưng Yên"
has out "in/good/hung-yen-kh-117.p1.png"

# Again: nothing new is stored (the scan is not OCR'd again); the failures are
# tried again (their cause may have been fixed) and still fail.
run 2 "$vanban" process in in/bad/unknown.bin --db a.db --out r.jsonl
summary 0 $good 8
has err "0 pages OCR'd"
count_unique a.db $((good + 8))
[ "$(wc -l <r.jsonl)" = $((good + 8 + 8)) ] || fail "--out: $(wc -l <r.jsonl) lines"
archive_ok a.db

# A bad input fixed: the failure is replaced by the document.
printf 'Kế hoạch số 5/KH-UBND\n' >in/bad/latin.txt
run 2 "$vanban" process in in/bad/unknown.bin --db a.db
summary 1 $good 7
count_unique a.db $((good + 8))
[ "$(outcome a.db in/bad/latin.txt)" = ok ] || fail "the fixed file is not stored as a document"
archive_ok a.db
