/**
 * A failed job is told once: as a toast, unless the dialog or view that started it is open and
 * shows the error itself (the import and export dialogs, the suspect-label check).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useBridge } from '../../../src-renderer/api/bridge';
import { wireEvents } from '../../../src-renderer/orchestration/project-lifecycle';
import { jobs } from '../../../src-renderer/stores/jobs.svelte';
import { toasts } from '../../../src-renderer/stores/toasts.svelte';
import type { EventName, Events, JobKind, RawApi } from '../../../src-shared/contract';

const listeners = new Map<string, ((payload: never) => void)[]>();

function emit<E extends EventName>(event: E, payload: Events[E]): void {
  for (const listener of listeners.get(event) ?? []) (listener as (p: Events[E]) => void)(payload);
}

const fakeApi = new Proxy({} as RawApi, {
  get: (_target, key) => {
    if (key === 'on') {
      return (event: string, listener: (payload: never) => void) => {
        listeners.set(event, [...(listeners.get(event) ?? []), listener]);
        return () => listeners.set(event, (listeners.get(event) ?? []).filter((l) => l !== listener));
      };
    }
    return async () => ({ ok: false, error: { code: 'INTERNAL', message: 'not answered in this test' } });
  },
});

let unwire: () => void;
beforeAll(() => {
  useBridge({ raw: fakeApi, kind: 'web', mediaUrl: () => '', onStatus: () => () => undefined });
  unwire = wireEvents();
});
afterAll(() => unwire());

let n = 0;
/** Fails a job of `kind`; returns the toasts it raised. */
function fail(kind: JobKind): string[] {
  const message = `broken ${++n}`;
  emit('job:failed', { jobId: `job-${n}`, kind, error: { code: 'IO_ERROR', message } });
  return toasts.items.filter((t) => t.kind === 'error' && t.message.includes(message)).map((t) => t.message);
}

it('toasts a failed import when no dialog shows it, and not while the import dialog is open', () => {
  expect(fail('import')).toEqual([`The import failed: broken ${n}`]);
  const close = jobs.showFailuresHere('import');
  expect(fail('import')).toEqual([]);
  // only the kind the open surface shows
  expect(fail('export')).toHaveLength(1);
  close();
  close(); // a second call of the same cleanup changes nothing
  expect(fail('import')).toHaveLength(1);
});

it('counts the open surfaces: one closing leaves the other showing the failures', () => {
  const closeA = jobs.showFailuresHere('check-labels');
  const closeB = jobs.showFailuresHere('check-labels');
  closeA();
  expect(fail('check-labels')).toEqual([]);
  closeB();
  expect(fail('check-labels')).toHaveLength(1);
});

it('never toasts a cancelled job', () => {
  emit('job:failed', { jobId: 'cancelled', kind: 'import', error: { code: 'CANCELLED', message: 'cancelled by you' } });
  expect(toasts.items.filter((t) => t.message.includes('cancelled by you'))).toEqual([]);
});
