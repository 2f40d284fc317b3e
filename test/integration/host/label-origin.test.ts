/**
 * Two tabs on one web host, one project: every label change is announced to both with the id of
 * the tab that made it (`origin`), so each tab tells its own changes from the other's. The id is
 * the tab's own random one, never the token or the project's session; a request without one
 * (an older page, a script) gives changes without an origin, and a malformed one is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { Workspace } from '../../../src-main/api/workspace';
import { startWebHost, type WebHost } from '../../../src-main/host/web-host';
import type { ClassInfo, ImagePage, OpenProjectSummary, ProjectChanged } from '../../../src-shared/contract';
import { newWindowId } from '../../../src-shared/window-id';
import type { WsServerMessage } from '../../../src-shared/ws-protocol';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder, tempDir } from '../../support/image-folder';
import { until } from '../../support/until';
import { nextMessage, wsConnect } from '../../support/web-host-client';

type LabelsChanged = ProjectChanged & { change: 'labels' };

let host: WebHost;
let workspace: Workspace;
let port: number;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  const rendererDir = tempDir('adma-renderer-');
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ADMA Studio</title>');
  workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
  host = await startWebHost({ workspace, rendererDir });
  port = Number(new URL(host.origin).port);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await host.close();
  await workspace.close();
});

/** A tab: its socket, its own window id, and every `labels` change it was told of, in order. */
interface Tab {
  socket: WebSocket;
  windowId: string;
  labels: LabelsChanged[];
  nextId: number;
}

async function openTab(): Promise<Tab> {
  const socket = await wsConnect(port, `?token=${host.token}`);
  sockets.push(socket);
  const tab: Tab = { socket, windowId: newWindowId(), labels: [], nextId: 1 };
  socket.on('message', (data: WebSocket.RawData) => {
    const message = JSON.parse(String(data)) as WsServerMessage;
    if (message.type === 'event' && message.event === 'project:changed' && (message.payload as ProjectChanged).change === 'labels') tab.labels.push(message.payload as LabelsChanged);
  });
  return tab;
}

/** Send a request from `tab` with its window id (or `windowId` instead) and the open session; the answer's value. */
async function send<T>(tab: Tab, channel: string, args?: unknown, windowId: unknown = tab.windowId): Promise<T> {
  const id = tab.nextId++;
  const answer = nextMessage(tab.socket, (m) => (m.type === 'response' || m.type === 'protocol-error') && m.id === id);
  tab.socket.send(JSON.stringify({ type: 'request', id, channel, args, session: workspace.session, windowId }));
  const message = await answer;
  if (message.type === 'protocol-error') throw new Error(`protocol error: ${message.message}`);
  if (message.type !== 'response') throw new Error('unexpected message');
  if (!message.result.ok) throw new Error(`${message.result.error.code}: ${message.result.error.message}`);
  return message.result.value as T;
}

/** Both tabs have been told of `count` label changes (events reach every socket before its own answer, but not the others'). */
async function told(tabs: Tab[], count: number): Promise<void> {
  for (const [k, tab] of tabs.entries()) await until(`tab ${k + 1} to be told of ${count} label changes`, () => tab.labels.length >= count);
}

describe('label changes carry the window that made them', () => {
  it('names the acting tab in the events both tabs get, for labels, undo, redo, bulk, class delete and import', async () => {
    const folder = await imageFolder(4);
    const a = await openTab();
    const b = await openTab();
    expect(a.windowId).not.toBe(b.windowId);

    const opened = await send<OpenProjectSummary>(a, 'project:open', { path: folder, create: true });
    await send(a, 'project:rescan');
    const cat = await send<ClassInfo>(a, 'classes:create', { name: 'cat' });
    const dog = await send<ClassInfo>(b, 'classes:create', { name: 'dog' });
    const page = await send<ImagePage>(a, 'images:list', { filter: { kind: 'all' }, offset: 0, limit: 10 });
    const [first, second] = page.items.map((item) => item.id);

    // tab A labels one image: both tabs hear it came from A
    await send(a, 'labels:set', { imageIds: [first], classId: cat.id });
    await told([a, b], 1);
    expect(a.labels[0]).toMatchObject({ origin: a.windowId, imported: 0, action: { imageIds: [first], classIds: [cat.id] } });
    expect(b.labels[0]).toEqual(a.labels[0]);

    // tab B replaces it: both hear B
    await send(b, 'labels:set', { imageIds: [first], classId: dog.id });
    await told([a, b], 2);
    expect(a.labels[1]).toMatchObject({ origin: b.windowId, action: { imageIds: [first], classIds: [dog.id] } });

    // B's bulk label of every image, A's undo of it and A's redo
    await send(b, 'labels:setMatching', { filter: { kind: 'all' }, exceptIds: [], classId: cat.id });
    await send(a, 'labels:undo');
    await send(a, 'labels:redo');
    await told([a, b], 5);
    expect(b.labels.slice(2, 5).map((e) => [e.origin, e.action?.imageIds.length])).toEqual([
      [b.windowId, 4],
      [a.windowId, 4],
      [a.windowId, 4],
    ]);

    // B deletes a class (its images become unlabeled), A imports labels from a file
    await send(b, 'classes:delete', { id: cat.id });
    const csv = path.join(tempDir('adma-import-'), 'labels.csv');
    const names = page.items.map((item) => item.relPath);
    fs.writeFileSync(csv, `path,class\n${names[0]},dog\n${names[1]},dog\n`);
    await send(a, 'labels:importCsv', { path: csv, createClasses: false });
    await told([a, b], 7);
    expect(a.labels[5]).toMatchObject({ origin: b.windowId, action: { classDeletion: { name: 'cat', restored: false } } });
    expect(b.labels[6]).toMatchObject({ origin: a.windowId, action: null, imported: 2 });
    expect(workspace.current!.images.get(second!).classId).toBe(dog.id);

    // Nothing secret rides along: not the token, not the session, only the ids the tabs sent.
    const heard = JSON.stringify([...a.labels, ...b.labels]);
    expect(heard).not.toContain(host.token);
    expect(heard).not.toContain(opened.session);
    expect(new Set([...a.labels, ...b.labels].map((e) => e.origin))).toEqual(new Set([a.windowId, b.windowId]));

    // The history keeps the window that made each change (undo and redo leave it): Ctrl+Z in B
    // would take back A's import, and then B's own class delete; Ctrl+Shift+Z would bring back A's import.
    expect(await send(b, 'labels:nextUndo')).toMatchObject({ window: a.windowId, importedFrom: 'labels.csv', images: 2 });
    await send(b, 'labels:undo');
    expect(await send(b, 'labels:nextUndo')).toMatchObject({ window: b.windowId, deletedClass: 'cat' });
    expect(await send(a, 'labels:nextRedo')).toMatchObject({ window: a.windowId, importedFrom: 'labels.csv' });
  });

  it('announces a change without an origin when the request names no window, and refuses a malformed window id', async () => {
    const tab = await openTab();
    const [image] = workspace.current!.images.list({ kind: 'all' }, 0, 1).items;
    await send(tab, 'labels:set', { imageIds: [image!.id], classId: null }, null);
    await told([tab], 1);
    expect(tab.labels[0]).toMatchObject({ origin: null, action: { imageIds: [image!.id] } });

    const before = workspace.current!.summary().labeledCount;
    for (const bad of ['short', 'x'.repeat(65), 'has spaces in it, no', 42, { id: 'a' }]) {
      await expect(send(tab, 'labels:set', { imageIds: [image!.id], classId: 1 }, bad)).rejects.toThrow(/protocol error: .*windowId/);
    }
    expect(workspace.current!.summary().labeledCount).toBe(before);
  });
});
