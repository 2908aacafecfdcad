//! A guest stuck in an infinite loop is stopped with an error, not a hang, on every runtime-engine:
//! wasmtime's epoch interruption (every engine), wasmer's metering middleware (both compilers) and
//! wasmi's fuel.

use std::time::{Duration, Instant};

use membench::runtime::{is_trap, GuestModule, Runtime};
use membench::runtimes::wasmer::{Wasmer, WasmerCompiler};
use membench::runtimes::wasmi::Wasmi;
use membench::runtimes::wasmtime::{Wasmtime, WasmtimeEngine};

const SPIN: &str = r#"(module
    (memory (export "memory") 1)
    (func (export "spin") (param i32 i32 i32) (result i64) (loop (br 0)) (i64.const 0))
    (func (export "one") (param i32 i32 i32) (result i64) (i64.const 1)))"#;

#[test]
fn an_infinite_loop_is_stopped_by_a_deadline_and_the_instance_stays_usable() {
    let guest = GuestModule::as_is("spin", wat::parse_str(SPIN).unwrap(), &["spin"]).unwrap();
    let deadline = Duration::from_millis(100);
    let mut runtimes: Vec<Box<dyn Runtime>> = Vec::new();
    for engine in [
        WasmtimeEngine::Cranelift,
        WasmtimeEngine::Winch,
        WasmtimeEngine::Pulley,
    ] {
        runtimes.push(Box::new(Wasmtime::with_deadline(engine, deadline).unwrap()));
    }
    for compiler in [WasmerCompiler::Cranelift, WasmerCompiler::Singlepass] {
        runtimes.push(Box::new(Wasmer::with_metering(compiler, 50_000_000)));
    }
    runtimes.push(Box::new(Wasmi::with_fuel(50_000_000)));
    for rt in runtimes {
        let mut instance = rt.compile(&guest).unwrap().instantiate().unwrap();
        let start = Instant::now();
        let err = instance.call("spin", [0, 0, 0]).unwrap_err();
        let took = start.elapsed();
        assert!(is_trap(&err), "{} {}: {err:#}", rt.id(), rt.strategy());
        let text = format!("{err:#}");
        assert!(text.contains("`spin`"), "{}: {text}", rt.id());
        // It says which limit stopped it, once.
        let limit = match rt.id() {
            id if id.starts_with("wasmtime") => "deadline",
            id if id.starts_with("wasmer") => "metering",
            _ => "fuel",
        };
        assert!(text.contains(limit), "{}: {text}", rt.id());
        assert_eq!(text.matches("wasm trap").count(), 1, "{}: {text}", rt.id());
        assert!(took < Duration::from_secs(10), "{} took {took:?}", rt.id());
        // The next call gets a fresh deadline and completes.
        assert_eq!(instance.call("one", [0, 0, 0]).unwrap(), 1, "{}", rt.id());
    }
}
