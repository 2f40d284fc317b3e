/**
 * The one contract between the renderer and the back end. Every request (its argument
 * schema and result type) and every pushed event is declared here; the Electron main
 * process, the preload bridge, the web host and the renderer all type-check against it.
 * No other file names a channel string.
 */
import type { Result } from './app-error';
import type { EventName, Events } from './events';
import { classesRequests } from './requests/classes';
import { duplicatesRequests } from './requests/duplicates';
import { engineRequests } from './requests/engine';
import { evaluationRequests } from './requests/evaluation';
import { imagesRequests } from './requests/images';
import { labelsRequests } from './requests/labels';
import { loopRequests } from './requests/loop';
import { projectRequests } from './requests/project';
import { mergeDomains, type RequestDef, type RequestKind, type RequestScope } from './requests/request-def';
import { transferRequests } from './requests/transfer';

export type * from './requests/classes';
export type * from './requests/duplicates';
export type * from './requests/engine';
export type * from './requests/evaluation';
export type * from './requests/images';
export type * from './requests/labels';
export type * from './requests/loop';
export type * from './requests/project';
export type * from './requests/transfer';
export { RECOMMENDED_STRATEGY, STRATEGY_NAMES, UNCERTAINTY_NAMES } from './requests/loop';
export { RENDITION_EDGES } from './requests/images';
export { duplicateCriteria, DUPLICATE_DEFAULTS, DUPLICATE_SIMILARITY_RANGE } from './requests/duplicates';
export type { RequestDef, RequestKind, RequestScope };
export * from './events';

/** Every request, declared per domain and merged into one map (a name in two domains is an error). */
export const requestDomains = {
  project: projectRequests,
  images: imagesRequests,
  classes: classesRequests,
  labels: labelsRequests,
  engine: engineRequests,
  loop: loopRequests,
  evaluation: evaluationRequests,
  transfer: transferRequests,
  duplicates: duplicatesRequests,
} as const;
export const requests = mergeDomains(requestDomains);

export type Channel = keyof typeof requests;
export type ArgsOf<C extends Channel> = (typeof requests)[C] extends RequestDef<infer A, unknown> ? A : never;
/** A typed call's arguments after the channel: none for a request that takes none, an optional one where it may be left out. */
export type ArgList<C extends Channel> = [ArgsOf<C>] extends [void] ? [] : undefined extends ArgsOf<C> ? [ArgsOf<C>?] : [ArgsOf<C>];
export type ResultOf<C extends Channel> = (typeof requests)[C] extends RequestDef<unknown, infer R> ? R : never;
export const channels = Object.keys(requests) as Channel[];

// ---------------------------------------------------------------- the bridge's shape

/** Raw bridge exposed as `window.api` (Electron preload) or built over WebSocket (browser). */
export type RawApi = {
  /**
   * `session`: the opening of a project this window shows (OpenProjectSummary.session), null when
   * none. `windowId`: this page's own random id (src-shared/window-id.ts), the `origin` of the
   * changes it causes.
   */
  [C in Channel]: (args: ArgsOf<C>, session: string | null, windowId?: string | null) => Promise<Result<ResultOf<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

export const MEDIA_SCHEME = 'media';
