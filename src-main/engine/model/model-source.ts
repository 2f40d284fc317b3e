/** Where a model comes from: what the worker's jobs, the CLI and the app's model choice name. */
import type { OnnxPreprocessing } from '../../../src-shared/contract';
import type { ModelDescriptor } from './descriptor';
import type { LayerChoice } from './load-model';
import type { ResizeMode } from '../preprocess/decode-image';

export type ModelSource =
  | {
      kind: 'folder';
      path: string;
      /** Required for graphs that are neither MobileNet v1 nor carry an adma-model.json. */
      layers?: LayerChoice;
      normalization?: ModelDescriptor['normalization'];
      resize?: ResizeMode;
      /** Preprocessing of an ONNX model folder. */
      onnx?: OnnxPreprocessing;
      /** The folder name its id keeps after a rename (LoadModelOptions.idFolderName). */
      idFolderName?: string;
    }
  /** A known model by id, or any model.json URL; either must have been downloaded (downloadModel). */
  | { kind: 'known'; id: string; cacheRoot?: string }
  | { kind: 'url'; url: string; cacheRoot?: string }
  | { kind: 'starter'; resourcesDir?: string };

