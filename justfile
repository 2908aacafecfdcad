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

# Measure the default matrix from scratch, then collect and render into reports/.
report:
    rm -rf {{target_dir}}/criterion {{target_dir}}/membench {{target_dir}}/fragmentation.json {{target_dir}}/verify.json
    cargo bench --workspace {{features}}
    just measure
    just verify
    just collect render

# A reduced matrix that still touches every runtime (about 3 minutes after the build), rendered into reports/.
report-quick:
    rm -rf {{target_dir}}/criterion {{target_dir}}/membench {{target_dir}}/fragmentation.json {{target_dir}}/verify.json
    cargo bench --workspace {{features}} --bench contiguous -- '{{quick_contiguous}}'
    cargo bench --workspace {{features}} --bench grow -- '{{quick_grow}}'
    cargo bench --workspace {{features}} --bench fragmentation -- 'fragmentation/(sawtooth|mixed)/'
    just measure
    just collect render

# The seed's claims on every runtime × strategy, as a table and target/verify.json.
verify *ARGS:
    cargo run --release -p membench-cli {{features}} -- verify --json {{target_dir}}/verify.json {{ARGS}}

# The WebAssembly spec's memory tests on every wasm runtime × strategy × maximum variant.
spec *ARGS:
    cargo run --release -p membench-cli {{features}} -- spec --json {{target_dir}}/spec.json {{ARGS}}

# Re-run `verify` (with the spec tests) into the published reports/, keeping their bench measurements.
reverify:
    just verify
    cargo run --release -p membench-cli {{features}} -- collect --onto reports/results.json --verify {{target_dir}}/verify.json --out reports/results.json
    just render

# The memory figures of the fragmentation family (linear, live, resident, reserved), as JSON and CSV.
measure:
    cargo run --release -p membench-cli {{features}} -- measure --family fragmentation --out {{target_dir}}/fragmentation.json --csv {{target_dir}}/fragmentation.csv

# Gather criterion's estimates, the case records and this machine's environment into reports/results.json.
collect:
    cargo run --release -p membench-cli {{features}} -- collect --target {{target_dir}} --fragmentation {{target_dir}}/fragmentation.json --verify {{target_dir}}/verify.json --out reports/results.json

# Re-render charts, REPORT.md and results.csv from reports/results.json (measures nothing).
render:
    cargo run --release -p membench-cli {{features}} -- render --input reports/results.json --out reports

# The tests: correctness and semantics on every runtime (release, sharing the benches' build).
test:
    cargo test --release --workspace {{features}}

# What CI runs.
ci:
    bash .ci/run
