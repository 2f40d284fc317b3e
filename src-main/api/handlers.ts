/**
 * Every request's implementation, typed from the contract: a handler's argument and result
 * types are exactly the contract's, so client and back end cannot drift. Handlers are
 * written per domain (./domains/) and merged into one map; a name handled twice is an error.
 */
import { mergeDomains } from '../../src-shared/requests/request-def';
import type { requests } from '../../src-shared/contract';
import { classesHandlers } from './domains/classes';
import type { HandlersOf } from './domains/domain-handlers';
import { engineHandlers } from './domains/engine';
import { evaluationHandlers } from './domains/evaluation';
import { imagesHandlers } from './domains/images';
import { labelsHandlers } from './domains/labels';
import { loopHandlers } from './domains/loop';
import { duplicatesHandlers } from './domains/duplicates';
import { projectHandlers } from './domains/project';
import { transferHandlers } from './domains/transfer';
import type { Workspace } from './workspace';

export type Handlers = HandlersOf<typeof requests>;

/** The handlers of each domain, by the contract's domain names. */
export function domainHandlers(ws: Workspace) {
  return {
    project: projectHandlers(ws),
    images: imagesHandlers(ws),
    classes: classesHandlers(ws),
    labels: labelsHandlers(ws),
    engine: engineHandlers(ws),
    loop: loopHandlers(ws),
    evaluation: evaluationHandlers(ws),
    transfer: transferHandlers(ws),
    duplicates: duplicatesHandlers(ws),
  };
}

export function createHandlers(ws: Workspace): Handlers {
  return mergeDomains(domainHandlers(ws));
}
