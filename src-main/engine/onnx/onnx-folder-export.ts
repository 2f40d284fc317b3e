/**
 * Export of a classifier adapted on an ONNX model folder: `model.onnx` composed from the
 * user's graph and the light head, taking 0..255 pixels [batch, height, width, 3] (NHWC, RGB,
 * like every ADMA export) with the stored preprocessing inside the graph (channel order,
 * scaling, layout), reading layer B (globally averaged when it is a map, as the features
 * were) and returning the class probabilities. No TF.js copy: the trunk is not a TF.js graph.
 * Written beside it: labels.json, preprocessing.json and MODEL_CARD.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../src-shared/app-error';
import type { ClassEvaluation } from '../../../src-shared/class-evaluation';
import { HIGH_BIT_DEPTH_RULE } from '../../media/high-bit-depth';
import type { ModelDescriptor } from '../model/descriptor';
import type { HeadWeights } from '../train/head-weights';
import { LABELS_FILE, MODEL_CARD_FILE, PREPROCESSING_FILE, type ExportResult } from '../export/export-classifier';
import { ONNX_FILE, ONNX_INPUT, ONNX_OUTPUT } from '../export/export-onnx';
import { classEvaluationSection, intendedUseSection } from '../export/class-evaluation-card';
import { LOADING_INTRO, onnxSnippets } from '../export/model-card';
import { IMAGENET_MEAN, IMAGENET_STD, type OnnxFolderModel } from './onnx-folder';
import { batchedValue, floatTensor, int64Tensor, node, onnx, type NodeProto, type TensorProto } from './onnx-proto';

/** Per RGB channel, x * scale + offset equal to the preprocessing's scaling. */
function channelAffine(scaling: OnnxFolderModel['preprocessing']['scaling']): { scale: number[]; offset: number[] } {
  switch (scaling) {
    case 'unit':
      return { scale: [1 / 255, 1 / 255, 1 / 255], offset: [0, 0, 0] };
    case 'symmetric':
      return { scale: [1 / 127.5, 1 / 127.5, 1 / 127.5], offset: [-1, -1, -1] };
    case 'raw':
      return { scale: [1, 1, 1], offset: [0, 0, 0] };
    case 'imagenet':
      return { scale: IMAGENET_STD.map((s) => 1 / (255 * s)), offset: IMAGENET_MEAN.map((m, c) => -m / (IMAGENET_STD[c] as number)) };
  }
}

/** The composed graph's bytes (light heads only: a deep head needs a cut the ONNX graph does not offer). */
export function composeOnnxFolderClassifier(folder: OnnxFolderModel, head: HeadWeights, docString: string): Uint8Array {
  if (head.block) throw new AppError('UNSUPPORTED', 'A deep-mode head cannot be composed with an ONNX graph; train in light mode.');
  const model = onnx.ModelProto.decode(folder.graph.bytes);
  const graph = model.graph;
  if (!graph) throw new AppError('MODEL_INVALID', `${folder.graph.file} holds no graph.`);
  const { preprocessing: p, layers } = folder;
  const userInput = folder.graph.input.name;
  const modelInput = 'adma_model_input';
  for (const n of graph.node ?? []) n.input = (n.input ?? []).map((name) => (name === userInput ? modelInput : name));

  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  let x = ONNX_INPUT;
  const order = p.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  if (p.channelOrder === 'BGR') {
    initializers.push(int64Tensor('adma_bgr', order));
    nodes.push(node('Gather', [x, 'adma_bgr'], ['adma_ordered'], 'adma_ordered', { axis: 3 }));
    x = 'adma_ordered';
  }
  const affine = channelAffine(p.scaling);
  initializers.push(
    floatTensor('adma_scale', [3], Float32Array.from(order.map((c) => affine.scale[c] as number))),
    floatTensor('adma_offset', [3], Float32Array.from(order.map((c) => affine.offset[c] as number))),
  );
  const scaledOut = p.layout === 'NCHW' ? 'adma_scaled' : modelInput;
  nodes.push(node('Mul', [x, 'adma_scale'], ['adma_mul'], 'adma_mul'), node('Add', ['adma_mul', 'adma_offset'], [scaledOut], 'adma_add'));
  if (p.layout === 'NCHW') nodes.push(node('Transpose', [scaledOut], [modelInput], 'adma_to_nchw', { perm: [0, 3, 1, 2] }));

  let b = layers.layerB;
  if (folder.shapes.b.length === 3) {
    nodes.push(node('GlobalAveragePool', [b], ['adma_b_pool'], 'adma_b_pool'), node('Flatten', ['adma_b_pool'], ['adma_b'], 'adma_b', { axis: 1 }));
    b = 'adma_b';
  }
  const classCount = head.classes.length;
  const inputs = head.dense.kernel.length / classCount;
  initializers.push(floatTensor('adma_dense_W', [inputs, classCount], head.dense.kernel), floatTensor('adma_dense_B', [classCount], head.dense.bias));
  const tail = [
    node('MatMul', [b, 'adma_dense_W'], ['adma_logits_mm'], 'adma_logits_mm'),
    node('Add', ['adma_logits_mm', 'adma_dense_B'], ['adma_logits'], 'adma_logits'),
    node('Softmax', ['adma_logits'], [ONNX_OUTPUT], 'adma_softmax', { axis: 1 }),
  ];
  graph.node = [...nodes, ...(graph.node ?? []), ...tail];
  graph.initializer = [...(graph.initializer ?? []), ...initializers];
  graph.input = [batchedValue(ONNX_INPUT, [p.height, p.width, 3]), ...(graph.input ?? []).filter((v) => v.name !== userInput)];
  graph.output = [batchedValue(ONNX_OUTPUT, [classCount])];
  model.docString = docString;
  return onnx.ModelProto.encode(model).finish();
}

function modelCard(descriptor: ModelDescriptor, folder: OnnxFolderModel, head: HeadWeights, labelCounts: number[], backend: string, date: Date, metrics: Record<string, number | string>, evaluation: ClassEvaluation | null): string {
  const p = folder.preprocessing;
  const snippets = onnxSnippets(descriptor, ONNX_FILE);
  const lines = [
    `# ${head.classes.length}-class classifier adapted from ${descriptor.name}`,
    '',
    `- Exported by ADMA Studio on ${date.toISOString().slice(0, 10)}; trained on ${backend}, light mode (a new softmax layer on the pooled output of \`${folder.layers.layerB}\`).`,
    `- Source: the ONNX graph \`${folder.graph.file}\`, used up to \`${folder.layers.layerB}\`, then the adapted head. There is no TF.js copy (\`model.json\`): the source model is not a TF.js graph.`,
    `- \`${ONNX_FILE}\`: input \`${ONNX_INPUT}\` float32 [batch, ${p.height}, ${p.width}, 3] (NHWC, RGB, the 8-bit values 0..255 after resizing as in preprocessing.json); the model's own preprocessing (${p.scaling} scaling, ${p.channelOrder}, ${p.layout}) is inside the graph. Output \`${ONNX_OUTPUT}\`: softmax over the classes of labels.json.`,
    '',
    ...intendedUseSection(),
    '## Labeled images per class',
    '',
    '| class | images |',
    '|---|---|',
    ...head.classes.map((name, i) => `| ${name} | ${labelCounts[i] ?? 0} |`),
    '',
    ...(Object.keys(metrics).length ? ['## Metrics', '', ...Object.entries(metrics).map(([k, v]) => `- ${k}: ${String(v)}`), ''] : []),
    ...classEvaluationSection(evaluation),
    // The main export's ONNX Runtime code: this model.onnx takes the same 0..255 NHWC pixels, prepared as the app prepares them for this model.
    '## Loading it',
    '',
    LOADING_INTRO,
    '',
    '### JavaScript, ONNX Runtime',
    '',
    '```js',
    snippets.nodeOnnx,
    '```',
    '',
    '### Python, ONNX Runtime',
    '',
    '```python',
    snippets.pythonOnnx,
    '```',
    '',
  ];
  return lines.join('\n');
}

export interface OnnxFolderExportOptions {
  folder: OnnxFolderModel;
  descriptor: ModelDescriptor;
  head: HeadWeights;
  outDir: string;
  labelCounts: number[];
  backend: string;
  metrics?: Record<string, number | string>;
  /** The version's score per class on the labeled evaluation set (class-evaluation-card.ts). */
  evaluation?: ClassEvaluation | null;
  date?: Date;
}

export async function exportOnnxFolderClassifier(options: OnnxFolderExportOptions): Promise<ExportResult> {
  const { folder, descriptor, head, outDir } = options;
  const p = folder.preprocessing;
  const bytes = composeOnnxFolderClassifier(folder, head, `Adapted from ${descriptor.name} by ADMA Studio: float32 pixel values 0..255 [batch, ${p.height}, ${p.width}, 3] (NHWC, RGB) to class probabilities.`);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, ONNX_FILE), bytes);
  await writeFile(join(outDir, LABELS_FILE), `${JSON.stringify(head.classes, null, 2)}\n`);
  const spec = {
    formatVersion: 1,
    colorSpace: 'sRGB',
    resize: { mode: descriptor.resize, height: p.height, width: p.width },
    exif: 'Apply the EXIF orientation before resizing, as image viewers do.',
    highBitDepth: HIGH_BIT_DEPTH_RULE,
    alpha: 'Flatten transparency onto a white background.',
    onnx: {
      file: ONNX_FILE,
      input: { name: ONNX_INPUT, shape: [null, p.height, p.width, 3], dtype: 'float32', layout: 'NHWC', values: 'the 8-bit RGB values 0..255 after the resize; the model preprocessing is inside the graph' },
      inGraph: { scaling: p.scaling, channelOrder: p.channelOrder, layout: p.layout },
      output: { name: ONNX_OUTPUT, classes: head.classes },
    },
    tfjs: { file: null, reason: 'The source model is an ONNX graph, not a TF.js Layers model.' },
  };
  await writeFile(join(outDir, PREPROCESSING_FILE), `${JSON.stringify(spec, null, 2)}\n`);
  await writeFile(join(outDir, MODEL_CARD_FILE), modelCard(descriptor, folder, head, options.labelCounts, options.backend, options.date ?? new Date(), options.metrics ?? {}, options.evaluation ?? null));
  return { dir: outDir, files: [ONNX_FILE, LABELS_FILE, PREPROCESSING_FILE, MODEL_CARD_FILE], weightBytes: bytes.byteLength, onnx: { file: ONNX_FILE, bytes: bytes.byteLength } };
}
