/**
 * The two matrix products of the light head's objective on WebAssembly SIMD (f64x2), bit for
 * bit those of the JavaScript kernels in logistic-regression.ts (bench/README.md, "The light
 * head's objective, faster and bit-identical").
 *
 * Each v128 holds two classes of one row: lane k of a logit accumulates bias_k + x_0 W_0k +
 * x_1 W_1k + ... in ascending feature order, and lane k of a gradient entry accumulates
 * x_0j e_0k + x_1j e_1k + ... in ascending row order, exactly as the scalar code; f64x2.mul
 * then f64x2.add round each lane as the scalar * and + do (WebAssembly has no fused
 * multiply-add in these instructions, and never contracts). Rows go in blocks of 4 (a short
 * last block repeats its first row, with residuals 0) and classes in pairs, two pairs at a time
 * where there are two; an odd class count gets a padding lane, always 0 and never read. Each
 * block stops at the last nonzero feature of its rows. exp and log stay in JavaScript.
 *
 * Memory, in bytes from 0 (every region 16-aligned):
 *   ends  [blocks] i32      each block's span in bytes of a z row (8 x its last nonzero feature + 8)
 *   z     [n x d] f64       the rows, as given
 *   w     [pairs x d x 2]   W by class pair: pair p, feature j holds W_j,2p and W_j,2p+1
 *   b     [pairs x 2]       the bias
 *   l     [4 blocks x pairs x 2]  logits, then the residuals written over them by JavaScript
 *   g     [pairs x d x 2]   the gradient's data part, by class pair as w
 * The module starts with one page; `create` grows it to the problem's size once (or returns
 * null when it cannot: more than WebAssembly's 4 GiB, or no memory to be had) and the views are
 * re-taken whenever the buffer is not the one they were made on.
 */
import { FunctionWriter, I32, V128, encodeModule, f64x2, i32, select, v128, whileLoop, type Code } from './wasm-encoder';

/** Rows per block and the class pairs the main loop takes at once. */
const ROWS = 4;
const PAIRS = 2;
const PAGE = 65536;
/** WebAssembly's 32-bit memories hold at most 65,536 pages (4 GiB). */
const MAX_PAGES = 65536;

const rowNames = Array.from({ length: ROWS }, (_, r) => `z${r}`);

/** The row pointers of block `i` (z0..z3; a row past n repeats z0), its span and its logits' row. */
function blockStart(f: FunctionWriter): Code {
  const code: Code = [...f.set('z0', [...f.get('z'), ...f.get('i'), ...f.get('rowBytes'), ...i32.mul, ...i32.add])];
  for (let r = 1; r < ROWS; r++) {
    // z_r = i + r < n ? z0 + r * rowBytes : z0
    const next = [...f.get('z0'), ...f.get('rowBytes'), ...i32.const(r), ...i32.mul, ...i32.add];
    const inRange = [...f.get('i'), ...i32.const(r), ...i32.add, ...f.get('n'), ...i32.ltS];
    code.push(...f.set(`z${r}`, [...next, ...f.get('z0'), ...inRange, ...select]));
  }
  // ends holds one i32 per block of 4 rows: block i / 4 at byte i.
  code.push(...f.set('end', [...f.get('ends'), ...f.get('i'), ...i32.add, ...i32.load()]));
  code.push(...f.set('lrow', [...f.get('l'), ...f.get('i'), ...f.get('logitRowBytes'), ...i32.mul, ...i32.add]));
  return code;
}

/** Address of pair p + q's column in a by-pair [pairs x d x 2] region starting at `base`. */
function pairColumn(f: FunctionWriter, base: string, q: number): Code {
  return [...f.get(base), ...f.get('p'), ...i32.const(q), ...i32.add, ...f.get('rowBytes'), ...i32.mul, ...i32.const(2), ...i32.mul, ...i32.add];
}

/** Address of row r's logits of pair p (the block's row `lrow`). */
function logitAddress(f: FunctionWriter, r: number): Code {
  return [...f.get('lrow'), ...f.get('logitRowBytes'), ...i32.const(r), ...i32.mul, ...i32.add, ...f.get('p'), ...i32.const(16), ...i32.mul, ...i32.add];
}

const add = (a: Code, b: Code): Code => [...a, ...b, ...i32.add];
const lessThan = (a: Code, b: Code): Code => [...a, ...b, ...i32.ltS];
/** while (p + pairs - 1 < pairCount): the loop over class pairs, `pairs` at a time. */
const pairsLeft = (f: FunctionWriter, pairs: number): Code => lessThan(add(f.get('p'), i32.const(pairs - 1)), f.get('pairs'));
/** j += 8 (a feature in z), wj += 16 (a feature in a by-pair column). */
const nextFeature = (f: FunctionWriter): Code => [...f.set('j', add(f.get('j'), i32.const(8))), ...f.set('wj', add(f.get('wj'), i32.const(16)))];
const splatRows = (f: FunctionWriter): Code => rowNames.flatMap((z, r) => f.set(`x${r}`, [...f.get(z), ...f.get('j'), ...i32.add, ...v128.load64Splat()]));

function writer(params: string[]): FunctionWriter {
  const f = new FunctionWriter(Object.fromEntries(params.map((name) => [name, I32])));
  f.add(I32, 'i', ...rowNames, 'end', 'lrow', 'p', 'j', 'wj', 'col0', 'col1');
  f.add(V128, 'x0', 'x1', 'x2', 'x3', 'v0', 'v1');
  for (let r = 0; r < ROWS; r++) for (let q = 0; q < PAIRS; q++) f.add(V128, `acc${r}_${q}`);
  return f;
}

/** logits(n, rowBytes, pairs, logitRowBytes, ends, z, w, b, l): l = z W + b, row by row. */
function logitsKernel(): { writer: FunctionWriter; code: Code } {
  const f = writer(['n', 'rowBytes', 'pairs', 'logitRowBytes', 'ends', 'z', 'w', 'b', 'l']);
  const pass = (pairs: number): Code => {
    const qs = Array.from({ length: pairs }, (_, q) => q);
    const body: Code = [];
    for (const q of qs) body.push(...f.set(`col${q}`, pairColumn(f, 'w', q)));
    for (const q of qs) for (let r = 0; r < ROWS; r++) body.push(...f.set(`acc${r}_${q}`, [...f.get('b'), ...f.get('p'), ...i32.const(16), ...i32.mul, ...i32.add, ...v128.load(16 * q)]));
    body.push(...f.set('j', i32.const(0)), ...f.set('wj', i32.const(0)));
    const inner: Code = [...splatRows(f)];
    for (const q of qs) inner.push(...f.set(`v${q}`, [...f.get(`col${q}`), ...f.get('wj'), ...i32.add, ...v128.load()]));
    for (let r = 0; r < ROWS; r++) {
      for (const q of qs) {
        // acc = acc + x * w: lane by lane, as the scalar l += x * w.
        inner.push(...f.set(`acc${r}_${q}`, [...f.get(`acc${r}_${q}`), ...f.get(`x${r}`), ...f.get(`v${q}`), ...f64x2.mul, ...f64x2.add]));
      }
    }
    inner.push(...nextFeature(f));
    body.push(...whileLoop(lessThan(f.get('j'), f.get('end')), inner));
    for (let r = 0; r < ROWS; r++) for (const q of qs) body.push(...logitAddress(f, r), ...f.get(`acc${r}_${q}`), ...v128.store(16 * q));
    body.push(...f.set('p', add(f.get('p'), i32.const(pairs))));
    return whileLoop(pairsLeft(f, pairs), body);
  };
  const rows: Code = [...blockStart(f), ...f.set('p', i32.const(0)), ...pass(PAIRS), ...pass(1), ...f.set('i', add(f.get('i'), i32.const(ROWS)))];
  return { writer: f, code: [...f.set('i', i32.const(0)), ...whileLoop(lessThan(f.get('i'), f.get('n')), rows)] };
}

/** gradient(n, rowBytes, pairs, logitRowBytes, ends, z, l, g): g += z^T l, rows in ascending order. */
function gradientKernel(): { writer: FunctionWriter; code: Code } {
  const f = writer(['n', 'rowBytes', 'pairs', 'logitRowBytes', 'ends', 'z', 'l', 'g']);
  const pass = (pairs: number): Code => {
    const qs = Array.from({ length: pairs }, (_, q) => q);
    const body: Code = [];
    // The block's residuals stay in registers: acc{r}_{q} = row r's classes of pair p + q.
    for (let r = 0; r < ROWS; r++) for (const q of qs) body.push(...f.set(`acc${r}_${q}`, [...logitAddress(f, r), ...v128.load(16 * q)]));
    for (const q of qs) body.push(...f.set(`col${q}`, pairColumn(f, 'g', q)));
    body.push(...f.set('j', i32.const(0)), ...f.set('wj', i32.const(0)));
    const inner: Code = [...splatRows(f)];
    for (const q of qs) {
      // g = (((g + x0 e0) + x1 e1) + x2 e2) + x3 e3: the rows' terms in ascending order.
      const sum: Code = [...f.get(`col${q}`), ...f.get('wj'), ...i32.add, ...f.get(`col${q}`), ...f.get('wj'), ...i32.add, ...v128.load()];
      for (let r = 0; r < ROWS; r++) sum.push(...f.get(`x${r}`), ...f.get(`acc${r}_${q}`), ...f64x2.mul, ...f64x2.add);
      inner.push(...sum, ...v128.store());
    }
    inner.push(...nextFeature(f));
    body.push(...whileLoop(lessThan(f.get('j'), f.get('end')), inner));
    body.push(...f.set('p', add(f.get('p'), i32.const(pairs))));
    return whileLoop(pairsLeft(f, pairs), body);
  };
  const rows: Code = [...blockStart(f), ...f.set('p', i32.const(0)), ...pass(PAIRS), ...pass(1), ...f.set('i', add(f.get('i'), i32.const(ROWS)))];
  return { writer: f, code: [...f.set('i', i32.const(0)), ...whileLoop(lessThan(f.get('i'), f.get('n')), rows)] };
}

/** The module's bytes: `logits`, `gradient` and `memory`. */
export function logisticSimdModuleBytes(): Uint8Array<ArrayBuffer> {
  const logits = logitsKernel();
  const gradient = gradientKernel();
  return encodeModule(
    [
      { name: 'logits', ...logits },
      { name: 'gradient', ...gradient },
    ],
    1,
  );
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is not available. */
function simdModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = logisticSimdModuleBytes();
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/** Whether this runtime runs WebAssembly SIMD (the module validates). */
export function simdAvailable(): boolean {
  return simdModule() !== null;
}

interface Layout {
  ends: number;
  z: number;
  w: number;
  b: number;
  l: number;
  g: number;
  bytes: number;
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Whether n rows of d features and c classes fit in one WebAssembly memory (100,000 x 1,024 do: 0.8 GB). */
export function fitsInWasmMemory(n: number, d: number, c: number): boolean {
  return Math.ceil(simdLayout(n, d, Math.ceil(c / 2)).bytes / PAGE) <= MAX_PAGES;
}

/** Where each region starts, in bytes, for n rows of d features and `pairs` class pairs. */
export function simdLayout(n: number, d: number, pairs: number): Layout {
  const blocks = Math.ceil(n / ROWS);
  const ends = 0;
  const z = align16(ends + 4 * blocks);
  const w = align16(z + 8 * n * d);
  const b = w + 16 * pairs * d;
  const l = b + 16 * pairs;
  const g = l + 16 * pairs * ROWS * blocks;
  return { ends, z, w, b, l, g, bytes: g + 16 * pairs * d };
}

interface Kernels {
  logits: (n: number, rowBytes: number, pairs: number, logitRowBytes: number, ends: number, z: number, w: number, b: number, l: number) => void;
  gradient: (n: number, rowBytes: number, pairs: number, logitRowBytes: number, ends: number, z: number, l: number, g: number) => void;
  memory: WebAssembly.Memory;
}

/**
 * The products of one problem (n rows z of d features, c classes), with z copied into the
 * module's memory once. `rowEnd[i]` is one past row i's last nonzero feature.
 */
export class SimdProducts {
  readonly n: number;
  readonly d: number;
  readonly c: number;
  /** Float64 values per row of `logitRows()` and per feature of `gradientByPair()`'s pairs: 2 x pairs. */
  readonly stride: number;
  readonly #pairs: number;
  readonly #kernels: Kernels;
  readonly #layout: Layout;
  #buffer: ArrayBuffer | null = null;
  #w = new Float64Array(0);
  #b = new Float64Array(0);
  #l = new Float64Array(0);
  #g = new Float64Array(0);

  /** Null where SIMD is not available or the problem does not fit in a WebAssembly memory. */
  static create(z: Float64Array, n: number, d: number, c: number, rowEnd: Int32Array): SimdProducts | null {
    if (z.length !== n * d || rowEnd.length !== n) throw new Error(`${z.length} values and ${rowEnd.length} row ends for ${n} rows of ${d}.`);
    const module = simdModule();
    if (!module || !fitsInWasmMemory(n, d, c)) return null;
    const layout = simdLayout(n, d, Math.ceil(c / 2));
    const pages = Math.ceil(layout.bytes / PAGE);
    const exports = new WebAssembly.Instance(module, {}).exports as unknown as Kernels;
    const have = exports.memory.buffer.byteLength / PAGE;
    try {
      if (pages > have) exports.memory.grow(pages - have);
    } catch (error) {
      if (error instanceof RangeError) return null; // no memory to be had: the caller computes in JavaScript
      throw error;
    }
    return new SimdProducts(z, n, d, c, rowEnd, exports, layout);
  }

  private constructor(z: Float64Array, n: number, d: number, c: number, rowEnd: Int32Array, kernels: Kernels, layout: Layout) {
    this.n = n;
    this.d = d;
    this.c = c;
    this.#pairs = Math.ceil(c / 2);
    this.stride = 2 * this.#pairs;
    this.#kernels = kernels;
    this.#layout = layout;
    const buffer = kernels.memory.buffer;
    new Float64Array(buffer, layout.z, n * d).set(z);
    const ends = new Int32Array(buffer, layout.ends, Math.ceil(n / ROWS));
    for (let i = 0; i < n; i += ROWS) {
      let end = 0;
      for (let r = i; r < Math.min(n, i + ROWS); r++) end = Math.max(end, rowEnd[r] as number);
      ends[i / ROWS] = 8 * end;
    }
  }

  /** The module's memory (grown to the problem at `create`; the views follow any later growth). */
  get memory(): WebAssembly.Memory {
    return this.#kernels.memory;
  }

  /** Views on the memory, re-taken when it has grown (a grown memory detaches the old buffer). */
  #views(): void {
    const buffer = this.#kernels.memory.buffer;
    if (buffer === this.#buffer) return;
    const { w, b, l, g } = this.#layout;
    const pairs = this.#pairs;
    this.#w = new Float64Array(buffer, w, 2 * pairs * this.d);
    this.#b = new Float64Array(buffer, b, 2 * pairs);
    this.#l = new Float64Array(buffer, l, 2 * pairs * ROWS * Math.ceil(this.n / ROWS));
    this.#g = new Float64Array(buffer, g, 2 * pairs * this.d);
    this.#buffer = buffer;
  }

  /**
   * The logits of every row at theta = [W (d x c, row-major), b (c)]: row i's class k at
   * i * stride + k. The view's rows past n, and the residuals written over the logits, belong
   * to `gradientByPair`.
   */
  logitRows(theta: Float64Array): Float64Array {
    this.#views();
    const { d, c } = this;
    const w = this.#w;
    const b = this.#b;
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < c; k++) w[((k >> 1) * d + j) * 2 + (k & 1)] = theta[j * c + k] as number;
    }
    for (let k = 0; k < c; k++) b[k] = theta[d * c + k] as number;
    const { ends, z, l } = this.#layout;
    this.#kernels.logits(this.n, 8 * d, this.#pairs, 8 * this.stride, ends, z, this.#layout.w, this.#layout.b, l);
    this.#views();
    return this.#l;
  }

  /**
   * z^T e for the residuals e the caller wrote over `logitRows` (every row past n, and an odd
   * class count's padding lane, set to 0 here): class k of feature j at ((k >> 1) * d + j) * 2 + (k & 1).
   */
  gradientByPair(): Float64Array {
    this.#views();
    const { n, d, c, stride } = this;
    const l = this.#l;
    l.fill(0, n * stride);
    if (c % 2 === 1) for (let i = 0; i < n; i++) l[i * stride + c] = 0;
    this.#g.fill(0);
    const { ends, z, g } = this.#layout;
    this.#kernels.gradient(n, 8 * d, this.#pairs, 8 * stride, ends, z, this.#layout.l, g);
    this.#views();
    return this.#g;
  }
}
