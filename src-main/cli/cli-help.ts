/** Help texts of the `adma` command and its subcommands (no imports: `--help` stays instant). */

const MODEL_HELP: [string, string][] = [
  ['--model <m>', "The pre-trained model: a folder with model.json (TF.js Layers) or with one .onnx image model, the https URL of a model.json (downloaded once and cached), or 'starter' for the bundled model."],
  ['--layers <a,b,s,c>', 'The node outputs (layers) to read, comma-separated: layer A (mid-level), layer B (penultimate), the source softmax or logits, the cut layer. ONNX folders default to what the layer picker proposes.'],
  ['--preprocessing <p>', "ONNX folders only: how pixels are fed, e.g. size=224x224,scaling=imagenet,channels=RGB,layout=NCHW (scaling: imagenet, unit, symmetric or raw; channels: RGB or BGR; layout: NCHW or NHWC); fields left out come from the graph's input shape."],
];

/** Help lines of the model options, descriptions starting at `column` and wrapped at 86 characters; `modelNote` ends --model's. */
export function modelOptionsHelp(column: number, modelNote: string): string {
  const lines: string[] = [];
  for (const [flag, description] of MODEL_HELP) {
    const text = flag === '--model <m>' ? `${description} ${modelNote}` : description;
    let line = `  ${flag} `.padEnd(column);
    if (line.length > column) {
      lines.push(line.trimEnd());
      line = ''.padEnd(column);
    }
    for (const word of text.split(' ')) {
      if (line.length + word.length > 86 && line.trim() !== '') {
        lines.push(line.trimEnd());
        line = ''.padEnd(column);
      }
      line += `${word} `;
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}


export const COMMANDS = ['extract', 'train', 'predict', 'export'] as const;
export type CommandName = (typeof COMMANDS)[number];

const COMMON = `Common options:
  --backend <name>   onnxruntime | tensorflow | wasm | cpu (default: ONNX Runtime
                     for features and predictions, the fastest TF.js backend for
                     training; a TF.js name runs everything on it; also ADMA_BACKEND).
                     ONNX Runtime threads: ADMA_THREADS (default: every core).
                     The active backend and every fallback's reason go to stderr.
  -h, --help         Show this help.`;

export const TOOL_HELP = `adma — ADMA Studio without the UI: adapt a pre-trained CNN to your image folder.

Usage:
  adma <command> <folder> [options]

Commands:
  extract   Compute and cache the model's features for every image in <folder>.
  train     Fine-tune a classifier on labelled images (from a CSV), warm-starting
            from the previous round.
  predict   Class probabilities for every image in <folder>, as CSV.
  export    Write the adapted classifier as a self-contained TF.js and ONNX model folder.
  simulate  Replay active learning on a labelled folder (folder names as the oracle)
            and compare the query strategies' learning curves.

A typical session:
  adma extract photos --model starter --deep
  adma train photos --labels labels.csv --mode light
  adma predict photos --out predictions.csv
  adma export photos --out my-classifier

Everything the commands keep lives in <folder>/.adma/ (feature cache and trained
model); delete it to start over. Progress and the backend go to stderr, results to
stdout or the --out file.

Run 'adma <command> --help' for a command's options.
Exit codes: 0 success, 1 the command failed, 2 wrong usage, 130 interrupted.`;

export const COMMAND_HELP: Record<CommandName, string> = {
  extract: `Usage: adma extract <folder> --model <dir|url|starter> [options]

Finds every image under <folder> (recursively; hidden folders and .adma skipped),
computes the pre-trained model's features once per image (content-addressed: renamed
files are not recomputed) and caches them in <folder>/.adma/features/, shared with
ADMA Studio when it reads the model the same way; other layers or preprocessing get a
cache file of their own beside the app's.

Options:
${modelOptionsHelp(21, "Required the first time; later runs reuse the folder's model.")}
  --deep             Also cache the cut-layer activations, needed by 'train --mode deep'.
  --batch-size <n>   Images per forward pass (default 16).
${COMMON}`,
  train: `Usage: adma train <folder> --labels <csv> [options]

Fine-tunes a classifier on the labelled images, on top of the frozen pre-trained
model, and keeps it in <folder>/.adma/cli/head/. Run it again with more labels: it
warm-starts from the previous round (new classes are added), unless that round was
trained on other weights of the model than the features extracted now.

The CSV has one line per labelled image: path,class (paths relative to <folder> or
absolute; a header line "path,class" is allowed; fields may be quoted).

Classes are in the app's order for the same file: the previous round's classes first,
then each new class where the file first names it (an evaluation row too; a row of an
image not among the extracted ones names none, as an import skips it), one class
per name whatever its case. predict's columns and the exported labels.json follow it.
The app's labels.csv lists images by name, so its order is where each class first
appears there, as importing that file into a new project gives.

Options:
  --labels <csv>     The labels file (required).
  --mode <mode>      light: a softmax head on the pooled features (default);
                     deep: also the model's top block (needs 'extract --deep').
  --seed <n>         Seeds initialisation and shuffling (default 0).
  --epochs <n>       Upper bound on training epochs (deep mode; the light head is solved to convergence).
  --fresh            Ignore the previous round's model (cold start).
  --symmetries       Images with no up or down (cells, tissue, aerial photos): the light
                     head learns every label in its 8 turns and mirrors too, as the app's
                     "No up or down" setting (their features are extracted and cached).
${COMMON}`,
  predict: `Usage: adma predict <folder> [--out <csv>]

Class probabilities of the trained classifier for every extracted image in <folder>.
CSV columns: path, predicted, confidence, then one probability column per class;
one row per image, in natural name order (img-2 before img-10). Refused, as export is,
when 'extract' has computed again features the classifier learned from (images deeper
than 8 bits read otherwise by a new version), or when the model's files are other
weights than it was trained on (a folder whose adma-model.json keeps its id): train
again first, or put those files back.

Options:
  --out <csv>        Write the CSV to this file (default: stdout).
${COMMON}`,
  export: `Usage: adma export <folder> --out <dir>

Writes the trained classifier as ONE TF.js Layers model from the normalised image to
the class probabilities (model.json + weight shards), the same classifier as model.onnx
(0..255 pixels in, normalisation in the graph), with labels.json, preprocessing.json (how
to turn an image into the input) and MODEL_CARD.md (with code that loads it).

Refused, with nothing written, when the model's files are other weights than the
classifier was trained on (a folder whose adma-model.json keeps its id over new weight
files): extract and train again, or put those files back.

Options:
  --out <dir>        A new or empty folder to write (never overwrites, like the app).
${COMMON}`,
};
