#!/usr/bin/env bash
# ocr-cer.sh VANBAN CER SCAN TRUTH MAX [OPTION...]: OCR SCAN with vanban
# (given the OPTIONs) and assert
#   - vanban's character error rate (tests/cer.h) is at most MAX;
#   - it beats raw Tesseract on noisy scans and is not worse on clean ones.
# "Raw Tesseract" is the `tesseract` command itself (-l vie --psm 3) on TIFF
# scans; on PDFs, whose pages the tesseract command cannot read, it is the
# same engine through vanban with neither clean-up nor normalisation
# (--no-clean --raw).
set -euo pipefail
vanban=$1 cer=$2 scan=$3 truth=$4 max=$5
shift 5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_THREAD_LIMIT=1
"$vanban" ocr --jobs 2 "$@" "$scan" >"$tmp/v.txt"
case $scan in
  *.tif) tesseract "$scan" - -l vie --psm 3 >"$tmp/r.txt" 2>/dev/null; raw="tesseract" ;;
  *) "$vanban" ocr --jobs 2 --no-clean --raw "$scan" >"$tmp/r.txt"; raw="vanban --no-clean --raw" ;;
esac
v=$("$cer" "$tmp/v.txt" "$truth")
r=$("$cer" "$tmp/r.txt" "$truth")
echo "$(basename "$scan")${1:+ ($*)}: vanban CER $v, $raw CER $r (bound $max)"
awk -v v="$v" -v r="$r" -v max="$max" -v s="$scan" 'BEGIN {
  if (v > max) { printf "FAIL: CER %.4f above %.4f\n", v, max; exit 1 }
  if (s ~ /noisy/ && v >= r) { printf "FAIL: not better than raw tesseract (%.4f >= %.4f)\n", v, r; exit 1 }
  if (s !~ /noisy/ && v > r) { printf "FAIL: worse than raw tesseract (%.4f > %.4f)\n", v, r; exit 1 }
}'
