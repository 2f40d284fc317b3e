/** Long jobs (scans) in progress, from job:progress / job:completed / job:failed events. */
import type { JobKind, JobProgress } from '../../src-shared/contract';

class Jobs {
  #running = $state<JobProgress[]>([]);
  /** Job kinds whose failures an open dialog or view shows itself, with how many such surfaces are open. */
  #failuresShown = new Map<JobKind, number>();

  get running(): JobProgress[] {
    return this.#running;
  }

  progress(p: JobProgress): void {
    const rest = this.#running.filter((j) => j.jobId !== p.jobId);
    this.#running = [...rest, p];
  }

  clear(): void {
    this.#running = [];
  }

  end(jobId: string): void {
    this.#running = this.#running.filter((j) => j.jobId !== jobId);
  }

  /**
   * A dialog or view that starts jobs of `kind` and shows their errors itself (the import and
   * export dialogs, the suspect-label check) says so while it is open, so that a failure is not
   * also raised as a toast; returns the function that ends it (an `$effect` cleanup).
   */
  showFailuresHere(kind: JobKind): () => void {
    this.#failuresShown.set(kind, (this.#failuresShown.get(kind) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.#failuresShown.get(kind) ?? 1) - 1;
      if (left > 0) this.#failuresShown.set(kind, left);
      else this.#failuresShown.delete(kind);
    };
  }

  /** True while an open dialog or view shows failures of `kind` itself. */
  failuresShownHere(kind: JobKind): boolean {
    return this.#failuresShown.has(kind);
  }
}

export const jobs = new Jobs();
