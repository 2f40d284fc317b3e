/**
 * A load of which only the latest answer counts: a newer load, or `reset`, makes an older
 * one's answer and failure stale. It says whether the latest is running and why it failed.
 * A store keeps one privately and shows `loading` and `error` through its own getters.
 */
import { errorMessage } from '../api/client';

export class LatestLoad {
  #loading = $state(false);
  #error = $state<string | null>(null);
  #generation = 0;

  get loading(): boolean {
    return this.#loading;
  }
  /**
   * Why the latest load failed; null after one that answered, or whose failure `handled` took (a
   * cancelled one, say): a newer load's outcome makes an older failure stale too.
   */
  get error(): string | null {
    return this.#error;
  }

  /**
   * Run `request` and hand its answer to `apply`, unless a newer load started meanwhile. A
   * failure is kept in `error` (never thrown) unless `handled` takes it (returns true).
   */
  async run<T>(request: () => Promise<T>, apply: (value: T) => void, handled: (error: unknown) => boolean = () => false): Promise<void> {
    const generation = ++this.#generation;
    this.#loading = true;
    try {
      const value = await request();
      if (generation !== this.#generation) return;
      apply(value);
      this.#error = null;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#error = handled(error) ? null : errorMessage(error);
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }

  /** Forget the state; a load still running is stale. */
  reset(): void {
    this.#generation++;
    this.#error = null;
    this.#loading = false;
  }
}
