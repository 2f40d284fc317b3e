/**
 * The source-data centres a model ships (`centresFile` of its descriptor, e.g. the starter
 * model's centres.json) as a CentreSet for distinctiveness; null for models without them
 * (ImageNet models, whose centres are estimated from the pool).
 */
import type { CentreSet } from '../adma/centre-set';
import { createFeatureMatrix } from '../adma/feature-matrix';
import { createSourceCentres } from '../adma/source-centres';
import type { LoadedModel } from './load-model';
import { modelFolderFile } from './model-folder-io';
import { readCentresFile } from '../starter/centres-file';

export async function loadShippedCentreSet(loaded: LoadedModel): Promise<CentreSet | null> {
  const relative = loaded.descriptor.centresFile;
  if (relative === undefined) return null;
  const file = await readCentresFile(await modelFolderFile(loaded.dir, relative, 'the model descriptor (centresFile)'));
  const k = file.centres.length;
  const dA = file.centres[0]?.layerA.length ?? 0;
  const dB = file.centres[0]?.layerB.length ?? 0;
  const a = new Float32Array(k * dA);
  const b = new Float32Array(k * dB);
  file.centres.forEach((centre, j) => {
    a.set(centre.layerA, j * dA);
    b.set(centre.layerB, j * dB);
  });
  return createSourceCentres({
    featuresA: createFeatureMatrix(a, k, dA),
    featuresB: createFeatureMatrix(b, k, dB),
    sourceClasses: file.centres.map((centre) => centre.sourceClass),
  });
}
