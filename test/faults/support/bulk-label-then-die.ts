/**
 * Fault script: open a project and relabel every image with the class named argv[3] (or undo
 * the last action when argv[3] is "undo") in the label writer thread, printing "writing" when
 * the thread begins its transaction and "done" after the commit. The test kills this process
 * (SIGKILL, the thread with it) at some moment in between.
 */
import { startLabelWriter } from '../../../src-main/project/label-operations';
import { Project, currentActor } from '../../../src-main/project/project';
import { projectDbPath } from '../../../src-main/project/project-db';

const root = process.argv[2] as string;
const what = process.argv[3] as string;
const project = Project.open(root, false);
const writer = startLabelWriter({ dbFile: projectDbPath(root), actor: currentActor(), announceWrites: true });
writer.onWriteStarted = () => process.stdout.write('writing\n');
const classId = project.classes.list().find((c) => c.name === what)?.id ?? null;
void writer.apply(what === 'undo' ? { kind: 'undo' } : { kind: 'setMatching', filter: { kind: 'all' }, exceptIds: [], classId }).then(() => {
  process.stdout.write('done\n');
});
