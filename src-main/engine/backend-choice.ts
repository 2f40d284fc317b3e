/**
 * The backends a user can name (`--backend`, ADMA_BACKEND), in a module without TF.js so the
 * command line can check its arguments before loading anything heavy.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
/** ONNX Runtime for inference (and the best TF.js backend for training), or one TF.js backend for everything. */
export type BackendChoice = 'onnxruntime' | BackendName;
export const BACKEND_CHOICES: readonly BackendChoice[] = ['onnxruntime', 'tensorflow', 'wasm', 'cpu'];
