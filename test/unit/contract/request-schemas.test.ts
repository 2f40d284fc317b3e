/**
 * The contract's argument schemas refuse what the argument types do not allow, as
 * BAD_ARGUMENT naming the field (issues 11.21 and 15.9). Validation runs before any
 * handler, so these requests never reach one.
 */
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/api/dispatch';
import type { Handlers } from '../../../src-main/api/handlers';
import { requests } from '../../../src-shared/contract';

const noHandlers = {} as Handlers;
const refusal = async (channel: string, args: unknown): Promise<string> => {
  const result = await dispatch(noHandlers, channel, args, () => {});
  if (result.ok) throw new Error(`${channel} was accepted`);
  expect(result.error.code).toBe('BAD_ARGUMENT');
  return result.error.message;
};

describe('unknown fields', () => {
  it('refuses a literal "__proto__" key and other inherited names, and pollutes nothing', async () => {
    const args = JSON.parse('{"path":"/tmp/p","create":true,"__proto__":{"polluted":true}}') as unknown;
    expect(await refusal('project:open', args)).toMatch(/__proto__: expected no such field/);
    expect(await refusal('project:open', { path: '/tmp/p', create: true, constructor: 1 })).toMatch(/constructor: expected no such field/);
    expect(await refusal('images:get', JSON.parse('{"id":1,"toString":"x"}'))).toMatch(/toString: expected no such field/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('tagged unions', () => {
  const list = (filter: unknown) => ({ filter, offset: 0, limit: 10 });

  it('refuses an unknown filter kind and a field of another kind', async () => {
    expect(await refusal('images:list', list({ kind: 'foo' }))).toMatch(/filter\.kind: expected one of all, unlabeled, labeled, unsure, class, evaluation, predicted, name, got "foo"/);
    expect(await refusal('images:list', list({ kind: 'toString' }))).toMatch(/filter\.kind/);
    expect(await refusal('images:list', list({ kind: 'all', classId: 3 }))).toMatch(/filter\.classId: expected no such field/);
    expect(await refusal('images:list', list({ kind: 'class' }))).toMatch(/filter\.classId: expected an integer/);
    expect(await refusal('images:list', list(null))).toMatch(/filter: expected an object, got null/);
    expect(requests['images:list'].args.parse(list({ kind: 'class', classId: 2 }))).toEqual(list({ kind: 'class', classId: 2 }));
    // The file-name search: some text, not too much.
    expect(await refusal('images:list', list({ kind: 'name', text: '' }))).toMatch(/filter\.text/);
    expect(await refusal('images:list', list({ kind: 'name', text: 'x'.repeat(201) }))).toMatch(/filter\.text/);
    expect(requests['images:list'].args.parse(list({ kind: 'name', text: 'cell_01' }))).toEqual(list({ kind: 'name', text: 'cell_01' }));
  });

  it('refuses a model choice or schedule carrying another kind\'s field', async () => {
    expect(await refusal('engine:chooseModel', { choice: { kind: 'starter', path: '/x' } })).toMatch(/choice\.path: expected no such field/);
    expect(await refusal('engine:chooseModel', { choice: { kind: 'known' } })).toMatch(/choice\.id: expected a string/);
    expect(await refusal('loop:updateSettings', { schedule: { kind: 'linear', gamma: 0.5 } })).toMatch(/schedule\.gamma: expected no such field/);
    expect(requests['engine:chooseModel'].args.parse({ choice: { kind: 'folder', path: '/m' } })).toEqual({ choice: { kind: 'folder', path: '/m' } });
  });

  it('checks an ONNX folder choice\'s preprocessing field by field', async () => {
    const onnx = { height: 224, width: 224, scaling: 'imagenet', channelOrder: 'BGR', layout: 'NHWC' };
    const choice = { kind: 'folder', path: '/m', onnx };
    expect(requests['engine:chooseModel'].args.parse({ choice })).toEqual({ choice });
    expect(await refusal('engine:chooseModel', { choice: { ...choice, onnx: { ...onnx, layout: 'CHW' } } })).toMatch(/choice\.onnx\.layout: expected one of/);
    expect(await refusal('engine:chooseModel', { choice: { ...choice, onnx: { ...onnx, height: 0 } } })).toMatch(/choice\.onnx\.height: expected an integer in \[1, 4096\]/);
    expect(await refusal('engine:chooseModel', { choice: { ...choice, onnx: { ...onnx, scaling: 'caffe' } } })).toMatch(/choice\.onnx\.scaling/);
    expect(await refusal('engine:chooseModel', { choice: { ...choice, onnx: { ...onnx, mean: [0, 0, 0] } } })).toMatch(/choice\.onnx\.mean: expected no such field/);
  });
});

describe('strings and arrays', () => {
  it('refuses a hotkey that is not a digit or a letter, naming it readably', async () => {
    expect(await refusal('classes:update', { id: 1, hotkey: '\0' })).toBe(
      'Invalid request classes:update: hotkey: expected a digit or a letter, got "\\u0000"',
    );
    expect(await refusal('classes:update', { id: 1, hotkey: '-' })).toMatch(/hotkey: expected a digit or a letter/);
    expect(await refusal('classes:update', { id: 1, hotkey: 'é' })).toMatch(/hotkey: expected a digit or a letter/);
    expect(requests['classes:update'].args.parse({ id: 1, hotkey: 'K' })).toEqual({ id: 1, hotkey: 'K' });
  });

  it('refuses labels:set with an image listed twice instead of labeling one of 100,000 silently', async () => {
    const message = await refusal('labels:set', { imageIds: new Array<number>(100_000).fill(1), classId: 1 });
    expect(message).toMatch(/imageIds\[1\]: expected no repeats \(the same as imageIds\[0\]\), got number/);
    expect(await refusal('classes:reorder', { ids: [2, 1, 2] })).toMatch(/ids\[2\]: expected no repeats \(the same as ids\[0\]\)/);
    expect(await refusal('labels:set', { imageIds: new Array<number>(100_001).fill(0).map((_, i) => i + 1), classId: 1 })).toMatch(/imageIds: expected an array of at most 100000 items/);
    expect(requests['labels:set'].args.parse({ imageIds: [3, 1, 2], classId: null })).toEqual({ imageIds: [3, 1, 2], classId: null });
  });
});
