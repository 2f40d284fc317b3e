/**
 * Starting a worker thread from the sources or the built app alike. From the built app a
 * worker entry is a `.js` file beside the bundle (`out/main/`, or one folder up when the
 * bundler put the caller in `out/main/chunks/`); from the TypeScript sources (tests, `tsx`
 * scripts) it is the `.ts` entry, run through tsx. (Node 20 ignores module hooks given in a
 * Worker's `execArgv`, so a .ts worker starts from a small bootstrap that registers tsx inside
 * the thread and then imports the entry.)
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { AppError } from '../../src-shared/app-error';

/**
 * The worker entry for a caller module (`import.meta.url`): `source` (relative to the caller)
 * when the caller runs from TypeScript, else the built `bundleName` beside the bundle.
 */
export function workerEntryPath(callerUrl: string, source: string, bundleName: string, what: string): string {
  if (fileURLToPath(callerUrl).endsWith('.ts')) return fileURLToPath(new URL(source, callerUrl));
  const candidates = [`./${bundleName}`, `../${bundleName}`].map((rel) => fileURLToPath(new URL(rel, callerUrl)));
  const built = candidates.find((file) => existsSync(file));
  if (built) return built;
  throw new AppError('INTERNAL', `The ${what} was not found at ${candidates.join(' or ')}; rebuild the application.`);
}

export interface WorkerStartOptions {
  resourceLimits?: ResourceLimits | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  workerData?: unknown;
}

/** A worker running `path`: JavaScript directly, TypeScript through tsx's in-thread register(). */
export function startWorker(path: string, options: WorkerStartOptions = {}): Worker {
  const common = { resourceLimits: options.resourceLimits, env: options.env ?? process.env, workerData: options.workerData };
  if (!path.endsWith('.ts')) return new Worker(path, common);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = pathToFileURL(path).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...common, eval: true });
}
