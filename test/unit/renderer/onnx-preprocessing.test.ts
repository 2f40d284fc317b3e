import { describe, expect, it } from 'vitest';
import type { OnnxPreprocessing } from '../../../src-shared/contract';
import { onnxPreprocessingProblem } from '../../../src-renderer/logic/onnx-preprocessing';

const GOOD: OnnxPreprocessing = { height: 224, width: 224, scaling: 'imagenet', channelOrder: 'RGB', layout: 'NCHW' };

describe('onnxPreprocessingProblem', () => {
  it('accepts what the back end accepts', () => {
    expect(onnxPreprocessingProblem(GOOD)).toBeNull();
    expect(onnxPreprocessingProblem({ ...GOOD, height: 1, width: 4096 })).toBeNull();
  });

  it('names the field and the allowed range for sizes a person can type', () => {
    expect(onnxPreprocessingProblem({ ...GOOD, height: 0 })).toBe('Height must be a whole number of pixels from 1 to 4096.');
    expect(onnxPreprocessingProblem({ ...GOOD, width: 4097 })).toBe('Width must be a whole number of pixels from 1 to 4096.');
    expect(onnxPreprocessingProblem({ ...GOOD, width: 22.5 })).toMatch(/^Width must/);
    // An emptied number field binds null.
    expect(onnxPreprocessingProblem({ ...GOOD, height: null as unknown as number })).toMatch(/^Height must/);
  });

  it('says which choice is unknown', () => {
    expect(onnxPreprocessingProblem({ ...GOOD, layout: 'CHW' as OnnxPreprocessing['layout'] })).toMatch(/^Layout: expected .*"CHW"/);
  });
});
