/**
 * Issue 15 item 2 over the web host, as the issue reproduced it: client 1 opens project A,
 * client 2 (another tab) opens project B, then client 1 sends labels:set {imageIds:[1]}.
 * B's image 1 must stay unlabeled, and client 1 must learn that its project was replaced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { Workspace } from '../../../src-main/api/workspace';
import { startWebHost, type WebHost } from '../../../src-main/host/web-host';
import type { OpenProjectSummary, ProjectChanged } from '../../../src-shared/contract';
import type { WsServerMessage } from '../../../src-shared/ws-protocol';
import { imageFolder, tempDir } from '../../support/image-folder';
import { nextMessage, wsCall, wsConnect } from '../../support/web-host-client';

let host: WebHost;
let workspace: Workspace;
let port: number;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  const rendererDir = tempDir('adma-renderer-');
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ADMA Studio</title>');
  workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {} });
  host = await startWebHost({ workspace, rendererDir });
  port = Number(new URL(host.origin).port);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await host.close();
  await workspace.close();
});

async function connect(): Promise<WebSocket> {
  const socket = await wsConnect(port, `?token=${host.token}`);
  sockets.push(socket);
  return socket;
}

function value<T>(answer: WsServerMessage & { type: 'response' }): T {
  if (!answer.result.ok) throw new Error(`${answer.result.error.code}: ${answer.result.error.message}`);
  return answer.result.value as T;
}

/** Open `folder` from `socket`, index it, and make class 1 "cat"; returns the opening. */
async function openScanned(socket: WebSocket, folder: string, firstId: number): Promise<OpenProjectSummary> {
  const opened = value<OpenProjectSummary>(await wsCall(socket, firstId, 'project:open', { path: folder, create: true }));
  value(await wsCall(socket, firstId + 1, 'project:rescan', undefined, opened.session));
  value(await wsCall(socket, firstId + 2, 'classes:create', { name: 'cat' }, opened.session));
  return opened;
}

describe('two windows on one web host', () => {
  it('refuses a label from the window whose project another window replaced, and tells it so', async () => {
    const [folderA, folderB] = [await imageFolder(3), await imageFolder(3)];
    const tab1 = await connect();
    const tab2 = await connect();

    const a = await openScanned(tab1, folderA, 1);
    // ids follow the scan's (parallel) order, not the names: take A's lowest id, which B has too
    const idsOf = (): number[] => workspace.current!.images.list({ kind: 'all' }, 0, 10).items.map((item) => item.id).sort((x, y) => x - y);
    const imageId = idsOf()[0]!;
    const toldTab1 = nextMessage(tab1, (m) => m.type === 'event' && m.event === 'project:changed' && (m.payload as ProjectChanged).change === 'opened');
    const b = await openScanned(tab2, folderB, 1);
    expect(b.session).not.toBe(a.session);

    // tab 1 is told B replaced its project, with B's session and name
    expect(await toldTab1).toMatchObject({ type: 'event', payload: { change: 'opened', session: b.session, name: b.name } });

    // the sequence: tab 1 labels "its" image 1, whose id B's first image has too
    expect(idsOf()[0]).toBe(imageId);
    const refused = await wsCall(tab1, 10, 'labels:set', { imageIds: [imageId], classId: 1 }, a.session);
    expect(refused.result).toEqual({
      ok: false,
      error: { code: 'PROJECT_CHANGED', message: `This window shows the project ${a.name}, but ${b.name} was opened in another window; reload to continue. Nothing was changed.` },
    });
    // a request that names no session is refused as well, and so is reading B's images
    expect((await wsCall(tab1, 11, 'labels:set', { imageIds: [imageId], classId: 1 })).result).toMatchObject({ ok: false, error: { code: 'PROJECT_CHANGED' } });
    expect((await wsCall(tab1, 12, 'images:get', { id: imageId }, a.session)).result).toMatchObject({ ok: false, error: { code: 'PROJECT_CHANGED' } });
    expect((await wsCall(tab1, 13, 'project:close', undefined, a.session)).result).toMatchObject({ ok: false, error: { code: 'PROJECT_CHANGED' } });

    expect(workspace.current!.root).toBe(b.path);
    expect(workspace.current!.images.get(imageId).classId).toBeNull();
    expect(workspace.current!.summary().labeledCount).toBe(0);

    // tab 1 reloads: it asks what is open, takes B's session on, and can label B
    const current = value<OpenProjectSummary>(await wsCall(tab1, 14, 'project:current'));
    expect(current.session).toBe(b.session);
    expect((await wsCall(tab1, 15, 'labels:set', { imageIds: [imageId], classId: 1 }, current.session)).result).toMatchObject({ ok: true });
    expect(workspace.current!.images.get(imageId).classId).toBe(1);
    // and tab 2, which opened B, was never disturbed
    expect((await wsCall(tab2, 20, 'labels:set', { imageIds: [imageId], classId: null }, b.session)).result).toMatchObject({ ok: true });
  });
});
