import { describe, expect, it } from 'vitest';
import { needsOriginal, renditionEdgeFor, renditionVariant } from '../../../src-renderer/logic/rendition';

describe('screen-sized renditions', () => {
  it('picks the smallest rendition covering the screen in device pixels', () => {
    expect(renditionEdgeFor({ width: 1280, height: 800 }, 1)).toBe(1280);
    expect(renditionEdgeFor({ width: 1920, height: 1080 }, 1)).toBe(1920);
    expect(renditionEdgeFor({ width: 1440, height: 900 }, 2)).toBe(3840);
    expect(renditionEdgeFor({ width: 800, height: 1366 }, 1)).toBe(1920);
    expect(renditionEdgeFor({ width: 5120, height: 2880 }, 2)).toBe(3840);
    expect(renditionVariant(2560)).toBe('screen2560');
  });

  it('swaps in the original only when zoomed past the rendition', () => {
    const image24mp = { width: 6000, height: 4000 };
    // Fitted to a 1920 px wide viewport: 0.32 screen px per original px, the rendition holds 0.32.
    expect(needsOriginal(0.32, 1, image24mp, 1920)).toBe(false);
    expect(needsOriginal(0.33, 1, image24mp, 1920)).toBe(true);
    expect(needsOriginal(0.2, 2, image24mp, 1920)).toBe(true);
    // An image no larger than the rendition is served as the original already.
    expect(needsOriginal(8, 2, { width: 1000, height: 800 }, 1280)).toBe(false);
  });
});
