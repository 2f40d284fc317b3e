/** `media://image/<id>/<variant>`: images reach the Electron renderer by id only. */
import { protocol } from 'electron';
import { AppError } from '../../src-shared/app-error';
import { MEDIA_SCHEME, type MediaVariant } from '../../src-shared/contract';
import type { Workspace } from '../api/workspace';
import { readMedia } from '../media/image-media';

/** Must run before the app is ready. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function handleMediaProtocol(workspace: Workspace): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const match = /^\/(\d+)\/(full|thumb)$/.exec(url.pathname);
    const project = workspace.current;
    if (url.host !== 'image' || !match) return new Response('No such image route.', { status: 404 });
    if (!project) return new Response('No project is open.', { status: 409 });
    try {
      const media = await readMedia(project, Number(match[1]), match[2] as MediaVariant);
      return new Response(new Uint8Array(media.body), { headers: { 'Content-Type': media.contentType, 'Cache-Control': 'no-cache' } });
    } catch (error) {
      const status = error instanceof AppError && error.code === 'NOT_FOUND' ? 404 : 422;
      return new Response((error as Error).message, { status });
    }
  });
}
