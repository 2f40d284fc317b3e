/** The active loop's rows in the project database: model choice, settings, rounds, versions, evaluation set, predictions. */
import type Database from 'better-sqlite3';
import { RECOMMENDED_STRATEGY, type LoopSettings, type ModelChoice, type QueueItem, type RoundInfo, type ScheduleSetting, type StrategyName, type Suggestion, type SuspectItem, type SuspectReport } from '../../src-shared/contract';
import { DUPLICATE_DEFAULTS } from '../../src-shared/contract';
import { DEFAULT_ADMA_OPTIONS } from '../engine/adma/adma-strategy';
import type { CentreRecord } from '../engine/adma/centre-set';
import type { Prediction } from '../engine/loop/loop-jobs';
import { ITEM_COLUMNS, PRESENT_IMAGE_COUNT, toItem, type ImageRow } from '../project/image-index';
import { SUGGESTION_COLUMNS, SUGGESTION_JOINS, suggestionOf, type SuggestionRow } from '../project/suggestions';
import { isDecided } from '../../src-shared/requests/images';
import type { ScoreKind } from '../../src-shared/typical-pick';
import type { SymmetryCheckOutcome } from '../../src-shared/requests/engine';
import { keepReasons } from './model-versions';
import { s, SchemaError, type Schema } from '../../src-shared/schema';

/** One image of a round's batch as it is recorded: why it was asked for, and its score with the kind of score it is. */
export type RoundItem = Pick<QueueItem, 'imageId' | 'distinctiveness' | 'uncertainty' | 'score' | 'scoreKind' | 'reason'>;

/**
 * Defaults chosen by the simulation study (bench/STUDY.md, "The product default"): the
 * recommended strategy (RECOMMENDED_STRATEGY), batches of 10, light fine-tuning; ADMA's
 * schedule and U (the engine's DEFAULT_ADMA_OPTIONS) for when ADMA is chosen. Change them
 * there first.
 */
export const DEFAULT_LOOP_SETTINGS: LoopSettings = {
  strategy: RECOMMENDED_STRATEGY,
  batchSize: 10,
  schedule: DEFAULT_ADMA_OPTIONS.schedule,
  uncertainty: DEFAULT_ADMA_OPTIONS.uncertainty,
  mode: 'light',
  continuous: false,
  symmetries: false,
  duplicateSimilarity: DUPLICATE_DEFAULTS.minSimilarity,
};

/** Defaults of the duplicate threshold in earlier versions, stored in every project's settings then. */
const FORMER_DUPLICATE_DEFAULTS: readonly number[] = [0.8, 0.9];

/**
 * The settings a row holds: LoopSettings, but for the "Not now" to the suggestion of "No up or
 * down", which rows written before it named its check keep as `true`.
 */
type StoredChoices = Omit<Partial<LoopSettings>, 'symmetriesSuggestionDismissed'> & { symmetriesSuggestionDismissed?: number | true };

/** A settings row: the expert's choices, or (before them) every setting as a plain object. */
type StoredSettings = { chosen: StoredChoices } | StoredChoices;

function chosenSettings(stored: StoredSettings): StoredChoices {
  if ('chosen' in stored) return stored.chosen;
  const { duplicateSimilarity, ...rest } = stored;
  return duplicateSimilarity === undefined || FORMER_DUPLICATE_DEFAULTS.includes(duplicateSimilarity) ? rest : { ...rest, duplicateSimilarity };
}

const sameSetting = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The mean of the known values, null when none is known. */
function mean(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : null;
}

export interface ModelRow {
  choice: ModelChoice;
  modelId: string | null;
  modelName: string | null;
  /**
   * The fingerprint of the model's files when it was chosen (ModelSummary.fingerprint): a folder
   * with its own adma-model.json keeps its id whatever weights it holds (recorded-model.ts).
   * null: none recorded for `modelId` (chosen by a version before fingerprints were recorded).
   */
  fingerprint: string | null;
}

/** The `meta` row of the chosen model's files' fingerprint (a JSON ModelFingerprint): no migration, older versions leave it alone. */
const MODEL_FINGERPRINT_KEY = 'model-fingerprint';

/** A fingerprint as stored: with the id it was recorded for (an older version may choose another model since, leaving the row). */
interface ModelFingerprint {
  modelId: string;
  fingerprint: string;
}

/** A pre-trained model the project has used (project_models): its name and the choice it was made by. */
export interface UsedModel {
  name: string;
  choice: ModelChoice;
}

export interface VersionClass {
  id: number;
  name: string;
  /** Training labels of the class this version learned from (absent in versions saved before it was recorded). */
  labels?: number;
}

/** A score on part of the evaluation labels: the signature of the labels it was scored against (Evaluation), and how many of them it leaves out. */
export interface PartialScore {
  against: string;
  leftOut: number;
}

export interface VersionRow {
  version: number;
  modelId: string;
  mode: 'light' | 'deep';
  classes: VersionClass[];
  trainingLabels: number;
  evalLabeled: number;
  evalCorrect: number;
  confusion: { classIds: number[]; counts: number[][] } | null;
  metrics: Record<string, number | string>;
  trainedAt: string;
  /**
   * The feature cache's redecodes (FeatureStore.redecodes) the version was trained against
   * (migration 17): the chosen model's count as the app last read it (ActiveLoop.retrainDue).
   * 0 for a version trained before it was recorded; absent (0) in a row made without it.
   */
  featureRedecodes?: number;
  /**
   * The fingerprint of the pre-trained model's files the version was trained with (migration 18):
   * the chosen model's recorded one when its training began (ModelRow.fingerprint). A folder with
   * its own adma-model.json keeps its id over other weights, so a version on the chosen id but
   * another fingerprint was trained on other weights (ActiveLoop.retrainDue, Transfer). Null
   * (or absent): unknown, trained before it was recorded or on a model with none recorded.
   */
  modelFingerprint?: string | null;
}

interface RoundRow {
  id: number;
  round_index: number;
  strategy: StrategyName;
  lambda: number | null;
  schedule: string;
  batch_size: number;
  model_version: number;
  reranked_with: number | null;
  created_at: string;
}

/** The `meta` row of the last label check (a JSON StoredLabelCheck). */
const LABEL_CHECK_KEY = 'label-check';
/** The `meta` row of the finished checks for "No up or down" (a JSON list of StoredSymmetryCheck). */
const SYMMETRY_CHECKS_KEY = 'symmetry-checks';

/** A finished check for "No up or down" as the project keeps it (symmetry-check.ts): on which pre-trained model. */
export interface StoredSymmetryCheck extends SymmetryCheckOutcome {
  modelId: string;
}

/** A label check as stored: the report with each suspect's image by id (read again when shown). */
export type StoredLabelCheck = Omit<SuspectReport, 'items' | 'changesSince'> & { items: (Omit<SuspectItem, 'image'> & { imageId: number })[] };

/** The shape of SYMMETRY_CHECKS_KEY's row, checked when it is read (typed: it cannot drift from StoredSymmetryCheck's fields). */
const STORED_SYMMETRY_CHECKS: Schema<StoredSymmetryCheck[]> = s.array(
  s.object({
    modelId: s.string(),
    at: s.int({ min: 0 }),
    n: s.int({ min: 0 }),
    plainAccuracy: s.number(),
    viewsAccuracy: s.number(),
    meanDifference: s.number(),
    standardError: s.number(),
    suggest: s.boolean(),
    checkedAt: s.string(),
  }),
);

/** The shape of MODEL_FINGERPRINT_KEY's row, checked when it is read. */
const STORED_MODEL_FINGERPRINT: Schema<ModelFingerprint> = s.object({ modelId: s.string(), fingerprint: s.string() });

/** The shape of LABEL_CHECK_KEY's row, checked when it is read (typed: it cannot drift from StoredLabelCheck's fields). */
const STORED_LABEL_CHECK: Schema<StoredLabelCheck> = s.object({
  items: s.array(
    s.object({
      imageId: s.int({ min: 1 }),
      givenClassId: s.int(),
      suggestedClassId: s.int(),
      givenProbability: s.number(),
      suggestedProbability: s.number(),
    }),
    { max: Number.MAX_SAFE_INTEGER },
  ),
  judged: s.int({ min: 0 }),
  folds: s.int({ min: 0 }),
  modelId: s.string(),
  millis: s.number(),
  checkedAt: s.string(),
});

/**
 * A JSON `meta` row read back with its shape checked: its value; `absent` before it is written;
 * `damaged` when it is not JSON or not of its shape (written by hand, or damaged), which the
 * reader counts as none kept instead of failing on it.
 */
export type KeptRow<T> = { value: T } | 'absent' | 'damaged';

export class AdaptationStore {
  constructor(private readonly db: Database.Database) {}

  model(): ModelRow | null {
    const row = this.db.prepare('SELECT choice, model_id, model_name FROM engine_model WHERE id = 1').get() as
      | { choice: string; model_id: string | null; model_name: string | null }
      | undefined;
    if (!row) return null;
    const recorded = this.modelFingerprint();
    const fingerprint = recorded !== null && recorded.modelId === row.model_id ? recorded.fingerprint : null;
    return { choice: JSON.parse(row.choice) as ModelChoice, modelId: row.model_id, modelName: row.model_name, fingerprint };
  }

  /**
   * Record the chosen model with its files' `fingerprint` (null or absent: none known; a folder
   * model's is then recorded at its next load: adoptModelFingerprint), and remember it
   * among the models the project has used (`project_models`): its versions and curve points are
   * named by it after another is chosen.
   */
  setModel(choice: ModelChoice, modelId: string | null, modelName: string | null, fingerprint: string | null = null): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO engine_model (id, choice, model_id, model_name, chosen_at) VALUES (1, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET choice = excluded.choice, model_id = excluded.model_id, model_name = excluded.model_name, chosen_at = excluded.chosen_at`,
        )
        .run(JSON.stringify(choice), modelId, modelName, now);
      if (modelId !== null && fingerprint !== null) this.writeModelFingerprint(modelId, fingerprint);
      else this.db.prepare('DELETE FROM meta WHERE key = ?').run(MODEL_FINGERPRINT_KEY);
      if (modelId === null || modelName === null) return;
      this.db
        .prepare(
          `INSERT INTO project_models (model_id, name, choice, chosen_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(model_id) DO UPDATE SET name = excluded.name, choice = excluded.choice, chosen_at = excluded.chosen_at`,
        )
        .run(modelId, modelName, JSON.stringify(choice), now);
    })();
  }

  /**
   * Record `fingerprint` for the chosen model when it is still `modelId` and has none recorded
   * (ModelRow.fingerprint null: a project of an older version, at its first load since). A
   * fingerprint recorded already is never replaced here: only a choice (setModel) does that.
   */
  adoptModelFingerprint(modelId: string, fingerprint: string): void {
    this.db.transaction(() => {
      const model = this.model();
      if (model?.modelId === modelId && model.fingerprint === null) this.writeModelFingerprint(modelId, fingerprint);
    })();
  }

  private writeModelFingerprint(modelId: string, fingerprint: string): void {
    const value: ModelFingerprint = { modelId, fingerprint };
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(MODEL_FINGERPRINT_KEY, JSON.stringify(value));
  }

  /** The recorded fingerprint row; null when there is none or it is not one (written by hand, damaged): nothing to compare with. */
  private modelFingerprint(): ModelFingerprint | null {
    const kept = this.keptRow(MODEL_FINGERPRINT_KEY, STORED_MODEL_FINGERPRINT);
    return typeof kept === 'object' ? kept.value : null;
  }

  /**
   * Every pre-trained model the project has used (chosen since migration 13, or chosen when it
   * ran), by id: the name it was last chosen under and how (a folder model's path). Never
   * forgotten: versions, rounds and centres name models by id for as long as the project keeps them.
   */
  usedModels(): Map<string, UsedModel> {
    const rows = this.db.prepare('SELECT model_id, name, choice FROM project_models').all() as { model_id: string; name: string; choice: string }[];
    return new Map(rows.map((r) => [r.model_id, { name: r.name, choice: JSON.parse(r.choice) as ModelChoice }]));
  }

  /**
   * The defaults with the expert's choices over them. Invariant: the row holds only the values
   * the expert chose that differ from today's defaults ({"chosen": {...}}), so a setting never
   * changed follows the default and a better default reaches projects made before it. Rows
   * written before this stored every setting as a plain object; there a duplicate threshold equal
   * to a former default (FORMER_DUPLICATE_DEFAULTS: the test under the number has changed since)
   * is read as never chosen.
   *
   * A "Not now" kept as `true` (rows from before it named its check) answered the suggestions
   * so far: it reads as the latest check kept (on any model; none kept: not answered), and is
   * pinned to it before another check is kept (saveSymmetryChecks), so a later check asks again.
   */
  settings(): LoopSettings {
    const { symmetriesSuggestionDismissed: dismissed, ...chosen } = this.storedChoices();
    const settings: LoopSettings = { ...DEFAULT_LOOP_SETTINGS, ...chosen };
    const answered = dismissed === true ? this.latestSymmetryCheckPoint() : dismissed;
    return answered === undefined ? settings : { ...settings, symmetriesSuggestionDismissed: answered };
  }

  /** The settings row's choices as kept (none without a row). */
  private storedChoices(): StoredChoices {
    const row = this.db.prepare('SELECT settings FROM loop_settings WHERE id = 1').get() as { settings: string } | undefined;
    return row ? chosenSettings(JSON.parse(row.settings) as StoredSettings) : {};
  }

  saveSettings(settings: LoopSettings): void {
    const chosen = Object.fromEntries(Object.entries(settings).filter(([key, value]) => !sameSetting(value, DEFAULT_LOOP_SETTINGS[key as keyof LoopSettings])));
    this.db
      .prepare('INSERT INTO loop_settings (id, settings) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET settings = excluded.settings')
      .run(JSON.stringify({ chosen }));
  }

  /** The last label check (its suspects by image id), kept so it survives a reload or a restart; `absent` before the first. */
  labelCheck(): KeptRow<StoredLabelCheck> {
    return this.keptRow(LABEL_CHECK_KEY, STORED_LABEL_CHECK);
  }

  saveLabelCheck(check: StoredLabelCheck): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(LABEL_CHECK_KEY, JSON.stringify(check));
  }

  /** The finished checks for "No up or down" the project keeps; `absent` before the first. */
  symmetryChecks(): KeptRow<StoredSymmetryCheck[]> {
    return this.keptRow(SYMMETRY_CHECKS_KEY, STORED_SYMMETRY_CHECKS);
  }

  /** The training labels of the latest check for "No up or down" kept, on any model; undefined before the first (or when the row is damaged). */
  private latestSymmetryCheckPoint(): number | undefined {
    const kept = this.symmetryChecks();
    if (kept === 'absent' || kept === 'damaged' || kept.value.length === 0) return undefined;
    return Math.max(...kept.value.map((c) => c.at));
  }

  saveSymmetryChecks(checks: readonly StoredSymmetryCheck[]): void {
    this.db.transaction(() => {
      // A "Not now" kept as `true` answered the checks kept so far (settings()): pinned to them before the row changes.
      if (this.storedChoices().symmetriesSuggestionDismissed === true) this.saveSettings(this.settings());
      this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(SYMMETRY_CHECKS_KEY, JSON.stringify(checks));
    })();
  }

  /** A JSON `meta` row checked against `shape` (KeptRow). */
  private keptRow<T>(key: string, shape: Schema<T>): KeptRow<T> {
    const value = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
    if (value === undefined) return 'absent';
    try {
      return { value: shape.parse(JSON.parse(value)) };
    } catch (error) {
      if (error instanceof SyntaxError || error instanceof SchemaError) return 'damaged';
      throw error;
    }
  }

  centres(modelId: string): CentreRecord | null {
    const row = this.db.prepare('SELECT record FROM centres WHERE model_id = ?').get(modelId) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as CentreRecord) : null;
  }

  saveCentres(modelId: string, record: CentreRecord): void {
    this.db
      .prepare('INSERT INTO centres (model_id, record, created_at) VALUES (?, ?, ?) ON CONFLICT(model_id) DO UPDATE SET record = excluded.record, created_at = excluded.created_at')
      .run(modelId, JSON.stringify(record), new Date().toISOString());
  }

  // ------------------------------------------------------------------ rounds

  saveRound(round: Omit<RoundInfo, 'id' | 'items' | 'labeled' | 'asked' | 'trained' | 'classesLabeled' | 'createdAt' | 'rerankedWith'>, modelId: string, items: readonly RoundItem[]): number {
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(
            'INSERT INTO rounds (round_index, model_id, strategy, lambda, schedule, batch_size, model_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(round.index, modelId, round.strategy, round.lambda, JSON.stringify(round.schedule), round.batchSize, round.modelVersion, new Date().toISOString())
          .lastInsertRowid,
      );
      this.insertItems(id, items);
      return id;
    })();
  }

  /**
   * Re-rank an open round (continuous mode, after a retrain): its items become `items` (the
   * labeled ones first, where they were), its λ the new ranking's, and `rankedWith` the version
   * whose ranking chose its undecided items (RoundInfo.rerankedWith; null: the items are the
   * round's own ranking put back in another order, which changes no version). The round keeps
   * its id, index and model version (the version it was opened with).
   */
  rerankRound(roundId: number, lambda: number | null, items: readonly RoundItem[], rankedWith: number | null): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE rounds SET lambda = ?, reranked_with = COALESCE(?, reranked_with) WHERE id = ?').run(lambda, rankedWith, roundId);
      this.db.prepare('DELETE FROM round_items WHERE round_id = ?').run(roundId);
      this.insertItems(roundId, items);
    })();
  }

  /** A round's items, in order, each with the kind of its score (migration 15). */
  private insertItems(roundId: number, items: readonly RoundItem[]): void {
    const insert = this.db.prepare(
      'INSERT INTO round_items (round_id, position, image_id, distinctiveness, uncertainty, score, score_kind, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    items.forEach((item, position) => insert.run(roundId, position, item.imageId, item.distinctiveness, item.uncertainty, item.score, item.scoreKind, item.reason));
  }

  /** How many query rounds there have been: the next query is round t = roundCount(). */
  roundCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM rounds').get() as { n: number }).n;
  }

  /** The latest `limit` rounds, newest first, with their items: four queries whatever the count. */
  rounds(limit: number): RoundInfo[] {
    const rows = this.db.prepare('SELECT * FROM rounds ORDER BY id DESC LIMIT ?').all(limit) as RoundRow[];
    return this.withItems(rows);
  }

  latestRound(): RoundInfo | null {
    return this.rounds(1)[0] ?? null;
  }

  private withItems(rows: RoundRow[]): RoundInfo[] {
    if (rows.length === 0) return [];
    // CROSS JOIN keeps round_items as the outer loop: SQLite otherwise walked every present
    // image (by images_present) and looked each up in round_items (5 ms → 0.1 ms at 100,000).
    const items = this.db
      .prepare(
        `SELECT r.round_id, ${ITEM_COLUMNS}, r.distinctiveness, r.uncertainty, r.score, r.score_kind, r.reason, i.present
         FROM round_items r CROSS JOIN images i ON i.id = r.image_id
         LEFT JOIN labels l ON l.image_id = r.image_id
         ${SUGGESTION_JOINS}
         WHERE r.round_id BETWEEN ? AND ? ORDER BY r.round_id, r.position`,
      )
      .all(rows[rows.length - 1]!.id, rows[0]!.id) as (ImageRow & {
      present: number;
      round_id: number;
      distinctiveness: number | null;
      uncertainty: number | null;
      score: number | null;
      score_kind: ScoreKind;
      reason: string;
    })[];
    // Every image each round asked for (its record), and the present ones (its queue to label).
    const askedBy = new Map<number, QueueItem[]>(rows.map((row) => [row.id, []]));
    const byRound = new Map<number, QueueItem[]>(rows.map((row) => [row.id, []]));
    for (const i of items) {
      const { id, ...image } = toItem(i);
      const item: QueueItem = {
        imageId: id,
        ...image,
        distinctiveness: i.distinctiveness,
        uncertainty: i.uncertainty,
        score: i.score,
        scoreKind: i.score_kind,
        reason: i.reason,
      };
      askedBy.get(i.round_id)?.push(item);
      if (i.present === 1) byRound.get(i.round_id)?.push(item);
    }
    // Class discovery: when each round closed, and the first training label of each live class.
    const opened = this.db.prepare('SELECT id, created_at FROM rounds WHERE id > ? ORDER BY id').all(rows[rows.length - 1]!.id) as { id: number; created_at: string }[];
    const closedAt = (id: number): string | null => opened.find((r) => r.id > id)?.created_at ?? null;
    // The first label times scan every label (83-99 ms with 100,000 labels under load); the
    // open (latest) round needs only how many live classes have a training label, which stops
    // at each class's first one. latestRound runs after every label.
    const firsts = rows.some((row) => closedAt(row.id) !== null)
      ? (
          this.db
            .prepare(
              `SELECT MIN(l.labeled_at) AS first FROM labels l JOIN classes c ON c.id = l.class_id AND c.deleted_at IS NULL
               WHERE l.image_id NOT IN (SELECT image_id FROM evaluation_images) GROUP BY l.class_id`,
            )
            .all() as { first: string }[]
        ).map((r) => r.first)
      : null;
    const classesWithLabels =
      (this.db
        .prepare(
          `SELECT COUNT(*) FROM classes c WHERE c.deleted_at IS NULL AND EXISTS (
             SELECT 1 FROM labels l CROSS JOIN images i ON i.id = l.image_id AND i.present = 1
             WHERE l.class_id = c.id AND l.image_id NOT IN (SELECT image_id FROM evaluation_images))`,
        )
        .pluck()
        .get() as number);
    // Images of closed rounds decided now whose current label (or unsure mark) is from after the
    // round closed: whether they were decided when it closed is in their history (a label fixed
    // later, or undone and redone, keeps counting for the round it was made in).
    const laterDecided = rows.flatMap((row) => {
      const until = closedAt(row.id);
      return until === null ? [] : (askedBy.get(row.id) ?? []).filter((item) => isDecided(item) && (item.labeledAt === null || item.labeledAt >= until)).map((item) => item.imageId);
    });
    const decidedWhen = this.decidedAtTimes(laterDecided);
    const latest = this.latestVersion();
    return rows.map((row) => {
      const queue = byRound.get(row.id) ?? [];
      const asked = askedBy.get(row.id) ?? [];
      const until = closedAt(row.id);
      return {
        id: row.id,
        index: row.round_index,
        strategy: row.strategy,
        lambda: row.lambda,
        schedule: JSON.parse(row.schedule) as ScheduleSetting,
        batchSize: row.batch_size,
        modelVersion: row.model_version,
        rerankedWith: row.reranked_with,
        createdAt: row.created_at,
        items: queue,
        // A closed round counts what was decided before the next round opened: an image it left
        // open and a later round queried again is that round's (not counted in both).
        labeled: (until === null ? queue : asked).filter((item) => isDecided(item) && (until === null || (item.labeledAt !== null && item.labeledAt < until) || decidedWhen(item.imageId, until))).length,
        trained:
          latest !== null &&
          latest.version > row.model_version &&
          queue.every((item) => !isDecided(item) || item.labeledAt === null || item.labeledAt <= latest.trainedAt),
        asked: { count: asked.length, distinctiveness: mean(asked.map((q) => q.distinctiveness)), uncertainty: mean(asked.map((q) => q.uncertainty)), score: mean(asked.map((q) => q.score)) },
        classesLabeled: until === null ? classesWithLabels : (firsts ?? []).filter((first) => first <= until).length,
      };
    });
  }

  /**
   * Whether an image of `imageIds` was decided (labeled or marked unsure) at a moment, read from
   * the label history: its last change before that moment left it decided.
   */
  private decidedAtTimes(imageIds: readonly number[]): (imageId: number, at: string) => boolean {
    const changes = new Map<number, { at: string; decided: boolean }[]>();
    if (imageIds.length > 0) {
      const rows = this.db
        .prepare(
          `SELECT h.image_id, h.at, h.new_class_id IS NOT NULL OR h.new_unsure = 1 AS decided
           FROM json_each(?) j CROSS JOIN label_history h ON h.image_id = j.value ORDER BY h.id`,
        )
        .all(JSON.stringify([...new Set(imageIds)])) as { image_id: number; at: string; decided: number }[];
      for (const r of rows) {
        let list = changes.get(r.image_id);
        if (!list) changes.set(r.image_id, (list = []));
        list.push({ at: r.at, decided: r.decided === 1 });
      }
    }
    return (imageId, at) => {
      let decided = false;
      for (const change of changes.get(imageId) ?? []) {
        if (change.at >= at) break;
        decided = change.decided;
      }
      return decided;
    };
  }

  /** Of `imageIds`, those labeled or marked unsure now. */
  decidedAmong(imageIds: readonly number[]): Set<number> {
    if (imageIds.length === 0) return new Set();
    const ids = JSON.stringify(imageIds);
    return new Set(
      this.db
        .prepare(
          `SELECT l.image_id FROM json_each(?) j CROSS JOIN labels l ON l.image_id = j.value
           UNION SELECT u.image_id FROM json_each(?) j CROSS JOIN unsure u ON u.image_id = j.value`,
        )
        .pluck()
        .all(ids, ids) as number[],
    );
  }

  /** Every image any round has queried. */
  queriedIds(): Set<number> {
    return new Set((this.db.prepare('SELECT DISTINCT image_id FROM round_items').all() as { image_id: number }[]).map((r) => r.image_id));
  }

  // ------------------------------------------------------------------ versions

  latestVersion(): VersionRow | null {
    const row = this.db.prepare('SELECT * FROM model_versions ORDER BY version DESC LIMIT 1').get() as Record<string, unknown> | undefined;
    return row ? toVersion(row) : null;
  }

  versions(): VersionRow[] {
    return (this.db.prepare('SELECT * FROM model_versions ORDER BY version').all() as Record<string, unknown>[]).map(toVersion);
  }

  saveVersion(v: VersionRow, predictions: readonly Prediction[]): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO model_versions (version, model_id, mode, classes, training_labels, eval_labeled, eval_correct, confusion, metrics, trained_at, feature_redecodes, model_fingerprint)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          v.version,
          v.modelId,
          v.mode,
          JSON.stringify(v.classes),
          v.trainingLabels,
          v.evalLabeled,
          v.evalCorrect,
          JSON.stringify(v.confusion),
          JSON.stringify(v.metrics),
          v.trainedAt,
          v.featureRedecodes ?? 0,
          v.modelFingerprint ?? null,
        );
      this.db.prepare('DELETE FROM predictions').run();
      const insert = this.db.prepare('INSERT INTO predictions (image_id, model_version, class_id, probability) VALUES (?, ?, ?, ?)');
      for (const p of predictions) {
        const cls = v.classes[p.classIndex];
        if (cls) insert.run(p.imageId, v.version, cls.id, p.probability);
      }
    })();
  }

  /** One version's row, or null when there is none (never trained, or thinned). */
  version(version: number): VersionRow | null {
    const row = this.db.prepare('SELECT * FROM model_versions WHERE version = ?').get(version) as Record<string, unknown> | undefined;
    return row ? toVersion(row) : null;
  }

  /** The versions rounds were opened with. */
  roundVersions(): Set<number> {
    return new Set(this.db.prepare('SELECT DISTINCT model_version FROM rounds').pluck().all() as number[]);
  }

  /**
   * Thin the stored versions: keep those keepReasons (model-versions.ts) gives a reason (the
   * latest `keepLatest`, the best on the evaluation set among those not scored on part of it
   * (`partial`: Evaluation.partialScores), the latest of each backbone, those rounds were opened
   * with). Deletes the other rows and answers their version numbers (their head folders are the
   * caller's to remove).
   */
  thinVersions(keepLatest: number, partial: ReadonlySet<number>): number[] {
    return this.db.transaction(() => {
      const reasons = keepReasons(this.versions(), this.roundVersions(), keepLatest, partial);
      const thinned = [...reasons].filter(([, why]) => why.length === 0).map(([version]) => version).sort((a, b) => a - b);
      const remove = this.db.prepare('DELETE FROM model_versions WHERE version = ?');
      for (const version of thinned) remove.run(version);
      return thinned;
    })();
  }

  /**
   * A version's score on the evaluation labels, and whether it is on part of them only (`partial`:
   * the labels it was scored against and how many it leaves out for want of features; null: on
   * every one), written together so that a score on all of them clears the mark (migration 16).
   */
  saveEvaluation(version: number, evalLabeled: number, evalCorrect: number, confusion: VersionRow['confusion'], partial: PartialScore | null): void {
    this.db
      .prepare('UPDATE model_versions SET eval_labeled = ?, eval_correct = ?, confusion = ?, partial_against = ?, partial_left_out = ? WHERE version = ?')
      .run(evalLabeled, evalCorrect, JSON.stringify(confusion), partial?.against ?? null, partial?.leftOut ?? null, version);
  }

  /** The versions whose score is on part of the evaluation labels (saveEvaluation's `partial`), by version. */
  partialScores(): Map<number, PartialScore> {
    const rows = this.db.prepare('SELECT version, partial_against, partial_left_out FROM model_versions WHERE partial_against IS NOT NULL').all() as {
      version: number;
      partial_against: string;
      partial_left_out: number;
    }[];
    return new Map(rows.map((row) => [row.version, { against: row.partial_against, leftOut: row.partial_left_out }]));
  }

  /**
   * The suggested class for one image: one imported from another model's predictions (the
   * expert brought it in for this image, so it comes first), else the current model's. None
   * for an evaluation image: a suggestion shown (and accepted with Enter) while labeling it
   * would bias the honest estimate.
   */
  suggestion(imageId: number): Suggestion | null {
    const row = this.db
      .prepare(
        `SELECT ${SUGGESTION_COLUMNS} FROM images i ${SUGGESTION_JOINS} WHERE i.id = ?`,
      )
      .get(imageId) as SuggestionRow | undefined;
    return row ? suggestionOf(row) : null;
  }

  // ------------------------------------------------------------------ evaluation set

  evaluationIds(): Set<number> {
    return new Set(
      (this.db.prepare('SELECT e.image_id FROM evaluation_images e CROSS JOIN images i ON i.id = e.image_id WHERE i.present = 1').all() as {
        image_id: number;
      }[]).map((r) => r.image_id),
    );
  }

  /** Put images in the evaluation set; `actionId`: the label action that did it, undone with it (label-store.ts). */
  addEvaluation(ids: readonly number[], actionId: number | null = null): void {
    const now = new Date().toISOString();
    const insert = this.db.prepare('INSERT OR IGNORE INTO evaluation_images (image_id, added_at, action_id) VALUES (?, ?, ?)');
    this.db.transaction(() => ids.forEach((id) => insert.run(id, now, actionId)))();
  }

  /**
   * Present images counted by where they stand: in the evaluation set (and of those, labeled),
   * training labels, the loop's pool (unlabeled, not unsure, outside the set), unsure outside the
   * set, and the images an evaluation sample draws from (the pool's images never queried: a
   * queried image was chosen for being informative, not at random). Only the present count walks
   * the images (by its index); the rest walks the small tables (labels, evaluation, unsure,
   * queried), and the pool is what remains: one pass joining every image took ~130 ms at 100,000
   * images (bench/README.md, "The evaluation set's room").
   */
  placeCounts(): { present: number; evaluation: number; evaluationLabeled: number; training: number; pool: number; unsure: number; sampleable: number } {
    const present = this.db.prepare(PRESENT_IMAGE_COUNT).pluck().get() as number;
    const inSet = this.db
      .prepare(
        `SELECT COUNT(*) AS evaluation, COALESCE(SUM(l.image_id IS NOT NULL), 0) AS labeled
         FROM evaluation_images e CROSS JOIN images i ON i.id = e.image_id LEFT JOIN labels l ON l.image_id = e.image_id WHERE i.present = 1`,
      )
      .get() as { evaluation: number; labeled: number };
    const outside = (from: string): number =>
      this.db
        .prepare(`SELECT COUNT(*) FROM ${from} x CROSS JOIN images i ON i.id = x.image_id WHERE i.present = 1 AND x.image_id NOT IN (SELECT image_id FROM evaluation_images)`)
        .pluck()
        .get() as number;
    const training = this.trainingLabelCount();
    // Unsure images never have a label (label-store.ts).
    const unsure = outside('unsure');
    const queriedInPool = this.db
      .prepare(
        `SELECT COUNT(*) FROM (SELECT DISTINCT image_id FROM round_items) q CROSS JOIN images i ON i.id = q.image_id
         WHERE i.present = 1 AND q.image_id NOT IN (SELECT image_id FROM evaluation_images)
           AND q.image_id NOT IN (SELECT image_id FROM labels) AND q.image_id NOT IN (SELECT image_id FROM unsure)`,
      )
      .pluck()
      .get() as number;
    const pool = present - inSet.evaluation - training - unsure;
    return { present, evaluation: inSet.evaluation, evaluationLabeled: inSet.labeled, training, pool, unsure, sampleable: pool - queriedInPool };
  }

  /** Take images out of the evaluation set (their labels stay: they become training labels). */
  removeEvaluation(ids: readonly number[]): void {
    const remove = this.db.prepare('DELETE FROM evaluation_images WHERE image_id = ?');
    this.db.transaction(() => ids.forEach((id) => remove.run(id)))();
  }

  /**
   * Training labels: labels of present images outside the evaluation set (a count only: no row
   * read). Every label, minus those of absent images and those of present evaluation images,
   * both found from the small side (as ImageIndex.labelCounts): the engine status reads it after
   * every label once a classifier exists, and probing each label's image and the evaluation set
   * cost 68 ms of the host's thread per label with 100,000 labels (bench/README.md).
   */
  trainingLabelCount(): number {
    return this.db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM labels)
              - (SELECT COUNT(*) FROM images i CROSS JOIN labels l ON l.image_id = i.id WHERE i.present = 0)
              - (SELECT COUNT(*) FROM evaluation_images e CROSS JOIN images i ON i.id = e.image_id CROSS JOIN labels l ON l.image_id = e.image_id WHERE i.present = 1)`,
      )
      .pluck()
      .get() as number;
  }

  /**
   * How many classes (live ones) have a training label, counted up to `atMost`: each class asks
   * for one training label through labels_class and stops at the first, so the answer costs a
   * few probes where reading the training labels (ctx.trainingLabels) reads them all. For a
   * check made after every label (ActiveLoop.retrainDue, in the engine status).
   */
  trainingClassCount(atMost: number): number {
    return this.db
      .prepare(
        `SELECT COUNT(*) FROM (SELECT 1 FROM classes c WHERE c.deleted_at IS NULL AND EXISTS (
           SELECT 1 FROM labels l CROSS JOIN images i ON i.id = l.image_id
           WHERE l.class_id = c.id AND i.present = 1 AND NOT EXISTS (SELECT 1 FROM evaluation_images e WHERE e.image_id = l.image_id)
         ) LIMIT ?)`,
      )
      .pluck()
      .get(atMost) as number;
  }

  /** Labels of the present evaluation images (image id → class id), read from the evaluation set's side, not every label. */
  evaluationLabels(): Map<number, number> {
    const rows = this.db
      .prepare('SELECT e.image_id, l.class_id FROM evaluation_images e CROSS JOIN images i ON i.id = e.image_id CROSS JOIN labels l ON l.image_id = e.image_id WHERE i.present = 1')
      .raw()
      .all() as [number, number][];
    return new Map(rows);
  }

  /** Labels of present images: image id → class id. */
  labels(): Map<number, number> {
    const rows = this.db
      .prepare('SELECT l.image_id, l.class_id FROM labels l CROSS JOIN images i ON i.id = l.image_id WHERE i.present = 1')
      .all() as { image_id: number; class_id: number }[];
    return new Map(rows.map((r) => [r.image_id, r.class_id]));
  }
}


function toVersion(row: Record<string, unknown>): VersionRow {
  return {
    version: row.version as number,
    modelId: row.model_id as string,
    mode: row.mode as 'light' | 'deep',
    classes: JSON.parse(row.classes as string) as VersionClass[],
    trainingLabels: row.training_labels as number,
    evalLabeled: row.eval_labeled as number,
    evalCorrect: row.eval_correct as number,
    confusion: JSON.parse((row.confusion as string | null) ?? 'null') as VersionRow['confusion'],
    metrics: JSON.parse(row.metrics as string) as Record<string, number | string>,
    trainedAt: row.trained_at as string,
    featureRedecodes: row.feature_redecodes as number,
    modelFingerprint: (row.model_fingerprint as string | null | undefined) ?? null,
  };
}
