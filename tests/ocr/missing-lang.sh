#!/bin/sh
# A Tesseract language that is not installed fails the run before any page is
# read, with exit 3 and one message, however many engines load it at once.
#   missing-lang.sh VANBAN SCAN JOBS
vanban=$1 scan=$2 jobs=$3
out=$("$vanban" ocr --jobs "$jobs" --lang vbmissing "$scan" 2>&1 >/dev/null)
rc=$?
printf '%s\n' "$out"
want="vanban: error: cannot load the Tesseract language 'vbmissing' (is tesseract-ocr-vbmissing installed?)"
[ "$rc" -eq 3 ] || { echo "exit $rc, want 3"; exit 1; }
[ "$(printf '%s\n' "$out" | grep -c '^vanban: ')" -eq 1 ] || { echo "want one vanban message"; exit 1; }
printf '%s\n' "$out" | grep -qxF "$want" || { echo "want: $want"; exit 1; }
