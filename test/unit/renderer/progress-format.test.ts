import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../src-shared/duration';
import { describeProgress, formatRate, percentDone } from '../../../src-renderer/logic/progress-format';

describe('progress formatting', () => {
  it('gives a bounded whole percent', () => {
    expect(percentDone(1, 3)).toBe(33);
    expect(percentDone(5, 0)).toBe(0);
    expect(percentDone(7, 5)).toBe(100);
  });

  it('writes durations in seconds, minutes and hours', () => {
    expect(formatDuration(0.2)).toBe('less than 1 s');
    expect(formatDuration(12.1, 'up')).toBe('13 s');
    expect(formatDuration(12.1)).toBe('12 s');
    expect(formatDuration(12.6)).toBe('13 s');
    expect(formatDuration(120)).toBe('2 min');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(3900)).toBe('1 h 05 min');
    expect(formatDuration(Number.NaN)).toBe('');
  });

  it('writes rates with a decimal only when small, nothing when unknown', () => {
    expect(formatRate(8.44)).toBe('8.4/s');
    expect(formatRate(120.4, 'images')).toBe('120 images/s');
    expect(formatRate(null)).toBe('');
    expect(formatRate(0)).toBe('');
  });

  it('joins count, rate and time left', () => {
    expect(describeProgress({ done: 120, total: 300, rate: 8.44, etaSeconds: 21 }, 'images')).toBe('120 / 300 · 8.4 images/s · 21 s left');
    expect(describeProgress({ done: 3, total: 0, rate: null, etaSeconds: null })).toBe('3');
    expect(describeProgress({ done: 300, total: 300, rate: 10, etaSeconds: 0 })).toBe('300 / 300 · 10/s');
  });
});
