/** `MODEL_CARD.md` of an exported classifier: what it is, what it was trained on, how well it did. */
import type { ModelDescriptor } from '../model/descriptor';
import type { TrainingMode } from '../train/head-weights';

export interface ModelCardFacts {
  descriptor: ModelDescriptor;
  mode: TrainingMode;
  classes: string[];
  /** Labelled images per class, in `classes` order. */
  labelCounts: number[];
  backend: string;
  date: Date;
  /** Named metrics, e.g. training accuracy or a held-out accuracy; omitted when unknown. */
  metrics: Record<string, number | string>;
  /** Training details shown verbatim (epochs, seed, learning rate...). */
  training: Record<string, number | string>;
}

function row(cells: (string | number)[]): string {
  return `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
}

export function renderModelCard(facts: ModelCardFacts): string {
  const { descriptor, mode } = facts;
  const total = facts.labelCounts.reduce((a, b) => a + b, 0);
  const trunkEnd = mode === 'deep' ? descriptor.cutLayer : descriptor.layerB;
  const lines = [
    `# Image classifier adapted from ${descriptor.name}`,
    '',
    `Exported by ADMA Studio on ${facts.date.toISOString()}.`,
    '',
    '## Model',
    '',
    `- Source model: ${descriptor.name} (id \`${descriptor.id}\`), ${descriptor.sourceLabels.length} source classes.`,
    `- Training mode: **${mode}** — ${
      mode === 'deep'
        ? `the source model up to \`${descriptor.cutLayer}\` is frozen; its top block (a 1x1 convolution, batch norm folded in) and a new softmax layer were fine-tuned.`
        : `the source model up to \`${descriptor.layerB}\` is frozen; a new softmax layer on its pooled features was trained.`
    }`,
    `- Graph: standard TF.js Layers model (\`model.json\` + weight shards), frozen trunk ending at \`${trunkEnd}\`, output: softmax over ${facts.classes.length} classes (\`labels.json\`).`,
    `- Input: ${descriptor.input.height}x${descriptor.input.width}x${descriptor.input.channels} float32, normalised as \`pixel * ${descriptor.normalization.scale} + ${descriptor.normalization.offset}\` (not in the graph); see \`preprocessing.json\`.`,
    `- Trained on: ${facts.backend}.`,
    '',
    '## Training data',
    '',
    row(['class', 'labelled images']),
    row(['---', '---:']),
    ...facts.classes.map((name, i) => row([name, facts.labelCounts[i] ?? 0])),
    row(['**total**', `**${total}**`]),
    '',
  ];
  const metrics = Object.entries(facts.metrics);
  lines.push('## Metrics', '');
  if (metrics.length === 0) lines.push('No held-out evaluation was run; the accuracy on new images is unknown.', '');
  else lines.push(row(['metric', 'value']), row(['---', '---:']), ...metrics.map(([k, v]) => row([k, typeof v === 'number' ? Number(v.toFixed(4)) : v])), '');
  const training = Object.entries(facts.training);
  if (training.length > 0) lines.push('## Training details', '', ...training.map(([k, v]) => `- ${k}: ${v}`), '');
  lines.push(
    '## Limitations',
    '',
    '- Trained only on the labelled images above: expect lower accuracy on images unlike them (other cameras, lighting, backgrounds).',
    '- Predictions are probabilities over these classes only; the model cannot say "none of these".',
    '',
  );
  return lines.join('\n');
}
