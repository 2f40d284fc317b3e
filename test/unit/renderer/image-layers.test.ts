/**
 * The label view's pieces of one image (EXIF-embedded thumbnail, cached thumbnail, rendition):
 * the first to arrive is the first paint, a better one replaces it, a worse one arriving later
 * never brings it back (no flash back), and another image's load is ignored (fast keys).
 */
import { describe, expect, it } from 'vitest';
import { embeddedFound, layerFailed, layerLoaded, layerMounted, layerShown, startLayers, type ImageLayers, type Layer } from '../../../src-renderer/logic/image-layers';

const mounted = (state: ImageLayers): Layer[] => (['embedded', 'thumbnail', 'rendition'] as const).filter((layer) => layerMounted(state, layer));

describe('pieces of the image on screen', () => {
  it('paints the embedded thumbnail first, then the rendition replaces it, and nothing worse comes back', () => {
    let s = startLayers(7, true, []);
    expect(s.shown).toBeNull();
    expect(s.firstPaint).toBeNull();
    expect(mounted(s)).toEqual(['embedded', 'thumbnail', 'rendition']);
    s = layerLoaded(s, 7, 'embedded');
    expect(s.shown).toBe('embedded');
    expect(s.firstPaint).toEqual({ kind: 'embedded', prefetched: false });
    s = layerLoaded(s, 7, 'rendition');
    expect(layerShown(s, 'rendition')).toBe(true);
    expect(layerShown(s, 'embedded')).toBe(false);
    expect(mounted(s)).toEqual(['rendition']);
    // The first paint stays the embedded thumbnail's.
    expect(s.firstPaint).toEqual({ kind: 'embedded', prefetched: false });
    // A thumbnail or embedded load arriving after the rendition changes nothing (no flash back).
    expect(layerLoaded(s, 7, 'thumbnail')).toBe(s);
    expect(layerLoaded(s, 7, 'embedded')).toBe(s);
  });

  it('goes embedded → thumbnail → rendition, each piece leaving once a better one is loaded', () => {
    let s = startLayers(1, true, []);
    s = layerLoaded(s, 1, 'embedded');
    s = layerLoaded(s, 1, 'thumbnail');
    expect(s.shown).toBe('thumbnail');
    expect(mounted(s)).toEqual(['thumbnail', 'rendition']);
    expect(layerLoaded(s, 1, 'embedded')).toBe(s);
    s = layerLoaded(s, 1, 'rendition');
    expect(mounted(s)).toEqual(['rendition']);
  });

  it('ignores the loads of another image (an earlier image whose load the keys overtook)', () => {
    let s = startLayers(2, true, []);
    expect(layerLoaded(s, 1, 'rendition')).toBe(s);
    expect(layerLoaded(s, 1, 'embedded')).toBe(s);
    s = layerLoaded(s, 2, 'embedded');
    expect(s.shown).toBe('embedded');
  });

  it('shows the best piece decoded ahead in the first frame', () => {
    const s = startLayers(3, true, ['embedded', 'thumbnail']);
    expect(s.shown).toBe('thumbnail');
    expect(s.firstPaint).toEqual({ kind: 'thumbnail', prefetched: true });
    expect(mounted(s)).toEqual(['thumbnail', 'rendition']);
    const e = startLayers(4, true, ['embedded']);
    expect(e.firstPaint).toEqual({ kind: 'embedded', prefetched: true });
  });

  it('behaves as before for an image without an embedded thumbnail: no element for it, its load ignored', () => {
    let s = startLayers(5, false, ['embedded']);
    expect(s.shown).toBeNull();
    expect(mounted(s)).toEqual(['thumbnail', 'rendition']);
    expect(layerLoaded(s, 5, 'embedded')).toBe(s);
    s = layerLoaded(s, 5, 'thumbnail');
    expect(s.firstPaint).toEqual({ kind: 'thumbnail', prefetched: false });
  });

  it('an embedded thumbnail reported after the image came on screen (the first image of a session) is mounted and shown', () => {
    let s = startLayers(3, false, []);
    expect(mounted(s)).toEqual(['thumbnail', 'rendition']);
    expect(layerLoaded(s, 3, 'embedded')).toBe(s);
    // Another image's answer changes nothing.
    expect(embeddedFound(s, 4)).toBe(s);
    s = embeddedFound(s, 3);
    expect(mounted(s)).toEqual(['embedded', 'thumbnail', 'rendition']);
    s = layerLoaded(s, 3, 'embedded');
    expect(s.firstPaint).toEqual({ kind: 'embedded', prefetched: false });
    expect(embeddedFound(s, 3)).toBe(s);
    // After the rendition, a late answer mounts nothing.
    s = layerLoaded(s, 3, 'rendition');
    expect(mounted(embeddedFound(s, 3))).toEqual(['rendition']);
  });
});

describe('a piece that fails to load', () => {
  it('is not shown, even when it was decoded ahead, and the lesser pieces come back in its place', () => {
    // The rendition was decoded ahead, then its element failed (the connection was lost): the
    // view must not show a broken image over its message.
    const s = layerFailed(startLayers(7, true, ['rendition', 'thumbnail']), 7, 'rendition');
    expect(layerShown(s, 'rendition')).toBe(false);
    expect(s.shown).toBeNull();
    expect(mounted(s)).toEqual(['embedded', 'thumbnail', 'rendition']);
    // A lesser piece shown stays when the rendition fails; another image's failure changes nothing.
    const thumb = layerLoaded(startLayers(7, false, []), 7, 'thumbnail');
    expect(layerFailed(thumb, 7, 'rendition')).toBe(thumb);
    expect(layerFailed(thumb, 8, 'thumbnail')).toBe(thumb);
    expect(layerFailed(thumb, 7, 'thumbnail').shown).toBeNull();
  });
});
