/** The handlers of one contract domain, typed from its request map. */
import type { ArgsOf, Channel, ResultOf } from '../../../src-shared/contract';

/**
 * Which window asked (dispatch passes it): `origin` is the id the window sent with the request
 * (src-shared/window-id.ts), null when none did. Handlers that announce a change pass it on, so
 * each window knows its own changes; in-process callers (the CLI, tests) may leave it out.
 */
export interface RequestOrigin {
  origin: string | null;
}

/** The origin of a change no window asked for. */
export const NO_WINDOW: RequestOrigin = { origin: null };

export type HandlersOf<M> = { [C in keyof M & Channel]: (args: ArgsOf<C>, from?: RequestOrigin) => ResultOf<C> | Promise<ResultOf<C>> };
