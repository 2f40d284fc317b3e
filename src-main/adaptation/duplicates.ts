/**
 * Duplicates of one open project: exact groups (same file content: `images.hash` is the
 * SHA-256 of the file's bytes, computed by the scan) over every image, near-duplicate groups
 * (layer-B feature similarity verified by the thumbnails' difference hashes, computed in the
 * engine worker: engine/adma/near-duplicates.ts) over the images with features, "more like
 * this", and leakage: evaluation images that duplicate a training image, which inflate the
 * accuracy the dashboard shows.
 */
import { AppError } from '../../src-shared/app-error';
import { duplicateCriteria, type DuplicateGroup, type DuplicateReport, type ImageItem, type Leakage, type LeakagePair, type SimilarItem } from '../../src-shared/contract';
import { JobReporter } from '../core/job-reporter';
import type { NearDuplicateCriteria } from '../engine/adma/near-duplicates';
import type { JobResult } from '../engine/worker-protocol';
import type { AdaptationContext } from './adaptation-context';
import type { Evaluation } from './evaluation';
import type { PoolSession } from './pool-session';

/** Why a search for duplicates stopped before its end (`how`: what stopped it). */
const stopped = (how: string): AppError => new AppError('CANCELLED', `This search for duplicates ${how}: find again to see the groups.`);

/** `work`'s outcome, or the abort's reason (what stopped it) as soon as `signal` aborts; `work` itself goes on. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as AppError);
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason as AppError);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

export class Duplicates {
  /**
   * The running search for groups (one at a time: a newer one cancels it), from its request on:
   * set before its first await, so a cancel or a newer search stops it at any moment, while the
   * features are still being loaded too (the engine's job not started yet). Aborted with the
   * words it then fails with (CANCELLED): every window may ask for a search or cancel one, so the
   * window whose search it was may not be the one that stopped it.
   */
  private search: AbortController | null = null;

  constructor(
    private readonly ctx: AdaptationContext,
    private readonly parts: { pool: PoolSession; evaluation: Evaluation },
  ) {}

  /** The criteria of the project: its similarity setting, the default Hamming bound. */
  criteria(minSimilarity?: number): NearDuplicateCriteria {
    return duplicateCriteria(minSimilarity ?? this.ctx.store.settings().duplicateSimilarity);
  }

  /** The model whose features the pool holds, once it is ready for near-duplicate work; null while extraction has nothing yet. */
  private async poolReady(): Promise<string | null> {
    if (!this.ctx.store.model()) return null;
    try {
      return await this.parts.pool.prepare();
    } catch (error) {
      if (error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'CONFLICT')) return null;
      throw error;
    }
  }

  async groups(minSimilarity?: number): Promise<DuplicateReport> {
    this.search?.abort(stopped('was replaced by a newer one (asked in another window, or here)'));
    const controller = new AbortController();
    this.search = controller;
    try {
      return await this.findGroups(controller.signal, minSimilarity);
    } finally {
      if (this.search === controller) this.search = null;
    }
  }

  private async findGroups(signal: AbortSignal, minSimilarity?: number): Promise<DuplicateReport> {
    const started = performance.now();
    const criteria = this.criteria(minSimilarity);
    const index = this.ctx.project.images;
    const evaluation = this.ctx.store.evaluationIds();
    // Union of exact groups (by content hash, every image) and near groups (images with features).
    const parent = new Map<number, number>();
    const find = (x: number): number => {
      while (parent.get(x) !== undefined && parent.get(x) !== x) x = parent.get(x) as number;
      return x;
    };
    const join = (a: number, b: number): void => {
      if (!parent.has(a)) parent.set(a, a);
      if (!parent.has(b)) parent.set(b, b);
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
    };
    // Exact copies by the content hash's index: the 100,000 rows are never listed on this thread.
    for (const [first, ...rest] of index.sameContent()) for (const id of rest) join(first as number, id);
    // The lowest and highest similarity of the pairs that joined each engine group (by its first id).
    const nearSimilarity = new Map<number, { min: number; max: number }>();
    let compared = 0;
    // Stopped while the pool loads: it fails at once (the load goes on for its other callers).
    const modelId = await unlessAborted(this.poolReady(), signal);
    if (modelId !== null) {
      const near = await this.searchPairs(criteria, modelId, signal);
      compared = near.compared;
      for (const group of near.groups) {
        const [first, ...rest] = group.imageIds as [number, ...number[]];
        for (const id of rest) join(first, id);
        if (!group.exact) nearSimilarity.set(first, { min: group.minSimilarity, max: group.maxSimilarity });
      }
    }
    const members = new Map<number, number[]>();
    for (const id of [...parent.keys()].sort((a, b) => a - b)) {
      const root = find(id);
      members.set(root, [...(members.get(root) ?? []), id]);
    }
    const byId = new Map(index.itemsOf([...parent.keys()]).map((i) => [i.id, i]));
    const groups: DuplicateGroup[] = [];
    for (const ids of members.values()) {
      const items = ids.map((id) => byId.get(id)).filter((i): i is ImageItem => i !== undefined);
      if (items.length < 2) continue;
      const exact = items.every((i) => i.hash === items[0]?.hash);
      // A near group's pairs: those of the engine groups it holds, and the exact copies joined by
      // their content hash (images without features among them too), alike as 1.
      let minSimilarity = 1;
      let maxSimilarity = exact || new Set(items.map((i) => i.hash)).size < items.length ? 1 : -1;
      for (const id of ids) {
        const s = nearSimilarity.get(id);
        if (s === undefined) continue;
        minSimilarity = Math.min(minSimilarity, s.min);
        maxSimilarity = Math.max(maxSimilarity, s.max);
      }
      groups.push({ kind: exact ? 'exact' : 'near', minSimilarity, maxSimilarity, items, evaluationIds: ids.filter((id) => evaluation.has(id)) });
    }
    // Largest groups first (the most copies to settle), then by first id (the earliest-added image):
    // an order that a search again, at another threshold, keeps for the groups it finds again.
    // Not by similarity: a group's range (minSimilarity..maxSimilarity) is shown on it instead.
    groups.sort((a, b) => b.items.length - a.items.length || (a.items[0]?.id ?? 0) - (b.items[0]?.id ?? 0));
    return {
      minSimilarity: criteria.minSimilarity,
      maxHammingDistance: criteria.maxHammingDistance,
      minThumbnailCorrelation: criteria.minThumbnailCorrelation,
      groups,
      compared,
      images: index.presentCount(),
      millis: Math.round(performance.now() - started),
    };
  }

  /** The engine's all-pairs search as a `duplicates` job: progress events, cancellable, the worker stays responsive. */
  private async searchPairs(criteria: NearDuplicateCriteria, modelId: string, signal: AbortSignal): Promise<JobResult<'loopDuplicates'>> {
    const reporter = new JobReporter(this.ctx.events, 'duplicates');
    return await reporter.run(async () => {
      try {
        return await this.ctx.engine().request('loopDuplicates', { modelId, criteria }, { signal, onProgress: reporter.forward });
      } catch (error) {
        // Cancelled by its abort: in the words of what stopped it, not the engine's job name.
        throw signal.aborted && error instanceof AppError && error.code === 'CANCELLED' ? (signal.reason as AppError) : error;
      }
    });
  }

  /** Cancel the running search for groups; false when none runs. */
  cancel(): boolean {
    if (!this.search) return false;
    this.search.abort(stopped('was cancelled (in another window, or here)'));
    this.search = null;
    return true;
  }

  async similar(imageId: number, count: number): Promise<SimilarItem[]> {
    const image = this.ctx.project.images.get(imageId);
    const modelId = await this.poolReady();
    if (modelId === null) throw new AppError('BUSY', 'Similar images need the image features: choose a model and wait for feature extraction.');
    const criteria = this.criteria();
    const found = await this.ctx.engine().request('loopSimilar', { modelId, imageId, count, skipIds: [] });
    const pairs = await this.ctx.engine().request('loopDuplicatesBetween', { modelId, criteria, left: [imageId], right: found.map((f) => f.imageId) });
    const duplicates = new Set(pairs.map((p) => p.right));
    const byId = new Map(this.ctx.project.images.itemsOf(found.map((f) => f.imageId)).map((i) => [i.id, i]));
    return found.flatMap((f) => {
      const item = byId.get(f.imageId);
      return item ? [{ ...item, similarity: f.similarity, duplicate: duplicates.has(f.imageId) || item.hash === image.hash }] : [];
    });
  }

  /** Evaluation images that duplicate a labeled training image (exact always, near once features exist). */
  async leakage(): Promise<Leakage> {
    const { store } = this.ctx;
    const evaluation = [...store.evaluationIds()].sort((a, b) => a - b);
    const training = [...this.ctx.trainingLabels().keys()].sort((a, b) => a - b);
    const byId = new Map(this.ctx.project.images.itemsOf([...evaluation, ...training]).map((i) => [i.id, i]));
    const pairs = new Map<string, LeakagePair>();
    const add = (evalId: number, trainId: number, similarity: number, exact: boolean): void => {
      const e = byId.get(evalId);
      const t = byId.get(trainId);
      if (e && t && !pairs.has(`${evalId}:${trainId}`)) pairs.set(`${evalId}:${trainId}`, { evaluation: e, training: t, similarity, exact });
    };
    const trainingByHash = new Map<string, number[]>();
    for (const id of training) {
      const hash = byId.get(id)?.hash;
      if (hash) trainingByHash.set(hash, [...(trainingByHash.get(hash) ?? []), id]);
    }
    for (const id of evaluation) for (const t of trainingByHash.get(byId.get(id)?.hash ?? '') ?? []) add(id, t, 1, true);
    const modelId = evaluation.length > 0 && training.length > 0 ? await this.poolReady() : null;
    const nearChecked = modelId !== null || evaluation.length === 0 || training.length === 0;
    if (modelId !== null) {
      const near = await this.ctx.engine().request('loopDuplicatesBetween', { modelId, criteria: this.criteria(), left: evaluation, right: training });
      for (const p of near) add(p.left, p.right, p.similarity, p.exact);
    }
    const list = [...pairs.values()].sort((a, b) => a.evaluation.id - b.evaluation.id || a.training.id - b.training.id);
    return { pairs: list, leakedEvaluationIds: [...new Set(list.map((p) => p.evaluation.id))], nearChecked };
  }

  /**
   * Take every leaked image out of the evaluation set (its label, if any, becomes a training
   * label) and sample as many fresh images, none a duplicate of a training image.
   */
  async fixLeakage(): Promise<{ removed: number; added: number; size: number }> {
    const { ctx } = this;
    const leaked = (await this.leakage()).leakedEvaluationIds;
    if (leaked.length === 0) return { removed: 0, added: 0, size: ctx.store.evaluationIds().size };
    ctx.store.removeEvaluation(leaked);
    const { added, size } = await this.sampleEvaluation(leaked.length, new Set(leaked));
    return { removed: leaked.length, added, size };
  }

  /**
   * The evaluation sampler: `count` images in the sample's random order (Evaluation.sampleOrder),
   * skipping every copy of a training image (same content always; near duplicates once the pool
   * has features), so the sample does not leak in the first place. Candidates are checked a
   * chunk at a time (a few times what is still needed), not the whole folder.
   */
  async sampleEvaluation(count: number, avoid: ReadonlySet<number> = new Set()): Promise<{ added: number; size: number }> {
    const { ctx } = this;
    const order = this.parts.evaluation.sampleOrder(avoid);
    const training = [...ctx.trainingLabels().keys()];
    const trainingHashes = new Set(training.map((id) => ctx.project.images.get(id).hash));
    const modelId = training.length > 0 ? await this.poolReady() : null;
    const chosen: number[] = [];
    for (let start = 0; start < order.length && chosen.length < count; ) {
      const chunk = order.slice(start, start + Math.max(64, 4 * (count - chosen.length)));
      start += chunk.length;
      const copies = new Set(chunk.filter((id) => trainingHashes.has(ctx.project.images.get(id).hash)));
      if (modelId !== null) {
        const pairs = await ctx.engine().request('loopDuplicatesBetween', { modelId, criteria: this.criteria(), left: chunk, right: training });
        for (const p of pairs) copies.add(p.left);
      }
      for (const id of chunk) if (!copies.has(id) && chosen.length < count) chosen.push(id);
    }
    return this.parts.evaluation.addSample(chosen);
  }
}
