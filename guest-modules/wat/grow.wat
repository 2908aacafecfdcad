;; The grow guest's loops (guest-modules/grow/src/lib.rs) written in WebAssembly text, over a
;; 32-bit or a 64-bit memory (issue 15): one text, two modules. membench fills in before parsing
;; (`grow::memory_kind_wasm`, crates/membench/src/grow.rs):
;;   {A}                  i32 or i64: the memory's address type, and what memory.grow/size take
;;                        and return
;;   {MEM}                nothing (a 32-bit memory) or `i64` (memory64)
;;   {ext} ... {/ext}     an i32 widened to {A}: `(i64.extend_i32_u ...)` for i64
;;   {wide} ... {/wide}   a {A} widened to i64: `(i64.extend_i32_u ...)` for i32
;; So the two modules grow in the same loops, instruction for instruction, but for the address
;; type: what a 64-bit memory's grow costs is the only difference. The exports follow the guest
;; ABI and return what the Rust guest's exports of the same names return.
(module
  (memory (export "memory") {MEM} 1)

  ;; Grows the memory `count` times by `delta` pages; with `touch` set, writes one byte into every
  ;; new page right after its grow. Returns how many grows succeeded.
  (func (export "grow_many") (param $delta i32) (param $count i32) (param $touch i32) (result i64)
    (local $i i32) (local $old {A}) (local $page {A})
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $old (memory.grow {ext}(local.get $delta){/ext}))
        (if ({A}.eq (local.get $old) ({A}.const -1))
          (then (return (i64.extend_i32_u (local.get $i)))))
        (if (local.get $touch)
          (then
            (local.set $page ({A}.const 0))
            (block $touched
              (loop $each
                (br_if $touched ({A}.ge_u (local.get $page) {ext}(local.get $delta){/ext}))
                (i32.store8
                  ({A}.mul ({A}.add (local.get $old) (local.get $page)) ({A}.const 65536))
                  (i32.const 1))
                (local.set $page ({A}.add (local.get $page) ({A}.const 1)))
                (br $each)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i64.extend_i32_u (local.get $count)))

  ;; Calls memory.grow(delta) `count` times where every call must fail; returns how many did.
  (func (export "grow_fail") (param $delta i32) (param $count i32) (param i32) (result i64)
    (local $i i32) (local $failed i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (if ({A}.eq (memory.grow {ext}(local.get $delta){/ext}) ({A}.const -1))
          (then (local.set $failed (i64.add (local.get $failed) (i64.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $failed))

  ;; memory.grow(delta) once: the old size in pages, or -1 as an unsigned 32-bit value (the Rust
  ;; guest's `u32::MAX`) on failure.
  (func (export "grow") (param $delta i32) (param i32 i32) (result i64)
    (local $old {A})
    (local.set $old (memory.grow {ext}(local.get $delta){/ext}))
    (if (result i64) ({A}.eq (local.get $old) ({A}.const -1))
      (then (i64.const 4294967295))
      (else {wide}(local.get $old){/wide})))

  ;; memory.size in pages.
  (func (export "size") (param i32 i32 i32) (result i64)
    {wide}(memory.size){/wide}))
