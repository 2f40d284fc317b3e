/** Long jobs (scans) in progress, from job:progress / job:completed / job:failed events. */
import type { JobProgress } from '../../src-shared/contract';

class Jobs {
  #running = $state<JobProgress[]>([]);

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
}

export const jobs = new Jobs();
