/**
 * The project's pre-trained model and its feature extraction: the engine status (backend,
 * model, features), the model choices offered, and a model folder's inspection for the
 * layer picker. Errors of a choice are kept here so the picker can show them beside itself.
 */
import type { EngineStatus, LayerNames, ModelChoice, ModelInspection, ModelOption, OnnxPreprocessing, ProjectChange, ProjectChanged } from '../../src-shared/contract';
import { call, errorMessage } from '../api/client';

/** A stable key for a model choice (which option is being chosen, which is current). */
export function choiceKey(choice: ModelChoice | null): string {
  if (!choice) return '';
  if (choice.kind === 'starter') return 'starter';
  if (choice.kind === 'known') return `known:${choice.id}`;
  return `folder:${choice.path}`;
}

/** A failed model choice: which one (by key), why, and the error code. */
export interface ChoiceError {
  key: string;
  message: string;
  code: string;
}

class EngineState {
  #status = $state<EngineStatus | null>(null);
  /** Engine events received so far: an answer that was in flight when one arrived is older than it. */
  #events = 0;
  #models = $state<ModelOption[]>([]);
  #modelsError = $state<string | null>(null);
  #choosing = $state<string | null>(null);
  #choiceError = $state<ChoiceError | null>(null);
  #inspection = $state<ModelInspection | null>(null);
  #inspecting = $state(false);
  #inspectError = $state<string | null>(null);
  #featuresReady = $derived(this.#status?.features.state === 'complete');

  get status(): EngineStatus | null {
    return this.#status;
  }
  get models(): ModelOption[] {
    return this.#models;
  }
  get modelsError(): string | null {
    return this.#modelsError;
  }
  /** The choice being applied (download, load), by key. */
  get choosing(): string | null {
    return this.#choosing;
  }
  /** The last failed choice and why, shown next to the picker. */
  get choiceError(): ChoiceError | null {
    return this.#choiceError;
  }
  get inspection(): ModelInspection | null {
    return this.#inspection;
  }
  get inspecting(): boolean {
    return this.#inspecting;
  }
  get inspectError(): string | null {
    return this.#inspectError;
  }
  get featuresReady(): boolean {
    return this.#featuresReady;
  }

  async refresh(): Promise<void> {
    await this.#answer(call('engine:status'));
  }

  /**
   * Take a status from an answer unless an engine event arrived while it was in flight: every
   * change of the status is announced, so the latest event is at least as new (a slow answer
   * read before extraction finished must not replace the 'complete' its event brought).
   */
  async #answer(request: Promise<EngineStatus>): Promise<void> {
    const seen = this.#events;
    const status = await request;
    if (this.#events === seen) this.#status = status;
  }

  /** The project changes that carry a new engine status. */
  readonly follows: readonly ProjectChange[] = ['engine'];

  follow(event: ProjectChanged): void {
    if (event.change !== 'engine') return;
    this.#events++;
    this.#status = event.status;
  }

  async loadModels(): Promise<void> {
    try {
      this.#models = await call('engine:models');
      this.#modelsError = null;
    } catch (error) {
      this.#modelsError = errorMessage(error);
    }
  }

  clear(): void {
    this.#status = null;
    this.#choosing = null;
    this.#choiceError = null;
    this.#inspection = null;
    this.#inspectError = null;
  }

  async choose(choice: ModelChoice): Promise<boolean> {
    const key = choiceKey(choice);
    this.#choosing = key;
    this.#choiceError = null;
    try {
      await this.#answer(call('engine:chooseModel', { choice }));
      return true;
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'INTERNAL';
      this.#choiceError = { key, message: errorMessage(error), code };
      return false;
    } finally {
      this.#choosing = null;
    }
  }

  async inspect(path: string): Promise<void> {
    this.#inspecting = true;
    this.#inspectError = null;
    this.#inspection = null;
    try {
      this.#inspection = await call('engine:inspectFolder', { path });
    } catch (error) {
      this.#inspectError = errorMessage(error);
    } finally {
      this.#inspecting = false;
    }
  }

  chooseFolder(path: string, layers: LayerNames | null, onnx: OnnxPreprocessing | null = null): Promise<boolean> {
    return this.choose({ kind: 'folder', path, ...(layers ? { layers } : {}), ...(onnx ? { onnx } : {}) });
  }

  async cancelFeatures(): Promise<void> {
    await this.#answer(call('engine:cancelFeatures'));
  }

  async resumeFeatures(): Promise<void> {
    await this.#answer(call('engine:resumeFeatures'));
  }

  /** Locate…: the project's model folder is at `path` now; refused (thrown, in words) when it holds another model or none. */
  async locateModel(path: string): Promise<void> {
    await this.#answer(call('engine:locateModel', { path }));
  }
}

export const engine = new EngineState();
