/** The models a project can adapt, and how a user's choice maps to the engine's model source. */
import type { ModelChoice, ModelOption } from '../../src-shared/contract';
import { KNOWN_MODELS } from '../engine/model/known-models';
import { defaultModelCacheRoot, installedModelDir } from '../engine/model/model-download';
import type { ModelSource } from '../engine/model/model-source';

export interface ModelPlaces {
  /** Where downloaded models are kept (default: the user's cache folder). */
  cacheRoot?: string;
  /** Resources folder of a packaged app (starter model, demo set). */
  resourcesDir?: string;
}

export function isModelInstalled(id: string, places: ModelPlaces): boolean {
  const known = KNOWN_MODELS.find((m) => m.id === id);
  return known !== undefined && installedModelDir(known, places.cacheRoot ?? defaultModelCacheRoot()) !== null;
}

export function modelOptions(places: ModelPlaces): ModelOption[] {
  return [
    {
      choice: { kind: 'starter' },
      name: 'Starter model (built in)',
      description: 'A small CNN pre-trained on Fashion-MNIST (28x28 grayscale). Works offline; best for small grayscale images such as the demo digits.',
      downloadBytes: 0,
      hashesPinned: true,
    },
    ...KNOWN_MODELS.map(
      (m): ModelOption => ({
        choice: { kind: 'known', id: m.id },
        name: m.name,
        description: `Google's ImageNet MobileNet v1 (1000 classes), for photographs. ${m.sha256 ? 'Files verified against hashes built into ADMA Studio.' : 'Hashes not pinned: the download is checked by loading it.'}`,
        downloadBytes: isModelInstalled(m.id, places) ? 0 : m.approxBytes,
        hashesPinned: m.sha256 !== null,
      }),
    ),
  ];
}

export function modelSource(choice: ModelChoice, places: ModelPlaces): ModelSource {
  switch (choice.kind) {
    case 'starter':
      return places.resourcesDir ? { kind: 'starter', resourcesDir: places.resourcesDir } : { kind: 'starter' };
    case 'known':
      return places.cacheRoot ? { kind: 'known', id: choice.id, cacheRoot: places.cacheRoot } : { kind: 'known', id: choice.id };
    case 'folder':
      return { kind: 'folder', path: choice.path, ...(choice.layers ? { layers: choice.layers } : {}), ...(choice.onnx ? { onnx: choice.onnx } : {}) };
  }
}
