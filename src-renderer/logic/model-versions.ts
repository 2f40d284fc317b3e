/**
 * Words about trained versions: the learning curve's points and breaks, why a version is kept,
 * and when the classifier in use is out of date (trained on another backbone, or on fewer labels).
 */
import type { CurvePoint, EngineStatus, ModelVersionInfo, VersionKeepReason } from '../../src-shared/contract';

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** A curve point's tooltip: labels, accuracy and interval, then its version (the latest marked) and backbone. */
export function curvePointTitle(p: CurvePoint, latest: number | null): string {
  const on = p.backbone ? `, on ${p.backbone}` : '';
  return `${p.labels} labels: ${pct(p.accuracy)} (95% ${pct(p.low)}–${pct(p.high)}, ${p.evaluated} images) — version ${p.modelVersion}${p.modelVersion === latest ? ' (latest)' : ''}${on}`;
}

/** One sentence per break of the curve (a new run): the training labels went down, or the backbone changed. */
export function curveBreakWords(curve: readonly CurvePoint[]): string[] {
  const words: string[] = [];
  for (let k = 1; k < curve.length; k++) {
    const before = curve[k - 1]!;
    const p = curve[k]!;
    if ((p.run ?? 0) === (before.run ?? 0)) continue;
    if (p.modelId !== undefined && before.modelId !== undefined && p.modelId !== before.modelId) {
      words.push(`Version ${p.modelVersion} was trained on ${p.backbone ?? p.modelId}, version ${before.modelVersion} on ${before.backbone ?? before.modelId}.`);
    } else {
      words.push(`The training labels went down from ${before.labels} (version ${before.modelVersion}) to ${p.labels} (version ${p.modelVersion}).`);
    }
  }
  return words;
}

const REASON_WORDS: Record<VersionKeepReason, string> = {
  latest: 'latest',
  recent: 'one of the latest',
  best: 'best on the evaluation set',
  backbone: 'latest on its pre-trained model',
  round: 'a round began with it',
};

/** Why a version is kept, in a few words ("latest; best on the evaluation set"). */
export function keptReasonWords(reasons: readonly VersionKeepReason[]): string {
  return reasons.map((r) => REASON_WORDS[r]).join('; ');
}

/** The rule, said where versions are listed. */
export function keepRuleWords(keepLatest: number): string {
  return `The project keeps the latest ${keepLatest} versions, the best on the evaluation set, the latest on each pre-trained model, and those a round began with; after each training the others are deleted.`;
}

/** A version as a line of the list: "v7 · MobileNet … · 105 labels · 85.3% · 2026-11-30 14:02". */
export function versionLine(v: ModelVersionInfo): string {
  const date = v.trainedAt.slice(0, 16).replace('T', ' ');
  return `v${v.version} · ${v.backbone} · ${v.trainingLabels} labels · ${v.accuracy ? pct(v.accuracy.value) : 'accuracy unknown'} · ${date}`;
}

/**
 * Why the classifier in use is out of date, in one sentence ending in what to do; null when it is
 * not (or there is none). Another backbone comes first: its suggestions and an export are that
 * backbone's until a training.
 */
export function classifierStaleness(status: Pick<EngineStatus, 'modelId' | 'modelName' | 'classifier' | 'trainingLabels'> | null): string | null {
  const classifier = status?.classifier;
  if (!status || !classifier) return null;
  const now = status.trainingLabels;
  if (status.modelId !== null && classifier.modelId !== status.modelId) {
    return `Classifier version ${classifier.version} was trained on ${classifier.backbone}, not on ${status.modelName ?? 'the model in use'}: its suggestions are the old model's, and it cannot be exported with this model in use, until you train (Train now, in Adapt).`;
  }
  if (now !== undefined && now > classifier.trainingLabels) {
    return `Classifier version ${classifier.version} was trained on ${classifier.trainingLabels} of ${now} labels: Train now (Adapt) to use them all.`;
  }
  if (now !== undefined && now < classifier.trainingLabels) {
    return `Classifier version ${classifier.version} was trained on ${classifier.trainingLabels} labels; ${now} remain (some were removed or their files moved out): Train now (Adapt) to match them.`;
  }
  return null;
}

/** The same, short enough for the header's one line ("trained on 50 of 110 labels — Train now"); null when up to date. */
export function classifierStalenessShort(status: Pick<EngineStatus, 'modelId' | 'modelName' | 'classifier' | 'trainingLabels'> | null): string | null {
  const classifier = status?.classifier;
  if (!status || !classifier || classifierStaleness(status) === null) return null;
  if (status.modelId !== null && classifier.modelId !== status.modelId) return `trained on ${classifier.backbone} — Train now`;
  return `trained on ${classifier.trainingLabels} of ${status.trainingLabels ?? classifier.trainingLabels} labels — Train now`;
}
