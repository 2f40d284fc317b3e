/**
 * The `centres.json` that ships beside a model built from source data (the starter model):
 * one centre per source class, with its global-average-pooled layer-A and layer-B vectors,
 * ready for the distinctiveness criterion. Written by scripts/starter-model, read here.
 */
import { MAX_MODEL_JSON_BYTES, readUserText } from '../../core/user-file';

export interface ShippedCentre {
  /** Softmax column of the source class this centre represents. */
  sourceClass: number;
  label: string;
  /** Which source instance was chosen (dataset-specific id). */
  imageId: string;
  /** The instance itself, base64 of height*width*channels bytes (small inputs only). */
  imageBase64?: string;
  /** f_A(c_k): layer A, global-average-pooled over space. */
  layerA: number[];
  /** f_B(c_k): layer B (already pooled for the starter model). */
  layerB: number[];
  /** Source instances of the class the mean was taken over. */
  classSize: number;
  /** Distance at layer B from this instance to the class mean. */
  distanceToMean: number;
  /** The class mean at layer B. */
  classMeanB: number[];
}

export interface CentresFile {
  formatVersion: 1;
  /** ModelDescriptor.id of the model these centres belong to. */
  modelId: string;
  layerA: string;
  layerB: string;
  pooling: 'global-average';
  /** How the centres were chosen, in words. */
  definition: string;
  centres: ShippedCentre[];
}

function isNumberArray(value: unknown, length?: number): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v)) && (length === undefined || value.length === length);
}

/** Check a parsed `centres.json`; throws with every problem listed. */
export function parseCentresFile(value: unknown, where: string): CentresFile {
  const problems: string[] = [];
  const file = value as Partial<CentresFile> | null;
  if (!file || typeof file !== 'object') throw new Error(`${where} is not a JSON object`);
  if (file.formatVersion !== 1) problems.push('formatVersion must be 1');
  for (const key of ['modelId', 'layerA', 'layerB', 'definition'] as const) {
    if (typeof file[key] !== 'string') problems.push(`"${key}" must be a string`);
  }
  if (file.pooling !== 'global-average') problems.push('"pooling" must be "global-average"');
  if (!Array.isArray(file.centres) || file.centres.length === 0) {
    problems.push('"centres" must be a non-empty array');
  } else {
    const dimA = file.centres[0]?.layerA?.length;
    const dimB = file.centres[0]?.layerB?.length;
    const seen = new Set<number>();
    file.centres.forEach((c, i) => {
      if (!Number.isInteger(c.sourceClass) || c.sourceClass < 0) problems.push(`centre ${i}: "sourceClass" must be a whole number >= 0`);
      else if (seen.has(c.sourceClass)) problems.push(`centre ${i}: source class ${c.sourceClass} appears twice`);
      seen.add(c.sourceClass);
      if (typeof c.label !== 'string' || typeof c.imageId !== 'string') problems.push(`centre ${i}: "label" and "imageId" must be strings`);
      if (!isNumberArray(c.layerA, dimA)) problems.push(`centre ${i}: "layerA" must be ${String(dimA)} finite numbers`);
      if (!isNumberArray(c.layerB, dimB)) problems.push(`centre ${i}: "layerB" must be ${String(dimB)} finite numbers`);
      if (!isNumberArray(c.classMeanB, dimB)) problems.push(`centre ${i}: "classMeanB" must be ${String(dimB)} finite numbers`);
    });
  }
  if (problems.length > 0) throw new Error(`${where} is not a valid centres file:\n${problems.join('\n')}`);
  return file as CentresFile;
}

export async function readCentresFile(path: string): Promise<CentresFile> {
  return parseCentresFile(JSON.parse(await readUserText(path, { what: 'a centres file', maxBytes: MAX_MODEL_JSON_BYTES })) as unknown, path);
}
