/**
 * Writes a simulation's results to a folder:
 *   rounds.json   meta, per-seed references and every round record
 *   rounds.csv    one line per strategy, seed and round
 *   summary.csv   per strategy: ALC, labels to 95% of the reference, final accuracy (mean ± std)
 *   summary.md    the same as a Markdown table, plus the per-seed references and diagnostics
 *   curves.svg    learning curves with mean lines and ±1 std bands
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csvField } from '../../project/csv-field';
import { curveSeries, learningCurveSvg } from './learning-curve-svg';
import { formatLabelsToTarget, medianLabelsToTarget, type MeanStd } from './learning-curve-summary';
import type { SimulationResult } from './run-simulation';
import type { ReferenceRecord, RoundRecord } from './simulation-records';

export const REPORT_FILES = ['rounds.json', 'rounds.csv', 'summary.csv', 'summary.md', 'curves.svg'] as const;


const round = (value: number, digits = 4): number => Number(value.toFixed(digits));

function classMix(record: RoundRecord, classes: readonly string[]): string {
  return record.batchClassCounts.flatMap((count, c) => (count > 0 ? [`${classes[c]}:${count}`] : [])).join(';');
}

/** Shannon entropy of a batch's class counts over log(C): 1 = evenly spread over all classes, 0 = one class. */
export function classMixEntropy(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0 || counts.length < 2) return 0;
  let h = 0;
  for (const count of counts) if (count > 0) h -= (count / total) * Math.log(count / total);
  return h / Math.log(counts.length);
}

function pm(value: MeanStd, digits: number, scale = 1): string {
  if (value.n === 0 || !Number.isFinite(value.mean)) return '–';
  return `${(value.mean * scale).toFixed(digits)} ± ${(value.std * scale).toFixed(digits)}`;
}

interface StrategyDiagnostics {
  classMixEntropy: number;
  redundancyRatio: number;
  meanD: number;
}

function diagnosticsOf(result: SimulationResult, strategy: string): StrategyDiagnostics {
  const scale = new Map(result.references.map((r) => [r.seed, r.poolMeanDistanceB]));
  const mine = result.rounds.filter((r) => r.strategy === strategy);
  const ratios = mine.flatMap((r) => (r.batchMeanDistanceB !== null && (scale.get(r.seed) ?? 0) > 0 ? [r.batchMeanDistanceB / (scale.get(r.seed) as number)] : []));
  const mean = (values: number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);
  return {
    classMixEntropy: mean(mine.map((r) => classMixEntropy(r.batchClassCounts))),
    redundancyRatio: mean(ratios),
    meanD: mean(mine.map((r) => r.batchMeanDistinctiveness)),
  };
}

function roundsCsv(result: SimulationResult): string {
  const lines = ['strategy,schedule,seed,round,labels,test_accuracy,millis,select_millis,train_millis,lambda,batch_class_mix,batch_mean_distance_b,batch_mean_d,classes_seen,epochs,l2'];
  for (const r of result.rounds) {
    const schedule = r.strategy.startsWith('adma') ? result.meta.schedule : '';
    lines.push(
      [r.strategy, schedule, r.seed, r.round, r.labels, round(r.testAccuracy), Math.round(r.millis), Math.round(r.selectMillis), Math.round(r.trainMillis), r.lambda === null ? null : round(r.lambda), classMix(r, result.meta.classes), r.batchMeanDistanceB === null ? null : round(r.batchMeanDistanceB), round(r.batchMeanDistinctiveness), r.classesSeen, r.epochs, r.l2 ?? null]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function summaryCsv(result: SimulationResult): string {
  const lines = [
    'strategy,schedule,alc_mean,alc_std,labels_to_95_median,labels_to_95_by_seed,reached,seeds,final_accuracy_mean,final_accuracy_std,seconds_per_round_mean,batch_class_mix_entropy,batch_redundancy_ratio,batch_mean_d,classes_at_10,classes_at_20,classes_at_50',
  ];
  for (const s of result.summary) {
    const d = diagnosticsOf(result, s.strategy);
    const num = (v: number, digits = 4): number | null => (Number.isFinite(v) ? round(v, digits) : null);
    lines.push(
      [
        s.strategy,
        s.strategy.startsWith('adma') ? result.meta.schedule : '',
        num(s.alc.mean),
        num(s.alc.std),
        medianLabelsToTarget(s.labelsToTargetBySeed),
        s.labelsToTargetBySeed.map((v) => (v === null ? '-' : String(v))).join(' '),
        s.reached,
        s.seeds,
        num(s.finalAccuracy.mean),
        num(s.finalAccuracy.std),
        num(s.millisPerRound.mean / 1000, 3),
        num(d.classMixEntropy),
        num(d.redundancyRatio),
        num(d.meanD),
        ...s.classesDiscovered.map((c) => num(c.mean, 2)),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function referenceLine(r: ReferenceRecord): string {
  const dm = (v: number | null): string => (v === null ? '–' : v.toFixed(3));
  return `| ${r.seed} | ${r.poolSize} | ${r.testSize} | ${(100 * r.testAccuracy).toFixed(1)}% | ${r.spearmanDistinctivenessVsError.toFixed(3)} | ${dm(r.meanDistinctivenessOfErrors)} | ${dm(r.meanDistinctivenessOfCorrect)} | ${r.centres.origin} (${r.centres.count}) |`;
}

export function summaryMarkdown(result: SimulationResult, title: string): string {
  const { meta } = result;
  const out: string[] = [];
  out.push(`### ${title}`, '');
  out.push(
    `${meta.images} images, ${meta.classes.length} classes (${meta.classes.map((c, i) => `${c} ${meta.classCounts[i]}`).join(', ')}); model ${meta.model.name}; ${meta.mode} fine-tuning; ` +
      `batch ${meta.batch}, ${meta.rounds} rounds, seeds ${meta.seeds.join(', ')}, test fraction ${meta.testFraction}; ADMA schedule ${meta.schedule}, uncertainty ${meta.uncertainty}, ` +
      `${meta.normalize ? 'scale-free' : 'raw (paper)'} distances${meta.pooling === 'grid2x2' ? ' on 2x2 grid-pooled layers' : ''}. ${meta.seconds.toFixed(0)} s in all.`,
    '',
  );
  out.push('| strategy | ALC | labels to 95%: median (reached: per seed) | final accuracy | classes after 10 / 20 / 50 labels | s/round | class-mix entropy | redundancy | batch D |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  const best = Math.max(...result.summary.map((s) => s.alc.mean));
  for (const s of result.summary) {
    const d = diagnosticsOf(result, s.strategy);
    const name = s.alc.mean === best ? `**${s.strategy}**` : s.strategy;
    out.push(
      `| ${name} | ${pm(s.alc, 3)} | ${formatLabelsToTarget(s, meta.rounds * meta.batch)} | ${pm(s.finalAccuracy, 1, 100)}% | ${s.classesDiscovered.map((c) => (Number.isFinite(c.mean) ? c.mean.toFixed(1) : '–')).join(' / ')} | ${(s.millisPerRound.mean / 1000).toFixed(2)} | ${d.classMixEntropy.toFixed(2)} | ${Number.isFinite(d.redundancyRatio) ? d.redundancyRatio.toFixed(2) : '–'} | ${d.meanD.toFixed(3)} |`,
    );
  }
  out.push('');
  out.push('Reference (fine-tuned on every pool label) and how D relates to its errors on the test split:', '');
  out.push('| seed | pool | test | accuracy | Spearman(D, 1 - p_true) | mean D of errors | mean D of correct | centres |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const r of result.references) out.push(referenceLine(r));
  out.push('');
  return `${out.join('\n')}\n`;
}

function compactRecords(result: SimulationResult): unknown {
  return {
    meta: result.meta,
    references: result.references,
    summary: result.summary,
    rounds: result.rounds.map((r) => ({
      ...r,
      testAccuracy: round(r.testAccuracy, 6),
      millis: Math.round(r.millis),
      selectMillis: Math.round(r.selectMillis),
      trainMillis: Math.round(r.trainMillis),
      batchMeanDistanceB: r.batchMeanDistanceB === null ? null : round(r.batchMeanDistanceB, 5),
      batchMeanDistinctiveness: round(r.batchMeanDistinctiveness, 5),
    })),
  };
}

export async function writeSimulationReport(result: SimulationResult, outDir: string, title: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'rounds.json'), `${JSON.stringify(compactRecords(result))}\n`);
  await writeFile(join(outDir, 'rounds.csv'), roundsCsv(result));
  await writeFile(join(outDir, 'summary.csv'), summaryCsv(result));
  await writeFile(join(outDir, 'summary.md'), summaryMarkdown(result, title));
  await writeFile(join(outDir, 'curves.svg'), learningCurveSvg(title, curveSeries(result.rounds), result.references));
}
