# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Shared by the `vanban process` tests: sourced as
#   . lib.sh VANBAN SOURCE_DIR PYTHON3
# Gives $vanban, $src (the repository), $py, $work (a temporary folder removed
# on exit), and the helpers below. A failed check prints why and exits 1.
set -u

vanban=$(realpath "$1")
src=$(realpath "$2")
py=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/vb-test-process.XXXXXX")
# Background jobs a test started are stopped before the folder goes.
trap 'for p in $(jobs -p); do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
export OMP_THREAD_LIMIT=1

fail()
{
    echo "FAIL: $*" >&2
    exit 1
}

# run RC COMMAND...: run, keeping stdout in $work/out and stderr in $work/err;
# the exit code must be RC.
run()
{
    local want=$1
    shift
    "$@" >"$work/out" 2>"$work/err"
    local rc=$?
    if [ "$rc" != "$want" ]; then
        echo "--- stderr of: $*" >&2
        tail -n 20 "$work/err" >&2
        fail "exit code $rc, expected $want: $*"
    fi
}

# has FILE TEXT: FILE contains the line-fragment TEXT (fixed string).
has()
{
    grep -qF -- "$2" "$1" || {
        echo "--- $1:" >&2
        tail -n 20 "$1" >&2
        fail "$1 lacks: $2"
    }
}

# summary STORED SKIPPED FAILED: the summary line of the last run.
summary()
{
    has "$work/err" ": $1 stored, $2 skipped (already in the archive), $3 failed,"
}

# archive_ok DB: vanban check passes (PRAGMA integrity_check, foreign keys,
# FTS5 integrity-check of both indexes, indexes = latest documents).
archive_ok()
{
    "$vanban" check --db "$1" >"$work/check.out" 2>&1 || {
        cat "$work/check.out" >&2
        fail "archive $1 fails its checks"
    }
}

# records DB: the archive's records as JSON Lines in $work/records.jsonl.
records()
{
    "$vanban" export --db "$1" --format jsonl >"$work/records.jsonl" ||
        fail "export of $1 failed"
}

# count_unique DB WANT: the archive holds WANT records (ok and failed), no two
# with the same source path or the same content (SHA-256).
count_unique()
{
    records "$1"
    "$py" - "$work/records.jsonl" "$2" <<'PY' || fail "records of $1 (see above)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
want = int(sys.argv[2])
paths = [r["source"]["path"] for r in recs]
shas = [r["source"]["sha256"] for r in recs if r["source"]["sha256"]]
dup = sorted({p for p in paths if paths.count(p) > 1} | {s for s in shas if shas.count(s) > 1})
if dup:
    sys.exit("duplicates: %s" % dup[:5])
if len(recs) != want:
    sys.exit("%d records, expected %d" % (len(recs), want))
PY
}

# make_docs DIR N: N small, distinct text documents (the first lines of the
# truth texts, numbered), fast to process: no OCR.
make_docs()
{
    "$py" - "$1" "$2" "$src"/fixtures/truth/*.txt <<'PY' || fail "making $2 documents in $1"
import os, sys
out, n, truths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
os.makedirs(out, exist_ok=True)
heads = [(os.path.basename(t)[:-4], open(t, encoding="utf-8").read().splitlines()[:12])
         for t in truths]
for i in range(n):
    name, lines = heads[i % len(heads)]
    copy = i // len(heads) + 1
    with open("%s/%s-%d.txt" % (out, name, copy), "w", encoding="utf-8") as f:
        f.write("Bản số %d. " % copy + "\n".join(lines) + "\n")
PY
}

# outcome DB PATH: prints "ok", or the reason the input at PATH failed, as the
# archive has it ("absent" when it has no record for PATH).
outcome()
{
    records "$1"
    "$py" - "$work/records.jsonl" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["source"]["path"] == sys.argv[2]:
        print(r["error"]["message"] if r.get("error") else "ok")
        break
else:
    print("absent")
PY
}

# wait_lines FILE N PID: wait until FILE has N lines (a running `process`
# writing its --out), failing if PID ends first or after 120 s.
wait_lines()
{
    local i
    for i in $(seq 1 2400); do
        [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
        kill -0 "$3" 2>/dev/null || fail "the batch ended before $1 had $2 lines"
        sleep 0.05
    done
    fail "$1 never reached $2 lines"
}

# paths DB: the sorted source paths of the archive's records, one per line.
paths()
{
    records "$1"
    "$py" -c '
import json, sys
for p in sorted(json.loads(l)["source"]["path"] for l in open(sys.argv[1], encoding="utf-8")):
    print(p)' "$work/records.jsonl"
}

# start_batch LINES [OPTION...]: `vanban process in --db a.db --out r.jsonl`
# in the background (stderr in $work/batch.err), its pid in $pid, returning
# once it has written LINES records.
start_batch()
{
    local lines=$1
    shift
    "$vanban" process in --db a.db --out r.jsonl "$@" 2>"$work/batch.err" &
    pid=$!
    wait_lines r.jsonl "$lines" $pid
}
