/**
 * Whether the model a folder holds now is the one a project recorded. A model folder with its
 * own adma-model.json keeps its id whatever weights sit beside it, so the id alone cannot say
 * it: the project records the files' fingerprint too (filesFingerprint of model.json and the
 * weight shards, or the .onnx graph), and a model with the recorded id but other files is not
 * the model its features and classifier were made with. Re-copied identical files have the
 * same fingerprint: the same model.
 */

/** What a project recorded of its model: the id, and the files' fingerprint (null: recorded before fingerprints were, an older project). */
export interface RecordedIdentity {
  modelId: string;
  fingerprint: string | null;
}

/** What a load found: the descriptor's id and the files' fingerprint. */
export interface LoadedIdentity {
  id: string;
  fingerprint: string;
}

/**
 * `same`: the recorded model; `adopt`: the recorded id, and no fingerprint recorded to compare
 * with (an older project: the one found is recorded, nothing said); `other model`: another id;
 * `other weights`: the recorded id with other files (the folder's weights changed).
 */
export type RecordedMatch = 'same' | 'adopt' | 'other model' | 'other weights';

export function matchRecorded(recorded: RecordedIdentity, found: LoadedIdentity): RecordedMatch {
  if (found.id !== recorded.modelId) return 'other model';
  if (recorded.fingerprint === null) return 'adopt';
  return found.fingerprint === recorded.fingerprint ? 'same' : 'other weights';
}
