/** The tests' wait for a state (test/support/until.ts): it returns the state, and a state never reached fails with what was awaited. */
import { expect, it } from 'vitest';
import { until } from '../../support/until';

it('returns the first truthy value the probe gives, sync or async', async () => {
  let looks = 0;
  expect(await until(() => (++looks === 3 ? { looks } : null))).toEqual({ looks: 3 });
  expect(await until('an answer', async () => (++looks === 5 ? 'five' : false))).toBe('five');
});

it('a state never reached fails past the limit, naming what it waited for and the last value seen', async () => {
  let count = 0;
  await expect(until('the label view to hold 13 images', () => (count++, false), { limitMs: 20 })).rejects.toThrow(
    'Waited 0.02 s for the label view to hold 13 images; the last value seen was false',
  );
  await expect(until(() => count < 0 && count, { limitMs: 20, paceMs: 5 })).rejects.toThrow(/^Waited 0\.02 s for \(\) => count < 0 && count; the last value seen was false$/);
});
