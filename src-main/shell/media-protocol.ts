/** `media://image/<id>/<variant>`: images reach the Electron renderer by id only. */
import { protocol } from 'electron';
import { MEDIA_SCHEME } from '../../src-shared/contract';
import type { Workspace } from '../api/workspace';
import { answerMedia } from '../media/media-request';

/** Must run before the app is ready. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function handleMediaProtocol(workspace: Workspace): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'image') return new Response('No such image route.', { status: 404 });
    const answer = await answerMedia(workspace.current, url.pathname, request.headers.get('if-none-match'));
    const body = typeof answer.body === 'string' ? answer.body || null : new Uint8Array(answer.body);
    return new Response(body, {
      status: answer.status,
      headers: answer.headers,
    });
  });
}
