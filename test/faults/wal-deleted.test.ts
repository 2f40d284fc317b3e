/**
 * Issue 11.17: the -wal file deleted mid-session, then the process killed. Before, every label
 * since the last automatic checkpoint (all 60) vanished; now the project checkpoints every
 * CHECKPOINT_EVERY commits, notices the missing log, rescues it and starts a new one.
 */
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../src-main/api/workspace';
import { Project } from '../../src-main/project/project';
import type { ProjectChanged } from '../../src-shared/events';
import { FakeEngine } from '../support/fake-engine';
import { CHECKPOINT_EVERY, WalGuard } from '../../src-main/project/wal-guard';
import { projectDbPath } from '../../src-main/project/project-db';
import { imageFolder, tempDir } from '../support/image-folder';
import { runScript } from './support/child';
import fs from 'node:fs';

describe('a -wal file deleted while the project is open', () => {
  it('loses at most CHECKPOINT_EVERY - 1 labels when the process then dies', async () => {
    const root = await imageFolder(60);
    const setup = Project.open(root, true);
    await setup.rescan();
    setup.classes.create('ant', undefined);
    await setup.close();

    const child = runScript('label-then-die.ts', [root]);
    expect(await child.line('labeled')).toBe('labeled 60');
    await child.exited;

    const reopened = Project.open(root, false);
    try {
      const kept = reopened.summary().labeledCount;
      expect(kept).toBeGreaterThanOrEqual(60 - (CHECKPOINT_EVERY - 1));
    } finally {
      await reopened.close();
    }
  });

  it('warns when it finds the log gone and starts a new one', async () => {
    const root = await imageFolder(3);
    const project = Project.open(root, true);
    try {
      await project.rescan();
      const ant = project.classes.create('ant', undefined);
      const warnings: string[] = [];
      const guard = new WalGuard(project.db, projectDbPath(root), (m) => warnings.push(m));
      fs.rmSync(`${projectDbPath(root)}-wal`);
      project.setLabels([1], ant.id);
      guard.checkpoint();
      guard.dispose();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/was deleted by something outside ADMA Studio.*at most 15 label changes/);
      expect(fs.existsSync(`${projectDbPath(root)}-wal`)).toBe(true);
    } finally {
      await project.close();
    }
  });

  it('tells the open windows (a project:changed warning the UI shows), not only the log', async () => {
    const root = await imageFolder(3);
    const logged: string[] = [];
    const workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: (m) => logged.push(m), createEngine: () => new FakeEngine() });
    const seen: ProjectChanged[] = [];
    workspace.events.subscribe((name, payload) => {
      if (name === 'project:changed') seen.push(payload as ProjectChanged);
    });
    try {
      await workspace.open(root, true);
      const project = workspace.requireProject();
      await project.rescan();
      const ant = project.classes.create('ant', undefined);
      fs.rmSync(`${projectDbPath(root)}-wal`);
      project.setLabels([1], ant.id);
      project.wal.checkpoint();
      const warnings = seen.filter((e): e is ProjectChanged & { change: 'warning' } => e.change === 'warning');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toMatch(/was deleted by something outside ADMA Studio/);
      expect(logged.some((m) => m === warnings[0]!.message)).toBe(true);
    } finally {
      await workspace.shutdown();
    }
  });
});
