#!/usr/bin/env bash
# ocr-reduced.sh VANBAN STEM: the pages of STEM.clean.pdf (3, 14 pt at 300 dpi)
# are read reduced, those of STEM.noisy.pdf are not, and --full-resolution
# reads none reduced (the pages_reduced count of vanban ocr --stats).
set -euo pipefail
vanban=$1 stem=$2
export OMP_THREAD_LIMIT=1
reduced() { # OPTION... FILE
  "$vanban" ocr --jobs 2 --stats "$@" 2>&1 >/dev/null | grep -o '"pages_reduced":[0-9]*' | cut -d: -f2
}
fail=0
check() { # WHAT GOT WANT
  if [ "$2" = "$3" ]; then echo "ok $1: $2 pages reduced"
  else echo "FAIL $1: $2 pages reduced, want $3"; fail=1; fi
}
check "clean.pdf" "$(reduced "$stem.clean.pdf")" 3
check "clean.pdf --full-resolution" "$(reduced --full-resolution "$stem.clean.pdf")" 0
check "noisy.pdf" "$(reduced "$stem.noisy.pdf")" 0
exit $fail
