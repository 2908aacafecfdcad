// Measures, from outside the process, how much address space an engine
// reserves for `new WebAssembly.Memory(...)`: it drives js-host/host.mjs
// (many_memories op) and diffs /proc/<pid>/maps and VmSize around each
// creation. Linux only. Run: node js-host/measure-reservations.mjs [--json]
// The configurations (engine flags / env switches) are listed in CONFIGS.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const HOST = join(HERE, "host.mjs");
const BIN = join(dirname(HERE), "node_modules", ".bin");
const DENO = join(BIN, "deno");
const BUN = join(BIN, "bun");

const node = (label, flags = []) => ({ engine: "node", label, cmd: "node", args: [...flags, HOST], env: {} });
const deno = (label, flags = []) => ({ engine: "deno", label, cmd: DENO, args: ["run", ...flags, HOST], env: { DENO_NO_UPDATE_CHECK: "1" } });
const bun = (label, env = {}) => ({ engine: "bun", label, cmd: BUN, args: [HOST], env });

const CONFIGS = [
  node("default"),
  node("--disable-wasm-trap-handler", ["--disable-wasm-trap-handler"]),
  node("--wasm-enforce-bounds-checks", ["--wasm-enforce-bounds-checks"]),
  node("--no-wasm-bounds-checks", ["--no-wasm-bounds-checks"]),
  node("--liftoff-only", ["--liftoff-only"]),
  node("--no-liftoff", ["--no-liftoff"]),
  deno("default"),
  deno("--v8-flags=--wasm-enforce-bounds-checks", ["--v8-flags=--wasm-enforce-bounds-checks"]),
  deno("--v8-flags=--no-wasm-bounds-checks", ["--v8-flags=--no-wasm-bounds-checks"]),
  deno("--v8-flags=--liftoff-only", ["--v8-flags=--liftoff-only"]),
  deno("--v8-flags=--no-liftoff", ["--v8-flags=--no-liftoff"]),
  bun("default"),
  bun("BUN_JSC_useWasmFastMemory=0", { BUN_JSC_useWasmFastMemory: "0" }),
  bun("BUN_JSC_useWasmFaultSignalHandler=0", { BUN_JSC_useWasmFaultSignalHandler: "0" }),
  bun("BUN_JSC_useBBQJIT=0", { BUN_JSC_useBBQJIT: "0" }),
  bun("BUN_JSC_useOMGJIT=0", { BUN_JSC_useOMGJIT: "0" }),
  bun("BUN_JSC_useWasmIPInt=0", { BUN_JSC_useWasmIPInt: "0" }),
];

const DESCRIPTORS = [
  ["{initial:1}", { initial: 1 }],
  ["{initial:1,maximum:16}", { initial: 1, maximum: 16 }],
  ["{initial:1,maximum:65536}", { initial: 1, maximum: 65536 }],
  ["shared {initial:1,maximum:16}", { initial: 1, maximum: 16, shared: true }],
  ["shared {initial:1,maximum:65536}", { initial: 1, maximum: 65536, shared: true }],
];

// (module (import "env" "memory" (memory 1)) (func (export "load64") (param i32) (result i64) local.get 0 i64.load))
const LOAD64 = Buffer.from([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 126, 2, 15, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121,
  2, 0, 1, 3, 2, 1, 0, 7, 10, 1, 6, 108, 111, 97, 100, 54, 52, 0, 0, 10, 9, 1, 7, 0, 32, 0, 41, 3, 0, 11,
]).toString("base64");

const MiB = 1024 * 1024;
const fmt = (bytes) => (bytes / MiB).toFixed(bytes < 10 * MiB ? 2 : 0) + " MiB";

function maps(pid) {
  return readFileSync(`/proc/${pid}/maps`, "utf8").trim().split("\n").map((l) => {
    const [range] = l.split(" ");
    const [a, b] = range.split("-").map((x) => BigInt("0x" + x));
    return [a, b];
  });
}

// Address ranges covered by `after` but not by `before`: [total, largest].
function newSpace(before, after) {
  let total = 0n, largest = 0n;
  for (const [a, b] of after) {
    // Subtract every overlapping old range from [a, b).
    let pieces = [[a, b]];
    for (const [c, d] of before) {
      if (d <= a || c >= b) continue;
      pieces = pieces.flatMap(([x, y]) => {
        const out = [];
        if (c > x) out.push([x, c < y ? c : y]);
        if (d < y) out.push([d > x ? d : x, y]);
        return out.filter(([p, q]) => q > p);
      });
    }
    for (const [x, y] of pieces) {
      total += y - x;
      if (y - x > largest) largest = y - x;
    }
  }
  return [Number(total), Number(largest)];
}

const vmSize = (pid) => Number(/VmSize:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function measure(cfg) {
  const proc = spawn(cfg.cmd, cfg.args, { env: { ...process.env, ...cfg.env }, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  let buf = "";
  const waiting = [];
  proc.stdout.on("data", (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      waiting.shift()?.(JSON.parse(line));
    }
  });
  let seq = 0;
  const req = (op, f = {}) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no answer to ${op} in 20 s (exit ${proc.exitCode ?? proc.signalCode}); stderr: ${stderr.slice(0, 300)}`)), 20000);
      waiting.push((r) => (clearTimeout(t), resolve(r)));
      proc.stdin.write(JSON.stringify({ seq: ++seq, op, ...f }) + "\n");
    });
  const exited = new Promise((r) => proc.on("exit", (code, signal) => r(code ?? signal)));
  try {
    return await drive(cfg, proc, req, exited, () => stderr);
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  }
}

async function drive(cfg, proc, req, exited, stderrNow) {
  const early = await Promise.race([exited.then((code) => ({ code })), req("hello")]);
  if (early.code !== undefined) return { ...cfg, error: `exited ${early.code}: ${stderrNow().trim().split("\n")[0]}` };
  const pid = early.pid;

  // Smoke: the engine still runs wasm under this config (the out-of-bounds
  // access comes last: it may kill the process).
  await req("compile", { module: "m", wasm_b64: LOAD64 });
  await req("instantiate", { module: "m", instance: "i", memory: { initial: 1, maximum: null } });
  const inb = await req("call", { instance: "i", export: "load64", args: [{ t: "i32", v: "0" }], repeat: 1000 });
  await sleep(300); // let start-up allocation settle

  const rows = [];
  for (const [label, desc] of DESCRIPTORS) {
    const m0 = maps(pid), v0 = vmSize(pid);
    const r = await req("many_memories", { count: 1, handle: label, ...desc });
    const m1 = maps(pid), v1 = vmSize(pid);
    const [total, largest] = newSpace(m0, m1);
    rows.push({ label, ok: r.created === 1, error: r.failed_with?.message, vmsize: v1 - v0, newmaps: total, largest });
  }
  // Many small memories: per-memory cost and any cap on cheap ones (JSC fast memories).
  const m0 = maps(pid), v0 = vmSize(pid);
  const many = await req("many_memories", { count: 20, handle: "many", initial: 1, limit_ms: 10000 });
  const v1 = vmSize(pid);
  const [total] = newSpace(m0, maps(pid));
  rows.push({ label: "20 x {initial:1}, per memory", ok: many.created === 20, error: many.failed_with?.message, vmsize: (v1 - v0) / 20, newmaps: total / 20, largest: null, ms: Number(many.elapsed_ns) / 1e6 });
  // An 8-byte load at 65532 of a 1-page memory: must trap.
  const oob = await Promise.race([
    req("call", { instance: "i", export: "load64", args: [{ t: "i32", v: "65532" }] }),
    exited.then((how) => ({ died: how })),
  ]);
  const smoke = `in-bounds ${inb.ok ? "ok" : inb.error?.kind}, out-of-bounds ${oob.died ? `process died (${oob.died})` : oob.error?.kind ?? "no trap"}`;
  if (!oob.died) await req("exit");
  await exited;
  return { ...cfg, pid, smoke, rows };
}

const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const results = [];
for (const cfg of CONFIGS) {
  if (only.length && !only.includes(cfg.engine)) continue;
  process.stderr.write(`measuring ${cfg.engine} ${cfg.label}\n`);
  try {
    results.push(await measure(cfg));
  } catch (e) {
    results.push({ ...cfg, error: e.message });
  }
}
if (process.argv.includes("--json")) {
  console.log(JSON.stringify(results, null, 1));
} else {
  for (const r of results) {
    console.log(`\n${r.engine} ${r.label}${r.error ? `: ${r.error}` : `  (wasm smoke: ${r.smoke})`}`);
    for (const row of r.rows ?? []) {
      const what = row.ok ? `VmSize +${fmt(row.vmsize)}, new mappings ${fmt(row.newmaps)}${row.largest !== null ? `, largest ${fmt(row.largest)}` : ""}${row.ms !== undefined ? `, ${row.ms.toFixed(1)} ms total` : ""}` : `failed: ${row.error}`;
      console.log(`  ${row.label.padEnd(34)} ${what}`);
    }
  }
}
