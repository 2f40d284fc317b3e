/**
 * Whether the expert's own labels say the project's images have no up or down: at 50 and at 80
 * training labels, while "No up or down" (LoopSettings.symmetries) is off and the head is light,
 * the engine cross-validates a plain and a views light head on the labels (loopSymmetryCheck;
 * the rule of bench/study/screens/RESULTS-screen6.md, quality/symmetry-evidence.ts) in the
 * background. The labeled images' views it extracts stay in the feature cache, so turning the
 * setting on later costs no more extraction. The Adapt view offers the setting when the check
 * suggests it (EngineStatus.symmetryCheck).
 *
 * Invariants:
 * - Each check point runs once per project and pre-trained model: a finished check is kept in
 *   the project's `meta` rows (with its numbers), so a restart does not repeat it. Past 80
 *   labels only the 80 check is due (labels imported in bulk skip the 50 one).
 * - A check cancelled (project closed, setting turned on, mode or model changed) is not kept:
 *   it runs again when due. A failed one is logged and not tried again in this session.
 * - It never blocks labeling: labels change while it runs; it compares the labels it read.
 */
import type { SymmetryCheckStatus } from '../../src-shared/requests/engine';
import type { AdaptationContext } from './adaptation-context';
import { errorMessage } from './adaptation-context';
import type { StoredSymmetryCheck } from './adaptation-store';
import type { PoolSession } from './pool-session';

/** Training labels at which the check runs (screen 6: "Ask at 50 and 80 labels"). */
export const SYMMETRY_CHECK_POINTS = [50, 80] as const;

/** The check point due with `labels` training labels: the largest one reached, or null below the first. */
export function checkPointFor(labels: number): number | null {
  let due: number | null = null;
  for (const at of SYMMETRY_CHECK_POINTS) if (labels >= at) due = at;
  return due;
}

export class SymmetryCheck {
  private running: { at: number; modelId: string; controller: AbortController; done: Promise<void> } | null = null;
  /** Check points (by model) that failed in this session: not tried again until a restart. */
  private readonly failed = new Set<string>();
  /** The kept checks' row was found damaged (and logged) in this session. */
  private saidDamaged = false;

  constructor(
    private readonly ctx: AdaptationContext,
    private readonly pool: PoolSession,
    /** The pool's features are complete (a check before would wait on the extraction). */
    private readonly featuresReady: () => boolean,
  ) {}

  /**
   * Finished checks kept in the project (AdaptationStore.symmetryChecks). A row that is not a
   * list of checks (written by hand, or damaged) counts as none kept: the checks run again and
   * the row is written anew, instead of every label's `due` throwing.
   */
  stored(): StoredSymmetryCheck[] {
    const kept = this.ctx.store.symmetryChecks();
    if (kept === 'absent') return [];
    if (kept !== 'damaged') return kept.value;
    // Said once: the status reads the checks at every change until a check writes the row anew.
    if (!this.saidDamaged) this.ctx.log("no-up-or-down checks: the project's kept checks are not a list of checks; they are done again");
    this.saidDamaged = true;
    return [];
  }

  private save(check: StoredSymmetryCheck): void {
    this.ctx.store.saveSymmetryChecks([...this.stored().filter((c) => !(c.modelId === check.modelId && c.at === check.at)), check]);
  }

  /** The chosen model when a check applies to the project now (the setting off, light mode, a model chosen), else null. */
  private applies(): string | null {
    const settings = this.ctx.store.settings();
    const modelId = this.ctx.store.model()?.modelId;
    return settings.symmetries || settings.mode !== 'light' || !modelId ? null : modelId;
  }

  /** The check point due now on the chosen model, or null (setting on, deep mode, no model, below 50 labels, already checked). */
  due(): { at: number; modelId: string } | null {
    if (this.ctx.isClosed) return null;
    const modelId = this.applies();
    if (!modelId) return null;
    // A count, not the labels: this runs after every label (trainingLabelCount says what reading them would cost).
    const at = checkPointFor(this.ctx.store.trainingLabelCount());
    if (at === null || this.failed.has(`${modelId}@${at}`)) return null;
    return this.stored().some((c) => c.modelId === modelId && c.at === at) ? null : { at, modelId };
  }

  /** After labels changed, features became ready or settings changed: start the check when one is due; cancel one no longer wanted. */
  consider(): void {
    if (this.ctx.isClosed) return;
    const running = this.running;
    if (running) {
      if (this.applies() !== running.modelId) running.controller.abort();
      return;
    }
    if (!this.featuresReady()) return;
    const due = this.due();
    if (due) this.start(due.at, due.modelId);
  }

  private start(at: number, modelId: string): void {
    const controller = new AbortController();
    const done = this.run(at, modelId, controller.signal)
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        this.failed.add(`${modelId}@${at}`);
        this.ctx.log(`no-up-or-down check at ${at} labels: ${errorMessage(error)}`);
      })
      .finally(() => {
        if (this.running?.controller === controller) this.running = null;
        this.ctx.engineChanged();
        // Labels may have reached the next check point meanwhile.
        if (!controller.signal.aborted) this.consider();
      });
    this.running = { at, modelId, controller, done };
    this.ctx.engineChanged();
  }

  private async run(at: number, modelId: string, signal: AbortSignal): Promise<void> {
    const { ctx } = this;
    await this.pool.prepare();
    if (signal.aborted) return;
    const labels = ctx.trainingLabels();
    const classIds = [...new Set(labels.values())].sort((a, b) => a - b);
    if (classIds.length < 2) throw new Error('the training labels are of one class.');
    const indexOf = new Map(classIds.map((id, i) => [id, i]));
    const result = await ctx.engine().request(
      'loopSymmetryCheck',
      {
        modelId,
        labels: [...labels].map(([imageId, classId]) => ({ imageId, classIndex: indexOf.get(classId) as number })),
        classCount: classIds.length,
        seed: ctx.seed,
        symmetryFiles: this.ctx.imageFiles(labels.keys()),
      },
      { signal },
    );
    if (signal.aborted) return;
    const { n, plainAccuracy, viewsAccuracy, meanDifference, standardError, suggest } = result.evidence;
    this.save({ modelId, at, n, plainAccuracy, viewsAccuracy, meanDifference, standardError, suggest, checkedAt: new Date().toISOString() });
  }

  /** Stop a running check (the project closes); it runs again when due. */
  cancel(): Promise<void> {
    const running = this.running;
    if (!running) return Promise.resolve();
    running.controller.abort();
    return running.done;
  }

  /** The running check and the latest finished one on the chosen model; null before any. */
  status(): SymmetryCheckStatus | null {
    const modelId = this.ctx.store.model()?.modelId;
    const mine = this.stored().filter((c) => c.modelId === modelId);
    const latest = mine.sort((a, b) => a.at - b.at).at(-1);
    const running = this.running && this.running.modelId === modelId ? this.running.at : null;
    if (!latest && running === null) return null;
    if (!latest) return { running, last: null };
    const { modelId: _model, ...last } = latest;
    return { running, last };
  }
}
