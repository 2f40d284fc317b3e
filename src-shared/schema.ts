/**
 * A minimal runtime schema for IPC arguments. Each schema both validates an unknown value
 * and carries its static type, so a request's argument type and its validator cannot drift.
 */
export interface Schema<T> {
  parse(value: unknown, path?: string): T;
}

export class SchemaError extends Error {
  constructor(readonly path: string, expected: string, value: unknown) {
    super(`${path || 'argument'}: expected ${expected}, got ${describe(value)}`);
    this.name = 'SchemaError';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // JSON quoting shows control characters (a NUL reads \u0000, not as nothing)
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type OptionalKeys<Shape> = { [K in keyof Shape]: undefined extends Infer<Shape[K]> ? K : never }[keyof Shape];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** Fields whose schema accepts undefined become optional keys. */
export type ObjectOf<Shape> = Simplify<
  { [K in Exclude<keyof Shape, OptionalKeys<Shape>>]: Infer<Shape[K]> } & { [K in OptionalKeys<Shape>]?: Infer<Shape[K]> }
>;

const make = <T>(parse: (value: unknown, path: string) => T): Schema<T> => ({
  parse: (value, path = '') => parse(value, path),
});

export const s = {
  /** `pattern` restricts the characters further; `describe` says what it allows. */
  string(opts: { min?: number; max?: number; pattern?: RegExp; describe?: string } = {}): Schema<string> {
    const { min = 0, max = 4096, pattern, describe: allowed } = opts;
    return make((v, p) => {
      if (typeof v !== 'string' || v.length < min || v.length > max) {
        throw new SchemaError(p, `a string of ${min}–${max} characters`, v);
      }
      if (pattern && !pattern.test(v)) throw new SchemaError(p, allowed ?? `a string matching ${String(pattern)}`, v);
      return v;
    });
  },
  int(opts: { min?: number; max?: number } = {}): Schema<number> {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
    return make((v, p) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        throw new SchemaError(p, `an integer in [${min}, ${max}]`, v);
      }
      return v;
    });
  },
  number(opts: { min?: number; max?: number } = {}): Schema<number> {
    const { min = -Infinity, max = Infinity } = opts;
    return make((v, p) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
        throw new SchemaError(p, `a number in [${min}, ${max}]`, v);
      }
      return v;
    });
  },
  boolean(): Schema<boolean> {
    return make((v, p) => {
      if (typeof v !== 'boolean') throw new SchemaError(p, 'a boolean', v);
      return v;
    });
  },
  literal<const L extends readonly (string | number)[]>(...values: L): Schema<L[number]> {
    return make((v, p) => {
      if (!values.includes(v as L[number])) throw new SchemaError(p, `one of ${values.join(', ')}`, v);
      return v as L[number];
    });
  },
  nullable<T>(inner: Schema<T>): Schema<T | null> {
    return make((v, p) => (v === null ? null : inner.parse(v, p)));
  },
  optional<T>(inner: Schema<T>): Schema<T | undefined> {
    return make((v, p) => (v === undefined ? undefined : inner.parse(v, p)));
  },
  /** `unique`: an item listed twice is refused (e.g. ids, where a repeat would silently count once). */
  array<T>(inner: Schema<T>, opts: { max?: number; unique?: boolean } = {}): Schema<T[]> {
    const { max = 100_000, unique = false } = opts;
    return make((v, p) => {
      if (!Array.isArray(v) || v.length > max) throw new SchemaError(p, `an array of at most ${max} items`, v);
      const items = v.map((item, i) => inner.parse(item, `${p}[${i}]`));
      if (unique) {
        const first = new Map<T, number>();
        items.forEach((item, i) => {
          const earlier = first.get(item);
          if (earlier !== undefined) throw new SchemaError(`${p}[${i}]`, `no repeats (the same as ${p}[${earlier}])`, item);
          first.set(item, i);
        });
      }
      return items;
    });
  },
  object<Shape extends Record<string, Schema<unknown>>>(
    shape: Shape,
  ): Schema<ObjectOf<Shape>> {
    return make((v, p) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaError(p, 'an object', v);
      const record = v as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        // own keys only: `in` would let "__proto__", "constructor" or "toString" through
        if (!Object.hasOwn(shape, key)) throw new SchemaError(p ? `${p}.${key}` : key, 'no such field', record[key]);
      }
      const out: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(shape)) {
        const parsed = schema.parse(record[key], p ? `${p}.${key}` : key);
        if (parsed !== undefined) out[key] = parsed;
      }
      return out as ObjectOf<Shape>;
    });
  },
  /**
   * A tagged union: the `key` field picks the object schema that checks the rest, so a field
   * that belongs to another variant is refused like any unknown field.
   */
  variant<K extends string, Options extends Record<string, Schema<unknown>>>(key: K, options: Options): Schema<Infer<Options[keyof Options]>> {
    const tags = Object.keys(options);
    return make((v, p) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaError(p, 'an object', v);
      const tag = (v as Record<string, unknown>)[key];
      if (typeof tag !== 'string' || !Object.hasOwn(options, tag)) throw new SchemaError(p ? `${p}.${key}` : key, `one of ${tags.join(', ')}`, tag);
      return options[tag]!.parse(v, p) as Infer<Options[keyof Options]>;
    });
  },
  /** Any value: the receiver checks it (e.g. a request's arguments, checked per channel). */
  unknown(): Schema<unknown> {
    return make((v) => v);
  },
  none(): Schema<void> {
    return make((v, p) => {
      if (v !== undefined && v !== null) throw new SchemaError(p, 'no argument', v);
    });
  },
};
