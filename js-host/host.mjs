// wasm-memory-bench JavaScript host.
//
// A Rust adapter drives this program over a pipe: one JSON request per line on
// stdin, exactly one JSON response per line on stdout. It runs unchanged under
//   node js-host/host.mjs                      (add --expose-gc for the gc op)
//   deno run js-host/host.mjs                  (add --v8-flags=--expose-gc)
//   bun js-host/host.mjs                       (Bun.gc is always there)
// and is meant to be loaded by a browser page later: everything that depends on
// the engine (line I/O, clock, forced GC, process facts) lives in the "io"
// section below; the protocol core only uses standard JS + WebAssembly.
// See js-host/NOTES.md for the protocol and the measured engine facts.

// ---------------------------------------------------------------------------
// io: the only place that may touch process / Deno / Bun globals
// ---------------------------------------------------------------------------

const ENGINE =
  typeof globalThis.Bun !== "undefined" ? "bun"
  : typeof globalThis.Deno !== "undefined" ? "deno"
  : typeof globalThis.process !== "undefined" && globalThis.process.versions?.node ? "node"
  : "browser";

// Sleeping without the event loop: used only when a non-blocking stdout is full.
const sleepMs = (ms) => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  } catch { /* Atomics.wait not allowed (browser main thread): just spin */ }
};

// Writes all bytes with synchronous writes (one syscall per line in the normal
// case), so a response is on the pipe before the next request is read and
// before exit. `writeOnce(bytes)` returns how many bytes it wrote.
function writeAllSync(writeOnce, bytes) {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeOnce(off === 0 ? bytes : bytes.subarray(off));
    } catch (e) {
      // stdout may have been made non-blocking (shared tty / libuv); wait it out.
      if (e && (e.code === "EAGAIN" || e.code === "EWOULDBLOCK" || e.name === "WouldBlock")) {
        sleepMs(1);
        continue;
      }
      throw e;
    }
  }
}

// Splits an async iterable of Uint8Array chunks into lines (without "\n").
async function* linesOf(chunks) {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, nl);
      pending = pending.slice(nl + 1);
    }
  }
  pending += decoder.decode();
  if (pending.length > 0) yield pending;
}

// Smallest nonzero difference between consecutive readings, in ns.
function measureResolutionNs(clock, reads = 10000) {
  let min = Infinity;
  let prev = clock.now();
  for (let i = 0; i < reads; i++) {
    const cur = clock.now();
    const d = Number(clock.diffNs(prev, cur));
    if (d > 0 && d < min) min = d;
    prev = cur;
  }
  return Number.isFinite(min) ? min : null;
}

// Decimal string of ns for clocks that return fractional milliseconds.
const msToNsString = (ms) => {
  const s = (ms * 1e6).toFixed(3);
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
};

const perfNowClock = {
  name: "performance.now",
  now: () => performance.now(),
  diffNs: (a, b) => msToNsString(b - a),
};

async function makeIo() {
  const encoder = new TextEncoder();
  switch (ENGINE) {
    case "node": {
      const process = globalThis.process;
      const fs = await import("node:fs");
      return {
        engine: "node",
        engineVersion: process.version,
        vm: "V8",
        vmVersion: process.versions.v8,
        pid: process.pid,
        // Integer ns straight from the monotonic clock; finer than performance.now's double.
        clock: {
          name: "process.hrtime.bigint",
          now: () => process.hrtime.bigint(),
          diffNs: (a, b) => (b - a).toString(),
        },
        gc: typeof globalThis.gc === "function" ? { name: "globalThis.gc", run: () => globalThis.gc() } : null,
        flags: {
          argv: process.argv,
          execArgv: process.execArgv,
          env: pickEnv(process.env, /^(NODE_OPTIONS|UV_THREADPOOL_SIZE)$/),
        },
        // process.stdout is left untouched: its stream may switch fd 1 to
        // non-blocking/async mode; fs.writeSync writes the line now.
        writeLine: (line) => writeAllSync((b) => fs.writeSync(1, b), encoder.encode(line + "\n")),
        lines: () => linesOf(process.stdin),
        exit: (code) => process.exit(code),
      };
    }
    case "deno": {
      const Deno = globalThis.Deno;
      return {
        engine: "deno",
        engineVersion: Deno.version.deno,
        vm: "V8",
        vmVersion: Deno.version.v8,
        pid: Deno.pid,
        // Deno has no integer-ns clock of its own; performance.now is not coarsened in Deno 2.
        clock: perfNowClock,
        gc: typeof globalThis.gc === "function" ? { name: "globalThis.gc", run: () => globalThis.gc() } : null,
        flags: denoFlags(Deno),
        writeLine: (line) => writeAllSync((b) => Deno.stdout.writeSync(b), encoder.encode(line + "\n")),
        lines: () => linesOf(Deno.stdin.readable),
        exit: (code) => Deno.exit(code),
      };
    }
    case "bun": {
      const Bun = globalThis.Bun;
      const process = globalThis.process;
      const fs = await import("node:fs");
      return {
        engine: "bun",
        engineVersion: Bun.version,
        vm: "JavaScriptCore",
        // Bun reports the WebKit (JSC) commit it was built from; process.versions.v8
        // in Bun is a compatibility string, not an engine.
        vmVersion: process.versions.webkit ?? null,
        pid: process.pid,
        // Integer ns as a plain number: no BigInt allocation per reading.
        clock: { name: "Bun.nanoseconds", now: () => Bun.nanoseconds(), diffNs: (a, b) => String(b - a) },
        gc: { name: "Bun.gc(true)", run: () => Bun.gc(true) },
        flags: {
          argv: process.argv,
          execArgv: process.execArgv,
          // JSC reads its options from JSC_* / BUN_JSC_* environment variables.
          env: pickEnv(process.env, /^(BUN_JSC_|JSC_|BUN_)/),
        },
        writeLine: (line) => writeAllSync((b) => fs.writeSync(1, b), encoder.encode(line + "\n")),
        lines: () => linesOf(Bun.stdin.stream()),
        exit: (code) => process.exit(code),
      };
    }
    default: {
      // A browser page (js-host/page.html) supplies transport itself: it imports this module
      // and feeds handleLine() from its WebSocket. The harness finds the process that runs the
      // page from outside (the page cannot know its pid).
      const ua = globalThis.navigator?.userAgent ?? "";
      return {
        engine: "browser",
        engineVersion: ua,
        // Headless Chromium says "HeadlessChrome/"; WebKit's and Chromium's both say "AppleWebKit/".
        vm: /Firefox\//.test(ua) ? "SpiderMonkey" : /Chrom(e|ium)\//.test(ua) ? "V8" : /AppleWebKit\//.test(ua) ? "JavaScriptCore" : null,
        vmVersion: null,
        pid: null,
        clock: perfNowClock,
        gc: typeof globalThis.gc === "function" ? { name: "globalThis.gc", run: () => globalThis.gc() } : null,
        // Without cross-origin isolation timers are coarsened (100 µs to 1 ms) and there is no
        // SharedArrayBuffer, so no shared memory: the harness refuses to measure such a page.
        flags: { crossOriginIsolated: globalThis.crossOriginIsolated === true, userAgent: ua },
        writeLine: null,
        lines: null,
        exit: null,
      };
    }
  }
}

function pickEnv(env, re) {
  const out = {};
  for (const k of Object.keys(env).sort()) if (re.test(k)) out[k] = env[k];
  return out;
}

// Deno hides /proc/self/cmdline unless run with --allow-all (plain --allow-read
// is refused), so V8 flags are usually invisible here; the adapter knows the
// command line it spawned. Query first so a missing permission never prompts.
function denoFlags(Deno) {
  const flags = { args: Deno.args };
  try {
    const q = Deno.permissions.querySync({ name: "read", path: "/proc/self/cmdline" });
    if (q.state === "granted") {
      flags.cmdline = Deno.readTextFileSync("/proc/self/cmdline").split("\0").filter((s) => s !== "");
    }
  } catch { /* not Linux, or no permission API */ }
  try {
    if (Deno.permissions.querySync({ name: "env", variable: "DENO_V8_FLAGS" }).state === "granted") {
      const v = Deno.env.get("DENO_V8_FLAGS");
      if (v !== undefined) flags.env = { DENO_V8_FLAGS: v };
    }
  } catch { /* ignore */ }
  return flags;
}

const io = await makeIo();

// ---------------------------------------------------------------------------
// protocol core: plain JS + WebAssembly, no engine globals below this line
// ---------------------------------------------------------------------------

const PAGE = 65536;

// Errors the host raises itself (as opposed to ones the engine throws).
class HostError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

// Kind of a thrown value: the JS constructor name, qualified for the
// WebAssembly namespace so a trap (WebAssembly.RuntimeError) can be told apart
// from e.g. a RangeError.
function errorKind(e) {
  if (e instanceof HostError) return e.kind;
  for (const n of ["RuntimeError", "CompileError", "LinkError", "Exception"]) {
    const C = WebAssembly[n];
    if (typeof C === "function" && e instanceof C) return "WebAssembly." + n;
  }
  if (e !== null && typeof e === "object" && typeof e.constructor?.name === "string") return e.constructor.name;
  return typeof e;
}

const errorMessage = (e) => (e !== null && typeof e === "object" && "message" in e ? String(e.message) : String(e));

// --- value encoding: {"t": type, "v": decimal string}; floats as their bits --

const scratch = new DataView(new ArrayBuffer(8));

function toJs(val) {
  if (val === null || typeof val !== "object") throw new HostError("ProtocolError", "value must be {t, v}");
  try {
    return toJsUnchecked(val.t, val.v);
  } catch (e) {
    if (e instanceof HostError) throw e;
    // BigInt("x") and friends: a malformed request, not an engine RangeError.
    throw new HostError("ProtocolError", `bad ${val.t} value ${JSON.stringify(val.v)}: ${errorMessage(e)}`);
  }
}

function toJsUnchecked(t, v) {
  switch (t) {
    case "i32":
      return Number(BigInt.asIntN(32, BigInt(v)));
    case "i64":
      return BigInt.asIntN(64, BigInt(v));
    case "f32":
      scratch.setUint32(0, Number(BigInt.asUintN(32, BigInt(v))));
      return scratch.getFloat32(0);
    case "f64":
      scratch.setBigUint64(0, BigInt.asUintN(64, BigInt(v)));
      return scratch.getFloat64(0);
    case "v128":
      // No JS value converts to a v128: the JS API throws a TypeError when a function with a v128
      // parameter or result is called from JS (before it looks at the arguments). The argument
      // stays undefined so the engine itself answers with that TypeError.
      return undefined;
    case "externref":
    case "funcref":
      if (v !== null) throw new HostError("Unsupported", `${t} arguments other than null cannot cross the pipe`);
      return null;
    default:
      throw new HostError("ProtocolError", `unknown value type ${JSON.stringify(t)}`);
  }
}

function fromJs(t, x) {
  switch (t) {
    case "i32":
      return { t, v: String(x | 0) };
    case "i64":
      return { t, v: BigInt.asIntN(64, x).toString() };
    case "f32":
      scratch.setFloat32(0, x);
      return { t, v: String(scratch.getUint32(0)) };
    case "f64":
      scratch.setFloat64(0, x);
      return { t, v: scratch.getBigUint64(0).toString() };
    default:
      // References and unknown types: say only whether it is null.
      return { t, v: x === null ? null : typeof x };
  }
}

// --- signatures: the JS API does not expose function types, so read them from
// the module bytes (type, import, function and export sections). Results need
// the declared type because a JS Number could be an i32, f32 or f64.

const VALTYPES = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref" };

function parseSignatures(bytes) {
  let p = 8; // magic + version
  const u8 = () => bytes[p++];
  const leb = () => {
    let result = 0, shift = 0, b;
    do {
      b = bytes[p++];
      if (shift < 35) result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  };
  const name = () => {
    const n = leb();
    const s = new TextDecoder().decode(bytes.subarray(p, p + n));
    p += n;
    return s;
  };
  const valtype = () => {
    const b = u8();
    if (b === 0x63 || b === 0x64) { // (ref null? heaptype)
      const ht = bytes[p];
      if (ht >= 0x40 && ht < 0x80) p++; // abstract heap type (one byte, negative s33)
      else leb(); // concrete type index
      return "ref";
    }
    return VALTYPES[b] ?? (b >= 0x40 && b < 0x80 ? "ref" : "unknown");
  };
  const limits = () => {
    const flags = u8();
    leb();
    if (flags & 1) leb();
  };

  const types = []; // by type index: {params, results} or null for non-function types
  const funcTypes = []; // by function index: type index
  const globalTypes = []; // by global index: {type, mutable} (type "unknown" when the section did not parse)
  const exports = [];
  // Skips a constant expression (a global's initialiser) up to and including its `end`.
  const constExpr = () => {
    for (;;) {
      const op = u8();
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd0 || op === 0xd2) leb(); // *.const, global.get, ref.null, ref.func
      else if (op === 0x43) p += 4; // f32.const
      else if (op === 0x44) p += 8; // f64.const
      else if ([0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e].includes(op)) { /* extended-const arithmetic */ }
      else if (op === 0xfd) { // SIMD prefix: only v128.const is constant
        if (leb() !== 12) throw new Error("non-constant SIMD op in a constant expression");
        p += 16;
      } else if (op === 0xfb) { // GC prefix
        const sub = leb();
        if ([0, 1, 6, 7].includes(sub)) leb();
        else if (sub === 8) { leb(); leb(); }
        else if (![26, 27, 28].includes(sub)) throw new Error(`GC op ${sub} in a constant expression`);
      } else throw new Error(`op 0x${op.toString(16)} in a constant expression`);
    }
  };
  const compType = () => {
    const form = u8();
    if (form === 0x60) {
      const params = Array.from({ length: leb() }, valtype);
      const results = Array.from({ length: leb() }, valtype);
      types.push({ params, results });
    } else if (form === 0x5f) { // struct
      const n = leb();
      for (let i = 0; i < n; i++) { valtype(); u8(); }
      types.push(null);
    } else if (form === 0x5e) { // array
      valtype(); u8();
      types.push(null);
    } else throw new Error(`type form 0x${form.toString(16)}`);
  };
  const subType = () => {
    const b = bytes[p];
    if (b === 0x50 || b === 0x4f) { // sub / sub final
      p++;
      const n = leb();
      for (let i = 0; i < n; i++) leb();
    }
    compType();
  };

  while (p < bytes.length) {
    const id = u8();
    const size = leb();
    const end = p + size;
    if (id === 1) {
      for (let n = leb(); n > 0; n--) {
        if (bytes[p] === 0x4e) { // rec group
          p++;
          for (let m = leb(); m > 0; m--) subType();
        } else subType();
      }
    } else if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        name(); name();
        const kind = u8();
        if (kind === 0) funcTypes.push(leb());
        else if (kind === 1) { valtype(); limits(); }
        else if (kind === 2) limits();
        else if (kind === 3) { globalTypes.push({ type: valtype(), mutable: u8() === 1 }); }
        else if (kind === 4) { u8(); leb(); }
        else throw new Error(`import kind ${kind}`);
      }
    } else if (id === 3) {
      for (let n = leb(); n > 0; n--) funcTypes.push(leb());
    } else if (id === 6) {
      // A global the parser cannot skip leaves the types of this and later globals unknown;
      // function signatures do not depend on it.
      const count = leb();
      try {
        for (let n = count; n > 0; n--) {
          globalTypes.push({ type: valtype(), mutable: u8() === 1 });
          constExpr();
        }
      } catch {
        while (globalTypes.length < count) globalTypes.push({ type: "unknown", mutable: false });
      }
    } else if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const nm = name();
        const kind = u8();
        const index = leb();
        if (kind === 0) exports.push([nm, types[funcTypes[index]] ?? null]);
        if (kind === 3) exports.push([nm, { global: globalTypes[index]?.type ?? "unknown", mutable: globalTypes[index]?.mutable ?? false }]);
      }
    }
    p = end;
  }
  return new Map(exports);
}

// --- state --------------------------------------------------------------

const modules = new Map(); // id -> {module, signatures}
const instances = new Map(); // id -> {instance, memory, signatures}
const memoryHerds = new Map(); // handle -> [WebAssembly.Memory] (many_memories)

const need = (req, key, type) => {
  const v = req[key];
  if (typeof v !== type) throw new HostError("ProtocolError", `missing or non-${type} field ${JSON.stringify(key)}`);
  return v;
};
const lookup = (map, id, what) => {
  const v = map.get(id);
  if (v === undefined) throw new HostError("NotFound", `no ${what} ${JSON.stringify(id)}`);
  return v;
};
const memoryOf = (req) => {
  const inst = lookup(instances, need(req, "instance", "string"), "instance");
  if (!inst.memory) throw new HostError("NoMemory", "instance has neither an exported nor an imported memory");
  return inst.memory;
};

function base64ToBytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function bytesToHex(u8) {
  const parts = new Array(u8.length);
  for (let i = 0; i < u8.length; i++) parts[i] = HEX[u8[i]];
  return parts.join("");
}

function hexToBytes(hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new HostError("ProtocolError", "hex must be an even number of hex digits");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

// Checked view into linear memory; a fresh view each time because grow can
// replace the buffer.
function memView(memory, offset, len) {
  const buf = memory.buffer;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(len) || offset < 0 || len < 0 || offset + len > buf.byteLength) {
    throw new HostError("RangeError", `range [${offset}, ${offset}+${len}) outside memory of ${buf.byteLength} bytes`);
  }
  return new Uint8Array(buf, offset, len);
}

const isShared = (buf) => typeof SharedArrayBuffer !== "undefined" && buf instanceof SharedArrayBuffer;

function memoryFacts(memory) {
  const n = memory.buffer.byteLength;
  return { pages: n / PAGE, byte_length: n, shared: isShared(memory.buffer) };
}

function memoryDescriptor(m) {
  const d = { initial: need(m, "initial", "number") };
  if (m.maximum !== undefined && m.maximum !== null) d.maximum = m.maximum;
  if (m.shared) d.shared = true;
  return d;
}

// The imports the spec-test harness expects (wast "spectest" module): a new set each call, so
// stores that must not share state (a grown spectest memory) do not.
function newSpectest() {
  const noop = () => {};
  return {
    print: noop, print_i32: noop, print_i64: noop, print_f32: noop, print_f64: noop,
    print_i32_f32: noop, print_f64_f64: noop,
    global_i32: new WebAssembly.Global({ value: "i32" }, 666),
    global_i64: new WebAssembly.Global({ value: "i64" }, 666n),
    global_f32: new WebAssembly.Global({ value: "f32" }, 666.6),
    global_f64: new WebAssembly.Global({ value: "f64" }, 666.6),
    table: new WebAssembly.Table({ initial: 10, maximum: 20, element: "anyfunc" }),
    memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
  };
}
// The set a module gets when it imports from spectest and the request links none.
let spectest = null;
const spectestImports = () => (spectest ??= newSpectest());

// A loop specialised on the argument count, so the timed region is only the
// calls: no argument spreading or lookups per iteration.
function makeRunner(f, args) {
  const [a, b, c, d] = args;
  switch (args.length) {
    case 0: return (n) => { let r; for (let i = 0; i < n; i++) r = f(); return r; };
    case 1: return (n) => { let r; for (let i = 0; i < n; i++) r = f(a); return r; };
    case 2: return (n) => { let r; for (let i = 0; i < n; i++) r = f(a, b); return r; };
    case 3: return (n) => { let r; for (let i = 0; i < n; i++) r = f(a, b, c); return r; };
    case 4: return (n) => { let r; for (let i = 0; i < n; i++) r = f(a, b, c, d); return r; };
    default: return (n) => { let r; for (let i = 0; i < n; i++) r = f(...args); return r; };
  }
}

// --- bit-exact values: a wasm wrapper between JS and the export --------------
//
// A JS Number cannot carry every f32/f64 bit pattern (the JS API lets an engine pick any NaN when
// a float crosses: ToJSValue / ToWebAssemblyValue), and no JS value is a v128 (a function with a
// v128 in its signature throws TypeError when called from JS). So, as the spec's own JS test
// harness does (interpreter/script/js.ml: exports whose types are not JS-safe are called through a
// wrapper module), a `call`/`global` with `bits_exact` goes through a small generated module that
// imports the export and carries f32 as i32 bits, f64 as i64 bits and v128 as two i64 lanes
// (low first): the float never becomes a JS Number, and the call from the wrapper to the export
// is a wasm-to-wasm call.

const VALTYPE_CODE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };
// The JS-safe types a value travels as through the wrapper.
const carriedAs = (t) => (t === "f32" ? ["i32"] : t === "f64" ? ["i64"] : t === "v128" ? ["i64", "i64"] : [t]);
const needsWrapper = (types) => types.some((t) => t === "f32" || t === "f64" || t === "v128");

const u32leb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const wasmVec = (items) => [...u32leb(items.length), ...items.flat()];
const wasmSection = (id, body) => [id, ...u32leb(body.length), ...body];
const wasmName = (str) => wasmVec([...new TextEncoder().encode(str)].map((b) => [b]));
const funcType = (params, results) => [0x60, ...wasmVec(params.map((t) => [VALTYPE_CODE[t]])), ...wasmVec(results.map((t) => [VALTYPE_CODE[t]]))];
const SIMD = (op, ...imm) => [0xfd, ...u32leb(op), ...imm];
// Pushes the value of type `t` from its carried form at local `k` (and k+1 for v128).
const fromCarried = (t, k) =>
  t === "f32" ? [0x20, ...u32leb(k), 0xbe] // f32.reinterpret_i32
  : t === "f64" ? [0x20, ...u32leb(k), 0xbf] // f64.reinterpret_i64
  : t === "v128" ? [0x20, ...u32leb(k), ...SIMD(18), 0x20, ...u32leb(k + 1), ...SIMD(30, 1)] // i64x2.splat, replace_lane 1
  : [0x20, ...u32leb(k)];
// Pushes the carried form of the value of type `t` in local `k`.
const toCarried = (t, k) =>
  t === "f32" ? [0x20, ...u32leb(k), 0xbc] // i32.reinterpret_f32
  : t === "f64" ? [0x20, ...u32leb(k), 0xbd] // i64.reinterpret_f64
  : t === "v128" ? [0x20, ...u32leb(k), ...SIMD(29, 0), 0x20, ...u32leb(k), ...SIMD(29, 1)] // i64x2.extract_lane 0, 1
  : [0x20, ...u32leb(k)];
const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function checkNumeric(types) {
  const bad = types.find((t) => !(t in VALTYPE_CODE));
  if (bad) throw new HostError("Unsupported", `a ${bad} value cannot be carried bit-exactly`);
}

// Module: imports t.f : [params] -> [results]; exports run : [carried params] -> [carried results].
function callWrapperBytes({ params, results }) {
  checkNumeric([...params, ...results]);
  const runParams = params.flatMap(carriedAs);
  const runResults = results.flatMap(carriedAs);
  const body = [];
  let k = 0;
  for (const t of params) {
    body.push(...fromCarried(t, k));
    k += carriedAs(t).length;
  }
  body.push(0x10, 0x00); // call the import
  const first = runParams.length; // results go to locals first..first+n-1
  for (let j = results.length - 1; j >= 0; j--) body.push(0x21, ...u32leb(first + j));
  results.forEach((t, j) => body.push(...toCarried(t, first + j)));
  body.push(0x0b);
  const locals = wasmVec(results.map((t) => [1, VALTYPE_CODE[t]]));
  const code = [...locals, ...body];
  return new Uint8Array([
    ...MAGIC,
    ...wasmSection(1, wasmVec([funcType(params, results), funcType(runParams, runResults)])),
    ...wasmSection(2, wasmVec([[...wasmName("t"), ...wasmName("f"), 0x00, 0x00]])),
    ...wasmSection(3, wasmVec([[0x01]])),
    ...wasmSection(7, wasmVec([[...wasmName("run"), 0x00, 0x01]])),
    ...wasmSection(10, wasmVec([[...u32leb(code.length), ...code]])),
  ]);
}

// Module: imports global t.g of type `type` (mutability as declared); exports run : [] -> [carried].
function globalWrapperBytes(type, mutable) {
  checkNumeric([type]);
  // One local of the global's type; global.get 0, local.set 0, then its carried form.
  const code = [0x01, 0x01, VALTYPE_CODE[type], 0x23, 0x00, 0x21, 0x00, ...toCarried(type, 0), 0x0b];
  return new Uint8Array([
    ...MAGIC,
    ...wasmSection(1, wasmVec([funcType([], carriedAs(type))])),
    ...wasmSection(2, wasmVec([[...wasmName("t"), ...wasmName("g"), 0x03, VALTYPE_CODE[type], mutable ? 0x01 : 0x00]])),
    ...wasmSection(3, wasmVec([[0x00]])),
    ...wasmSection(7, wasmVec([[...wasmName("run"), 0x00, 0x00]])),
    ...wasmSection(10, wasmVec([[...u32leb(code.length), ...code]])),
  ]);
}

const wrapperModules = new Map(); // signature key -> WebAssembly.Module (the same for every instance)
function wrapperModule(key, bytes) {
  let m = wrapperModules.get(key);
  if (!m) {
    m = new WebAssembly.Module(bytes());
    wrapperModules.set(key, m);
  }
  return m;
}

// The carried JS values of one {t, v} argument.
function carriedArgs(val) {
  if (val === null || typeof val !== "object") throw new HostError("ProtocolError", "value must be {t, v}");
  try {
    const n = BigInt(val.v);
    switch (val.t) {
      case "i32": return [Number(BigInt.asIntN(32, n))];
      case "i64": return [BigInt.asIntN(64, n)];
      case "f32": return [Number(BigInt.asIntN(32, n))];
      case "f64": return [BigInt.asIntN(64, n)];
      case "v128": return [BigInt.asIntN(64, n), BigInt.asIntN(64, n >> 64n)];
    }
  } catch (e) {
    throw new HostError("ProtocolError", `bad ${val.t} value ${JSON.stringify(val.v)}: ${errorMessage(e)}`);
  }
  throw new HostError("ProtocolError", `unknown value type ${JSON.stringify(val.t)}`);
}

// {t, v} results from the wrapper's carried values (consumed from the front of `values`).
function fromCarriedValues(types, values) {
  return types.map((t) => {
    switch (t) {
      case "i32": return { t, v: String(values.shift() | 0) };
      case "i64": return { t, v: BigInt.asIntN(64, values.shift()).toString() };
      case "f32": return { t, v: String(values.shift() >>> 0) };
      case "f64": return { t, v: BigInt.asUintN(64, values.shift()).toString() };
      case "v128": {
        const lo = BigInt.asUintN(64, values.shift());
        const hi = BigInt.asUintN(64, values.shift());
        return { t, v: ((hi << 64n) | lo).toString() };
      }
    }
    throw new HostError("Unsupported", `a ${t} result cannot be carried bit-exactly`);
  });
}

// Runs the wrapper instance's `run` with carried arguments and spreads its results into a list.
function runWrapper(instance, args) {
  const r = instance.exports.run(...args);
  return r === undefined ? [] : Array.isArray(r) ? [...r] : typeof r === "object" && r !== null ? Array.from(r) : [r];
}

function callBitsExact(inst, name, f, sig, args) {
  const key = `call ${sig.params.join(",")}->${sig.results.join(",")}`;
  inst.wrappers ??= new Map();
  let w = inst.wrappers.get(name);
  if (!w) {
    w = new WebAssembly.Instance(wrapperModule(key, () => callWrapperBytes(sig)), { t: { f } });
    inst.wrappers.set(name, w);
  }
  if (args.length !== sig.params.length) throw new HostError("ProtocolError", `${name} takes ${sig.params.length} arguments, got ${args.length}`);
  args.forEach((a, i) => {
    if (a?.t !== sig.params[i]) throw new HostError("ProtocolError", `argument ${i} of ${name} is a ${sig.params[i]}, got ${a?.t}`);
  });
  return fromCarriedValues(sig.results, runWrapper(w, args.flatMap(carriedArgs)));
}

function globalBitsExact(g, type, mutable) {
  const w = new WebAssembly.Instance(wrapperModule(`global ${type} ${mutable}`, () => globalWrapperBytes(type, mutable)), { t: { g } });
  return fromCarriedValues([type], runWrapper(w, []))[0];
}

// --- ops -----------------------------------------------------------------

const clock = io.clock;
let resolutionNs; // measured lazily by the first hello
let markerBlock = null; // see the marker op

const ops = {
  hello() {
    resolutionNs ??= measureResolutionNs(clock);
    return {
      engine: io.engine,
      engine_version: io.engineVersion,
      vm: io.vm,
      vm_version: io.vmVersion,
      pid: io.pid,
      clock: clock.name,
      clock_resolution_ns: resolutionNs,
      gc: io.gc ? io.gc.name : null,
      flags: io.flags,
    };
  },

  compile(req) {
    const id = need(req, "module", "string");
    const bytes = base64ToBytes(need(req, "wasm_b64", "string"));
    const module = new WebAssembly.Module(bytes);
    let signatures;
    try {
      signatures = parseSignatures(bytes);
    } catch {
      signatures = new Map(); // the engine accepted it; we just cannot type results
    }
    modules.set(id, { module, signatures });
    return {
      imports: WebAssembly.Module.imports(module),
      exports: WebAssembly.Module.exports(module).map((e) => {
        const sig = signatures.get(e.name);
        if (sig && e.kind === "function") return { ...e, params: sig.params, results: sig.results };
        if (sig && e.kind === "global") return { ...e, type: sig.global, mutable: sig.mutable };
        return e;
      }),
    };
  },

  instantiate(req) {
    const { module, signatures } = lookup(modules, need(req, "module", "string"), "module");
    const id = need(req, "instance", "string");
    const imports = {};
    // Other instances' exports under a module name (wast "register").
    for (const [name, instId] of Object.entries(req.link ?? {})) {
      imports[name] = lookup(instances, instId, "instance").instance.exports;
    }
    if (WebAssembly.Module.imports(module).some((i) => i.module === "spectest")) imports.spectest ??= spectestImports();
    let imported = null;
    if (req.memory) {
      imported = new WebAssembly.Memory(memoryDescriptor(req.memory));
      imports.env = { ...(imports.env ?? {}), memory: imported };
    }
    let instance, elapsed;
    if (req.timed) {
      const t0 = clock.now();
      instance = new WebAssembly.Instance(module, imports);
      const t1 = clock.now();
      elapsed = clock.diffNs(t0, t1);
    } else {
      instance = new WebAssembly.Instance(module, imports);
    }
    const exported = instance.exports.memory instanceof WebAssembly.Memory
      ? instance.exports.memory
      : Object.values(instance.exports).find((x) => x instanceof WebAssembly.Memory);
    const memory = exported ?? imported ?? null;
    instances.set(id, { instance, memory, signatures });
    const out = memory ? { pages: memory.buffer.byteLength / PAGE, byte_length: memory.buffer.byteLength } : { pages: null, byte_length: null };
    if (elapsed !== undefined) out.elapsed_ns = elapsed;
    return out;
  },

  call(req) {
    const inst = lookup(instances, need(req, "instance", "string"), "instance");
    const name = need(req, "export", "string");
    const f = inst.instance.exports[name];
    if (typeof f !== "function") throw new HostError("NotFound", `no exported function ${JSON.stringify(name)}`);
    const sig = inst.signatures.get(name);
    if (req.bits_exact && sig && needsWrapper([...sig.params, ...sig.results])) {
      return { results: callBitsExact(inst, name, f, sig, req.args ?? []), via: "wrapper" };
    }
    const args = (req.args ?? []).map(toJs);
    const repeat = req.repeat ?? 1;
    if (!Number.isSafeInteger(repeat) || repeat < 1) throw new HostError("ProtocolError", "repeat must be a positive integer");
    const run = makeRunner(f, args);
    const t0 = clock.now();
    const r = run(repeat);
    const t1 = clock.now();
    let results;
    const types = sig?.results;
    if (types) {
      const values = types.length === 1 ? [r] : types.length === 0 ? [] : Array.from(r);
      results = types.map((t, i) => fromJs(t, values[i]));
    } else {
      // Unknown signature: best effort from the JS value.
      const values = r === undefined ? [] : Array.isArray(r) ? r : [r];
      results = values.map((x) => fromJs(typeof x === "bigint" ? "i64" : "f64", x));
    }
    return { results, elapsed_ns: clock.diffNs(t0, t1) };
  },

  // An exported global's value, typed by the module's global types, floats as their bits.
  global(req) {
    const inst = lookup(instances, need(req, "instance", "string"), "instance");
    const name = need(req, "export", "string");
    const g = inst.instance.exports[name];
    if (!(g instanceof WebAssembly.Global)) throw new HostError("NotFound", `no exported global ${JSON.stringify(name)}`);
    const sig = inst.signatures.get(name);
    const t = sig?.global;
    if (t === undefined || t === "unknown") throw new HostError("Unsupported", `the type of global ${JSON.stringify(name)} could not be read from the module`);
    if (req.bits_exact && needsWrapper([t])) return { value: globalBitsExact(g, t, sig.mutable), via: "wrapper" };
    // `value` throws TypeError for a v128 global, as the JS API says (no JS value is a v128), and
    // may hand a float NaN over with another payload.
    return { value: fromJs(t, g.value) };
  },

  // A fresh spectest module under an instance id, for `link` (so each store has its own).
  spectest(req) {
    const id = need(req, "instance", "string");
    const exports = newSpectest();
    instances.set(id, { instance: { exports }, memory: exports.memory, signatures: new Map() });
    return {};
  },

  grow(req) {
    const memory = memoryOf(req);
    const delta = need(req, "delta", "number");
    const repeat = req.repeat ?? 1;
    if (!Number.isSafeInteger(repeat) || repeat < 1) throw new HostError("ProtocolError", "repeat must be a positive integer");
    const before = memory.buffer;
    let old;
    let done = 0;
    if (req.refused) {
      // `repeat` grows past the maximum, each expected to throw: a refused grow leaves the
      // memory as it was, so they repeat, and the clock brackets the loop of memory.grow and its
      // catch alone. What was thrown is checked after the clock.
      let thrown;
      const t0 = clock.now();
      for (; done < repeat; done++) {
        try { old = memory.grow(delta); break; } catch (e) { thrown = e; }
      }
      const t1 = clock.now();
      if (done < repeat) throw new HostError("GrowSucceeded", `grow ${done + 1} of ${repeat} by ${delta} pages past the maximum returned ${old}`);
      if (!(thrown instanceof RangeError)) throw thrown;
      return { refused: done, error_name: thrown.name, ...memoryFacts(memory), elapsed_ns: clock.diffNs(t0, t1) };
    }
    // The clock brackets the loop of memory.grow alone (`repeat` grows, 1 by
    // default), whether it returns or throws: the cost of the grows (or of a
    // refused one) as the engine sees it.
    const t0 = clock.now();
    try {
      for (; done < repeat; done++) old = memory.grow(delta);
    } catch (e) {
      const t1 = clock.now();
      // Report the failure, plus the state after it so the caller sees
      // whether the memory is still intact, and how many grows succeeded.
      e.extra = { ...memoryFacts(memory), grown: done, elapsed_ns: clock.diffNs(t0, t1) };
      throw e;
    }
    const t1 = clock.now();
    const n = memory.buffer.byteLength;
    // old_pages: what the last grow returned. A SharedArrayBuffer is never
    // detached: a shared memory's buffer keeps its length and a new one is longer.
    return { old_pages: old, grown: done, pages: n / PAGE, byte_length: n, shared: isShared(memory.buffer), detached: before.byteLength === 0, elapsed_ns: clock.diffNs(t0, t1) };
  },

  memory(req) {
    return memoryFacts(memoryOf(req));
  },

  read(req) {
    const view = memView(memoryOf(req), need(req, "offset", "number"), need(req, "len", "number"));
    return { hex: bytesToHex(view) };
  },

  write(req) {
    const bytes = hexToBytes(need(req, "hex", "string"));
    memView(memoryOf(req), need(req, "offset", "number"), bytes.length).set(bytes);
    return { written: bytes.length };
  },

  fill(req) {
    const view = memView(memoryOf(req), need(req, "offset", "number"), need(req, "len", "number"));
    const t0 = clock.now();
    view.fill(need(req, "byte", "number"));
    const t1 = clock.now();
    return { elapsed_ns: clock.diffNs(t0, t1) };
  },

  drop(req) {
    return { existed: instances.delete(need(req, "instance", "string")) };
  },

  drop_module(req) {
    return { existed: modules.delete(need(req, "module", "string")) };
  },

  gc() {
    if (!io.gc) throw new HostError("Unsupported", "no forced-GC function (node: --expose-gc, deno: --v8-flags=--expose-gc)");
    // Twice: V8 frees an ArrayBuffer's backing store (a memory's reservation) only at the
    // collection after the one that found it unreachable (node 20 and deno 2.9 both, measured
    // with VmSize); a second full collection costs little and makes "collected" mean freed.
    const t0 = clock.now();
    io.gc.run();
    io.gc.run();
    const t1 = clock.now();
    return { gc: io.gc.name, runs: 2, elapsed_ns: clock.diffNs(t0, t1) };
  },

  many_memories(req) {
    const count = need(req, "count", "number");
    const handle = req.handle ?? "default";
    const desc = memoryDescriptor(req);
    const limitMs = req.limit_ms ?? Infinity;
    const herd = memoryHerds.get(handle) ?? [];
    memoryHerds.set(handle, herd);
    let created = 0;
    let failedWith = null;
    const t0 = clock.now();
    while (created < count) {
      try {
        herd.push(new WebAssembly.Memory(desc));
      } catch (e) {
        failedWith = { kind: errorKind(e), message: errorMessage(e) };
        break;
      }
      created++;
      if (Number(clock.diffNs(t0, clock.now())) >= limitMs * 1e6) break;
    }
    const t1 = clock.now();
    return { created, held: herd.length, failed_with: failedWith, elapsed_ns: clock.diffNs(t0, t1) };
  },

  // Which of V8's tiers compiled an exported function now: Liftoff (baseline) or TurboFan
  // (optimising), through V8's test natives (the engine must run with --allow-natives-syntax).
  // Elsewhere the % syntax does not parse, and the op says the engine cannot tell.
  tier(req) {
    const inst = lookup(instances, need(req, "instance", "string"), "instance");
    const name = need(req, "export", "string");
    const f = inst.instance.exports[name];
    if (typeof f !== "function") throw new HostError("NotFound", `no exported function ${JSON.stringify(name)}`);
    let probe;
    try {
      probe = new Function("f", "return [%IsLiftoffFunction(f), %IsTurboFanFunction(f)];");
    } catch (e) {
      throw new HostError("Unsupported", `this engine does not say which tier compiled a function: ${errorMessage(e)}`);
    }
    const [liftoff, turbofan] = probe(f);
    return { liftoff, turbofan };
  },

  drop_many(req) {
    let dropped = 0;
    if (req.handle !== undefined) {
      dropped = memoryHerds.get(req.handle)?.length ?? 0;
      memoryHerds.delete(req.handle);
    } else {
      for (const herd of memoryHerds.values()) dropped += herd.length;
      memoryHerds.clear();
    }
    return { dropped };
  },

  // A block of `bytes` bytes written through, kept until the next marker (0 frees it): the
  // harness finds the browser process that runs this page as the one whose resident anonymous
  // memory grew by it.
  marker(req) {
    const bytes = need(req, "bytes", "number");
    markerBlock = null;
    if (bytes > 0) markerBlock = new Uint8Array(bytes).fill(1);
    return { bytes: markerBlock ? markerBlock.length : 0 };
  },

  exit() {
    return {};
  },
};

// One request line in, one response line out. Never throws.
export function handleLine(line) {
  let seq = null;
  let op = null;
  try {
    let req;
    try {
      req = JSON.parse(line);
    } catch (e) {
      throw new HostError("ProtocolError", `bad JSON: ${errorMessage(e)}`);
    }
    if (req === null || typeof req !== "object" || Array.isArray(req)) throw new HostError("ProtocolError", "request must be a JSON object");
    seq = Number.isSafeInteger(req.seq) ? req.seq : null;
    op = req.op;
    if (typeof op !== "string" || !Object.hasOwn(ops, op)) throw new HostError("ProtocolError", `unknown op ${JSON.stringify(op)}`);
    const out = ops[op](req);
    return { line: JSON.stringify({ seq, ok: true, ...out }), exit: op === "exit" };
  } catch (e) {
    const resp = { seq, ok: false, error: { kind: errorKind(e), message: errorMessage(e) } };
    if (e && typeof e === "object" && e.extra) Object.assign(resp, e.extra);
    return { line: JSON.stringify(resp), exit: false };
  }
}

// ---------------------------------------------------------------------------
// main loop (not in a browser: there the page feeds handleLine itself)
// ---------------------------------------------------------------------------

if (io.lines) {
  for await (const raw of io.lines()) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") continue; // blank lines are not requests
    const { line: out, exit } = handleLine(line);
    io.writeLine(out);
    if (exit) io.exit(0);
  }
  io.exit(0);
}
