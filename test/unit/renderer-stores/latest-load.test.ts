/**
 * LatestLoad (the dashboard's, the suspects' and the duplicates' loads): only the latest load's
 * outcome counts, its failure included. A newer load that answered, or whose failure was taken
 * by its store (a cancelled search), leaves no older failure on screen.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/app-error';
import { LatestLoad } from '../../../src-renderer/stores/latest-load.svelte';

const failing = (message: string) => (): Promise<never> => Promise.reject(new AppError('INTERNAL', message));
const cancelled = (error: unknown): boolean => error instanceof AppError && error.code === 'CANCELLED';

describe('LatestLoad', () => {
  it('a newer load whose failure its store handled (cancelled) clears an older failure', async () => {
    const load = new LatestLoad();
    const applied: number[] = [];
    await load.run(failing('the disk is gone'), (value: number) => applied.push(value), cancelled);
    expect([load.error, load.loading]).toEqual(['the disk is gone', false]);
    await load.run(() => Promise.reject(new AppError('CANCELLED', 'cancelled')), (value: number) => applied.push(value), cancelled);
    expect([load.error, load.loading, applied]).toEqual([null, false, []]);
  });
});
