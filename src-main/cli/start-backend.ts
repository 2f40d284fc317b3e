/** Starts the TF.js backend for a command and prints which one runs (every command does). */
import type { BackendInfo } from '../engine/backend';
import { BACKEND_CHOICES, type BackendChoice } from '../engine/backend-choice';
import type { ProgressLine } from './progress-line';
import { UsageError } from './usage-error';

export async function startBackend(requested: string | undefined, out: ProgressLine): Promise<BackendInfo> {
  if (requested !== undefined && !BACKEND_CHOICES.includes(requested as BackendChoice)) {
    throw new UsageError(`--backend ${requested}: choose one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  const { initBackend } = await import('../engine/backend');
  const info = await initBackend(requested as BackendChoice | undefined);
  out.log(`backend: ${info.label}`);
  for (const reason of info.fallbacks) out.log(`  (${reason})`);
  return info;
}
