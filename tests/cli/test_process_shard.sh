#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# --shard K/N: shares that together take every input exactly once, the same
# shares from a Slurm job array's environment, N copies writing into one
# archive at once, and the errors for impossible shards.
# test_process_shard.sh VANBAN SOURCE_DIR PYTHON3
. "$(dirname "$0")/lib.sh"

n=120
make_docs in $n
(cd in && ls | sed 's|^|in/|' | sort) >all.txt

run 0 "$vanban" process in --db 1.db --shard 1/2
run 0 "$vanban" process in --db 2.db --shard 2/2
paths 1.db >1.txt
paths 2.db >2.txt
[ -s 1.txt ] && [ -s 2.txt ] || fail "a shard is empty"
[ -z "$(comm -12 1.txt 2.txt)" ] || fail "in both shards: $(comm -12 1.txt 2.txt | head -3)"
sort 1.txt 2.txt | cmp -s - all.txt || fail "the shards do not cover the inputs"

# A Slurm job array: --array=0-1 and --array=3-7:4 both give tasks 1 and 2 of 2.
for env in "SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MIN=0" \
    "SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=0" \
    "SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=3 SLURM_ARRAY_TASK_STEP=4" \
    "SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_MIN=3 SLURM_ARRAY_TASK_STEP=4"; do
    rm -f s.db
    run 0 env $env SLURM_ARRAY_TASK_COUNT=2 "$vanban" process in --db s.db
    paths s.db >s.txt
    case $env in
    *ID=0* | *ID=3*) want=1.txt ;;
    *) want=2.txt ;;
    esac
    cmp -s s.txt $want || fail "$env: not the share of $want"
done
# A Kubernetes indexed job counts from 0.
rm -f s.db
run 0 env JOB_COMPLETION_INDEX=1 VANBAN_SHARDS=2 "$vanban" process in --db s.db
paths s.db | cmp -s - 2.txt || fail "JOB_COMPLETION_INDEX=1 VANBAN_SHARDS=2: not shard 2/2"
# --shard wins over the environment.
rm -f s.db
run 0 env SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=2 "$vanban" process in --db s.db --shard 2/2
paths s.db | cmp -s - 2.txt || fail "--shard 2/2 did not win over SLURM_ARRAY_TASK_ID=0"

# Both shards at once into one archive; a folder loop is reported by one.
ln -s ../in in/loop # in/loop/loop/...
"$vanban" process in --db both.db --shard 1/2 2>a.err &
pid=$!
"$vanban" process in --db both.db --shard 2/2 2>b.err
rc2=$?
wait $pid
rc1=$?
[ "$(cat a.err b.err | grep -c 'directory loop')" = 1 ] || fail "loop reported: $(cat a.err b.err)"
[ "$rc1$rc2" = 02 ] || [ "$rc1$rc2" = 20 ] || fail "exit codes $rc1 and $rc2"
count_unique both.db $((n + 1))
archive_ok both.db

run 1 "$vanban" process in --db x.db --shard 3/2
has err "vanban: error: --shard wants K/N with 1 <= K <= N, not '3/2'"
run 1 "$vanban" process in --db x.db --shard 1/2x
has err "not '1/2x'"
run 1 env SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=2 "$vanban" process in --db x.db
has err "vanban: error: cannot tell this task's shard from the environment (SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=2"
[ ! -e x.db ] || fail "a usage error created the archive"
