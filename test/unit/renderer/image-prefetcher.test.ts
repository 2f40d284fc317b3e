import { describe, expect, it } from 'vitest';
import { ImagePrefetcher, type Loading } from '../../../src-renderer/logic/image-prefetcher';

function fakeLoader() {
  const started: string[] = [];
  const cancelled: string[] = [];
  const resolvers = new Map<string, () => void>();
  const load = (url: string): Loading => {
    started.push(url);
    return {
      done: new Promise<void>((resolve) => resolvers.set(url, resolve)),
      cancel: () => cancelled.push(url),
    };
  };
  return { load, started, cancelled, resolvers };
}

describe('ImagePrefetcher', () => {
  it('loads each wanted url once and reports readiness', async () => {
    const fake = fakeLoader();
    const p = new ImagePrefetcher(fake.load, 2);
    p.want(['a', 'b']);
    p.want(['a', 'b', 'c']);
    expect(fake.started).toEqual(['a', 'b', 'c']);
    expect(p.isReady('a')).toBe(false);
    fake.resolvers.get('a')!();
    await Promise.resolve();
    await Promise.resolve();
    expect(p.isReady('a')).toBe(true);
  });

  it('drops the oldest unwanted entries beyond the spare budget', () => {
    const fake = fakeLoader();
    const p = new ImagePrefetcher(fake.load, 1);
    p.want(['a', 'b']);
    p.want(['c', 'd']);
    expect(fake.cancelled).toEqual(['a']);
    expect(p.size).toBe(3);
  });

  it('cancels every load on clear (the project is closing)', () => {
    const fake = fakeLoader();
    const p = new ImagePrefetcher(fake.load, 4);
    p.want(['a', 'b', 'c']);
    p.clear();
    expect(fake.cancelled).toEqual(['a', 'b', 'c']);
    expect(p.size).toBe(0);
    p.want(['a']);
    expect(fake.started).toEqual(['a', 'b', 'c', 'a']);
  });
});
