/**
 * Large label writes (Ctrl+A over a big project, its undo and redo) run in the label writer
 * thread on its own connection: same results as on the host's thread, one action, in order
 * with the label writes around them, and readers on the host see all of an action or none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BULK_LABEL_IMAGES, Project } from '../../../src-main/project/project';
import { scannedProject } from '../../support/scanned-project';
import { addSyntheticImages } from '../../support/synthetic-images';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

const TOTAL = BULK_LABEL_IMAGES + 1000;

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('no error');
}

async function bigProject() {
  const { project, ids } = await scannedProject(2, projects);
  addSyntheticImages(project.db, TOTAL - ids.length);
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  return { project, ids, ant, bee };
}

/** Changes made through the host's own connection (SQLite counts them per connection). */
const hostChanges = (project: Project): number => project.db.prepare('SELECT total_changes()').pluck().get() as number;
const historyRows = (project: Project): number => project.db.prepare('SELECT COUNT(*) FROM label_history').pluck().get() as number;

describe('the label writer thread', () => {
  it('applies a Ctrl+A label, its undo and redo off the host connection, as one action each', async () => {
    const { project, ant } = await bigProject();
    const before = hostChanges(project);
    const action = await project.writeLabels({ kind: 'setMatching', filter: { kind: 'all' }, exceptIds: [], classId: ant.id });
    expect(action.imageIds).toHaveLength(TOTAL);
    expect(project.summary().labeledCount).toBe(TOTAL);
    expect(historyRows(project)).toBe(TOTAL);
    expect(hostChanges(project)).toBe(before);
    const undone = await project.writeLabels({ kind: 'undo' });
    expect(undone?.actionId).toBe(action.actionId);
    expect(undone?.classIds.every((c) => c === null)).toBe(true);
    expect(project.summary().labeledCount).toBe(0);
    const redone = await project.writeLabels({ kind: 'redo' });
    expect(redone?.classIds.every((c) => c === ant.id)).toBe(true);
    expect(project.summary().labeledCount).toBe(TOTAL);
    expect(hostChanges(project)).toBe(before);
    expect(await project.writeLabels({ kind: 'redo' })).toBeNull();
  });

  it('keeps the order of label writes, and the host reads all of a bulk action or none of it meanwhile', async () => {
    const { project, ids, ant, bee } = await bigProject();
    const bulk = project.writeLabels({ kind: 'setMatching', filter: { kind: 'all' }, exceptIds: [], classId: ant.id });
    const single = project.writeLabels({ kind: 'set', imageIds: [ids[0]!], classId: bee.id });
    let done = false;
    void bulk.finally(() => (done = true));
    const seen = new Set<number>();
    let reads = 0;
    while (!done) {
      seen.add(project.summary().labeledCount);
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await single;
    expect(reads).toBeGreaterThan(0);
    expect([...seen].every((n) => n === 0 || n === TOTAL)).toBe(true);
    expect(project.images.get(ids[0]!).classId).toBe(bee.id);
    expect(project.images.get(ids[1]!).classId).toBe(ant.id);
    // The single label came after the bulk one: undo takes it back first.
    await project.writeLabels({ kind: 'undo' });
    expect(project.images.get(ids[0]!).classId).toBe(ant.id);
  });

  it('commits a single label on the host, unless another thread is writing: then in the label writer thread', async () => {
    const { project, ids, ant, bee } = await bigProject();
    let before = hostChanges(project);
    await project.writeLabels({ kind: 'set', imageIds: [ids[0]!], classId: ant.id });
    expect(hostChanges(project)).toBeGreaterThan(before);
    let finish = (): void => {};
    const other = project.whileOtherThreadWrites(() => new Promise<void>((resolve) => (finish = resolve)));
    before = hostChanges(project);
    await project.writeLabels({ kind: 'set', imageIds: [ids[1]!], classId: bee.id });
    expect(hostChanges(project)).toBe(before);
    expect(project.images.get(ids[1]!).classId).toBe(bee.id);
    finish();
    await other;
    await project.writeLabels({ kind: 'set', imageIds: [ids[1]!], classId: ant.id });
    expect(hostChanges(project)).toBeGreaterThan(before);
  });

  it('refuses a bulk label that names a missing image or a deleted class, saving nothing', async () => {
    const { project, ids, ant } = await bigProject();
    const many = project.images.idsMatching({ kind: 'all' });
    const missing = await rejection(project.writeLabels({ kind: 'set', imageIds: [...many, 999_999_999], classId: ant.id }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
    expect(missing.message).toMatch(/no longer in the project/);
    const gone = await rejection(project.writeLabels({ kind: 'setMatching', filter: { kind: 'all' }, exceptIds: [], classId: 12345 }));
    expect(gone).toMatchObject({ code: 'NOT_FOUND' });
    expect(project.summary().labeledCount).toBe(0);
    expect(historyRows(project)).toBe(0);
    // The writer still works after a refusal.
    await project.writeLabels({ kind: 'set', imageIds: many.slice(0, BULK_LABEL_IMAGES + 1), classId: ant.id });
    expect(project.summary().labeledCount).toBe(BULK_LABEL_IMAGES + 1);
    expect(project.images.get(ids[0]!).classId).toBe(ant.id);
  });
});
