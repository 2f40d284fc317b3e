/**
 * Toasts: a message said again while it still shows is not stacked again (an out-of-range
 * number entered three times made three identical toasts): the one showing counts the repeat,
 * becomes the newest and lasts its full time again; different messages still stack, at most four.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ERROR_MS, toasts } from '../../../src-renderer/stores/toasts.svelte';
import { callOn } from '../../../src-renderer/api/client';
import { windowSession } from '../../../src-renderer/api/session';
import { AppError } from '../../../src-shared/app-error';
import type { OpenProjectSummary, RawApi } from '../../../src-shared/contract';
import { requestAnsweredAfterOwnClose } from '../../support/late-answer';

beforeEach(() => {
  vi.useFakeTimers();
  for (const t of toasts.items) toasts.dismiss(t.id);
});

afterEach(() => {
  vi.useRealTimers();
});

it('an identical live message is counted on the toast showing, not stacked', () => {
  toasts.info('Enter a number from 1 to 500.');
  toasts.info('Saved.');
  toasts.info('Enter a number from 1 to 500.');
  toasts.info('Enter a number from 1 to 500.');
  expect(toasts.items.map((t) => [t.message, t.count])).toEqual([
    ['Saved.', 1],
    ['Enter a number from 1 to 500.', 3],
  ]);
  // The same words as an error are another toast.
  toasts.push('error', 'Saved.');
  expect(toasts.items.map((t) => t.kind)).toEqual(['info', 'info', 'error']);
});

it('a repeat starts the toast’s time again; once gone, the message is new again', () => {
  toasts.info('Nothing to undo.');
  vi.advanceTimersByTime(3000);
  toasts.info('Nothing to undo.');
  // 4 s after the first, 1 s after the repeat: still showing.
  vi.advanceTimersByTime(1000);
  expect(toasts.items.map((t) => t.count)).toEqual([2]);
  vi.advanceTimersByTime(3000);
  expect(toasts.items).toEqual([]);
  toasts.info('Nothing to undo.');
  expect(toasts.items.map((t) => t.count)).toEqual([1]);
});

it('a notice shows for the time to read it: a short one 4 s, a long one longer', () => {
  toasts.info('Added 2 images to the evaluation set (2 in all).');
  // 18 words: 1 s + 18 × 0.3 s.
  toasts.info('No image could be added: every unlabeled image has been queried or is in the evaluation set already.');
  vi.advanceTimersByTime(4000);
  expect(toasts.items.map((t) => t.message)).toEqual(['No image could be added: every unlabeled image has been queried or is in the evaluation set already.']);
  vi.advanceTimersByTime(2400);
  expect(toasts.items).toEqual([]);
});

it('different messages stack, four at most (the oldest goes)', () => {
  for (let k = 1; k <= 6; k++) toasts.info(`Notice ${k}`);
  expect(toasts.items.map((t) => t.message)).toEqual(['Notice 3', 'Notice 4', 'Notice 5', 'Notice 6']);
  // A repeat of a shown one moves it last and drops none.
  toasts.info('Notice 4');
  expect(toasts.items.map((t) => t.message)).toEqual(['Notice 3', 'Notice 5', 'Notice 6', 'Notice 4']);
});

it('a notice the expert must not miss (another window changed their label) shows as long as an error', () => {
  toasts.info('Usual notice.');
  toasts.info('Another window changed img-1.png from ant to bee.', ERROR_MS);
  vi.advanceTimersByTime(4000);
  expect(toasts.items.map((t) => t.message)).toEqual(['Another window changed img-1.png from ant to bee.']);
  vi.advanceTimersByTime(ERROR_MS - 4000);
  expect(toasts.items).toEqual([]);
});

it('a request this window called off (CANCELLED: it closed its project before the answer) is not shown; real errors are', async () => {
  // A refresh on its way when Close project is clicked, answered once the project is closed.
  const { late, answer } = await requestAnsweredAfterOwnClose('That project was closed.');
  answer();
  const cancelled = await late;
  expect(cancelled).toMatchObject({ code: 'CANCELLED' });
  windowSession.reset();

  // A caller that toasts whatever its request throws, on the start screen now.
  toasts.error(cancelled, 'Could not refresh');
  expect(toasts.items).toEqual([]);
  toasts.error(new AppError('IO_ERROR', 'The disk was removed.'), 'Could not refresh');
  toasts.error(new Error('Unexpected answer'));
  toasts.error('Project repaired: 2 rows dropped');
  expect(toasts.items.map((t) => [t.kind, t.message])).toEqual([
    ['error', 'Could not refresh: The disk was removed.'],
    ['error', 'Unexpected answer'],
    ['error', 'Project repaired: 2 rows dropped'],
  ]);
});

it('a CANCELLED from the main process (nothing was done: try again) is shown; only the window\'s own late answer is not', async () => {
  // Query new batch while the features were unloaded (another model chosen): the main process's words, as the request answers them.
  const api = {
    'loop:nextRound': async () => ({
      ok: false,
      error: { code: 'CANCELLED', message: 'These image features were unloaded (another pre-trained model or training mode was chosen, or the project was closed): nothing was done. Try again.' },
    }),
  } as unknown as RawApi;
  windowSession.reset();
  windowSession.adopt({ session: 'S1', name: 'cells' } as OpenProjectSummary);
  const unloaded = await callOn(api, 'loop:nextRound').catch((e: unknown) => e);
  windowSession.reset();
  expect(unloaded).toMatchObject({ code: 'CANCELLED' });
  toasts.error(unloaded, 'Could not query a new batch');
  toasts.error(new AppError('CANCELLED', 'The engine worker stopped (exit code 0).'), 'Training failed');
  expect(toasts.items.map((t) => [t.kind, t.message])).toEqual([
    ['error', 'Could not query a new batch: These image features were unloaded (another pre-trained model or training mode was chosen, or the project was closed): nothing was done. Try again.'],
    ['error', 'Training failed: The engine worker stopped (exit code 0).'],
  ]);
});
