/**
 * Fault script: export labels and the image folder, and die by SIGKILL after `after` images
 * are copied (a kill -9 in the middle of an export, at a deterministic point).
 */
import fsp from 'node:fs/promises';
import { Project } from '../../../src-main/project/project';
import { exportService } from './export-service';

const [root, destination, after] = process.argv.slice(2) as [string, string, string];
const project = Project.open(root, false);
const copyFile = fsp.copyFile.bind(fsp);
let copied = 0;
fsp.copyFile = async (...args: Parameters<typeof fsp.copyFile>) => {
  if (copied === Number(after)) {
    process.stdout.write(`dying after ${copied}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
  copied += 1;
  return copyFile(...args);
};
void exportService(project).export({ destination, model: false, labelsCsv: true, labelsJson: true, imageFolder: true });
