import { describe, expect, it } from 'vitest';
import { fitScale, fitView, panBy, wheelFactor, zoomAt } from '../../../src-renderer/logic/zoom-pan';
import { moveBy } from '../../../src-renderer/logic/reorder';
import { reconnectDelay } from '../../../src-renderer/api/backoff';

describe('zoom and pan', () => {
  const image = { width: 400, height: 200 };
  const box = { width: 800, height: 800 };

  it('fits the whole image, centred', () => {
    expect(fitScale(image, box)).toBe(2);
    expect(fitView(image, box)).toEqual({ scale: 2, x: 0, y: 200 });
    expect(fitScale({ width: 10, height: 10 }, box)).toBe(4);
  });

  it('keeps the point under the cursor fixed while zooming', () => {
    const view = fitView(image, box);
    const at = { x: 300, y: 350 };
    const zoomed = zoomAt(view, 2, at, image, box);
    const before = { x: (at.x - view.x) / view.scale, y: (at.y - view.y) / view.scale };
    const after = { x: (at.x - zoomed.x) / zoomed.scale, y: (at.y - zoomed.y) / zoomed.scale };
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  it('clamps zoom and pans by pixels', () => {
    const view = fitView(image, box);
    expect(zoomAt(view, 1000, { x: 0, y: 0 }, image, box).scale).toBe(16);
    expect(zoomAt(view, 0.0001, { x: 0, y: 0 }, image, box).scale).toBe(0.5);
    expect(panBy(view, 5, -5)).toEqual({ scale: 2, x: 5, y: 195 });
    expect(wheelFactor(-100)).toBeGreaterThan(1);
    expect(wheelFactor(100)).toBeLessThan(1);
  });
});

describe('reorder and backoff', () => {
  it('moves an item by a clamped delta', () => {
    expect(moveBy(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveBy(['a', 'b', 'c'], 2, -5)).toEqual(['c', 'a', 'b']);
    expect(moveBy(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });

  it('backs off exponentially with a cap', () => {
    const mid = () => 0.5;
    expect(reconnectDelay(0, { baseMs: 250, maxMs: 8000, random: mid })).toBe(250);
    expect(reconnectDelay(3, { baseMs: 250, maxMs: 8000, random: mid })).toBe(2000);
    expect(reconnectDelay(20, { baseMs: 250, maxMs: 8000, random: mid })).toBe(8000);
    expect(reconnectDelay(2, { baseMs: 250, maxMs: 8000, random: () => 1 })).toBe(1200);
  });
});
