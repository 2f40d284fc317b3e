/**
 * Guard for the rule "stores own their writes" (ARCHITECTURE.md, renderer): every store
 * instance in src-renderer/stores keeps its state private (`#field`) behind read-only getters,
 * so state changes only through the store's named methods. A public `$state` field compiles
 * to a getter with a setter, and a plain or TS-`private` field is an own writable property:
 * either one fails here.
 */
import { describe, expect, it } from 'vitest';

/** Own properties that are constant lists the TypeScript side declares `readonly`. */
const CONSTANTS = new Set(['follows']);

const modules = import.meta.glob<Record<string, unknown>>('../../../src-renderer/stores/*.svelte.ts', { eager: true });

/** The ways outside code could assign to a store: own writable fields and setters. */
export function openWrites(instance: object): string[] {
  const found: string[] = [];
  for (const name of Object.getOwnPropertyNames(instance)) {
    const descriptor = Object.getOwnPropertyDescriptor(instance, name)!;
    if (CONSTANTS.has(name)) continue;
    if (descriptor.set || ('value' in descriptor && descriptor.writable)) found.push(`field ${name}`);
  }
  for (let proto = Object.getPrototypeOf(instance) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (Object.getOwnPropertyDescriptor(proto, name)!.set) found.push(`setter ${name}`);
    }
  }
  return found;
}

const stores = Object.entries(modules)
  .flatMap(([path, exports]) =>
    Object.entries(exports)
      .filter(([, value]) => typeof value === 'object' && value !== null && Object.getPrototypeOf(value) !== Object.prototype)
      .map(([name, value]) => ({ module: path.split('/').pop()!, name, instance: value as object })),
  );

describe('stores own their writes', () => {
  it('finds the store instances', () => {
    expect(stores.map((s) => s.name)).toEqual(
      expect.arrayContaining(['classes', 'connection', 'dashboard', 'engine', 'gallery', 'history', 'jobs', 'labeling', 'loop', 'pathEntry', 'project', 'suggestions', 'toasts', 'ui', 'viewer']),
    );
  });

  it.each(stores.map((s) => [`${s.module}: ${s.name}`, s.instance] as const))('%s has no public writable state', (_label, instance) => {
    expect(openWrites(instance)).toEqual([]);
  });

  it('catches a public $state field and a plain field', async () => {
    const { Leaky } = await import('./fixtures/leaky-store.svelte');
    // A public $state field shows as a setter or as a writable field, depending on how it compiles.
    expect(openWrites(new Leaky()).map((w) => w.split(' ')[1]).sort()).toEqual(['open', 'plain']);
  });
});
