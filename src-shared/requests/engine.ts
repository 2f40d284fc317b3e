/** The pre-trained model and feature extraction: options, inspection, choice, status. */
import { s, SchemaError, type Schema } from '../schema';
import { command, query } from './request-def';

/** Which pre-trained model a project adapts. */
export type ModelChoice =
  | { kind: 'starter' }
  | { kind: 'known'; id: string }
  | { kind: 'folder'; path: string; layers?: LayerNames };

export interface LayerNames {
  layerA: string;
  layerB: string;
  softmaxLayer: string;
  cutLayer: string;
}

export interface ModelOption {
  choice: ModelChoice;
  name: string;
  description: string;
  /** Bytes to download before first use; 0 when already on this machine. */
  downloadBytes: number;
  /** Whether the product pins this model's file hashes (downloads are verified). */
  hashesPinned: boolean;
}

export interface ModelLayer {
  name: string;
  className: string;
  outputShape: (number | null)[];
}

export interface ModelInspection {
  path: string;
  layers: ModelLayer[];
  /** Layer names detected automatically (MobileNet v1, starter), or null. */
  detected: LayerNames | null;
}

export type FeatureState = 'none' | 'running' | 'complete' | 'cancelled' | 'failed';

export interface EngineStatus {
  choice: ModelChoice | null;
  modelId: string | null;
  modelName: string | null;
  /** The TF.js backend running the engine, e.g. "WebAssembly (tfjs-backend-wasm)". */
  backend: string | null;
  features: { state: FeatureState; done: number; total: number; failed: number; message: string | null };
  /** Latest trained classifier version, 0 before the first round is trained. */
  modelVersion: number;
  training: boolean;
}

const layerNames = s.object({
  layerA: s.string({ min: 1, max: 200 }),
  layerB: s.string({ min: 1, max: 200 }),
  softmaxLayer: s.string({ min: 1, max: 200 }),
  cutLayer: s.string({ min: 1, max: 200 }),
});
const modelChoice: Schema<ModelChoice> = {
  parse(value, path = 'choice') {
    const v = s.object({
      kind: s.literal('starter', 'known', 'folder'),
      id: s.optional(s.string({ min: 1, max: 200 })),
      path: s.optional(s.string({ min: 1 })),
      layers: s.optional(layerNames),
    }).parse(value, path);
    if (v.kind === 'starter') return { kind: 'starter' };
    if (v.kind === 'known') {
      if (!v.id) throw new SchemaError(`${path}.id`, 'a model id', undefined);
      return { kind: 'known', id: v.id };
    }
    if (!v.path) throw new SchemaError(`${path}.path`, 'a folder path', undefined);
    return v.layers ? { kind: 'folder', path: v.path, layers: v.layers } : { kind: 'folder', path: v.path };
  },
};

export const engineRequests = {
  'engine:models': query(s.none(), 'app').returns<ModelOption[]>(),
  'engine:inspectFolder': query(s.object({ path: s.string({ min: 1 }) })).returns<ModelInspection>(),
  'engine:status': query(s.none()).returns<EngineStatus>(),
  /** Choose the project's pre-trained model: downloads (known models) and extracts features in the background. */
  'engine:chooseModel': command(s.object({ choice: modelChoice })).returns<EngineStatus>(),
  'engine:cancelFeatures': command(s.none()).returns<EngineStatus>(),
  'engine:resumeFeatures': command(s.none()).returns<EngineStatus>(),
} as const;
