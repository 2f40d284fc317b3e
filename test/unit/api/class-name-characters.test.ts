/**
 * Control characters (NUL, ESC, other C0 and C1 controls) and text-direction controls (U+202E
 * RLO…) are refused in class names by classes:create, classes:update and imports that create
 * classes: one shared check (src-shared/class-name.ts), a clear message showing the character
 * by its code. Other characters (accents, other scripts, emoji with joiners) stay fine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import { importFile } from '../../../src-main/adaptation/labels-import';
import { classNameProblem } from '../../../src-shared/class-name';
import { appErrorOf } from '../../support/error-of';
import { FakeEngine } from '../../support/fake-engine';
import { handlerCaller } from '../../support/handler-calls';
import { imageFolder, tempDir } from '../../support/image-folder';

let workspace: Workspace | null = null;
afterEach(async () => {
  await workspace?.shutdown();
  workspace = null;
});

async function opened() {
  const root = await imageFolder(3);
  const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
  workspace = ws;
  await ws.open(root, true);
  await ws.requireProject().rescan();
  return { ws, root, call: handlerCaller(() => createHandlers(ws)) };
}

const BAD = ['ant\u0000s', 'gpj.\u202Eexe', 'red\u001B[31m', 'two\nlines', 'c1\u0085x', 'iso\u2066late'];

describe('class names with control characters', () => {
  it('the shared check refuses C0, C1 and bidi controls and accepts other text', () => {
    for (const name of BAD) expect(classNameProblem(name), JSON.stringify(name)).not.toBeNull();
    for (const name of ['ant', 'Ameisen-Königin', 'муравей', '蟻', '👩‍🔬 scientist', 'a b']) expect(classNameProblem(name), name).toBeNull();
    expect(classNameProblem('gpj.\u202Eexe')).toBe(
      'The class name "gpj.<U+202E>exe" holds U+202E (right-to-left override): a class name cannot hold control characters or text-direction controls, ' +
        'which would make it show as another name. Type the name without it.',
    );
  });

  it('classes:create and classes:update refuse them, and nothing is changed', async () => {
    const { ws, call } = await opened();
    for (const name of BAD) {
      await expect(call('classes:create', { name }), JSON.stringify(name)).rejects.toThrowError(/BAD_ARGUMENT: The class name ".*" holds U\+[0-9A-F]{4}/);
    }
    expect(ws.requireProject().classes.list()).toEqual([]);
    const ant = await call('classes:create', { name: 'ant' });
    await expect(call('classes:update', { id: ant.id, name: 'ant\u202E' })).rejects.toThrowError(/holds U\+202E \(right-to-left override\)/);
    expect(ws.requireProject().classes.list().map((c) => c.name)).toEqual(['ant']);
  });

  it('an import that would create such a class is refused whole, naming its lines', async () => {
    const { ws, root } = await opened();
    const names = fs.readdirSync(root).filter((f) => f.endsWith('.png'));
    const csv = path.join(tempDir(), 'labels.csv');
    fs.writeFileSync(csv, `path,class\n${names[0]},ant\n${names[1]},\u001B[2Jbee\n${names[2]},gpj.\u202Eexe\n`);
    const error = await appErrorOf(importFile(ws.requireProject(), csv, 'labels', true));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('lines 3: the class name "<U+001B>[2Jbee" holds U+001B (ESC, which starts terminal escape sequences)');
    expect(error.message).toContain('lines 4: the class name "gpj.<U+202E>exe" holds U+202E');
    expect(ws.requireProject().classes.list()).toEqual([]);
    expect(ws.requireProject().summary().labeledCount).toBe(0);
  });
});
