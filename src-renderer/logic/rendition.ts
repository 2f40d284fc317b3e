/**
 * Screen-sized renditions: the label view shows a rendition whose long edge covers the screen
 * (in device pixels), and swaps in the original once the expert zooms past what it holds.
 */
import { RENDITION_EDGES, type MediaVariant, type RenditionEdge } from '../../src-shared/contract';

export interface Screen {
  width: number;
  height: number;
}

/** The smallest rendition edge covering the screen's long edge at `pixelRatio` (the largest past that). */
export function renditionEdgeFor(screen: Screen, pixelRatio: number): RenditionEdge {
  const needed = Math.max(screen.width, screen.height) * Math.max(1, pixelRatio);
  return RENDITION_EDGES.find((edge) => edge >= needed) ?? RENDITION_EDGES[RENDITION_EDGES.length - 1]!;
}

export function renditionVariant(edge: RenditionEdge): MediaVariant {
  return `screen${edge}`;
}

/**
 * Whether the original shows more than the rendition at this zoom: `scale` is screen pixels
 * (CSS) per original pixel; the rendition holds `edge / long side` pixels per original pixel.
 */
export function needsOriginal(scale: number, pixelRatio: number, image: Screen, edge: RenditionEdge): boolean {
  const longSide = Math.max(image.width, image.height);
  if (longSide <= edge) return false; // the rendition is the original
  return scale * Math.max(1, pixelRatio) > edge / longSide;
}
