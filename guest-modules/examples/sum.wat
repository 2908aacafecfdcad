;; An example for `membench bench --wasm`: a guest whose exports follow the guest ABI,
;; `(i32, i32, i32) -> i64`, with its one memory exported as `memory`.
;;
;;   membench bench --wasm guest-modules/examples/sum.wat --export sum --args 65536
;;   membench bench --wasm guest-modules/examples/sum.wat --export sum --args 65536 --setup fill
;;
;; `sum(len, _, _)` adds the i64 words of the first `len` bytes (rounded down to 8) and returns the
;; total: the loop is the measured region. `fill(len, _, _)` writes the words 0, 1, 2, ... there:
;; setup, which `--setup fill` calls before every timed call, untimed.
(module
  (memory (export "memory") 2)
  (func (export "sum") (param $len i32) (param i32) (param i32) (result i64)
    (local $p i32) (local $end i32) (local $acc i64)
    (local.set $end (i32.and (local.get $len) (i32.const -8)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $acc (i64.add (local.get $acc) (i64.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $next)))
    (local.get $acc))
  (func (export "fill") (param $len i32) (param i32) (param i32) (result i64)
    (local $p i32) (local $end i32)
    (local.set $end (i32.and (local.get $len) (i32.const -8)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (i64.store (local.get $p) (i64.extend_i32_u (i32.shr_u (local.get $p) (i32.const 3))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $next)))
    (i64.const 0)))
