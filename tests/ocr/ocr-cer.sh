#!/usr/bin/env bash
# ocr-cer.sh VANBAN CER SCAN TRUTH: OCR SCAN with vanban and with raw
# Tesseract (vanban --no-clean --raw: the same engine and settings, no
# clean-up), and assert:
#   - vanban's character error rate is at most 3% (noisy) or 2% (clean);
#   - on noisy scans it is below raw Tesseract's; on clean ones not worse
#     (a tolerance of 0.2 points for run-to-run noise in page segmentation).
set -euo pipefail
vanban=$1 cer=$2 scan=$3 truth=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$vanban" ocr --jobs 2 "$scan" >"$tmp/v.txt"
"$vanban" ocr --jobs 2 --no-clean --raw "$scan" >"$tmp/r.txt"
v=$("$cer" "$tmp/v.txt" "$truth")
r=$("$cer" "$tmp/r.txt" "$truth")
echo "$(basename "$scan"): vanban CER $v, raw tesseract CER $r"
case $scan in
  *noisy*) max=0.03 ;;
  *) max=0.02 ;;
esac
awk -v v="$v" -v r="$r" -v max="$max" -v s="$scan" 'BEGIN {
  if (v > max) { printf "FAIL: CER %.4f above %.2f\n", v, max; exit 1 }
  if (s ~ /noisy/ && v >= r) { printf "FAIL: not better than raw tesseract (%.4f >= %.4f)\n", v, r; exit 1 }
  if (s !~ /noisy/ && v > r + 0.002) { printf "FAIL: worse than raw tesseract (%.4f > %.4f)\n", v, r; exit 1 }
}'
