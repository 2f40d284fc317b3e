/**
 * Regenerates the tables of bench/STUDY.md from the committed results, between markers
 * `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`:
 *   headline   ALC and labels-to-95% of every strategy in every setting, over the main run's
 *              20 rounds; each strategy's curves from today's runs where they exist, else the
 *              main run (study-runs.ts: the default's current rule from least-sure-per-group/)
 *   settings   each setting's table of those curves (written with its plot to
 *              results/<setting>/combined/), and links to every other run of the setting
 *   discovery  classes with a label after 10 / 20 / 50 labels, per strategy (multi-class sets)
 *   budget     labels to 95% of the all-labels accuracy measured to the end
 *              (results/<setting>/budget-to-95/ and its subfolders), paired per seed with random
 *   budget-ten-seeds  the same over seeds 0–9 where seeds-5-9/budget-to-95/ exists
 *   default    bench/results/paired-default.md (the product default against every baseline)
 *   goal-a     bench/results/goal-a.md (paired-alc.ts: issue 9's goal (a), per setting)
 *   more-seeds bench/results/paired-more-seeds.md (paired-alc.ts: the default on seeds 5–9)
 *   paired     bench/results/paired-alc.md
 *   spreading  bench/results/spreading.md (spreading-tables.ts: label spreading, the extended budget)
 *   l2-cv-*    bench/results/l2-cv-*.md (l2-cv-tables.ts: the light head's penalty chosen by cross-validation)
 *   external-* the headline, default, goal-a, more-seeds, discovery, budget(-ten-seeds) and settings tables
 *              of the settings outside ../shared (EXTERNAL_SETTINGS), in their own section
 * The prose around them is written by hand. Run after run-study.ts, rewrite-reports.ts and
 * paired-alc.ts:
 *
 *   npx tsx bench/study/study-tables.ts
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECOMMENDED_STRATEGY } from '../../src-shared/contract';
import { STRATEGY_NAMES } from '../../src-main/engine/adma/query-strategy';
import { formatLabelsToTarget, meanStd, medianLabelsToTarget, summariseStrategies, type StrategySummary } from '../../src-main/engine/simulate/learning-curve-summary';
import { curveSeries, learningCurveSvg } from '../../src-main/engine/simulate/learning-curve-svg';
import type { SimulationResult } from '../../src-main/engine/simulate/run-simulation';
import { summaryMarkdown } from '../../src-main/engine/simulate/simulation-report-files';
import { describeSources, readRun, RESULTS, studyRun, type StudyRun } from './study-runs';
import { EXTERNAL_SETTINGS, ROOT, STUDY_SETTINGS, type StudySetting } from './study-settings';

const STUDY = join(ROOT, 'bench/STUDY.md');

interface Present {
  setting: StudySetting;
  run: StudyRun;
}
const presentOf = (settings: readonly StudySetting[]): Present[] =>
  settings.flatMap((setting) => {
    const run = studyRun(setting.id);
    return run ? [{ setting, run }] : [];
  });
const studySets = presentOf(STUDY_SETTINGS);
const external = presentOf(EXTERNAL_SETTINGS);
const shortTitle = (title: string): string => title.replace('MobileNet v1', 'MobileNet').replace(' (Fashion-MNIST)', '');
/** Where a setting's table and plot live: combined/ when any curve comes from a later run. */
const fromMainOnly = (run: StudyRun): boolean => [...run.sources.values()].every((source) => source === 'main run');
const plotFolder = (setting: StudySetting, run: StudyRun): string => (fromMainOnly(run) ? setting.id : `${setting.id}/combined`);
const summaryOf = (run: StudyRun, name: string): StrategySummary | undefined => run.summary.find((s) => s.strategy === name);

function headline(present: Present[]): string {
  const out = [
    `| strategy | ${present.map(({ setting, run }) => `[${shortTitle(setting.title)}](results/${plotFolder(setting, run)}/curves.svg)`).join(' | ')} |`,
    `|---|${present.map(() => '---|').join('')}`,
  ];
  const best = new Map(present.map(({ setting, run }) => [setting.id, Math.max(...run.summary.map((s) => Number(s.alc.mean.toFixed(3))))]));
  for (const name of STRATEGY_NAMES.filter((n) => present.some(({ run }) => summaryOf(run, n)))) {
    const cells = present.map(({ setting, run }) => {
      const s = summaryOf(run, name);
      if (!s) return 'not run';
      let alc = `${s.alc.mean.toFixed(3)} ± ${s.alc.std.toFixed(3)}`;
      if (Number(s.alc.mean.toFixed(3)) === best.get(setting.id)) alc = `**${alc}**`;
      const median = medianLabelsToTarget(s.labelsToTargetBySeed);
      return `${alc}; ${median === null ? `> ${run.meta.rounds * run.meta.batch}` : median.toFixed(0)} (${s.reached}/${s.seeds})`;
    });
    out.push(`| ${name === RECOMMENDED_STRATEGY ? `**${name}** (default)` : name} | ${cells.join(' | ')} |`);
  }
  const references = present.map(({ setting, run }) => {
    const mean = meanStd(run.references.map((r) => r.testAccuracy)).mean;
    return `${shortTitle(setting.title)}: ${(100 * mean).toFixed(1)}%`;
  });
  out.push('', `All-labels reference accuracy (mean over the 5 seeds): ${references.join('; ')}.`);
  const sources = present.filter(({ run }) => !fromMainOnly(run)).map(({ setting, run }) => `${shortTitle(setting.title)}: ${describeSources(run)}`);
  if (sources.length) out.push('', `Curves not from the main run's own rounds.json (folders of \`results/<setting>/\`): ${sources.join('. ')}.`);
  return out.join('\n');
}

/** Classes with at least one label after 10, 20 and 50 labels (mean over seeds), multi-class settings. */
function discovery(present: Present[]): string {
  const multi = present.filter(({ run }) => run.meta.classes.length > 2);
  const out = [`| strategy | ${multi.map(({ setting }) => shortTitle(setting.title)).join(' | ')} |`, `|---|${multi.map(() => '---|').join('')}`];
  for (const name of STRATEGY_NAMES.filter((n) => multi.some(({ run }) => summaryOf(run, n)))) {
    const cells = multi.map(({ run }) => {
      const s = summaryOf(run, name);
      return s ? s.classesDiscovered.map((c) => (Number.isFinite(c.mean) ? c.mean.toFixed(1) : '–')).join(' / ') : 'not run';
    });
    out.push(`| ${name === RECOMMENDED_STRATEGY ? `**${name}** (default)` : name} | ${cells.join(' | ')} |`);
  }
  out.push('', `Classes in each set: ${multi.map(({ setting, run }) => `${shortTitle(setting.title)}: ${run.meta.classes.length}`).join('; ')}.`);
  return out.join('\n');
}

/**
 * Runs whose typical-margin is not the default's current rule: the main run and the re-run of
 * 2026-11-30 ran its rule before that date; rule-variants/ ran the rules tried then.
 */
function ruleNote(sub: string, hasDefault: boolean): string {
  if (!hasDefault) return '';
  if (sub === '' || sub === 'rerun-2026-11-30') return ` (${RECOMMENDED_STRATEGY}: its rule before 2026-11-30)`;
  if (sub.startsWith('rule-variants/')) return ` (${RECOMMENDED_STRATEGY}: a rule tried on 2026-11-30, not the default's)`;
  return '';
}

/** Other result folders of a setting (runs apart, re-runs, rule variants, budget runs), as links. */
function otherRuns(settingId: string): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    const dir = join(RESULTS, settingId, rel);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      // combined/ is this script's own output; tuning/ (the first study's grid) is linked by its table.
      if (!entry.isDirectory() || entry.name === 'combined' || entry.name === 'tuning') continue;
      const sub = rel ? `${rel}/${entry.name}` : entry.name;
      if (existsSync(join(dir, entry.name, 'summary.md'))) found.push(sub);
      walk(sub);
    }
  };
  walk('');
  return found.sort();
}

function settings(present: Present[]): string {
  const parts: string[] = [];
  for (const { setting, run } of present) {
    const folder = plotFolder(setting, run);
    let md = summaryMarkdown(run, setting.title).trim();
    md = md.replace(/^### .*$/m, `#### ${setting.title}  ([plot](results/${folder}/curves.svg))`);
    if (!fromMainOnly(run)) {
      md = md.replace(/ \d+ s in all\./, ` Curves: ${describeSources(run)}; the rest from the main run.`);
      mkdirSync(join(RESULTS, folder), { recursive: true });
      writeFileSync(join(RESULTS, folder, 'summary.md'), `${md.replace(/^#### .*$/m, `### ${setting.title}: the study's curves`)}\n`);
      writeFileSync(join(RESULTS, folder, 'curves.svg'), learningCurveSvg(`${setting.title} (study tables)`, curveSeries(run.rounds), run.references));
    }
    const hasDefault = (sub: string): boolean => readFileSync(join(RESULTS, setting.id, sub, 'summary.md'), 'utf8').includes(`${RECOMMENDED_STRATEGY}`);
    const others = otherRuns(setting.id).map((sub) => `[${sub}](results/${setting.id}/${sub}/summary.md)${ruleNote(sub, hasDefault(sub))}`);
    if (existsSync(join(RESULTS, setting.id, 'tuning/tuning.md'))) others.push(`[tuning](results/${setting.id}/tuning/tuning.md)`);
    parts.push(`${md}\n\nRuns of this setting: [main run](results/${setting.id}/summary.md)${ruleNote('', hasDefault(''))} ([rounds](results/${setting.id}/rounds.csv))${others.length ? `, ${others.join(', ')}` : ''}.`);
  }
  return parts.join('\n\n');
}

/** Runs to 95% of the all-labels accuracy: budget-to-95/ and its subfolders, merged per setting. */
function budgetRun(settingId: string): SimulationResult | null {
  const root = join(RESULTS, settingId, 'budget-to-95');
  const base = readRun(root);
  if (!base) return null;
  const rounds = [...base.rounds];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const sub = entry.isDirectory() ? readRun(join(root, entry.name)) : null;
    if (!sub) continue;
    if (JSON.stringify(sub.references.map((r) => [r.seed, r.testAccuracy])) !== JSON.stringify(base.references.map((r) => [r.seed, r.testAccuracy]))) {
      throw new Error(`${settingId}/budget-to-95/${entry.name}: its splits differ from budget-to-95/'s, so it cannot be paired with them.`);
    }
    rounds.push(...sub.rounds);
  }
  return { ...base, rounds, summary: summariseStrategies(rounds, base.references) };
}

/**
 * The runs to 95% over ten seeds: budget-to-95/ (seeds 0–4) and seeds-5-9/budget-to-95/ (seeds
 * 5–9, new splits), for the strategies run on both; null where the second was not run.
 */
function budgetRunTenSeeds(settingId: string): SimulationResult | null {
  const first = budgetRun(settingId);
  const second = readRun(join(RESULTS, settingId, 'seeds-5-9/budget-to-95'));
  if (!first || !second) return null;
  if (second.meta.seeds.some((seed) => first.meta.seeds.includes(seed)) || second.meta.rounds !== first.meta.rounds || second.meta.batch !== first.meta.batch) {
    throw new Error(`${settingId}/seeds-5-9/budget-to-95: its seeds overlap budget-to-95/'s or its budget differs.`);
  }
  const strategies = new Set<string>(second.meta.strategies);
  const rounds = [...first.rounds.filter((r) => strategies.has(r.strategy)), ...second.rounds];
  const references = [...first.references, ...second.references];
  return { ...first, meta: { ...first.meta, seeds: [...first.meta.seeds, ...second.meta.seeds] }, references, rounds, summary: summariseStrategies(rounds, references) };
}

function budget(present: Present[], runOf: (settingId: string) => SimulationResult | null): string {
  const out = [
    `| setting | strategy | labels to 95%: median (reached: per seed) | median ÷ random's | seeds with fewer labels than random | seeds at ≤ ½ of random's labels | seeds on which ${RECOMMENDED_STRATEGY} needs fewer / more labels |`,
    '|---|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  for (const { setting } of present) {
    const run = runOf(setting.id);
    if (!run) continue;
    const cap = run.meta.rounds * run.meta.batch;
    const random = run.summary.find((s) => s.strategy === 'random');
    if (!random) continue;
    const reference = meanStd(run.references.map((r) => r.testAccuracy)).mean;
    notes.push(`${shortTitle(setting.title)}: all-labels accuracy ${(100 * reference).toFixed(1)}% (95% of it: ${(95 * reference).toFixed(1)}%), at most ${cap} labels`);
    const randomMedian = medianLabelsToTarget(random.labelsToTargetBySeed);
    // A seed random did not get there within the cap needs more than the cap: a lower bound.
    const bySeed = (s: StrategySummary): Map<number, number> => new Map(s.seedList.map((seed, i) => [seed, s.labelsToTargetBySeed[i] ?? cap + run.meta.batch]));
    const randomBySeed = bySeed(random);
    const mineSummary = run.summary.find((s) => s.strategy === RECOMMENDED_STRATEGY);
    const defaultBySeed = mineSummary ? bySeed(mineSummary) : null;
    const againstDefault = (s: StrategySummary): string => {
      if (!defaultBySeed || s.strategy === RECOMMENDED_STRATEGY) return '–';
      const theirs = bySeed(s);
      const seeds = s.seedList.filter((seed) => defaultBySeed.has(seed));
      const fewer = seeds.filter((seed) => (defaultBySeed.get(seed) as number) < (theirs.get(seed) as number)).length;
      const more = seeds.filter((seed) => (defaultBySeed.get(seed) as number) > (theirs.get(seed) as number)).length;
      return `${fewer} / ${more} of ${seeds.length}`;
    };
    // random, the default, the goal's other baselines, then the rest in the usual order.
    const rank = (name: string): number => {
      const first = ['random', RECOMMENDED_STRATEGY, 'margin', 'coreset', 'adma'].indexOf(name);
      return first >= 0 ? first : 10 + STRATEGY_NAMES.indexOf(name as StrategySummary['strategy']);
    };
    const ordered = [...run.summary].sort((a, b) => rank(a.strategy) - rank(b.strategy));
    for (const s of ordered) {
      const name = s.strategy === RECOMMENDED_STRATEGY ? `**${s.strategy}** (default)` : s.strategy;
      const median = medianLabelsToTarget(s.labelsToTargetBySeed);
      if (s.strategy === 'random') {
        out.push(`| ${shortTitle(setting.title)} | ${name} | ${formatLabelsToTarget(s, cap)} | 1 | – | – | ${againstDefault(s)} |`);
        continue;
      }
      const paired = s.seedList.map((seed, i) => ({ mine: s.labelsToTargetBySeed[i] ?? null, theirs: randomBySeed.get(seed) ?? Infinity }));
      const fewer = paired.filter((p) => p.mine !== null && p.mine < p.theirs).length;
      const half = paired.filter((p) => p.mine !== null && p.mine <= p.theirs / 2).length;
      const ratio = median !== null && randomMedian !== null ? (median / randomMedian).toFixed(2) : '–';
      out.push(`| ${shortTitle(setting.title)} | ${name} | ${formatLabelsToTarget(s, cap)} | ${ratio} | ${fewer}/${s.seeds} | ${half}/${s.seeds} | ${againstDefault(s)} |`);
    }
  }
  out.push('', `${notes.join('; ')}.`);
  return out.join('\n');
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
doc = replaceSection(doc, 'headline', headline(studySets));
doc = replaceSection(doc, 'settings', settings(studySets));
doc = replaceSection(doc, 'discovery', discovery(studySets));
doc = replaceSection(doc, 'budget', budget(studySets, budgetRun));
if (studySets.some(({ setting }) => budgetRunTenSeeds(setting.id))) doc = replaceSection(doc, 'budget-ten-seeds', budget(studySets, budgetRunTenSeeds));
if (external.length) {
  doc = replaceSection(doc, 'external-headline', headline(external));
  doc = replaceSection(doc, 'external-default', readFileSync(join(RESULTS, 'external-default.md'), 'utf8'));
  doc = replaceSection(doc, 'external-goal-a', readFileSync(join(RESULTS, 'external-goal-a.md'), 'utf8'));
  if (existsSync(join(RESULTS, 'external-more-seeds.md'))) doc = replaceSection(doc, 'external-more-seeds', readFileSync(join(RESULTS, 'external-more-seeds.md'), 'utf8'));
  doc = replaceSection(doc, 'external-discovery', discovery(external));
  if (external.some(({ setting }) => budgetRun(setting.id))) doc = replaceSection(doc, 'external-budget', budget(external, budgetRun));
  if (external.some(({ setting }) => budgetRunTenSeeds(setting.id))) doc = replaceSection(doc, 'external-budget-ten-seeds', budget(external, budgetRunTenSeeds));
  doc = replaceSection(doc, 'external-settings', settings(external));
}
doc = replaceSection(doc, 'default', readFileSync(join(RESULTS, 'paired-default.md'), 'utf8'));
doc = replaceSection(doc, 'goal-a', readFileSync(join(RESULTS, 'goal-a.md'), 'utf8'));
if (existsSync(join(RESULTS, 'paired-more-seeds.md'))) doc = replaceSection(doc, 'more-seeds', readFileSync(join(RESULTS, 'paired-more-seeds.md'), 'utf8'));
doc = replaceSection(doc, 'paired', readFileSync(join(RESULTS, 'paired-alc.md'), 'utf8'));
if (existsSync(join(RESULTS, 'spreading.md'))) doc = replaceSection(doc, 'spreading', readFileSync(join(RESULTS, 'spreading.md'), 'utf8'));
for (const name of ['l2-cv-head', 'l2-cv-goal-a', 'l2-cv-goal-b']) if (existsSync(join(RESULTS, `${name}.md`))) doc = replaceSection(doc, name, readFileSync(join(RESULTS, `${name}.md`), 'utf8'));
writeFileSync(STUDY, doc);
process.stdout.write(`bench/STUDY.md: tables of ${studySets.length} settings and ${external.length} outside ../shared regenerated\n`);
