/** Starts the TF.js backend for a command and prints which one runs (every command does). */
import type { BackendInfo, BackendName } from '../engine/backend';
import type { ProgressLine } from './progress-line';
import { UsageError } from './usage-error';

const NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export async function startBackend(requested: string | undefined, out: ProgressLine): Promise<BackendInfo> {
  if (requested !== undefined && !NAMES.includes(requested as BackendName)) {
    throw new UsageError(`--backend ${requested}: choose one of ${NAMES.join(', ')}.`);
  }
  const { initBackend } = await import('../engine/backend');
  const info = await initBackend(requested as BackendName | undefined);
  out.log(`backend: ${info.label}`);
  for (const reason of info.fallbacks) out.log(`  (${reason})`);
  return info;
}
