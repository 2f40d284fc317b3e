/**
 * The weights a round of fine-tuning starts from.
 * - Cold start: the dense head is seeded Glorot-uniform with zero bias; in deep mode the
 *   block starts from the pre-trained top block (1x1 conv with its batch norm folded).
 * - Warm start from the previous round: the block is carried over (deep → deep), and every
 *   class the previous head knew keeps its column of the dense kernel and its bias, matched
 *   by class name; classes new this round get fresh seeded columns with a bias equal to the
 *   lowest previous bias (so a new class does not start out dominating). A previous light
 *   head also warm-starts a deep head's dense layer: the deep block initially outputs
 *   exactly the pooled layer-B features the light head was trained on.
 */
import { deriveSeed, mulberry32 } from '../../core/seeded-random';
import { glorotUniform } from './glorot-uniform';
import { denseInputLength, type HeadWeights, type TopBlockWeights, type TrainingMode } from './head-weights';

export interface InitialHeadOptions {
  mode: TrainingMode;
  classes: string[];
  /** One input row: [d] for light, [h, w, c] for deep. */
  inputShape: number[];
  /** Deep mode: the pre-trained top block (from `readTopBlock`); required without a deep `previous`. */
  topBlock?: TopBlockWeights;
  previous?: HeadWeights;
  seed: number;
}

function copyBlock(block: TopBlockWeights): TopBlockWeights {
  return { ...block, kernel: Float32Array.from(block.kernel), bias: Float32Array.from(block.bias) };
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function initialHead(options: InitialHeadOptions): HeadWeights {
  const { mode, classes, inputShape, previous } = options;
  if (new Set(classes).size !== classes.length || classes.length < 2) throw new Error(`A head needs at least two distinct classes (got ${JSON.stringify(classes)}).`);
  let block: TopBlockWeights | null = null;
  if (mode === 'deep') {
    if (inputShape.length !== 3) throw new Error(`Deep mode reads cut-layer activations [h, w, c]; got input shape ${JSON.stringify(inputShape)}.`);
    const source = previous?.mode === 'deep' && sameShape(previous.inputShape, inputShape) && previous.block ? previous.block : options.topBlock;
    if (!source) throw new Error('Deep mode needs the pre-trained top block of the source model (readTopBlock) or a previous deep head.');
    if (source.inChannels !== inputShape[2]) throw new Error(`The top block reads ${source.inChannels} channels but the cut activations have ${String(inputShape[2])}.`);
    block = copyBlock(source);
  } else if (inputShape.length !== 1) {
    throw new Error(`Light mode reads pooled feature vectors [d]; got input shape ${JSON.stringify(inputShape)}.`);
  }
  const features = block ? block.outChannels : (inputShape[0] as number);
  const classCount = classes.length;
  const random = mulberry32(deriveSeed(options.seed, 0x1e1d));
  const kernel = glorotUniform(features, classCount, random);
  const bias = new Float32Array(classCount);

  const reusable = previous && denseInputLength(previous) === features ? previous : undefined;
  if (reusable) {
    const previousCount = reusable.classes.length;
    const lowestBias = reusable.dense.bias.reduce((m, b) => Math.min(m, b), Infinity);
    classes.forEach((name, c) => {
      const p = reusable.classes.indexOf(name);
      if (p < 0) {
        bias[c] = Number.isFinite(lowestBias) ? lowestBias : 0;
        return;
      }
      for (let f = 0; f < features; f++) kernel[f * classCount + c] = reusable.dense.kernel[f * previousCount + p] as number;
      bias[c] = reusable.dense.bias[p] as number;
    });
  }
  return { mode, classes: [...classes], inputShape: [...inputShape], block, dense: { kernel, bias } };
}
