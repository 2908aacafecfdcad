;; The contiguous kernels the memory-kind twins run (issue 15): one text, four modules. membench
;; fills in these placeholders before parsing (`contiguous::memory_kind_wasm`,
;; crates/membench/src/contiguous.rs):
;;   {A}                  i32 or i64: the memory's address type and every address computed here
;;   {MEM}                nothing (a 32-bit memory) or `i64` (memory64)
;;   {ext} ... {/ext}     an i32 argument widened to an address: `(i64.extend_i32_u ...)` for i64
;;   {wrap} ... {/wrap}   an i64 offset narrowed to an address: `(i32.wrap_i64 ...)` for i32
;;   {PAGES}              nothing (64 KiB pages) or ` (pagesize 1)` (custom-page-sizes)
;;   {MEM0}               nothing, or a first memory the kernels never touch (multi-memory)
;;   {M}                  the memory every load and store names: nothing (memory 0) or ` 1`
;; So the 32-bit and the 64-bit module, the 1-byte-page one and the second-memory one are the same
;; loops, instruction for instruction, but for the one thing each varies: what it costs is the only
;; difference between them. (The host rewrites the memory's limits for each case; the multi-memory
;; module keeps its first memory as written.)
;;
;; The exports follow the guest ABI, `(i32 addr, i32 len, i32 passes) -> i64`, and compute what the
;; Rust guest's kernels of the same names compute (guest-modules/contiguous/src/lib.rs): the same
;; checksums and the same bytes written, for any `len` that is a multiple of 8 (`random-*` need a
;; power of two). No static data: the working set starts wherever the host says.
(module
  {MEM0}
  (memory (export "memory") {MEM} 1{PAGES})

  ;; xorshift64 (x ^= x << 13; x ^= x >> 7; x ^= x << 17) is written out in each loop: no call in
  ;; a hot loop, as the Rust guest's is inlined.

  ;; Reads every i64 of [addr, addr+len) once per pass: acc += v ^ pass.
  (func (export "seq_read_i64") (param $addr i32) (param $len i32) (param $passes i32) (result i64)
    (local $p {A}) (local $end {A}) (local $pass i64) (local $acc i64)
    (local.set $end {ext}(i32.add (local.get $addr) (i32.and (local.get $len) (i32.const -8))){/ext})
    (block $done
      (loop $next_pass
        (br_if $done (i64.ge_u (local.get $pass) (i64.extend_i32_u (local.get $passes))))
        (local.set $p {ext}(local.get $addr){/ext})
        (block $pass_done
          (loop $next
            (br_if $pass_done ({A}.ge_u (local.get $p) (local.get $end)))
            (local.set $acc
              (i64.add (local.get $acc) (i64.xor (i64.load{M} (local.get $p)) (local.get $pass))))
            (local.set $p ({A}.add (local.get $p) ({A}.const 8)))
            (br $next)))
        (local.set $pass (i64.add (local.get $pass) (i64.const 1)))
        (br $next_pass)))
    (local.get $acc))

  ;; Writes element i as i ^ pass, every element once per pass; returns elements × passes.
  (func (export "seq_write_i64") (param $addr i32) (param $len i32) (param $passes i32) (result i64)
    (local $p {A}) (local $end {A}) (local $i i64) (local $pass i64)
    (local.set $end {ext}(i32.add (local.get $addr) (i32.and (local.get $len) (i32.const -8))){/ext})
    (block $done
      (loop $next_pass
        (br_if $done (i64.ge_u (local.get $pass) (i64.extend_i32_u (local.get $passes))))
        (local.set $p {ext}(local.get $addr){/ext})
        (local.set $i (i64.const 0))
        (block $pass_done
          (loop $next
            (br_if $pass_done ({A}.ge_u (local.get $p) (local.get $end)))
            (i64.store{M} (local.get $p) (i64.xor (local.get $i) (local.get $pass)))
            (local.set $i (i64.add (local.get $i) (i64.const 1)))
            (local.set $p ({A}.add (local.get $p) ({A}.const 8)))
            (br $next)))
        (local.set $pass (i64.add (local.get $pass) (i64.const 1)))
        (br $next_pass)))
    (i64.mul (i64.extend_i32_u (i32.shr_u (local.get $len) (i32.const 3)))
             (i64.extend_i32_u (local.get $passes))))

  ;; Copies the first half onto the second, adding the pass to each element; returns elements × passes.
  (func (export "copy_i64") (param $addr i32) (param $len i32) (param $passes i32) (result i64)
    (local $src {A}) (local $dst {A}) (local $end {A}) (local $pass i64) (local $n i32)
    (local.set $n (i32.shr_u (local.get $len) (i32.const 4)))
    (local.set $end {ext}(i32.add (local.get $addr) (i32.shl (local.get $n) (i32.const 3))){/ext})
    (block $done
      (loop $next_pass
        (br_if $done (i64.ge_u (local.get $pass) (i64.extend_i32_u (local.get $passes))))
        (local.set $src {ext}(local.get $addr){/ext})
        (local.set $dst {ext}(i32.add (local.get $addr) (i32.shr_u (local.get $len) (i32.const 1))){/ext})
        (block $pass_done
          (loop $next
            (br_if $pass_done ({A}.ge_u (local.get $src) (local.get $end)))
            (i64.store{M} (local.get $dst) (i64.add (i64.load{M} (local.get $src)) (local.get $pass)))
            (local.set $src ({A}.add (local.get $src) ({A}.const 8)))
            (local.set $dst ({A}.add (local.get $dst) ({A}.const 8)))
            (br $next)))
        (local.set $pass (i64.add (local.get $pass) (i64.const 1)))
        (br $next_pass)))
    (i64.mul (i64.extend_i32_u (local.get $n)) (i64.extend_i32_u (local.get $passes))))

  ;; len/8 loads per pass at xorshift indices masked to [0, len/8): acc += v.
  (func (export "random_read_i64") (param $addr i32) (param $len i32) (param $passes i32) (result i64)
    (local $base {A}) (local $n i64) (local $mask i64) (local $left i64) (local $x i64) (local $acc i64)
    (local.set $base {ext}(local.get $addr){/ext})
    (local.set $n (i64.extend_i32_u (i32.shr_u (local.get $len) (i32.const 3))))
    (local.set $mask (i64.sub (local.get $n) (i64.const 1)))
    (local.set $left (i64.mul (local.get $n) (i64.extend_i32_u (local.get $passes))))
    (local.set $x (i64.const 0x9E3779B97F4A7C15))
    (block $done
      (loop $next
        (br_if $done (i64.eqz (local.get $left)))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
        (local.set $acc
          (i64.add (local.get $acc)
            (i64.load{M} ({A}.add (local.get $base)
              {wrap}(i64.shl (i64.and (local.get $x) (local.get $mask)) (i64.const 3)){/wrap}))))
        (local.set $left (i64.sub (local.get $left) (i64.const 1)))
        (br $next)))
    (local.get $acc))

  ;; len/8 stores per pass at xorshift indices, each storing x; returns the last x.
  (func (export "random_write_i64") (param $addr i32) (param $len i32) (param $passes i32) (result i64)
    (local $base {A}) (local $n i64) (local $mask i64) (local $left i64) (local $x i64)
    (local.set $base {ext}(local.get $addr){/ext})
    (local.set $n (i64.extend_i32_u (i32.shr_u (local.get $len) (i32.const 3))))
    (local.set $mask (i64.sub (local.get $n) (i64.const 1)))
    (local.set $left (i64.mul (local.get $n) (i64.extend_i32_u (local.get $passes))))
    (local.set $x (i64.const 0x9E3779B97F4A7C15))
    (block $done
      (loop $next
        (br_if $done (i64.eqz (local.get $left)))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
        (i64.store{M} ({A}.add (local.get $base)
                      {wrap}(i64.shl (i64.and (local.get $x) (local.get $mask)) (i64.const 3)){/wrap})
                   (local.get $x))
        (local.set $left (i64.sub (local.get $left) (i64.const 1)))
        (br $next)))
    (local.get $x))

  ;; The Rust guest's `fill`: per 8 bytes x = xorshift(x) (x starts at SEED ^ seed), stored little-endian.
  (func (export "fill") (param $addr i32) (param $len i32) (param $seed i32) (result i64)
    (local $p {A}) (local $end {A}) (local $x i64)
    (local.set $p {ext}(local.get $addr){/ext})
    (local.set $end {ext}(i32.add (local.get $addr) (i32.and (local.get $len) (i32.const -8))){/ext})
    (local.set $x (i64.xor (i64.const 0x9E3779B97F4A7C15) (i64.extend_i32_u (local.get $seed))))
    (block $done
      (loop $next
        (br_if $done ({A}.ge_u (local.get $p) (local.get $end)))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
        (i64.store{M} (local.get $p) (local.get $x))
        (local.set $p ({A}.add (local.get $p) ({A}.const 8)))
        (br $next)))
    (i64.extend_i32_u (local.get $len)))

  ;; FNV-1a over the bytes of [addr, addr+len), as the Rust guest's `checksum`.
  (func (export "checksum") (param $addr i32) (param $len i32) (param i32) (result i64)
    (local $p {A}) (local $end {A}) (local $h i64)
    (local.set $p {ext}(local.get $addr){/ext})
    (local.set $end {ext}(i32.add (local.get $addr) (local.get $len)){/ext})
    (local.set $h (i64.const 0xcbf29ce484222325))
    (block $done
      (loop $next
        (br_if $done ({A}.ge_u (local.get $p) (local.get $end)))
        (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load8_u{M} (local.get $p)))
                               (i64.const 0x100000001b3)))
        (local.set $p ({A}.add (local.get $p) ({A}.const 1)))
        (br $next)))
    (local.get $h))
)
