/** Fault script: open a project and hold it until killed (prints "held"). */
import { Project } from '../../../src-main/project/project';

const project = Project.open(process.argv[2] as string, false);
process.stdout.write(`held ${project.root}\n`);
setInterval(() => {}, 60_000);
