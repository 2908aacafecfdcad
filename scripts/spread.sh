#!/usr/bin/env bash
# spread.sh: how far do repeated runs of the same cases move on this machine?
#
# Runs the quick subset (justfile's quick_contiguous and quick_grow filters: every runtime-engine's
# default strategy) N times back to back, collects each run into target/spread/run-<i>.json, and
# prints per family how far the point estimates moved between the runs against criterion's own
# interval within a run (`membench spread`). With --into FILE the spread is stored in that collected
# run (by default this machine's reports/<machine>/results.json), whose report then shows it.
#
# Usage: scripts/spread.sh [--runs N] [--into FILE | --no-store]
# Environment: MEMBENCH_FEATURES (default `--features c-runtimes`), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
into=''
store=1
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --into) into="$2"; shift 2 ;;
    --no-store) store=0; shift ;;
    *) sed -n '2,/^set/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
case "$runs" in '' | *[!0-9]*) echo "spread.sh: --runs takes a number" >&2; exit 2 ;; esac
[ "$runs" -ge 2 ] || { echo "spread.sh: --runs must be at least 2" >&2; exit 2; }

features=${MEMBENCH_FEATURES---features c-runtimes}
target=${CARGO_TARGET_DIR:-target}
# The filters live in one place, the justfile.
filter() { sed -n "s/^$1 := '\(.*\)'$/\1/p" justfile; }
contiguous=$(filter quick_contiguous)
grow=$(filter quick_grow)
[ -n "$contiguous" ] && [ -n "$grow" ] || { echo "spread.sh: quick filters not found in justfile" >&2; exit 2; }

# shellcheck disable=SC2086 # $features is a list of words
cargo build --release --workspace $features --bins
membench="$target/release/membench"
mkdir -p "$target/spread"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
files=()
for i in $(seq 1 "$runs"); do
    # One run id for the two bench binaries of repetition i, so collect keeps both.
    export MEMBENCH_RUN_ID="spread-$stamp-$i"
    echo "== run $i of $runs ($MEMBENCH_RUN_ID)" >&2
    # shellcheck disable=SC2086
    cargo bench --workspace $features --bench contiguous -- "$contiguous" >/dev/null
    # shellcheck disable=SC2086
    cargo bench --workspace $features --bench grow -- "$grow" >/dev/null
    out="$target/spread/run-$i.json"
    "$membench" collect --target "$target" --run "$MEMBENCH_RUN_ID" \
        --fragmentation /nonexistent --verify /nonexistent --out "$out"
    files+=("$out")
done
unset MEMBENCH_RUN_ID
if [ "$store" = 1 ]; then
    [ -n "$into" ] || into="reports/$("$membench" machine)/results.json"
    "$membench" spread "${files[@]}" --into "$into"
else
    "$membench" spread "${files[@]}"
fi
