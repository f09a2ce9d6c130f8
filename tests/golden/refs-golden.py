#!/usr/bin/python3
"""refs-golden.py VANBAN ROOT SCAN...: run `vanban extract` once over the scans
(fixtures/scans/NAME.VARIANT.EXT) and compare the symbols of each record's
references with the reviewed references of fixtures/gold/NAME.gold.json.

A scan of page 1 alone (NAME.p1.png, NAME.p1.jpg) is compared with the gold
references cited in full on page 1 of the gold's source text (the truth file,
pages separated by form feeds): a short form ("Thông tư số 124") is resolved
only to a full citation in the same text, so it names nothing on a page alone.

Clean scans, the page-1 images and text PDFs must give exactly the gold's
symbols, and each with the gold's type, date, issuer and role, but for the
misreadings listed in KNOWN_MISREADS, each with its reason. Noisy scans
(speckled photocopies: NAME.noisy.pdf, NAME.noisy.tif) may miss or add at most
NOISY_MAX symbols each (a misread symbol counts twice: one missed, one
spurious); their other fields are listed, not counted. That bound is what is
measured today, kept as a guard against regressions, not a goal: one wrong on
hai-phong-qd-2345.noisy.pdf and .noisy.tif ("187ö/TTr-CATP": a speck on the 6,
which could as well be a 0 or an 8) and on hung-yen-kh-117.noisy.tif
("123/2021/TT-BCA" in the title for the 124 cited everywhere else: a digit
misread as another, not told from a second circular), none on the others."""
import json
import os
import re
import sys

from golden_run import extract_records

NOISY_MAX = 1
FIELDS = ["type", "date", "issuer", "role"]
# Symbols a clean scan shows legibly that vanban reads as another symbol today:
# scan -> (gold symbol, the reading, why). Exactly that reading must come out
# (another miss fails), and the gold symbol read right fails until it is taken
# off this list.
KNOWN_MISREADS = {
    "hung-yen-kh-117.p1.png": (
        "06/CT-BCA-V05", "06/CT-BCA-V085",
        "since clean pages are read reduced to 150 dpi (src/ocr/vb_clean.c, "
        "vb_ocr_reduction): Tesseract reads the sharp, legible 'V05' of the gray "
        "page as 'V085' (confidence 66). Measured on held-out pages "
        "(scripts/eval-ocr) the reduction reads as well or better (gray 0.29% -> "
        "0.26%, clean 1-bit 0.31% -> 0.31%) at 0.74-0.77 of the recognition CPU; "
        "the same page as JPEG, and the page in the 1-bit PDF and TIFF, read 'V05'."),
}


def page1_symbols(root, gold):
    """The gold symbols cited on page 1 of the source text."""
    with open(os.path.join(root, gold["source"]), encoding="utf-8") as f:
        page = f.read().split("\f")[0]
    # a symbol broken at the end of a line ("161/KH-\nUBND") is one word
    flat = re.sub(r"\s+", " ", re.sub(r"([-/])\s+", r"\1", page))
    found = set()
    for r in gold["references"]:
        sym = r["symbol"]
        if re.search(r"(?<![\w/-])" + re.escape(sym) + r"(?![\w])", flat):
            found.add(sym)
    return found


def main():
    vanban, root, scans = sys.argv[1], sys.argv[2], sys.argv[3:]
    records = extract_records(vanban, scans)
    if records is None:
        return 1
    failures = 0
    for scan, rec in zip(scans, records):
        base = os.path.basename(scan)
        name, variant = base.split(".")[0], base.split(".")[1]
        with open(os.path.join(root, "fixtures", "gold", name + ".gold.json"),
                  encoding="utf-8") as f:
            gold = json.load(f)
        if variant == "p1":
            want = page1_symbols(root, gold)
        else:
            want = {r["symbol"] for r in gold["references"]}
        if "error" in rec:
            print(f"FAIL {base}: {json.dumps(rec['error'], ensure_ascii=False)}")
            failures += 1
            continue
        refs = rec.get("references") or []
        got = [r["symbol"] for r in refs]
        missed = sorted(want - set(got))
        extra = sorted(set(got) - want)
        dups = sorted({s for s in got if got.count(s) > 1})
        noisy = variant == "noisy"
        allowed = NOISY_MAX if noisy else 0
        gold_refs = {r["symbol"]: r for r in gold["references"]}
        fields = [f"{r['symbol']} {field}: got {json.dumps(r.get(field), ensure_ascii=False)}, "
                  f"want {json.dumps(gold_refs[r['symbol']].get(field), ensure_ascii=False)}"
                  for r in refs if r["symbol"] in want for field in FIELDS
                  if r.get(field) != gold_refs[r["symbol"]].get(field)]
        known = KNOWN_MISREADS.get(base)
        if known:
            right, reading, why = known
            if right in got:
                print(f"FAIL {base}: {right} now reads right: take it off KNOWN_MISREADS")
                failures += 1
                continue
            if reading in extra and right in missed:
                extra.remove(reading)
                missed.remove(right)
                print(f"  known misread {right} as {reading}: {why}")
        wrong = len(missed) + len(extra) + len(dups)
        ok = wrong <= allowed and (noisy or not fields)
        print(f"{'ok' if ok else 'FAIL'} {base}: {len(want) - len(missed)}/{len(want)} found, "
              f"{len(extra)} spurious (allowed {allowed} wrong)"
              + (f"; missed {' '.join(missed)}" if missed else "")
              + (f"; spurious {' '.join(extra)}" if extra else "")
              + (f"; twice {' '.join(dups)}" if dups else ""))
        for f in fields:
            print(f"  {'note' if noisy else 'FAIL'} {f}")
        failures += not ok
    print(f"{len(scans) - failures} scans passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
