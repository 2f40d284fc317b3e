/**
 * Stores a trained head between rounds (and between CLI commands) as two files in a
 * folder: `head.json` (classes, shapes, training facts) and `head.bin` (the float32
 * weights, little-endian, in the order block kernel, block bias, dense kernel, dense bias).
 * Both are written to temporary names and renamed, so a crash never leaves a torn head.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../src-shared/app-error';
import { privateFolderAt } from '../../core/private-folder';
import type { HeadWeights, TopBlockWeights } from './head-weights';
import type { CalibrationSource } from '../../../src-shared/requests/evaluation';

export const HEAD_JSON = 'head.json';
export const HEAD_BIN = 'head.bin';

/** Facts about how and on what a head was trained, kept beside its weights. */
export interface HeadRecordFacts {
  /** Id of the source model whose features the head reads. */
  modelId: string;
  /**
   * Fingerprint of the source model's files (filesFingerprint of model.json and the weight
   * shards, or the .onnx graph) the head's features were computed with: a model folder with its
   * own adma-model.json keeps its id over other weights, so the id alone does not say which model
   * the head is for (matchRecorded). Absent in heads `adma train` saved before it was kept, and in
   * the app's (its versions record it): any weights of `modelId`.
   */
  modelFingerprint?: string;
  /** Labelled images per class, in class order. */
  labelCounts: number[];
  trainedAt: string;
  backend: string;
  seed: number;
  epochs: number;
  loss: number;
  trainAccuracy: number;
  /**
   * Temperature applied (quality/label-quality.ts): shown and exported probabilities are
   * softmax(logits / T). The T fitted on the labeled evaluation set or on out-of-fold logits of the training labels when it
   * lowered their log-loss and ECE (calibration.ts decideTemperature), else 1. Absent (= 1)
   * for heads trained before calibration existed and for deep heads.
   */
  temperature?: number;
  /**
   * `adma train`'s score on the held-out labels of its CSV (split evaluation…): how many of the
   * `evaluated` it predicted right, and how many it left out (no features, or a class it has no
   * training label of). Absent when the CSV held none out, and in the app's heads.
   */
  evaluation?: { correct: number; evaluated: number; leftOut: number };
  /**
   * How many held-out predictions T was fitted on, their ECE and log-loss at T = 1 and
   * cross-fitted at the fitted T, and whether it was applied. The fitted T, the decision and
   * the log-losses are absent in heads trained before the decision existed (T was applied).
   */
  calibration?: {
    eceBefore: number | null;
    eceAfter: number | null;
    heldOut: number;
    folds: number;
    fittedTemperature?: number;
    applied?: boolean;
    logLossBefore?: number | null;
    logLossAfter?: number | null;
    /** Absent in heads calibrated before the evaluation set could be the source: the training labels. */
    source?: CalibrationSource;
  };
}

export interface HeadRecord {
  head: HeadWeights;
  facts: HeadRecordFacts;
}

interface HeadJson {
  formatVersion: 1;
  mode: HeadWeights['mode'];
  classes: string[];
  inputShape: number[];
  block: Omit<TopBlockWeights, 'kernel' | 'bias'> | null;
  denseInputs: number;
  facts: HeadRecordFacts;
}

export async function saveHead(dir: string, record: HeadRecord): Promise<void> {
  const { head, facts } = record;
  const parts = head.block ? [head.block.kernel, head.block.bias, head.dense.kernel, head.dense.bias] : [head.dense.kernel, head.dense.bias];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), offset);
    offset += part.byteLength;
  }
  const json: HeadJson = {
    formatVersion: 1,
    mode: head.mode,
    classes: head.classes,
    inputShape: head.inputShape,
    block: head.block ? { inChannels: head.block.inChannels, outChannels: head.block.outChannels, activation: head.block.activation } : null,
    denseInputs: head.dense.kernel.length / head.classes.length,
    facts,
  };
  // A head folder is below `.adma` (privateFolder made its path): checked again as it is written,
  // from `.adma` down, since its files are written through temporary files of known names.
  privateFolderAt(dir);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${HEAD_BIN}.tmp`), bytes);
  await writeFile(join(dir, `${HEAD_JSON}.tmp`), `${JSON.stringify(json, null, 2)}\n`);
  await rename(join(dir, `${HEAD_BIN}.tmp`), join(dir, HEAD_BIN));
  await rename(join(dir, `${HEAD_JSON}.tmp`), join(dir, HEAD_JSON));
}

export async function loadHead(dir: string): Promise<HeadRecord> {
  privateFolderAt(dir); // as saveHead
  let json: HeadJson;
  let bin: Buffer;
  try {
    json = JSON.parse(await readFile(join(dir, HEAD_JSON), 'utf8')) as HeadJson;
    bin = await readFile(join(dir, HEAD_BIN));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `No trained model in ${dir}; train one first.`);
    throw new AppError('UNREADABLE', `Cannot read the trained model in ${dir}: ${(error as Error).message}`);
  }
  if (json.formatVersion !== 1) throw new AppError('UNSUPPORTED', `${join(dir, HEAD_JSON)} has format version ${String(json.formatVersion)}; this version reads 1.`);
  const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const classCount = json.classes.length;
  const sizes = json.block
    ? [json.block.inChannels * json.block.outChannels, json.block.outChannels, json.denseInputs * classCount, classCount]
    : [json.denseInputs * classCount, classCount];
  if (sizes.reduce((a, b) => a + b, 0) !== floats.length) {
    throw new AppError('UNREADABLE', `${join(dir, HEAD_BIN)} holds ${floats.length} weights but ${HEAD_JSON} describes ${sizes.reduce((a, b) => a + b, 0)}; train again.`);
  }
  const views: Float32Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    views.push(floats.slice(offset, offset + size));
    offset += size;
  }
  const take = (): Float32Array => views.shift() as Float32Array;
  const block = json.block ? { ...json.block, kernel: take(), bias: take() } : null;
  const head: HeadWeights = { mode: json.mode, classes: json.classes, inputShape: json.inputShape, block, dense: { kernel: take(), bias: take() } };
  return { head, facts: json.facts };
}
