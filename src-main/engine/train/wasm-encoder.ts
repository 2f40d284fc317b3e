/**
 * A small WebAssembly binary encoder: just what the light head's SIMD kernels need (i32
 * arithmetic, while loops, v128 loads and stores, f64x2 mul and add, one exported
 * memory), written out byte by byte after the specification's binary format
 * (https://webassembly.github.io/spec/core/binary/). Kernels are written as TypeScript that
 * returns instruction bytes, so a loop unrolled 4 rows x 2 class pairs is a loop in the
 * generator, not 64 hand-copied lines; the resulting module is checked with
 * WebAssembly.validate before it is used.
 */

export type Code = number[];

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof V128;

/** Unsigned LEB128. */
export function uleb(value: number): Code {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${value} is not an unsigned integer.`);
  const bytes: Code = [];
  let v = value;
  do {
    const byte = v % 128;
    v = Math.floor(v / 128);
    bytes.push(v > 0 ? byte | 0x80 : byte);
  } while (v > 0);
  return bytes;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number): Code {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) throw new Error(`${value} is not a 32-bit integer.`);
  const bytes: Code = [];
  let v = value;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

/** A memory access's alignment (log2 of bytes) and constant offset. */
const memarg = (alignLog2: number, offset: number): Code => [...uleb(alignLog2), ...uleb(offset)];
/** A SIMD instruction: the 0xfd prefix and its opcode as unsigned LEB128. */
const simd = (opcode: number): Code => [0xfd, ...uleb(opcode)];

export const local = {
  get: (index: number): Code => [0x20, ...uleb(index)],
  set: (index: number): Code => [0x21, ...uleb(index)],
};

export const i32 = {
  const: (value: number): Code => [0x41, ...sleb(value)],
  load: (offset = 0): Code => [0x28, ...memarg(2, offset)],
  eqz: [0x45],
  ltS: [0x48],
  add: [0x6a],
  mul: [0x6c],
};

export const v128 = {
  load: (offset = 0): Code => [...simd(0x00), ...memarg(4, offset)],
  /** Loads one f64 into both lanes. */
  load64Splat: (offset = 0): Code => [...simd(0x0a), ...memarg(3, offset)],
  store: (offset = 0): Code => [...simd(0x0b), ...memarg(4, offset)],
};

/** Two float64 lanes; each lane rounds exactly as the scalar f64 operation (no fused multiply-add). */
export const f64x2 = {
  add: simd(0xf0),
  mul: simd(0xf2),
};

/** `select`: the first value if the i32 on top is nonzero, else the second. */
export const select: Code = [0x1b];

/** while (condition) { body }: a block around a loop that leaves when the condition is 0. */
export function whileLoop(condition: Code, body: Code): Code {
  const empty = 0x40;
  return [0x02, empty, 0x03, empty, ...condition, ...i32.eqz, 0x0d, ...uleb(1), ...body, 0x0c, ...uleb(0), 0x0b, 0x0b];
}

/**
 * A function being written: its parameters are locals 0.. in order, `add` declares more.
 * Parameters and locals are named, so kernels read `get('row')` rather than `get(7)`.
 */
export class FunctionWriter {
  readonly #params: ValueType[] = [];
  readonly #locals: ValueType[] = [];
  readonly #index = new Map<string, number>();

  constructor(params: Record<string, ValueType>) {
    for (const [name, type] of Object.entries(params)) {
      this.#name(name);
      this.#params.push(type);
    }
  }

  add(type: ValueType, ...names: string[]): this {
    for (const name of names) {
      this.#name(name);
      this.#locals.push(type);
    }
    return this;
  }

  /** Locals are numbered parameters first, then in the order added. */
  #name(name: string): void {
    if (this.#index.has(name)) throw new Error(`Local ${name} is declared twice.`);
    this.#index.set(name, this.#index.size);
  }

  #at(name: string): number {
    const index = this.#index.get(name);
    if (index === undefined) throw new Error(`No local ${name}.`);
    return index;
  }

  get(name: string): Code {
    return local.get(this.#at(name));
  }

  set(name: string, value: Code): Code {
    return [...value, ...local.set(this.#at(name))];
  }

  get params(): readonly ValueType[] {
    return this.#params;
  }

  /** The function's body in the code section: local declarations (one group per local), code, end. */
  encode(code: Code): Code {
    const locals = this.#locals.flatMap((type) => [...uleb(1), type]);
    const body = [...uleb(this.#locals.length), ...locals, ...code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

export interface ExportedFunction {
  name: string;
  writer: FunctionWriter;
  code: Code;
}

function section(id: number, contents: Code): Code {
  return [id, ...uleb(contents.length), ...contents];
}

function vector(items: Code[]): Code {
  return [...uleb(items.length), ...items.flat()];
}

function name(text: string): Code {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/**
 * A module of functions without results and one memory of `initialPages` 64 KiB pages and no
 * maximum, exported as "memory" next to the functions.
 */
export function encodeModule(functions: ExportedFunction[], initialPages: number): Uint8Array<ArrayBuffer> {
  const types = vector(functions.map(({ writer }) => [0x60, ...vector(writer.params.map((type) => [type])), ...uleb(0)]));
  const functionTypes = vector(functions.map((_, i) => uleb(i)));
  const memory = vector([[0x00, ...uleb(initialPages)]]);
  const exports = vector([...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]), [...name('memory'), 0x02, ...uleb(0)]]);
  const code = vector(functions.map(({ writer, code: body }) => writer.encode(body)));
  // The custom "name" section's function names (subsection 1): profiles show `logits`, not `wasm-function[0]`.
  const functionNames = vector(functions.map((f, i) => [...uleb(i), ...name(f.name)]));
  const names = [...name('name'), 1, ...uleb(functionNames.length), ...functionNames];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, types),
    ...section(3, functionTypes),
    ...section(5, memory),
    ...section(7, exports),
    ...section(10, code),
    ...section(0, names),
  ]);
}
