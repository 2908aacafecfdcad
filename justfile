# wasm-memory-bench tasks. Every recipe is a plain cargo command too (shown in README.md).

# Run every criterion family (the default subset of the matrix).
bench *ARGS:
    cargo bench {{ARGS}}

# Run every case of the full matrix (much longer).
bench-full *ARGS:
    MEMBENCH_FULL=1 cargo bench {{ARGS}}

# The tests: correctness and semantics on every runtime (release, sharing the benches' build).
test:
    cargo test --release --workspace

# What CI runs.
ci:
    bash .ci/run
