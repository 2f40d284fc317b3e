/** The handlers of one contract domain, typed from its request map. */
import type { ArgsOf, Channel, ResultOf } from '../../../src-shared/contract';

export type HandlersOf<M> = { [C in keyof M & Channel]: (args: ArgsOf<C>) => ResultOf<C> | Promise<ResultOf<C>> };
