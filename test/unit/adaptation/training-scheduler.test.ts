/**
 * The active loop's training scheduler with fake steps and hand-driven timers: no TF.js, no
 * engine, no waiting. Each case drives the schedule step by step and checks what ran.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/app-error';
import { TrainingScheduler, type LabelState } from '../../../src-main/adaptation/training-scheduler';
import { ManualTimers } from '../../support/manual-timers';

interface Gate {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}
function gate(): Gate {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Let every settled promise's continuations run (no clock involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const timers = new ManualTimers();
  const calls: string[] = [];
  const trainings: Gate[] = [];
  const queries: Gate[] = [];
  const logged: string[] = [];
  let trainingEvents = 0;
  const scheduler = new TrainingScheduler(
    {
      train: () => {
        calls.push('train');
        const g = gate();
        trainings.push(g);
        return g.promise;
      },
      query: () => {
        calls.push('query');
        const g = gate();
        queries.push(g);
        return g.promise;
      },
      trainingChanged: () => trainingEvents++,
      log: (m) => logged.push(m),
    },
    timers,
    50,
  );
  return { scheduler, timers, calls, trainings, queries, logged, trainingEvents: () => trainingEvents };
}

const continuous: LabelState = { continuous: true, batchDone: false, trainedOnBatch: false };
const batchDone: LabelState = { continuous: false, batchDone: true, trainedOnBatch: false };

describe('training scheduler', () => {
  it('continuous mode: a burst of label changes trains once, after the coalescing delay, then queries', async () => {
    const { scheduler, timers, calls, trainings, queries } = setup();
    for (let i = 0; i < 5; i++) scheduler.labelsChanged(continuous);
    expect(timers.timeouts.size).toBe(1);
    expect([...timers.timeouts.values()][0]!.ms).toBe(50);
    expect(calls).toEqual([]);
    timers.fireTimeouts();
    expect(calls).toEqual(['train']);
    expect(scheduler.isTraining).toBe(true);
    trainings[0]!.resolve();
    await settle();
    expect(scheduler.isTraining).toBe(false);
    expect(calls).toEqual(['train', 'query']);
    queries[0]!.resolve();
    await settle();
    expect(calls).toEqual(['train', 'query']);
  });

  it('continuous mode: changes during a training train once more right after it', async () => {
    const { scheduler, timers, calls, trainings, queries } = setup();
    scheduler.labelsChanged(continuous);
    timers.fireTimeouts();
    for (let i = 0; i < 3; i++) scheduler.labelsChanged(continuous);
    expect(timers.timeouts.size).toBe(0); // no second timer while training
    trainings[0]!.resolve();
    await settle();
    expect(calls).toEqual(['train', 'query']);
    queries[0]!.resolve();
    await settle();
    expect(calls).toEqual(['train', 'query', 'train']);
    trainings[1]!.resolve();
    await settle();
    queries[1]!.resolve();
    await settle();
    expect(calls).toEqual(['train', 'query', 'train', 'query']);
  });

  it('continuous mode: a finished batch is replaced at once while training waits its turn', async () => {
    const { scheduler, timers, calls, queries } = setup();
    scheduler.labelsChanged({ ...continuous, batchDone: true });
    expect(calls).toEqual(['query']);
    scheduler.labelsChanged({ ...continuous, batchDone: true });
    expect(calls).toEqual(['query']); // one query in flight at a time
    expect(timers.timeouts.size).toBe(1);
    queries[0]!.resolve();
    await settle();
    scheduler.labelsChanged({ ...continuous, batchDone: true });
    expect(calls).toEqual(['query', 'query']);
  });

  it('batch mode: a labeled batch trains after the label request answered, then queries the next batch', async () => {
    const { scheduler, timers, calls, trainings, trainingEvents } = setup();
    scheduler.labelsChanged({ ...batchDone, batchDone: false });
    scheduler.labelsChanged({ ...batchDone, trainedOnBatch: true });
    expect(timers.deferred).toHaveLength(0);
    scheduler.labelsChanged(batchDone);
    expect(calls).toEqual([]); // deferred, not inside the request
    timers.runDeferred();
    expect(calls).toEqual(['train']);
    expect(trainingEvents()).toBe(1);
    scheduler.labelsChanged(batchDone); // while training: nothing more
    expect(timers.deferred).toHaveLength(0);
    trainings[0]!.resolve();
    await settle();
    expect(trainingEvents()).toBe(2);
    expect(calls).toEqual(['train', 'query']);
  });

  it('queries even when there is nothing to train yet (fewer than two classes); logs other failures', async () => {
    const { scheduler, timers, calls, trainings, logged } = setup();
    scheduler.labelsChanged(batchDone);
    timers.runDeferred();
    trainings[0]!.reject(new AppError('CONFLICT', 'Label images of at least two classes'));
    await settle();
    expect(calls).toEqual(['train', 'query']);
    expect(logged).toEqual([]);
    const second = setup();
    second.scheduler.labelsChanged(batchDone);
    second.timers.runDeferred();
    second.trainings[0]!.reject(new Error('worker crashed'));
    await settle();
    expect(second.calls).toEqual(['train']);
    expect(second.logged).toEqual(['active loop: worker crashed']);
  });

  it('an explicit training joins the running one', async () => {
    const { scheduler, calls, trainings } = setup();
    const a = scheduler.train();
    const b = scheduler.train();
    expect(calls).toEqual(['train']);
    trainings[0]!.resolve();
    await Promise.all([a, b]);
    expect(scheduler.isTraining).toBe(false);
  });

  it('close drops a pending coalesced training and waits for the running one', async () => {
    const { scheduler, timers, calls, trainings } = setup();
    scheduler.labelsChanged(continuous);
    timers.fireTimeouts();
    scheduler.labelsChanged(continuous);
    let closed = false;
    const closing = scheduler.close().then(() => {
      closed = true;
    });
    await settle();
    expect(closed).toBe(false);
    trainings[0]!.resolve();
    await closing;
    expect(calls).toEqual(['train']); // no query, no second training after close
    scheduler.labelsChanged(continuous);
    expect(timers.timeouts.size).toBe(0);
  });

  it('batch mode: a training deferred after the last label of the batch does not start once the project closed meanwhile', async () => {
    const { scheduler, timers, calls } = setup();
    scheduler.labelsChanged(batchDone);
    expect(timers.deferred).toHaveLength(1);
    await scheduler.close();
    timers.runDeferred();
    await settle();
    expect(calls).toEqual([]);
    expect(scheduler.isTraining).toBe(false);
  });

  it('trainWhenDue starts its own training after the running one, if still due then; it never joins the running one', async () => {
    const { scheduler, calls, trainings } = setup();
    void scheduler.train(); // a training of what was before (another model)
    let due = true;
    const after = scheduler.trainWhenDue(() => due);
    await settle();
    expect(calls).toEqual(['train']); // waits: joining would keep the running one's version
    trainings[0]!.resolve();
    await settle();
    expect(calls).toEqual(['train', 'train']);
    trainings[1]!.resolve();
    expect(await after).toBe(true); // it trained: the loop then lets the new classifier choose the open batch

    // No longer due once the running training ends: nothing more.
    void scheduler.train();
    const skipped = scheduler.trainWhenDue(() => due);
    due = false;
    trainings[2]!.resolve();
    expect(await skipped).toBe(false);
    expect(calls).toEqual(['train', 'train', 'train']);

    // Closed meanwhile: nothing either.
    due = true;
    void scheduler.train();
    const closing = scheduler.trainWhenDue(() => due);
    const closed = scheduler.close();
    trainings[3]!.resolve();
    expect(await Promise.all([closing, closed])).toEqual([false, undefined]);
    expect(calls).toHaveLength(4);
  });
});
