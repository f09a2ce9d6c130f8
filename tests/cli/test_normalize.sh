#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# `vanban normalize` on text an English-model OCR run mangled (the Tân Khai
# seed's header), on decomposed (NFD) input, and its --explain and option
# errors.
# test_normalize.sh VANBAN SOURCE_DIR PYTHON3
. "$(dirname "$0")/lib.sh"

head -3 "$src/fixtures/seeds/tan-khai-plan.ocr.txt" >seed.txt
run 0 "$vanban" normalize seed.txt
has out "Độc lập - Tự do - Hạnh phúc"
has out "Số: 36/KH-UBND"
has out "KẾ HOẠCH"

# stdin, NFD in, NFC out
printf 'Ho\xcc\x80a gia\xcc\x89i o\xcc\x9b\xcc\x89 cơ sở\n' | "$vanban" normalize - >out 2>err ||
    fail "normalize - failed: $(cat err)"
[ "$(cat out)" = "Hòa giải ở cơ sở" ] || fail "NFD input: got '$(cat out)'"

# --explain: one JSON object per change, naming the repair
run 0 "$vanban" normalize --explain seed.txt
"$py" - out <<'PY' || fail "--explain output: $(head -3 out)"
import json, sys
changes = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
assert changes, "no changes"
for c in changes:
    assert set(c) == {"offset", "before", "after", "score", "why"}, c
assert any(c["before"] == "Pjc" and c["after"] == "Độc" for c in changes), changes[:5]
PY

# tone style: hòa (old) and hoà (new)
printf 'hoà giải\n' >tone.txt
run 0 "$vanban" normalize --tone-style old tone.txt
has out "hòa giải"
run 1 "$vanban" normalize --tone-style sideways tone.txt
has err "--tone-style wants old, new or keep, not 'sideways'"

# not UTF-8 and no --encoding: refused, naming the file
printf 'K\xea ho\xb9ch\n' >legacy.txt
run 2 "$vanban" normalize legacy.txt
has err "vanban: legacy.txt"
echo "normalize: all checks passed"
