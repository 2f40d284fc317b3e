/**
 * The one media handler of both shells (Electron's `media://image/<id>/<variant>` and the web
 * host's `/media/<id>/<variant>`): parse the route, answer 304 to a matching ETag, read the
 * bytes, and map errors to statuses. Each shell only adapts its request and response types.
 */
import { AppError } from '../../src-shared/app-error';
import type { MediaVariant } from '../../src-shared/contract';
import { readMedia, renditionEdge, type MediaSource } from './image-media';
import { cacheGeneration } from './media-cache';

export interface MediaAnswer {
  status: number;
  body: Buffer | string;
  headers: Record<string, string>;
}

const ROUTE = /^\/?(\d+)\/(full|thumb|embedded|screen\d+)$/;
const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

/** `route` is `<id>/<variant>` (a leading slash is allowed); `project` is the open project, if any. */
export async function answerMedia(project: MediaSource | null, route: string, ifNoneMatch?: string | null): Promise<MediaAnswer> {
  const match = ROUTE.exec(route);
  if (!match) return { status: 404, body: 'No such image route.', headers: TEXT };
  if (!project) return { status: 409, body: 'No project is open.', headers: TEXT };
  try {
    const id = Number(match[1]);
    const variant = match[2] as MediaVariant;
    if (variant.startsWith('screen') && renditionEdge(variant) === null) return { status: 404, body: 'No such image size.', headers: TEXT };
    // Named as the cache files are (cacheGeneration): a browser's copy made under an earlier decode of deep images is not kept.
    const { hash, format } = project.locate(id);
    const etag = `"${hash}-${variant}${cacheGeneration(format)}"`;
    if (ifNoneMatch === etag) return { status: 304, body: '', headers: { ETag: etag } };
    const media = await readMedia(project, id, variant);
    return { status: 200, body: media.body, headers: { 'Content-Type': media.contentType, 'Cache-Control': 'private, no-cache', ETag: etag } };
  } catch (error) {
    const status = error instanceof AppError && error.code === 'NOT_FOUND' ? 404 : 422;
    return { status, body: (error as Error).message, headers: TEXT };
  }
}
