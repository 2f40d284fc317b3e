#!/usr/bin/env node
// Says once, at install, what will run the models here: ONNX Runtime's CPU build ships
// inside the onnxruntime-node package (its own install script, which only downloads
// optional CUDA parts and fails offline, is denied in package.json's allowScripts), and
// whether the optional @tensorflow/tfjs-node (native training) could be installed. Never fails the install.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  const ort = require('onnxruntime-node');
  const { version } = require('onnxruntime-node/package.json');
  if (typeof ort.InferenceSession?.create !== 'function') throw new Error('its binding has no InferenceSession');
  console.log(`[adma] Engine: ONNX Runtime ${version} (CPU, shipped in onnxruntime-node) runs feature extraction and predictions; TF.js WebAssembly trains.`);
} catch (error) {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  console.log(`[adma] ONNX Runtime does not load on this machine (${reason}): the engine will run on TF.js WebAssembly, slower but complete.`);
}
try {
  require.resolve('@tensorflow/tfjs-node');
  console.log('[adma] @tensorflow/tfjs-node is installed: native TensorFlow trains the classifier.');
} catch {
  console.log(
    '[adma] @tensorflow/tfjs-node was dropped (an optional dependency): its install downloads libtensorflow, which is impossible offline and has no prebuilt binary for some Node/Windows combinations. Nothing is missing: ONNX Runtime extracts features and predicts, TF.js WebAssembly trains.',
  );
}
