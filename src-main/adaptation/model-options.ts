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

/**
 * Below this median shorter side (pixels) the images are judged small, like the demo digits,
 * which the built-in starter (trained on 28-pixel images) suits; from it on they are
 * photographs or scans, for which the ImageNet models give far better features (bench/STUDY.md:
 * hymenoptera and the blood cells with MobileNet). 64 leaves 28- and 32-pixel sets on the
 * starter and every photograph camera or microscope takes on MobileNet.
 */
export const PHOTO_SHORT_SIDE = 64;

/**
 * The models a project can use, one of them recommended for its images. `shortSide` is the
 * median shorter side of the project's images (null: no project open or no image indexed yet,
 * when the built-in starter is recommended because it needs nothing). For photographs the
 * recommendation is the largest hash-pinned MobileNet already on this machine, else the
 * smallest hash-pinned one to download.
 */
export function modelOptions(places: ModelPlaces, shortSide: number | null = null): ModelOption[] {
  const options = catalog(places);
  const recommended = recommendedOption(options, shortSide);
  return options.map((option) =>
    option === recommended ? { ...option, recommendation: recommendationText(option, shortSide) } : option,
  );
}

function recommendedOption(options: readonly ModelOption[], shortSide: number | null): ModelOption {
  const starter = options.find((o) => o.choice.kind === 'starter') as ModelOption;
  if (shortSide === null || shortSide < PHOTO_SHORT_SIDE) return starter;
  const pinned = options.filter((o) => o.choice.kind === 'known' && o.hashesPinned);
  const installed = pinned.filter((o) => o.downloadBytes === 0);
  // Catalog order is by size: the last installed is the largest, the first pinned the smallest.
  return installed.at(-1) ?? (pinned[0] as ModelOption);
}

function recommendationText(option: ModelOption, shortSide: number | null): string {
  if (shortSide === null) return 'Built in and works offline; the images are not indexed yet.';
  if (option.choice.kind === 'starter') return `Your images are small (about ${shortSide} px on the shorter side), like the 28-pixel images it was trained on.`;
  const which =
    option.downloadBytes === 0
      ? 'this is the largest (most accurate) one already on this computer'
      : 'this is the smallest to download; a larger one is more accurate but slower';
  return `Your images are about ${shortSide} px on the shorter side: for photographs and scans an ImageNet model gives far better features than the 28-pixel starter, and ${which}.`;
}

function catalog(places: ModelPlaces): ModelOption[] {
  return [
    {
      choice: { kind: 'starter' },
      name: 'Starter model (built in)',
      description: 'A small CNN pre-trained on Fashion-MNIST (28x28 grayscale). Works offline; best for small grayscale images such as the demo digits.',
      downloadBytes: 0,
      hashesPinned: true,
      recommendation: null,
    },
    ...KNOWN_MODELS.map(
      (m): ModelOption => ({
        choice: { kind: 'known', id: m.id },
        name: m.name,
        description: "Google's ImageNet MobileNet v1 (1000 classes), for photographs.",
        downloadBytes: isModelInstalled(m.id, places) ? 0 : m.approxBytes,
        hashesPinned: m.sha256 !== null,
        recommendation: null,
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
      return {
        kind: 'folder',
        path: choice.path,
        ...(choice.layers ? { layers: choice.layers } : {}),
        ...(choice.onnx ? { onnx: choice.onnx } : {}),
        ...(choice.idFolderName ? { idFolderName: choice.idFolderName } : {}),
      };
  }
}
