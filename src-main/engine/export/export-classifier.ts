/**
 * Exports the adapted classifier as a self-contained folder:
 *   model.json + group1-shard*.bin   one TF.js Layers model, normalised image → softmax
 *   model.onnx                        the same classifier for ONNX Runtime, 0..255 pixels → softmax
 *                                     (absent, with the reason in the card, for layers ONNX lacks)
 *   labels.json                       class names in output order
 *   preprocessing.json                how to build the input tensor from an image file
 *   MODEL_CARD.md                     intended use, source model, data per class, mode, backend, metrics,
 *                                     recall and precision per class, date
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { ClassEvaluation } from '../../../src-shared/class-evaluation';
import type { ModelDescriptor } from '../model/descriptor';
import type { HeadWeights } from '../train/head-weights';
import { composeClassifier } from './compose-classifier';
import { renderModelCard } from './model-card';
import { preprocessingSpec } from './preprocessing-spec';
import { saveLayersModel } from './save-layers-model';
import { writeOnnxExport, type OnnxExport } from './export-onnx';

export const LABELS_FILE = 'labels.json';
export const PREPROCESSING_FILE = 'preprocessing.json';
export const MODEL_CARD_FILE = 'MODEL_CARD.md';

export interface ExportOptions {
  /** The full pre-trained model the head was trained on (its trunk is exported). */
  source: tf.LayersModel;
  descriptor: ModelDescriptor;
  head: HeadWeights;
  outDir: string;
  /** Labelled images per class, in `head.classes` order. */
  labelCounts: number[];
  /** Label of the backend the head was trained on. */
  backend: string;
  metrics?: Record<string, number | string>;
  training?: Record<string, number | string>;
  /** The version's score per class on the labeled evaluation set, for the card (class-evaluation-card.ts). */
  evaluation?: ClassEvaluation | null;
  date?: Date;
}

export interface ExportResult {
  dir: string;
  /** Every file written, relative to `dir`. */
  files: string[];
  weightBytes: number;
  /** The ONNX copy, or why there is none. */
  onnx: OnnxExport;
}

export async function exportClassifier(options: ExportOptions): Promise<ExportResult> {
  const { head, descriptor } = options;
  if (options.labelCounts.length !== head.classes.length) {
    throw new Error(`${options.labelCounts.length} label counts for ${head.classes.length} classes.`);
  }
  const composed = composeClassifier(options.source, descriptor, head);
  try {
    await mkdir(options.outDir, { recursive: true });
    const saved = await saveLayersModel(composed.model, options.outDir);
    const onnx = await writeOnnxExport(composed.model, composed.outputLayer, descriptor, options.outDir);
    const inputName = composed.model.inputs[0]?.name ?? 'input';
    const spec = preprocessingSpec(descriptor, inputName, composed.outputLayer, head.classes, onnx);
    await writeFile(join(options.outDir, LABELS_FILE), `${JSON.stringify(head.classes, null, 2)}\n`);
    await writeFile(join(options.outDir, PREPROCESSING_FILE), `${JSON.stringify(spec, null, 2)}\n`);
    const card = renderModelCard({
      descriptor,
      mode: head.mode,
      classes: head.classes,
      labelCounts: options.labelCounts,
      backend: options.backend,
      date: options.date ?? new Date(),
      metrics: options.metrics ?? {},
      training: options.training ?? {},
      evaluation: options.evaluation ?? null,
      onnx,
    });
    await writeFile(join(options.outDir, MODEL_CARD_FILE), card);
    const files = [...saved.files, ...(onnx.file ? [onnx.file] : []), LABELS_FILE, PREPROCESSING_FILE, MODEL_CARD_FILE];
    return { dir: options.outDir, files, weightBytes: saved.weightBytes, onnx };
  } finally {
    composed.dispose();
  }
}
