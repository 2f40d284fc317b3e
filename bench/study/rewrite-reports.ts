/**
 * Rewrites every committed result folder's report files (summary.csv/md, curves.svg,
 * rounds.csv) from its rounds.json with the current summary code, so every setting reports
 * the same metrics in the same format (labels to 95% per seed and median, classes
 * discovered, fixed plot colours) whichever version of the simulator ran it. Run before
 * study-tables.ts:
 *
 *   npx tsx bench/study/rewrite-reports.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summariseStrategies } from '../../src-main/engine/simulate/learning-curve-summary';
import type { SimulationResult } from '../../src-main/engine/simulate/run-simulation';
import { writeSimulationReport } from '../../src-main/engine/simulate/simulation-report-files';
import { ROOT, STUDY_SETTINGS } from './study-settings';

let count = 0;
for (const setting of STUDY_SETTINGS) {
  const root = join(ROOT, 'bench/results', setting.id);
  if (!existsSync(join(root, 'rounds.json'))) continue;
  const subs = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'rounds.json')))
    .map((entry) => ({ dir: join(root, entry.name), title: `${setting.title} · ${entry.name}` }));
  for (const { dir, title } of [{ dir: root, title: setting.title }, ...subs]) {
    const stored = JSON.parse(readFileSync(join(dir, 'rounds.json'), 'utf8')) as SimulationResult;
    const result: SimulationResult = { ...stored, summary: summariseStrategies(stored.rounds, stored.references) };
    await writeSimulationReport(result, dir, title);
    count++;
  }
}
process.stdout.write(`rewrote the reports of ${count} result folders\n`);
