/** Fault script: open a project and hold it until killed (prints "held"). */
import { Project } from '../../../src-main/project/project';

const project = Project.open(process.argv[2] as string, false);
process.stdout.write(`held ${project.root}\n`);
// The timer keeps the project reachable: nothing else refers to it, and a collected Project
// would close its lock database (better-sqlite3 closes on garbage collection) and drop the OS
// lock while this holder still runs, which a loaded CI once saw as a second open succeeding.
setInterval(() => project.root, 60_000);
