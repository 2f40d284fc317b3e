/**
 * What is wrong with an ONNX preprocessing the user typed, in words, or null when the
 * contract's own validator (the one the back end applies) accepts it.
 */
import { SchemaError } from '../../src-shared/schema';
import { ONNX_MAX_SIDE, onnxPreprocessing } from '../../src-shared/requests/engine';
import type { OnnxPreprocessing } from '../../src-shared/contract';

const FIELD_WORDS: Record<string, string> = { height: 'Height', width: 'Width', scaling: 'Scaling', channelOrder: 'Channel order', layout: 'Layout' };

export function onnxPreprocessingProblem(value: OnnxPreprocessing): string | null {
  try {
    onnxPreprocessing.parse(value);
    return null;
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    const field = error.path.split('.')[0] ?? '';
    const word = FIELD_WORDS[field] ?? field;
    if (field === 'height' || field === 'width') return `${word} must be a whole number of pixels from 1 to ${ONNX_MAX_SIDE}.`;
    return `${word}: ${error.message.replace(/^[^:]*: /, '')}.`;
  }
}
