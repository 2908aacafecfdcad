# wasm-memory-bench tasks. Every recipe is a plain cargo command too (see README.md).

# Where cargo puts its output (criterion's estimates and the case records live there).
target_dir := env_var_or_default("CARGO_TARGET_DIR", "target")

# WAMR and wasm3 need cmake and libclang (README's set-up); `MEMBENCH_FEATURES= just ...` builds
# without them, and their rows say "not built".
features := env_var_or_default("MEMBENCH_FEATURES", "--features c-runtimes")

# Criterion's filter selecting the quick matrix: every runtime-engine (default strategy) and native.
quick_contiguous := '(seq-read-i64|random-read-i64|seq-write-i64)/1MiB/[^/]+/(defined-max|host-buffer)$'
quick_grow := 'grow1-at/(1|256|4096)/[^/]+/defined-(max|nomax)$|grow-fail/16/[^/]+/defined-max$|pre-linked/16/.*defined-(nomax|max4g)'

# Run every criterion family (the default subset of the matrix).
bench *ARGS:
    cargo bench --workspace {{features}} {{ARGS}}

# Run every case of the full matrix (much longer).
bench-full *ARGS:
    MEMBENCH_FULL=1 cargo bench --workspace {{features}} {{ARGS}}

# A reference run: the default matrix measured from scratch, from one clean commit with every
# runtime built and installed (MEMBENCH_REQUIRE_ALL=1: a missing engine fails instead of becoming
# a "not installed" row), benches, memory figures and verdicts under one run id; then collected
# and rendered into reports/<machine>/ (`membench machine` prints the folder's name) and
# reports/MACHINES.md redrawn. Refuses a working tree with uncommitted changes to tracked files.
report:
    #!/usr/bin/env bash
    set -euo pipefail
    if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
        echo "error: a reference run is measured from a clean commit; commit or stash first:" >&2
        git status --short --untracked-files=no >&2
        exit 1
    fi
    export MEMBENCH_REQUIRE_ALL=1
    export MEMBENCH_RUN_ID=report-$(git rev-parse --short=12 HEAD)-$(date -u +%Y%m%dT%H%M%SZ)
    rm -rf {{target_dir}}/criterion {{target_dir}}/membench {{target_dir}}/fragmentation.json {{target_dir}}/verify.json
    cargo bench --workspace {{features}}
    # A case that fails is a row of the report (cases.md lists it with its cause), as it is in
    # `cargo bench`: `measure` and `verify` exit non-zero for it but keep every result, so the run
    # goes on and says at the end which step reported failures.
    failed=()
    just measure || failed+=(measure)
    just verify || failed+=(verify)
    just collect
    just render
    if [ ${#failed[@]} -gt 0 ]; then
        echo "note: ${failed[*]} reported failed cases; they are in the report's cases.md with their causes" >&2
    fi

# A reduced matrix that still touches every runtime (about 3 minutes after the build), rendered into
# reports/<machine>/.
report-quick:
    rm -rf {{target_dir}}/criterion {{target_dir}}/membench {{target_dir}}/fragmentation.json {{target_dir}}/verify.json
    # Three cargo commands are three runs unless they share a run id (collect keeps one run).
    export MEMBENCH_RUN_ID=quick-$(date -u +%Y%m%dT%H%M%SZ) && \
    cargo bench --workspace {{features}} --bench contiguous -- '{{quick_contiguous}}' && \
    cargo bench --workspace {{features}} --bench grow -- '{{quick_grow}}' && \
    cargo bench --workspace {{features}} --bench fragmentation -- 'fragmentation/(sawtooth|mixed)/'
    just measure
    just collect --allow-mixed
    just render --allow-mixed

# The seed's claims on every runtime × strategy, as a table and target/verify.json.
verify *ARGS:
    cargo run --release -p membench-cli {{features}} -- verify --json {{target_dir}}/verify.json {{ARGS}}

# The WebAssembly spec's memory tests on every wasm runtime × strategy × maximum variant.
spec *ARGS:
    cargo run --release -p membench-cli {{features}} -- spec --json {{target_dir}}/spec.json {{ARGS}}

# Re-run `verify` (with the spec tests) into this machine's published run, keeping its bench measurements.
reverify:
    just verify
    dir=reports/$(cargo run -q --release -p membench-cli {{features}} -- machine) && cargo run --release -p membench-cli {{features}} -- collect --onto $dir/results.json --verify {{target_dir}}/verify.json --out $dir/results.json --allow-mixed
    just render --allow-mixed

# The memory figures of the fragmentation family (linear, live, resident, reserved), as JSON and CSV.
measure:
    cargo run --release -p membench-cli {{features}} -- measure --family fragmentation --out {{target_dir}}/fragmentation.json --csv {{target_dir}}/fragmentation.csv

# Gather criterion's estimates, the case records and the environment into reports/<machine>/results.json.
collect *ARGS:
    cargo run --release -p membench-cli {{features}} -- collect --target {{target_dir}} --fragmentation {{target_dir}}/fragmentation.json --verify {{target_dir}}/verify.json {{ARGS}}

# Re-render this machine's report (REPORT.md, the detail pages, charts, results.csv) from its
# results.json, and reports/MACHINES.md from every machine's; refuses a run from more than one
# commit or a dirty tree unless `just render --allow-mixed` (every page then says so).
render *ARGS:
    cargo run --release -p membench-cli {{features}} -- render --machines reports {{ARGS}}

# Run the quick subset 3 times and store how far the runs moved in this machine's results.json
# (`membench spread`), then re-render: the report shows it beside criterion's intervals.
spread:
    scripts/spread.sh --runs 3
    just render

# Compare two collected runs case by case; exits 1 past the threshold (percent).
compare A B THRESHOLD="10":
    cargo run --release -p membench-cli {{features}} -- compare {{A}} {{B}} --threshold {{THRESHOLD}}

# Time your own module's export on every runtime (see guest-modules/README.md), e.g.
# `just bench-wasm guest-modules/examples/sum.wat sum --args 65536 --setup fill`.
bench-wasm FILE EXPORT *ARGS:
    cargo run --release -p membench-cli {{features}} -- bench --wasm {{FILE}} --export {{EXPORT}} {{ARGS}}

# The tests: correctness and semantics on every runtime (release, sharing the benches' build).
test:
    cargo test --release --workspace {{features}}

# What CI runs.
ci:
    bash .ci/run
