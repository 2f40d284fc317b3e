/**
 * Regenerates the tables of bench/STUDY.md from the committed results, between markers
 * `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`:
 *   headline   ALC and labels-to-95% of every strategy in every setting (main runs, plus
 *              strategies run apart into results/<setting>/<subfolder>/)
 *   settings   each setting's summary.md (and those of its subfolder runs)
 *   discovery  classes with a label after 10 / 20 / 50 labels, per strategy (multi-class sets)
 *   default    bench/results/paired-default.md (the product default against every baseline)
 *   paired     bench/results/paired-alc.md
 *   spreading  bench/results/spreading.md (spreading-tables.ts: label spreading, the extended budget)
 * The prose around them is written by hand. Run after run-study.ts, rewrite-reports.ts and
 * paired-alc.ts:
 *
 *   npx tsx bench/study/study-tables.ts
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STRATEGY_NAMES } from '../../src-main/engine/adma/query-strategy';
import { ROOT, STUDY_SETTINGS } from './study-settings';

const RESULTS = join(ROOT, 'bench/results');
const STUDY = join(ROOT, 'bench/STUDY.md');

type SummaryRow = Record<string, string>;

function readCsv(file: string): SummaryRow[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const keys = (header ?? '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [keys[i], value])));
}

/** Result folders of a setting: the main run first, then runs kept in subfolders with their own summary. */
function runFolders(settingId: string): { dir: string; sub: string | null }[] {
  const root = join(RESULTS, settingId);
  if (!existsSync(join(root, 'summary.csv'))) return [];
  const subs = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'summary.csv')))
    .map((entry) => ({ dir: join(root, entry.name), sub: entry.name }));
  return [{ dir: root, sub: null }, ...subs];
}

const present = STUDY_SETTINGS.filter((s) => runFolders(s.id).length > 0);
const rows = new Map<string, SummaryRow>();
for (const setting of present) {
  for (const { dir } of runFolders(setting.id)) {
    for (const row of readCsv(join(dir, 'summary.csv'))) rows.set(`${setting.id}/${row.strategy}`, row);
  }
}

function headline(): string {
  const shortTitle = (title: string): string => title.replace('MobileNet v1', 'MobileNet').replace(' (Fashion-MNIST)', '');
  const out = [
    `| strategy | ${present.map((s) => `[${shortTitle(s.title)}](results/${s.id}/curves.svg)`).join(' | ')} |`,
    `|---|${present.map(() => '---|').join('')}`,
  ];
  const best = new Map(present.map((s) => [s.id, Math.max(...STRATEGY_NAMES.map((name) => Number(rows.get(`${s.id}/${name}`)?.alc_mean ?? -1)))]));
  for (const name of STRATEGY_NAMES) {
    const cells = present.map((s) => {
      const row = rows.get(`${s.id}/${name}`);
      if (!row) return 'not run';
      let alc = `${Number(row.alc_mean).toFixed(3)} ± ${Number(row.alc_std).toFixed(3)}`;
      if (Number(row.alc_mean) === best.get(s.id)) alc = `**${alc}**`;
      const median = row.labels_to_95_median ? Number(row.labels_to_95_median).toFixed(0) : '> 200';
      return `${alc}; ${median} (${row.reached}/${row.seeds})`;
    });
    out.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  const references = present.map((s) => {
    const { references, meta } = JSON.parse(readFileSync(join(RESULTS, s.id, 'rounds.json'), 'utf8')) as {
      references: { testAccuracy: number }[];
      meta: { seconds: number; strategies: string[] };
    };
    const mean = references.reduce((sum, r) => sum + r.testAccuracy, 0) / references.length;
    return `${shortTitle(s.title)}: ${(100 * mean).toFixed(1)}% (${references.length} seeds; ${meta.strategies.length} strategies in ${meta.seconds < 120 ? `${Math.round(meta.seconds)} s` : `${Math.round(meta.seconds / 60)} min`})`;
  });
  out.push('', `All-labels reference accuracy (mean over seeds) and wall time of each main run: ${references.join('; ')}.`);
  return out.join('\n');
}

/** Classes with at least one label after 10, 20 and 50 labels (mean over seeds), multi-class settings. */
function discovery(): string {
  const multi = present.filter((s) => {
    const { meta } = JSON.parse(readFileSync(join(RESULTS, s.id, 'rounds.json'), 'utf8')) as { meta: { classes: string[] } };
    return meta.classes.length > 2;
  });
  const out = [`| strategy | ${multi.map((s) => s.title.replace('MobileNet v1', 'MobileNet')).join(' | ')} |`, `|---|${multi.map(() => '---|').join('')}`];
  for (const name of STRATEGY_NAMES) {
    const cells = multi.map((s) => {
      const row = rows.get(`${s.id}/${name}`);
      if (!row || row.classes_at_10 === undefined) return 'not run';
      return [row.classes_at_10, row.classes_at_20, row.classes_at_50].map((v) => (v ? Number(v).toFixed(1) : '–')).join(' / ');
    });
    out.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  const classes = multi.map((s) => {
    const { meta } = JSON.parse(readFileSync(join(RESULTS, s.id, 'rounds.json'), 'utf8')) as { meta: { classes: string[] } };
    return `${s.title.replace('MobileNet v1', 'MobileNet')}: ${meta.classes.length}`;
  });
  out.push('', `Classes in each set: ${classes.join('; ')}.`);
  return out.join('\n');
}

function settings(): string {
  const parts: string[] = [];
  for (const setting of present) {
    for (const { dir, sub } of runFolders(setting.id)) {
      const rel = sub ? `${setting.id}/${sub}` : setting.id;
      const md = readFileSync(join(dir, 'summary.md'), 'utf8').trim();
      const title = sub ? `#### ${setting.title} · ${sub}, run apart` : `#### ${setting.title}`;
      parts.push(md.replace(/^### .*$/m, `${title}  ([plot](results/${rel}/curves.svg), [rounds](results/${rel}/rounds.csv))`));
    }
  }
  return parts.join('\n\n');
}

function replaceSection(doc: string, name: string, body: string): string {
  const open = `<!-- generated:${name} -->`;
  const close = `<!-- /generated:${name} -->`;
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  if (start < 0 || end < start) throw new Error(`bench/STUDY.md lacks the markers ${open} … ${close}.`);
  return `${doc.slice(0, start + open.length)}\n${body.trim()}\n${doc.slice(end)}`;
}

let doc = readFileSync(STUDY, 'utf8');
doc = replaceSection(doc, 'headline', headline());
doc = replaceSection(doc, 'settings', settings());
doc = replaceSection(doc, 'discovery', discovery());
doc = replaceSection(doc, 'default', readFileSync(join(RESULTS, 'paired-default.md'), 'utf8'));
doc = replaceSection(doc, 'paired', readFileSync(join(RESULTS, 'paired-alc.md'), 'utf8'));
if (existsSync(join(RESULTS, 'spreading.md'))) doc = replaceSection(doc, 'spreading', readFileSync(join(RESULTS, 'spreading.md'), 'utf8'));
writeFileSync(STUDY, doc);
process.stdout.write(`bench/STUDY.md: tables of ${present.length} settings regenerated\n`);
