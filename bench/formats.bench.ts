/**
 * Label import and export speed on the 2,000 real photos of ../shared/data/pbc-blood-cells
 * (8 classes × 250, 360×363 JPEG): the photos are copied flat into a project (no class in the
 * path) and scanned; then timed, each into a fresh copy of the labels: a 2,000-row labels CSV,
 * a COCO JSON and a Label Studio JSON of the same labels, the class-folder tree itself (every
 * file hashed), and a 2,000-row prediction CSV as suggestions; then the export of labels CSV +
 * JSON + split ImageFolder + Hugging Face layout. Prints one line per step.
 * `npx tsx bench/formats.bench.ts [--dir /tmp]`
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Adaptation } from '../src-main/adaptation/adaptation';
import { importFile } from '../src-main/adaptation/labels-import';
import { EventHub } from '../src-main/core/event-hub';
import { Project } from '../src-main/project/project';

const { values } = parseArgs({ options: { dir: { type: 'string', default: os.tmpdir() } } });
const DATA = path.resolve(import.meta.dirname, '../../shared/data/pbc-blood-cells');
if (!fs.existsSync(DATA)) {
  console.log(`SKIPPED: ${DATA} is absent`);
  process.exit(0);
}
const classes = fs.readdirSync(DATA, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const photos = classes.flatMap((cls) => fs.readdirSync(path.join(DATA, cls)).filter((f) => /\.jpe?g$/i.test(f)).map((file) => ({ cls, file })));
const work = fs.mkdtempSync(path.join(values.dir, 'adma-formats-bench-'));

const seconds = (t: number) => `${((performance.now() - t) / 1000).toFixed(2)} s`;

async function freshProject(name: string): Promise<Project> {
  const root = path.join(work, name);
  fs.mkdirSync(root);
  for (const { cls, file } of photos) fs.copyFileSync(path.join(DATA, cls, file), path.join(root, file));
  const project = Project.open(root, true);
  const t = performance.now();
  await project.rescan();
  console.log(`scan of ${photos.length} photos (${name}): ${seconds(t)}`);
  return project;
}

const rel = (p: { file: string }) => p.file;
const write = (name: string, text: string): string => {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
};
const files = {
  csv: write('labels.csv', ['path,class', ...photos.map((p) => `${rel(p)},${p.cls}`)].join('\n')),
  coco: write(
    'coco.json',
    JSON.stringify({
      images: photos.map((p, i) => ({ id: i + 1, file_name: rel(p) })),
      categories: classes.map((name, i) => ({ id: i + 1, name })),
      annotations: photos.map((p, i) => ({ id: i + 1, image_id: i + 1, category_id: classes.indexOf(p.cls) + 1 })),
    }),
  ),
  labelStudio: write(
    'label-studio.json',
    JSON.stringify(photos.map((p, i) => ({ id: i + 1, data: { image: `/data/upload/1/0a1b2c3d-${rel(p)}` }, annotations: [{ result: [{ type: 'choices', value: { choices: [p.cls] } }] }] }))),
  ),
  predictions: write('predictions.csv', ['path,class,probability', ...photos.map((p, i) => `${rel(p)},${p.cls},${(0.5 + (i % 50) / 100).toFixed(2)}`)].join('\n')),
};

const project = await freshProject('project');
try {
  for (const cls of classes) project.classes.create(cls, undefined);
  for (const [what, file, kind] of [
    ['labels CSV', files.csv, 'labels'],
    ['COCO JSON', files.coco, 'labels'],
    ['Label Studio JSON', files.labelStudio, 'labels'],
    ['class folders (hashing every file)', DATA, 'labels'],
    ['prediction CSV as suggestions', files.predictions, 'suggestions'],
  ] as const) {
    // Each labels import starts from no labels: undo the previous one.
    while (project.labels.undo() !== null) continue;
    const t = performance.now();
    const report = await importFile(project, file, kind, false);
    console.log(`import ${what}: ${report.rows} entries, ${report.labeled} labeled, ${report.suggested} suggested, ${report.unmatched.length} not applied, ${seconds(t)}`);
  }
  const adaptation = new Adaptation({
    project,
    engine: () => {
      throw new Error('no engine in this bench');
    },
    events: new EventHub(),
    places: {},
    log: () => {},
  });
  await adaptation.duplicates.sampleEvaluation(400);
  // Every photo labeled again for the export (the loop above ended on suggestions, with no labels).
  await importFile(project, files.csv, 'labels', false);
  const transfer = adaptation.transfer;
  const t = performance.now();
  const report = await transfer.export({ destination: path.join(work, 'export'), model: false, labelsCsv: true, labelsJson: true, imageFolder: true, splitImageFolder: true, huggingFace: true });
  console.log(`export labels CSV + JSON + split ImageFolder + Hugging Face: ${report.files.length} files, ${seconds(t)}`);
} finally {
  await project.close();
  fs.rmSync(work, { recursive: true, force: true });
}
