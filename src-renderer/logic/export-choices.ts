/**
 * The Export dialog's boxes against what the project can give now. A part that cannot be made
 * (the adapted model before any training; the train/evaluation split while the evaluation set
 * has no labeled image) is shown unticked and disabled, whatever was ticked: the dialog never
 * shows a box ticked that the export will not honour. What the person asked for is kept, so
 * the box is ticked again once the part can be made. The result line says what was left out
 * and why.
 */
import type { ExportRequest, ModelChoice } from '../../src-shared/contract';

export type ExportParts = Omit<Required<ExportRequest>, 'destination' | 'modelVersion'>;

export interface ExportAvailability {
  /** A model version has been trained (and the one chosen can be exported now). */
  trainedModel: boolean;
  /** Why the chosen version cannot be exported now (trained on another backbone than the one in use…); absent or null when it can, or none is trained. */
  modelRefused?: string | null;
  /** The evaluation set has at least one labeled image. */
  labeledEvaluation: boolean;
}

/** The parts as the boxes show them and the export takes them: asked for and possible now. */
export function exportedParts(asked: ExportParts, can: ExportAvailability): ExportParts {
  return {
    ...asked,
    model: asked.model && can.trainedModel,
    splitImageFolder: asked.imageFolder && asked.splitImageFolder && can.labeledEvaluation,
  };
}

/** What an export of `asked` leaves out that was asked for, and why (one sentence each). */
export function exportLeftOut(asked: ExportParts, can: ExportAvailability): string[] {
  const out: string[] = [];
  if (asked.model && !can.trainedModel) {
    out.push(
      can.modelRefused
        ? `The adapted model was left out: ${can.modelRefused}`
        : 'The adapted model was left out: no model has been trained yet (it trains when a batch is labeled).',
    );
  }
  if (asked.imageFolder && asked.splitImageFolder && !can.labeledEvaluation) {
    out.push('The ImageFolder copy is not split into train/ and evaluation/: the evaluation set has no labeled image.');
  }
  if (asked.huggingFace && !can.labeledEvaluation) out.push('The Hugging Face layout has no test/ split: the evaluation set has no labeled image.');
  return out;
}

/**
 * The files the adapted model is exported as, in words (export-adapted.ts): a TF.js pre-trained
 * model gives the TF.js folder and the same classifier as model.onnx; an ONNX model folder gives
 * model.onnx only (its trunk is no TF.js graph). The versions that can be exported are on the
 * pre-trained model in use, so its choice says which (the model panel always sends an ONNX
 * folder with its preprocessing).
 */
export function modelFilesWords(choice: ModelChoice | null, version: number): string {
  const model = choice?.kind === 'folder' && choice.onnx ? `ONNX model (version ${version}): model.onnx` : `TF.js model and model.onnx (version ${version})`;
  return `${model}, labels.json, preprocessing.json, model card`;
}
