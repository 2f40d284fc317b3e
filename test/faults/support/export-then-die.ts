/**
 * Fault script: export labels and the image folder, and die by SIGKILL after `after` images
 * are copied (a kill -9 in the middle of an export, at a deterministic point).
 */
import fsp from 'node:fs/promises';
import { Project } from '../../../src-main/project/project';
import { exportService } from './export-service';

const [root, destination, after] = process.argv.slice(2) as [string, string, string];
const project = Project.open(root, false);
// An image copy opens its target with 'wx' (labels-export.ts copyInto, which hashes as it copies):
// the next copy's open, once `after` copies are done.
const open = fsp.open.bind(fsp);
let copied = 0;
fsp.open = async (...args: Parameters<typeof fsp.open>) => {
  if (args[1] === 'wx') {
    if (copied === Number(after)) {
      process.stdout.write(`dying after ${copied}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    copied += 1;
  }
  return open(...args);
};
void exportService(project).export({ destination, model: false, labelsCsv: true, labelsJson: true, imageFolder: true });
