/**
 * Fault script: label every image of a project one by one (as an expert would), delete the
 * -wal file half-way, then die by SIGKILL without closing. Prints "labeled <n>" before dying.
 */
import fs from 'node:fs';
import { Project } from '../../../src-main/project/project';
import { projectDbPath } from '../../../src-main/project/project-db';

const project = Project.open(process.argv[2] as string, false);
const ids = project.images.list({ kind: 'all' }, 0, 10_000).items.map((i) => i.id);
const classId = project.classes.list()[0]!.id;
const half = Math.floor(ids.length / 2);
ids.forEach((id, i) => {
  if (i === half) fs.rmSync(`${projectDbPath(project.root)}-wal`);
  project.setLabels([id], classId);
});
process.stdout.write(`labeled ${ids.length}\n`);
process.kill(process.pid, 'SIGKILL');
