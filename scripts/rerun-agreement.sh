#!/usr/bin/env bash
# rerun-agreement.sh: do two runs of the same benches, back to back on the same machine, agree?
#
# A published number is only as good as its repeatability. This runs a small subset of the benches
# twice and compares, case by case, the two point estimates criterion stored. If a run and its
# immediate rerun disagree by more than the threshold, differences between runtimes of that size
# are not evidence of anything.
#
# Usage:
#   scripts/rerun-agreement.sh [--grow REGEX] [--contiguous REGEX] [--threshold PCT]
#   scripts/rerun-agreement.sh --compare-only DIR_A DIR_B [--threshold PCT]
#   scripts/rerun-agreement.sh --self-test
#
#   --grow REGEX        criterion filter for `cargo bench --bench grow`; `-` skips that bench.
#                       Default: grow1-at/(1|256|4096)/ on every runtime-engine's default strategy
#                       (no `@<strategy>` suffix), memory variants defined-max and defined-nomax:
#                         /grow1-at/(1|256|4096)/[^/@]+/defined-(max|nomax)$
#   --contiguous REGEX  criterion filter for `cargo bench --bench contiguous`; `-` skips it.
#                       Default: the warm kernels seq-read-i64, seq-write-i64 and random-read-i64
#                       at 16 KiB and 1 MiB, every runtime-engine on its default strategy (the
#                       defined-max variant; host-buffer for native). The leading `/` keeps
#                       first-touch-seq-read-i64 out (criterion matches anywhere in the id):
#                         /(seq-read-i64|seq-write-i64|random-read-i64)/(16KiB|1MiB)/[^/@]+/(defined-max|host-buffer)$
#                       Case ids are formatted by membench::matrix and may change shape: check
#                       `membench list --family contiguous` and pass filters that match them.
#   --threshold PCT     how far (in %) a case may move between the runs; default 5.
#   --compare-only A B  skip the benches; compare two directories of criterion estimates (each
#                       holding <anything>/new/estimates.json and benchmark.json, e.g. copies made
#                       by an earlier run of this script, or target/criterion itself).
#   --self-test         compare two fabricated directories and check the verdicts.
#
# What it does: runs the benches (run A), copies the estimates criterion wrote during that run
# (target/criterion/<group>/<case>/new/{estimates,benchmark}.json, newer than the run's start)
# into target/rerun/a/, runs the same benches again into target/rerun/b/, and compares. Only
# criterion's files are read, never its console output.
#
# The table shows, per case (keyed by benchmark.json's full_id): run A's and run B's median (the
# mean where criterion stored no median), B/A, and the relative half-width of criterion's
# confidence interval of each (95 % unless configured otherwise); `FLAG` marks a case that moved
# more than the threshold, or was measured in one run only. A summary line per family follows.
#
# Exit status: 1 if any grow case, or any warm (not first-touch) contiguous case with a working set
# of at most 1 MiB, moved more than the threshold or was measured in one run only. Larger working
# sets (32 MiB, 256 MiB), first-touch cases and other families are reported but do not fail: their
# run-to-run spread is dominated by the page cache and the kernel, not by the runtime under test.
# 2 on a usage error or when there is nothing to compare.

set -euo pipefail

grow_filter='/grow1-at/(1|256|4096)/[^/@]+/defined-(max|nomax)$'
contiguous_filter='/(seq-read-i64|seq-write-i64|random-read-i64)/(16KiB|1MiB)/[^/@]+/(defined-max|host-buffer)$'
threshold=5
mode=run
dir_a='' dir_b=''

usage() {
    sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while (($#)); do
    case "$1" in
    --grow) grow_filter=${2?--grow needs a regex}; shift 2 ;;
    --contiguous) contiguous_filter=${2?--contiguous needs a regex}; shift 2 ;;
    --threshold) threshold=${2?--threshold needs a percentage}; shift 2 ;;
    --compare-only)
        mode=compare
        dir_a=${2?--compare-only needs two directories}
        dir_b=${3?--compare-only needs two directories}
        shift 3
        ;;
    --self-test) mode=self-test; shift ;;
    -h | --help) usage ;;
    *) echo "rerun-agreement.sh: unknown argument '$1'" >&2; usage ;;
    esac
done

# The comparison: reads two directories of criterion estimates, prints the table and the summary,
# exits 1 when a gating case moved more than the threshold (see the header).
compare() {
    python3 - "$1" "$2" "$threshold" <<'PY'
import json, math, os, re, statistics, sys

dir_a, dir_b, threshold = sys.argv[1], sys.argv[2], float(sys.argv[3])

def estimates(root):
    """full_id -> (point ns, relative half-width of the confidence interval), from every
    <case>/new/ (or any directory) holding benchmark.json and estimates.json under root."""
    out = {}
    if not os.path.isdir(root):
        sys.exit(f"rerun-agreement: {root} is not a directory")
    for dirpath, _, files in os.walk(root):
        if "benchmark.json" not in files or "estimates.json" not in files:
            continue
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            full_id = json.load(f)["full_id"]
        with open(os.path.join(dirpath, "estimates.json")) as f:
            est = json.load(f)
        stat = est.get("median") or est["mean"]
        point = stat["point_estimate"]
        ci = stat["confidence_interval"]
        half = (ci["upper_bound"] - ci["lower_bound"]) / 2
        out[full_id] = (point, half / point if point else math.inf)
    return out

def size_bytes(segments):
    """The working-set size named by a segment such as 16KiB or 1MiB, if any."""
    for s in segments:
        m = re.fullmatch(r"(\d+)(B|KiB|MiB|GiB)", s)
        if m:
            return int(m.group(1)) << {"B": 0, "KiB": 10, "MiB": 20, "GiB": 30}[m.group(2)]
    return None

def gates(full_id):
    """Whether a move of this case fails the check: every grow case, and warm contiguous cases
    with a working set of at most 1 MiB."""
    segments = full_id.split("/")
    family = segments[0]
    if family == "grow":
        return True
    if family == "contiguous":
        warm = not any("first-touch" in s for s in segments)
        size = size_bytes(segments)
        return warm and size is not None and size <= 1 << 20
    return False

def fmt_ns(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3f} {unit}"
    return f"{ns:.2f} ns"

a, b = estimates(dir_a), estimates(dir_b)
ids = sorted(set(a) | set(b))
if not ids:
    sys.exit(f"rerun-agreement: no criterion estimates under {dir_a} or {dir_b}")

width = max(len(i) for i in ids)
print(f"{'case':<{width}}  {'run A':>12}  {'run B':>12}  {'B/A':>7}  {'±A':>6}  {'±B':>6}  flag")
families = {}
failing = []
for full_id in ids:
    family = full_id.split("/")[0]
    stats = families.setdefault(family, {"changes": [], "over": 0, "one_run": 0})
    gate = gates(full_id)
    if full_id not in a or full_id not in b:
        stats["one_run"] += 1
        only = "A" if full_id in a else "B"
        point, _ = (a if only == "A" else b)[full_id]
        print(f"{full_id:<{width}}  {'measured in run ' + only + ' only (' + fmt_ns(point) + ')':>43}  FLAG")
        if gate:
            failing.append(full_id)
        continue
    (pa, ha), (pb, hb) = a[full_id], b[full_id]
    ratio = pb / pa
    change = abs(ratio - 1) * 100
    stats["changes"].append(change)
    flag = ""
    if change > threshold:
        stats["over"] += 1
        flag = "FLAG" if gate else "flag (reported only)"
        if gate:
            failing.append(full_id)
    print(f"{full_id:<{width}}  {fmt_ns(pa):>12}  {fmt_ns(pb):>12}  {ratio:>7.4f}  {ha * 100:>5.1f}%  {hb * 100:>5.1f}%  {flag}")

print("(run A, run B: criterion's median per iteration; ±A, ±B: half-width of its confidence interval, relative to the median)")
print()
for family, s in sorted(families.items()):
    c = s["changes"]
    line = f"{family}: {len(c)} cases"
    if c:
        line += f", median |change| {statistics.median(c):.2f} %, max {max(c):.2f} %"
    line += f", {s['over']} over {threshold:g} %"
    if s["one_run"]:
        line += f", {s['one_run']} measured in one run only"
    print(line)
if failing:
    print(f"FAIL: {len(failing)} gating cases (grow; warm contiguous at most 1 MiB) moved more than {threshold:g} % between the runs or were measured in one run only")
    sys.exit(1)
print(f"OK: every gating case (grow; warm contiguous at most 1 MiB) agreed within {threshold:g} %")
PY
}

# Fabricates runs' estimates and checks the verdicts: agreeing runs pass; a grow case moving 8 %
# fails; a 256 MiB contiguous case moving 20 % is reported only; a gating case measured in one run
# only fails.
self_test() {
    local dir
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' RETURN
    python3 - "$dir" <<'PY'
import json, os, sys
root = sys.argv[1]
def case(run, full_id, median, half=0.01):
    d = os.path.join(root, run, full_id.split("/")[0], "_".join(full_id.split("/")[1:]), "new")
    os.makedirs(d, exist_ok=True)
    json.dump({"group_id": full_id.split("/")[0], "full_id": full_id}, open(os.path.join(d, "benchmark.json"), "w"))
    stat = lambda p: {"point_estimate": p, "standard_error": p * half / 2,
                      "confidence_interval": {"confidence_level": 0.95, "lower_bound": p * (1 - half), "upper_bound": p * (1 + half)}}
    json.dump({"mean": stat(median * 1.01), "median": stat(median), "median_abs_dev": stat(1.0), "slope": None, "std_dev": stat(1.0)},
              open(os.path.join(d, "estimates.json"), "w"))
base = {
    "grow/grow1-at/1/wasmtime-cranelift/defined-max": 250.0,
    "grow/grow1-at/4096/wasmi-interpreter/defined-nomax": 1.8e6,
    "contiguous/seq-read-i64/16KiB/wasmer-singlepass/defined-max": 3100.0,
    "contiguous/random-read-i64/1MiB/native-rustc/host-buffer": 2.2e5,
    "contiguous/seq-write-i64/256MiB/wasmtime-winch/defined-max": 9.5e7,
}
for full_id, ns in base.items():
    case("a", full_id, ns)
    case("agree", full_id, ns * 1.02)
    moved = {"grow/grow1-at/1/wasmtime-cranelift/defined-max": 1.08,
             "contiguous/seq-write-i64/256MiB/wasmtime-winch/defined-max": 1.20}.get(full_id, 0.99)
    case("moved", full_id, ns * moved)
    big = full_id.startswith("contiguous/seq-write-i64/256MiB/")
    case("big-moved", full_id, ns * (1.20 if big else 1.0))
    if full_id != "contiguous/seq-read-i64/16KiB/wasmer-singlepass/defined-max":
        case("missing", full_id, ns)
PY
    local status=0
    echo "== agreeing runs (every case within 2 %): expect OK, exit 0"
    compare "$dir/a" "$dir/agree" || status=$?
    ((status == 0)) || { echo "self-test FAILED: exit $status, expected 0" >&2; return 1; }
    echo
    echo "== a grow case moves 8 %, a 256 MiB case 20 %: expect FAIL on the grow case only, exit 1"
    status=0
    compare "$dir/a" "$dir/moved" || status=$?
    ((status == 1)) || { echo "self-test FAILED: exit $status, expected 1" >&2; return 1; }
    echo
    echo "== only the 256 MiB case moves (20 %): expect it reported, OK, exit 0"
    status=0
    compare "$dir/a" "$dir/big-moved" || status=$?
    ((status == 0)) || { echo "self-test FAILED: exit $status, expected 0" >&2; return 1; }
    echo
    echo "== a 16 KiB case measured in run A only: expect FAIL, exit 1"
    status=0
    compare "$dir/a" "$dir/missing" || status=$?
    ((status == 1)) || { echo "self-test FAILED: exit $status, expected 1" >&2; return 1; }
    echo
    echo "self-test passed"
}

case "$mode" in
compare) compare "$dir_a" "$dir_b"; exit ;;
self-test) self_test; exit ;;
esac

cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
criterion="$target/criterion"
rerun="$target/rerun"

# One run: the selected benches, then a copy of every estimate criterion wrote during it.
run() {
    local into=$1 start
    rm -rf "$into"
    mkdir -p "$into" "$criterion"
    start="$into.start"
    touch "$start"
    if [[ $contiguous_filter != - ]]; then
        cargo bench --workspace --bench contiguous -- "$contiguous_filter"
    fi
    if [[ $grow_filter != - ]]; then
        cargo bench --workspace --bench grow -- "$grow_filter"
    fi
    local copied=0 dir
    while IFS= read -r -d '' estimates; do
        dir=$(dirname "$estimates")
        [[ -f $dir/benchmark.json ]] || continue
        mkdir -p "$into/${dir#"$criterion"/}"
        cp "$dir/estimates.json" "$dir/benchmark.json" "$into/${dir#"$criterion"/}/"
        copied=$((copied + 1))
    done < <(find "$criterion" -path '*/new/estimates.json' -newer "$start" -print0)
    rm -f "$start"
    echo "rerun-agreement: $copied cases' estimates copied into $into" >&2
    ((copied > 0)) || { echo "rerun-agreement: the filters selected no case" >&2; exit 2; }
}

run "$rerun/a"
run "$rerun/b"
compare "$rerun/a" "$rerun/b"
