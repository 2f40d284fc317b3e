/**
 * How a request is declared: its argument schema, its result type, and whether it is a query
 * (reads, may be repeated freely) or a command (changes state). Commands of `project` scope act
 * on the open project; `app` scope requests (recent list, folder checks, opening and closing)
 * act on the application and stay valid whatever project is open.
 */
import { s, type Schema } from '../schema';

export type RequestKind = 'query' | 'command';
export type RequestScope = 'project' | 'app';

export interface RequestDef<A, R> {
  kind: RequestKind;
  scope: RequestScope;
  args: Schema<A>;
  /** Phantom: carries the result type only. */
  readonly result?: R;
}

const define =
  (kind: RequestKind) =>
  <A>(args: Schema<A>, scope: RequestScope = 'project') => ({
    returns: <R>(): RequestDef<A, R> => ({ kind, scope, args }),
  });

/** A request that reads state only. */
export const query = define('query');
/** A request that changes state. */
export const command = define('command');

/** Image, class and other row ids. */
export const id = s.int({ min: 1 });

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;

/** Merge per-domain maps into one; a name declared by two domains is an error. */
export function mergeDomains<D extends Record<string, Record<string, unknown>>>(domains: D): UnionToIntersection<D[keyof D]> {
  const merged: Record<string, unknown> = {};
  const owner = new Map<string, string>();
  for (const [domain, entries] of Object.entries(domains)) {
    for (const [name, value] of Object.entries(entries)) {
      const first = owner.get(name);
      if (first !== undefined) throw new Error(`"${name}" is declared twice: in ${first} and in ${domain}.`);
      owner.set(name, domain);
      merged[name] = value;
    }
  }
  return merged as UnionToIntersection<D[keyof D]>;
}
