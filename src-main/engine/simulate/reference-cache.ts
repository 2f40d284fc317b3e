/**
 * Training on every pool label is the most expensive step of a seed and does not depend on
 * the strategies, the batch size or the schedule: its record is kept in a JSON file per
 * (model, mode, data, split, seed) key, so tuning runs over the same data reuse it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReferenceRecord } from './simulation-records';

export interface ReferenceKeyParts {
  modelId: string;
  mode: string;
  testFraction: number;
  seed: number;
  normalize: boolean;
  /** Pool-centre options when not the defaults (they change the D diagnostics). */
  poolCentres?: object;
  /** D's pooling when not global. */
  pooling?: string;
  /** The light head's penalty when not the fixed default ('cross-validation': quality/l2-choice.ts). */
  l2?: string;
  /** The light head learned each label in its symmetry views. */
  symmetries?: boolean;
  paths: readonly string[];
  labels: ArrayLike<number>;
}

export function referenceKey(parts: ReferenceKeyParts): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([parts.modelId, parts.mode, parts.testFraction, parts.seed, parts.normalize, ...(parts.poolCentres ? [parts.poolCentres] : []), ...(parts.pooling ? [parts.pooling] : []), ...(parts.l2 ? [`l2 ${parts.l2}`] : []), ...(parts.symmetries ? ['symmetries'] : [])]));
  parts.paths.forEach((path, i) => hash.update(`${path}\t${parts.labels[i]}\n`));
  return hash.digest('hex').slice(0, 24);
}

export class ReferenceCacheDir {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, `reference-${key}.json`);
  }

  get(key: string): ReferenceRecord | undefined {
    const file = this.file(key);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ReferenceRecord;
    } catch {
      return undefined;
    }
  }

  set(key: string, record: ReferenceRecord): void {
    mkdirSync(this.dir, { recursive: true });
    const file = this.file(key);
    writeFileSync(`${file}.tmp`, JSON.stringify(record));
    renameSync(`${file}.tmp`, file);
  }
}
