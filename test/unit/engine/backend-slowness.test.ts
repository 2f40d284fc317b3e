/**
 * The header's plain-words engine badge: "slow mode" exactly when features run without ONNX
 * Runtime or training falls back to plain JavaScript, with each reason named.
 */
import { describe, expect, it } from 'vitest';
import { backendSlowness } from '../../../src-main/engine/backend';

const onnx = { name: 'onnxruntime' as const, label: 'ONNX Runtime', threads: 2 };

describe('backendSlowness', () => {
  it('is null at full speed: ONNX Runtime for features, WebAssembly or native TensorFlow for training', () => {
    expect(backendSlowness({ name: 'wasm', inference: onnx })).toBeNull();
    expect(backendSlowness({ name: 'tensorflow', inference: onnx })).toBeNull();
  });

  it('names each reason for a slow engine', () => {
    const noOnnx = backendSlowness({ name: 'wasm', inference: { name: 'wasm', label: 'WebAssembly', threads: null } });
    expect(noOnnx).toMatch(/^Slow mode: features and predictions are computed without ONNX Runtime/);
    expect(noOnnx).not.toContain('plain JavaScript');
    const both = backendSlowness({ name: 'cpu', inference: { name: 'cpu', label: 'cpu', threads: null } });
    expect(both).toContain('without ONNX Runtime');
    expect(both).toContain('training runs in plain JavaScript');
    expect(backendSlowness({ name: 'cpu', inference: onnx })).toMatch(/^Slow mode: training runs in plain JavaScript/);
  });
});
