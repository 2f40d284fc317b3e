/**
 * Which trained versions a project keeps, and why (AdaptationStore.thinVersions deletes the
 * others, ActiveLoop removes their head folders), and the name a pre-trained model is shown by.
 */
import type { VersionKeepReason } from '../../src-shared/contract';
import { findKnownModel } from '../engine/model/known-models';
import { matchRecorded } from '../engine/model/recorded-model';
import type { UsedModel, VersionRow } from './adaptation-store';

/** Versions kept as the latest ones, whatever else keeps versions. */
export const KEEP_LATEST_VERSIONS = 3;

type Scored = Pick<VersionRow, 'version' | 'modelId' | 'evalLabeled' | 'evalCorrect' | 'modelFingerprint'>;

/**
 * Whether `version` was trained on other weights of `model` than its files' recorded now: the same
 * id (a model folder's own adma-model.json keeps it over new weights, chosen again as a new model),
 * both fingerprints known, and different. A fingerprint not known (a version trained before they
 * were recorded, a project that recorded none) is never taken for other weights. Compared as a
 * folder's files are with the project's record (matchRecorded): the version is the record here.
 */
export function onOtherWeights(version: Pick<VersionRow, 'modelId' | 'modelFingerprint'>, model: { modelId: string | null; fingerprint: string | null } | null): boolean {
  if (!model?.modelId || model.fingerprint === null) return false;
  return matchRecorded({ modelId: version.modelId, fingerprint: version.modelFingerprint ?? null }, { id: model.modelId, fingerprint: model.fingerprint }) === 'other weights';
}

/**
 * Why each version is kept; a version with no reason is thinned. Kept:
 * - `latest`: the latest version (the model in use, suggesting and exported by default);
 * - `recent`: the `keepLatest - 1` versions before it;
 * - `best`: the best accuracy on the evaluation set (the latest of equals), so a better model
 *   trained earlier (on another backbone, or before labels were removed) is never lost. Only
 *   scores on every labeled evaluation image they were scored against compete: a version scored
 *   on part of them (`partial`: some had no features yet, Evaluation.partialScores) is not
 *   comparable yet, like one not scored; it neither is nor displaces the best until it is scored
 *   on all (once features are extracted), and is kept meanwhile only for another reason;
 * - `backbone`: the latest version trained on each other backbone (a switch back finds it), and
 *   on each other weights of one (onOtherWeights: the files put back and chosen again find it);
 * - `round`: a version a round was opened with (one point per batch on the learning curve).
 */
export function keepReasons(versions: readonly Scored[], roundVersions: ReadonlySet<number>, keepLatest: number, partial: ReadonlySet<number>): Map<number, VersionKeepReason[]> {
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  const reasons = new Map<number, VersionKeepReason[]>(newestFirst.map((v) => [v.version, []]));
  const add = (version: number, reason: VersionKeepReason): void => {
    const list = reasons.get(version);
    if (list && !list.includes(reason)) list.push(reason);
  };
  newestFirst.forEach((v, k) => {
    if (k === 0) add(v.version, 'latest');
    else if (k < keepLatest) add(v.version, 'recent');
  });
  let best: Scored | null = null;
  for (const v of newestFirst) {
    if (v.evalLabeled <= 0 || partial.has(v.version)) continue;
    // Newest first: an equal score later in the list is older, so the latest of equals stays.
    if (best === null || v.evalCorrect / v.evalLabeled > best.evalCorrect / best.evalLabeled + 1e-12) best = v;
  }
  if (best) add(best.version, 'best');
  // The backbones met so far, each with the weights its versions were trained with (null: not known).
  const backbones = new Map<string, Set<string | null>>();
  for (const v of newestFirst) {
    const weights = backbones.get(v.modelId);
    const fingerprint = v.modelFingerprint ?? null;
    // Weights not known are taken for any met on that backbone, and any weights for unknown ones met.
    const met = weights !== undefined && (fingerprint === null || weights.has(fingerprint) || weights.has(null));
    if (weights === undefined) backbones.set(v.modelId, new Set([fingerprint]));
    else weights.add(fingerprint);
    if (!met && v !== newestFirst[0]) add(v.version, 'backbone');
  }
  for (const v of newestFirst) if (roundVersions.has(v.version)) add(v.version, 'round');
  return reasons;
}

/**
 * The name a pre-trained model is shown by, wherever a model id is put into words (the engine
 * status, the learning curve, the version list, the export's refusals): the name the project
 * chose it under (AdaptationStore.usedModels, kept for every model it used), else a known
 * model's, else its id (only a model used before the project remembered its models, migration
 * 13, and not known by name).
 */
export function backboneName(modelId: string, used: ReadonlyMap<string, Pick<UsedModel, 'name'>>): string {
  return used.get(modelId)?.name ?? findKnownModel(modelId)?.name ?? modelId;
}
