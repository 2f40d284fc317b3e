/**
 * Every request's implementation, typed from the contract: a handler's argument and
 * result types are exactly the contract's, so client and back end cannot drift.
 */
import { AppError } from '../../src-shared/app-error';
import type { ArgsOf, Channel, ResultOf } from '../../src-shared/contract';
import fs from 'node:fs';
import { modelOptions } from '../adaptation/model-options';
import { completePath, checkPath } from '../project/path-check';
import type { Workspace } from './workspace';

export type Handlers = { [C in Channel]: (args: ArgsOf<C>) => ResultOf<C> | Promise<ResultOf<C>> };

export function createHandlers(ws: Workspace): Handlers {
  const project = () => ws.requireProject();
  const changed = (change: 'classes' | 'labels') => {
    ws.events.emit('project:changed', { change });
    if (change === 'labels') ws.adaptation().loop.onLabelsChanged();
  };
  const loop = () => ws.adaptation();
  return {
    'app:info': () => ({
      version: ws.options.version,
      shell: ws.options.shell,
      platform: process.platform,
      canPickFolder: ws.options.pickFolder !== undefined,
    }),

    'project:recent': () => ws.recent.list(),
    'project:forgetRecent': ({ path }) => ws.recent.forget(path),
    'project:pickFolder': async () => {
      if (!ws.options.pickFolder) throw new AppError('UNSUPPORTED', 'There is no folder dialog in the browser: type the folder path instead.');
      return ws.options.pickFolder();
    },
    'project:checkPath': ({ path }) => checkPath(path),
    'project:completePath': ({ partial }) => completePath(partial),
    'project:open': ({ path, create }) => ws.open(path, create),
    'project:close': async () => {
      await ws.close();
      return null;
    },
    'project:current': () => ws.current?.summary() ?? null,
    'project:rescan': () => ws.rescan(),
    'project:unreadable': () => project().images.unreadable(),

    'images:list': ({ filter, offset, limit }) => project().images.list(filter, offset, limit),
    'images:get': ({ id }) => project().images.get(id),

    'classes:list': () => project().classes.list(),
    'classes:create': ({ name, color }) => {
      const created = project().classes.create(name, color);
      changed('classes');
      return created;
    },
    'classes:update': ({ id, ...changes }) => {
      const updated = project().classes.update(id, changes);
      changed('classes');
      return updated;
    },
    'classes:reorder': ({ ids }) => {
      const list = project().classes.reorder(ids);
      changed('classes');
      return list;
    },
    'classes:delete': ({ id }) => {
      const result = project().deleteClass(id);
      changed('classes');
      changed('labels');
      return result;
    },

    'labels:set': ({ imageIds, classId }) => {
      const action = project().setLabels(imageIds, classId);
      changed('labels');
      return action;
    },
    'labels:undo': () => {
      const action = project().labels.undo();
      if (action) changed('labels');
      return action;
    },
    'labels:redo': () => {
      const action = project().labels.redo();
      if (action) changed('labels');
      return action;
    },
    'labels:history': ({ imageId, limit }) => project().labels.history(imageId, limit),
    'labels:importCsv': ({ path, createClasses }) => {
      const report = loop().transfer.importCsv(path, createClasses);
      if (report.labeled > 0) loop().loop.onLabelsChanged();
      ws.events.emit('project:changed', { change: 'labels' });
      if (report.createdClasses.length > 0) ws.events.emit('project:changed', { change: 'classes' });
      return report;
    },

    'project:createDemo': ({ path }) => ws.createDemo(path),

    'engine:models': () => modelOptions(ws.options.places ?? {}),
    'engine:inspectFolder': ({ path }) => loop().model.inspectFolder(path),
    'engine:status': () => loop().status(),
    'engine:chooseModel': ({ choice }) => loop().chooseModel(choice),
    'engine:cancelFeatures': () => (loop().features.cancel(), loop().status()),
    'engine:resumeFeatures': () => {
      loop().features.start();
      return loop().status();
    },

    'loop:settings': () => loop().loop.settings(),
    'loop:updateSettings': (changes) => loop().loop.updateSettings(changes),
    'loop:currentRound': () => loop().loop.currentRound(),
    'loop:nextRound': () => loop().loop.nextRound(),
    'loop:train': async () => {
      await loop().loop.train();
      return loop().status();
    },
    'loop:rounds': ({ limit }) => loop().store.rounds(limit),
    'loop:suggestion': ({ imageId }) => loop().loop.suggestion(imageId),

    'evaluation:sample': ({ count }) => loop().evaluation.sample(count),
    'dashboard:get': () => loop().evaluation.dashboard(),

    'export:check': ({ destination }) => {
      const check = checkPath(destination);
      return { ...check, empty: !check.exists || (check.isDirectory && fs.readdirSync(check.path).length === 0) };
    },
    'export:run': (request) => loop().transfer.export(request),
  };
}
