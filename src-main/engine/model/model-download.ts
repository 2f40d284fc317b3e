/**
 * The model download cache. A known model is downloaded once into
 * `<cacheRoot>/<id>/` (default `~/.cache/adma-studio/models`, or `$XDG_CACHE_HOME/...`,
 * or `$ADMA_MODEL_CACHE`):
 * - files arrive in `<cacheRoot>/.staging-<id>/`, each as `<file>.part` that a later
 *   attempt resumes with an HTTP Range request (interrupted transfers are retried at once
 *   a few times, and a new call resumes whatever is left);
 * - every file is checked against the SHA-256 the product carries (`known-models.ts`);
 *   models without pinned hashes are checked by loading them instead, and say so;
 * - the staging folder becomes `<cacheRoot>/<id>/` by one rename, with
 *   `adma-download.json` recording where it came from: a model folder is complete or absent.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../src-shared/app-error';
import { matchKnownModelByHashes, type KnownModel } from './known-models';
import { loadModelFolder, type TfLoadedModel } from './load-model';
import { MODEL_JSON, manifestGroupBytes, parseModelJson } from './model-folder-io';

export const DOWNLOAD_RECORD = 'adma-download.json';

export interface DownloadProgress {
  file: string;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  /** Known once model.json has been read (it declares every weight's size). */
  bytesTotal: number | null;
}

export interface DownloadOptions {
  /** Root of the model cache; default `defaultModelCacheRoot()`. */
  cacheRoot?: string;
  /** Replaces the folder part of the model's URL (a mirror, or a local server in tests). */
  baseUrl?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Immediate resume attempts per file after an interrupted transfer (default 3). */
  retries?: number;
}

export interface DownloadResult {
  id: string;
  dir: string;
  /** True when every file matched a SHA-256 pinned in the product. */
  pinned: boolean;
  /** Said to the user when the model is not pinned. */
  note: string | null;
  alreadyInstalled: boolean;
  /** Bytes fetched by this call, and how many of them continued a partial file. */
  bytesDownloaded: number;
  resumedFromBytes: number;
}

interface DownloadRecord {
  id: string;
  url: string;
  pinned: boolean;
  sha256: Record<string, string>;
  installedAt: string;
}

export function defaultModelCacheRoot(): string {
  if (process.env.ADMA_MODEL_CACHE) return process.env.ADMA_MODEL_CACHE;
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'adma-studio', 'models');
}

/**
 * A download's record in `dir` (written last, when every file is in place), or null when there
 * is none or it cannot be read as one: the files hashed (model.json among them) as strings.
 */
function readDownloadRecord(dir: string): DownloadRecord | null {
  let record: unknown;
  try {
    record = JSON.parse(readFileSync(join(dir, DOWNLOAD_RECORD), 'utf8'));
  } catch {
    return null;
  }
  if (typeof record !== 'object' || record === null) return null;
  const hashes = (record as { sha256?: unknown }).sha256;
  if (typeof hashes !== 'object' || hashes === null || Array.isArray(hashes)) return null;
  const entries = Object.entries(hashes as Record<string, unknown>);
  if (!entries.some(([file]) => file === MODEL_JSON) || !entries.every(([, hash]) => typeof hash === 'string')) return null;
  return record as DownloadRecord;
}

/**
 * The installed folder of a known model, or null when it has not been downloaded (or its
 * download record is damaged: then it is offered for download again, which replaces it).
 */
export function installedModelDir(model: KnownModel, cacheRoot = defaultModelCacheRoot()): string | null {
  const dir = join(cacheRoot, model.id);
  return readDownloadRecord(dir) ? dir : null;
}

/**
 * Load a downloaded model from the cache (download it first with `downloadModel`). Files
 * that are exactly a pinned known model take that model's id, whatever URL they came from,
 * so their features are shared. The files read must be the ones downloaded (the hashes in its
 * record): the cache is a folder of the user's, where a file can be replaced or edited, and
 * other weights under the model's id would be computed into its features as if they were it.
 * A change is refused (MODEL_INVALID) in words, and a new download replaces the files.
 *
 * Not stamped while loaded (loaded-models.ts): the copy loaded is the one checked here, so
 * features computed with it are the model's whatever happens to the files meanwhile; the
 * next load checks them again.
 */
export async function loadKnownModel(model: KnownModel, cacheRoot = defaultModelCacheRoot()): Promise<TfLoadedModel> {
  const dir = join(cacheRoot, model.id);
  const record = readDownloadRecord(dir);
  const size = model.approxBytes > 0 ? ` (about ${Math.round(model.approxBytes / 1e6)} MB)` : '';
  if (!record) {
    if (existsSync(join(dir, DOWNLOAD_RECORD))) {
      throw new AppError('MODEL_INVALID', `The downloaded copy of ${model.name} in ${dir} is damaged (its record ${DOWNLOAD_RECORD} cannot be read): download it again${size}, which replaces it.`);
    }
    throw new AppError('NOT_FOUND', `${model.name} has not been downloaded yet; download it first${size}.`);
  }
  const identity = matchKnownModelByHashes(record.sha256) ?? model;
  const loaded = await loadModelFolder(dir, { id: identity.id, name: identity.name });
  const changed = Object.keys(loaded.fileHashes).filter((file) => record.sha256[file] !== loaded.fileHashes[file]);
  if (changed.length > 0) {
    loaded.dispose();
    throw new AppError(
      'MODEL_INVALID',
      `The downloaded copy of ${model.name} in ${dir} was changed since it was downloaded (${changed.join(', ')} ${changed.length > 1 ? 'are not the files' : 'is not the file'} downloaded): download it again${size}, which replaces it.`,
    );
  }
  return loaded;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function networkError(url: string, error: unknown): AppError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new AppError(
    'NETWORK',
    `Could not download ${url} (${detail}). Check the internet connection or proxy and retry: the download resumes where it stopped. Offline, choose the built-in starter model, or copy the model folder to this computer and open it from disk.`,
  );
}

class TransferInterrupted extends Error {}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

/**
 * Fetch `url` into `dest`, resuming `dest.part` with a Range request. Returns
 * [bytes fetched, bytes the part file already had].
 */
async function fetchResumable(url: string, dest: string, options: DownloadOptions, onBytes: (n: number) => void): Promise<[number, number]> {
  const part = `${dest}.part`;
  const attempts = 1 + Math.max(0, options.retries ?? 3);
  let fetched = 0;
  let resumedFrom = 0;
  for (let attempt = 1; ; attempt++) {
    const offset = await stat(part).then(
      (info) => info.size,
      () => 0,
    );
    if (attempt === 1) {
      resumedFrom = offset;
      if (offset > 0) onBytes(offset);
    }
    let response: Response;
    try {
      response = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, signal: options.signal });
    } catch (error) {
      if (isAbort(error, options.signal)) throw new AppError('CANCELLED', 'The download was cancelled; start it again to resume.');
      throw networkError(url, error);
    }
    if (response.status === 416 && offset > 0) {
      // The part file already holds the whole resource.
      await response.body?.cancel();
      break;
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new AppError('NETWORK', `Could not download ${url}: the server answered HTTP ${response.status} ${response.statusText}. Retry later, or check the address.`);
    }
    const append = response.status === 206 && offset > 0;
    if (!append && offset > 0) onBytes(-offset); // server ignored the range: start over
    const declared = Number(response.headers.get('content-length') ?? NaN);
    const handle = await open(part, append ? 'a' : 'w');
    let received = 0;
    try {
      if (!response.body) throw new TransferInterrupted('empty body');
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        await handle.write(chunk);
        received += chunk.byteLength;
        fetched += chunk.byteLength;
        onBytes(chunk.byteLength);
      }
      if (Number.isFinite(declared) && received < declared) throw new TransferInterrupted(`received ${received} of ${declared} bytes`);
    } catch (error) {
      await handle.close();
      if (isAbort(error, options.signal)) throw new AppError('CANCELLED', 'The download was cancelled; start it again to resume.');
      if (attempt >= attempts) throw networkError(url, error);
      continue;
    }
    await handle.close();
    break;
  }
  await rename(part, dest);
  return [fetched, resumedFrom];
}

function fileUrl(base: string, file: string): string {
  return new URL(file, base.endsWith('/') ? base : `${base}/`).toString();
}

/** Download (or resume downloading) a known model into the cache and verify it. */
export async function downloadModel(model: KnownModel, options: DownloadOptions = {}): Promise<DownloadResult> {
  const root = options.cacheRoot ?? defaultModelCacheRoot();
  const finalDir = join(root, model.id);
  const base = options.baseUrl ?? model.modelUrl.slice(0, model.modelUrl.lastIndexOf('/') + 1);
  const pinned = model.sha256 !== null;
  const note = pinned ? null : `${model.name} has no SHA-256 hashes pinned in this version of ADMA Studio; the download was checked by loading the model, not against known hashes.`;

  const installed = readDownloadRecord(finalDir);
  if (installed) {
    const intact = await Promise.all(Object.entries(installed.sha256).map(async ([file, hash]) => existsSync(join(finalDir, file)) && sha256(await readFile(join(finalDir, file))) === hash));
    if (intact.every(Boolean)) return { id: model.id, dir: finalDir, pinned, note, alreadyInstalled: true, bytesDownloaded: 0, resumedFromBytes: 0 };
    await rm(finalDir, { recursive: true, force: true });
  }

  const staging = join(root, `.staging-${model.id}`);
  await mkdir(staging, { recursive: true });
  let bytesDone = 0;
  let bytesTotal: number | null = null;
  let filesDone = 0;
  let filesTotal = 1;
  let bytesDownloaded = 0;
  let resumedFromBytes = 0;
  const hashes: Record<string, string> = {};

  const verify = async (file: string, bytes: Uint8Array): Promise<void> => {
    const actual = sha256(bytes);
    const expected = model.sha256?.[file];
    if (pinned && expected === undefined) {
      throw new AppError('MODEL_INVALID', `The server lists "${file}", which is not part of ${model.name} as this product knows it; the download was stopped.`);
    }
    if (expected !== undefined && expected !== actual) {
      await rm(join(staging, file), { force: true });
      throw new AppError(
        'MODEL_INVALID',
        `"${file}" of ${model.name} is corrupted (SHA-256 ${actual.slice(0, 16)}…, expected ${expected.slice(0, 16)}…); it was deleted. Retry the download; if it fails again the server does not serve the original model.`,
      );
    }
    hashes[file] = actual;
  };

  const obtain = async (file: string): Promise<Uint8Array> => {
    const dest = join(staging, file);
    options.onProgress?.({ file, filesDone, filesTotal, bytesDone, bytesTotal });
    if (existsSync(dest)) {
      // Finished by an earlier call: keep it if it still matches, otherwise fetch it again.
      const staged = await readFile(dest);
      const expected = model.sha256?.[file];
      if (expected === undefined || sha256(staged) === expected) bytesDone += staged.byteLength;
      else await rm(dest, { force: true });
    }
    if (!existsSync(dest)) {
      const [fetched, resumed] = await fetchResumable(fileUrl(base, file), dest, options, (n) => {
        bytesDone += n;
        options.onProgress?.({ file, filesDone, filesTotal, bytesDone, bytesTotal });
      });
      bytesDownloaded += fetched;
      resumedFromBytes += resumed;
    }
    const bytes = await readFile(dest);
    await verify(file, bytes);
    filesDone += 1;
    options.onProgress?.({ file, filesDone, filesTotal, bytesDone, bytesTotal });
    return bytes;
  };

  const jsonBytes = await obtain(MODEL_JSON);
  const json = parseModelJson(Buffer.from(jsonBytes).toString('utf8'), fileUrl(base, MODEL_JSON));
  const shards = json.weightsManifest.flatMap((group) => group.paths);
  filesTotal = 1 + shards.length;
  bytesTotal = jsonBytes.byteLength + json.weightsManifest.reduce((sum, group) => sum + manifestGroupBytes(group), 0);
  if (pinned) {
    const missing = Object.keys(model.sha256 ?? {}).filter((file) => file !== MODEL_JSON && !shards.includes(file));
    if (missing.length) throw new AppError('MODEL_INVALID', `model.json of ${model.name} does not list ${missing.join(', ')}; it is not the model this product knows.`);
  }
  for (const shard of shards) await obtain(shard);

  // Final check: the folder must load as the model it claims to be.
  const loaded = await loadModelFolder(staging);
  loaded.dispose();

  const record: DownloadRecord = { id: model.id, url: fileUrl(base, MODEL_JSON), pinned, sha256: hashes, installedAt: new Date().toISOString() };
  await writeFile(join(staging, DOWNLOAD_RECORD), `${JSON.stringify(record, null, 2)}\n`);
  await rm(finalDir, { recursive: true, force: true });
  await rename(staging, finalDir);
  return { id: model.id, dir: finalDir, pinned, note, alreadyInstalled: false, bytesDownloaded, resumedFromBytes };
}
