/** The WebAssembly encoder behind the light head's SIMD kernels: LEB128 and a module that runs. */
import { describe, expect, it } from 'vitest';
import { FunctionWriter, I32, encodeModule, i32, sleb, uleb, whileLoop } from '../../../src-main/engine/train/wasm-encoder';

describe('wasm-encoder', () => {
  it('writes LEB128 as the specification’s examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => uleb(-1)).toThrow(/not an unsigned integer/);
    expect(() => sleb(2 ** 31)).toThrow(/not a 32-bit integer/);
  });

  it('encodes a module whose loop and memory work: fill(n) stores 0..n-1 as i32 from address 0', () => {
    const f = new FunctionWriter({ n: I32 }).add(I32, 'i');
    // memory[4 i] = i (0x36: i32.store, alignment 2^2, offset 0; the kernels need no i32.store).
    const store = [...f.get('i'), ...i32.const(4), ...i32.mul, ...f.get('i'), 0x36, 2, 0];
    const next = f.set('i', [...f.get('i'), ...i32.const(1), ...i32.add]);
    const code = [...f.set('i', i32.const(0)), ...whileLoop([...f.get('i'), ...f.get('n'), ...i32.ltS], [...store, ...next])];
    const bytes = encodeModule([{ name: 'fill', writer: f, code }], 1);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const { fill, memory } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as { fill: (n: number) => void; memory: WebAssembly.Memory };
    fill(5);
    expect(Array.from(new Int32Array(memory.buffer, 0, 6))).toEqual([0, 1, 2, 3, 4, 0]);
    expect(memory.buffer.byteLength).toBe(65536);
    expect(() => f.add(I32, 'i')).toThrow(/declared twice/);
  });
});
