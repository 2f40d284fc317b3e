/**
 * A bulk label (Ctrl+A over 40,000 images) or its undo, running in the label writer thread,
 * with the process killed (SIGKILL) at moments from the start of its transaction to after its
 * commit: on reopening, each image has either every label of the action or none of it, the
 * history and the undo stack agree with that, and the database passes SQLite's check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Project } from '../../src-main/project/project';
import { imageFolder, tempDir } from '../support/image-folder';
import { addSyntheticImages } from '../support/synthetic-images';
import { runScript } from './support/child';

const IMAGES = 40_000;

interface Outcome {
  ant: number;
  bee: number;
  history: number;
  done: number;
}

async function outcomeOf(root: string): Promise<Outcome> {
  const project = Project.open(root, false);
  try {
    expect(project.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const count = (sql: string): number => project.db.prepare(sql).pluck().get() as number;
    const classId = (name: string): number => project.classes.list().find((c) => c.name === name)!.id;
    return {
      ant: count(`SELECT COUNT(*) FROM labels WHERE class_id = ${classId('ant')}`),
      bee: count(`SELECT COUNT(*) FROM labels WHERE class_id = ${classId('bee')}`),
      history: count('SELECT COUNT(*) FROM label_history'),
      done: count("SELECT COUNT(*) FROM label_actions WHERE state = 'done'"),
    };
  } finally {
    await project.close();
  }
}

describe('a bulk label in the label writer thread, the process killed mid-way', () => {
  it('leaves every action whole or absent, whatever the moment', { timeout: 600_000 }, async () => {
    const template = await imageFolder(1);
    const setup = Project.open(template, true);
    await setup.rescan();
    addSyntheticImages(setup.db, IMAGES - 1);
    const ant = setup.classes.create('ant', undefined);
    setup.classes.create('bee', undefined);
    await setup.writeLabels({ kind: 'setMatching', filter: { kind: 'all' }, exceptIds: [], classId: ant.id });
    await setup.close();

    const before: Outcome = { ant: IMAGES, bee: 0, history: IMAGES, done: 1 };
    const relabeled: Outcome = { ant: 0, bee: IMAGES, history: 2 * IMAGES, done: 2 };
    const undone: Outcome = { ant: 0, bee: 0, history: 2 * IMAGES, done: 0 };
    const seen: string[] = [];
    for (const [what, after] of [
      ['bee', relabeled],
      ['undo', undone],
    ] as const) {
      for (const delay of [0, 150, -1]) {
        const root = path.join(tempDir(), 'project');
        fs.cpSync(template, root, { recursive: true });
        fs.rmSync(path.join(root, '.adma', 'lock.db'), { force: true });
        const child = runScript('bulk-label-then-die.ts', [root, what]);
        await child.line(delay < 0 ? 'done' : 'writing');
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        child.process.kill('SIGKILL');
        await child.exited;
        const outcome = await outcomeOf(root);
        expect([before, after]).toContainEqual(outcome);
        seen.push(`${what} ${delay}: ${outcome.history === before.history ? 'none' : 'all'}`);
      }
    }
    // Killed at the start of the transaction nothing was saved; after the commit, everything.
    expect(seen).toContain('bee 0: none');
    expect(seen).toContain('bee -1: all');
    expect(seen).toContain('undo 0: none');
    expect(seen).toContain('undo -1: all');
  });
});
