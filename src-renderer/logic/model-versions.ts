/**
 * Words about trained versions: the learning curve's points and breaks, why a version is kept,
 * and when the classifier in use is out of date (trained on another backbone, on other weights of
 * it or on features computed again since, or on fewer labels).
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
  return `The project keeps the latest ${keepLatest} versions, the best on the evaluation set, the latest on each pre-trained model (and on each set of its weights, when a model folder's files changed under the same model), and those a round began with; after each training the others are deleted. A version scored on part of the evaluation set (some of its images have no features yet) is not compared for the best until it is scored on all of them, once their features are extracted.`;
}

/** Why a version's score is not compared for the best (scored on part of the evaluation set: ModelVersionInfo.accuracy.withoutFeatures), else null. */
export function partialScoreWords(v: ModelVersionInfo): string | null {
  const left = v.accuracy?.withoutFeatures ?? 0;
  if (!v.accuracy || left <= 0) return null;
  return `scored on ${v.accuracy.evaluated} of ${v.accuracy.evaluated + left} labeled evaluation images (${left === 1 ? '1 has' : `${left} have`} no features yet): not compared for the best until scored on all`;
}

/** A version as a line of the list: "v7 · MobileNet … · 105 labels · 85.3% · 2026-11-30 14:02" ("85.3% on 80 of 100" for a score on part of the evaluation set). */
export function versionLine(v: ModelVersionInfo): string {
  const date = v.trainedAt.slice(0, 16).replace('T', ' ');
  const partOf = v.accuracy && v.accuracy.withoutFeatures > 0 ? ` on ${v.accuracy.evaluated} of ${v.accuracy.evaluated + v.accuracy.withoutFeatures}` : '';
  return `v${v.version} · ${v.backbone} · ${v.trainingLabels} labels · ${v.accuracy ? `${pct(v.accuracy.value)}${partOf}` : 'accuracy unknown'} · ${date}`;
}

type StalenessStatus = Pick<EngineStatus, 'modelId' | 'modelName' | 'classifier' | 'trainingLabels'> & Partial<Pick<EngineStatus, 'training' | 'trainingOn' | 'features' | 'backboneRetrain' | 'featuresRetrain'>>;

/** The pre-trained model the running training uses when it is not the chosen one (chosen before, the switch came during it); else null. */
function trainingOnAnother(status: StalenessStatus): string | null {
  const on = status.training ? status.trainingOn : null;
  return on && on.modelId !== status.modelId ? on.backbone : null;
}

/** What resumes a paused or failed extraction, said after "once its features are extracted". */
function pausedWords(status: StalenessStatus): string {
  if (status.features?.state === 'unavailable') return ' (locate the model folder in Adapt)';
  return status.features?.state === 'cancelled' || status.features?.state === 'failed' ? ' (resume the extraction in Adapt)' : '';
}

/**
 * Why a classifier on the chosen model's id is out of date (EngineStatus classifier.outdated), as
 * the start of a sentence: trained on other weights than the folder holds now, or on features
 * computed again since.
 */
function outdatedWords(status: StalenessStatus, version: number, outdated: 'weights' | 'features'): string {
  if (outdated === 'weights') return `Classifier version ${version} was trained on other weights of ${status.modelName ?? 'the model in use'} than its folder holds now (chosen again as a new model)`;
  return `Classifier version ${version} learned from features that were computed again (images deeper than 8 bits are now read as the exported model reads them)`;
}

/**
 * Why the classifier in use is out of date, in one sentence ending in what to do (or what the
 * app does by itself); null when it is not (or there is none). Another backbone comes first: its
 * suggestions and an export are that backbone's until a training, which the app starts by itself
 * once the new backbone's features are extracted (EngineStatus.backboneRetrain). Then other
 * weights of the chosen model or its features computed again (classifier.outdated), retrained by
 * itself in the same way (EngineStatus.featuresRetrain).
 */
export function classifierStaleness(status: StalenessStatus | null): string | null {
  const classifier = status?.classifier;
  if (!status || !classifier) return null;
  const now = status.trainingLabels;
  if (status.modelId !== null && classifier.modelId !== status.modelId) {
    const inUse = status.modelName ?? 'the model in use';
    const was = `Classifier version ${classifier.version} was trained on ${classifier.backbone}, not on ${inUse}`;
    const before = trainingOnAnother(status);
    // A training that began before the switch runs on the model chosen then; the one on the chosen model follows it.
    if (status.backboneRetrain && before !== null) {
      const then = status.features?.state === 'complete' ? 'right after it' : `once its features are extracted${pausedWords(status)}`;
      return `${was}: a training on ${before}, begun before the switch, is finishing; a classifier on ${inUse} is trained on the labels so far ${then}; until it is ready, the suggestions are the old model's.`;
    }
    if (status.backboneRetrain && status.training) return `${was}: a classifier on ${inUse} is being trained on the labels so far; until it is ready, the suggestions are the old model's.`;
    // Features ready, the training not begun yet (the pool is prepared for it first).
    if (status.backboneRetrain && status.features?.state === 'complete') return `${was}: its features are ready and a classifier on ${inUse} is about to be trained on the labels so far; until it is ready, the suggestions are the old model's.`;
    if (status.backboneRetrain) {
      return `${was}: its suggestions are the old model's until a classifier on ${inUse} is trained on the labels so far, which starts by itself once its features are extracted${pausedWords(status)}.`;
    }
    return `${was}: its suggestions are the old model's, and it cannot be exported with this model in use, until you train (Train now, in Adapt).`;
  }
  if (classifier.outdated !== undefined) {
    const was = outdatedWords(status, classifier.version, classifier.outdated);
    const until = "until it is ready, the suggestions are the old version's";
    if (status.featuresRetrain && status.training) return `${was}: a new version is being trained on the labels so far; ${until}.`;
    // Features ready, the training not begun yet (the pool is prepared for it first).
    if (status.featuresRetrain && status.features?.state === 'complete') return `${was}: the features are ready and a new version is about to be trained on the labels so far; ${until}.`;
    if (status.featuresRetrain) {
      return `${was}: its suggestions are the old version's until a new version is trained on the labels so far, which starts by itself once the features are extracted${pausedWords(status)}.`;
    }
    const exported = classifier.outdated === 'weights' ? ', and it cannot be exported with the files the folder holds now,' : '';
    return `${was}: its suggestions are the old version's${exported} until you train (Train now, in Adapt).`;
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
export function classifierStalenessShort(status: StalenessStatus | null): string | null {
  const classifier = status?.classifier;
  if (!status || !classifier || classifierStaleness(status) === null) return null;
  if (status.modelId !== null && classifier.modelId !== status.modelId) {
    if (!status.backboneRetrain) return `trained on ${classifier.backbone} — Train now`;
    const chosen = status.modelName ?? 'the new model';
    const before = trainingOnAnother(status);
    if (before !== null) return `trained on ${classifier.backbone} — training on ${before}, then on ${chosen}`;
    if (status.training) return `trained on ${classifier.backbone} — training on ${chosen}…`;
    return status.features?.state === 'complete' ? `trained on ${classifier.backbone} — about to train on ${chosen}` : `trained on ${classifier.backbone} — retrains by itself once features are ready`;
  }
  if (classifier.outdated !== undefined) {
    const on = classifier.outdated === 'weights' ? 'trained on other weights' : 'trained on features computed again';
    if (!status.featuresRetrain) return `${on} — Train now`;
    if (status.training) return `${on} — training again…`;
    return status.features?.state === 'complete' ? `${on} — about to train again` : `${on} — retrains by itself once features are ready`;
  }
  return `trained on ${classifier.trainingLabels} of ${status.trainingLabels ?? classifier.trainingLabels} labels — Train now`;
}
