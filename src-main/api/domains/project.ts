/** Handlers of the project domain: the application, the recent list, folder checks, open/close/create, scan. */
import { basename } from 'node:path';
import { AppError } from '../../../src-shared/app-error';
import type { projectRequests } from '../../../src-shared/requests/project';
import { noModelFolderToLocate } from '../../adaptation/model-session';
import { checkPath, completePath } from '../../project/path-check';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function projectHandlers(ws: Workspace): HandlersOf<typeof projectRequests> {
  const project = () => ws.requireProject();
  return {
    'app:info': () => ({
      version: ws.options.version,
      shell: ws.options.shell,
      platform: process.platform,
      canPickFolder: ws.options.pickFolder !== undefined,
      canPickFile: ws.options.pickFile !== undefined,
    }),
    'project:recent': () => ws.recent.list(),
    'project:forgetRecent': ({ path }) => ws.recent.forget(path),
    'project:locate': ({ path, folder }) => ws.locate(path, folder),
    'project:pickFolder': async (args) => {
      if (!ws.options.pickFolder) throw new AppError('UNSUPPORTED', 'There is no folder dialog in the browser: type the folder path instead.');
      switch (args.purpose) {
        case 'locateProject': {
          const entry = ws.listedEntry(args.path);
          return ws.options.pickFolder({ purpose: 'locateProject', name: entry.name, listedAt: entry.path });
        }
        case 'locateModel': {
          // Named and placed from the open project's own record of its model (the problem's path: where it was).
          const status = ws.adaptation().status();
          if (status.choice?.kind !== 'folder') throw noModelFolderToLocate();
          const listedAt = status.modelProblem?.path ?? status.choice.path;
          return ws.options.pickFolder({ purpose: 'locateModel', name: status.modelName ?? basename(listedAt), listedAt });
        }
        default:
          return ws.options.pickFolder({ purpose: args.purpose });
      }
    },
    'project:pickFile': async (args) => {
      if (!ws.options.pickFile) throw new AppError('UNSUPPORTED', 'There is no file dialog in the browser: type the file path instead (Tab completes it).');
      return ws.options.pickFile(args);
    },
    'project:checkPath': ({ path }) => checkPath(path),
    'project:completePath': ({ partial, fileEndings }) => completePath(partial, fileEndings),
    'project:open': ({ path, create }) => ws.open(path, create),
    'project:close': async () => {
      await ws.close();
      return null;
    },
    'project:current': () => ws.summary(),
    'project:rescan': (args) => ws.rescan({ checkEveryFile: args?.checkEveryFile === true }),
    'project:scans': () => ws.scans(),
    'project:dismissOpenScan': () => {
      ws.dismissOpenScan();
      return null;
    },
    'project:unreadable': () => project().images.unreadable(),
    'project:createDemo': ({ path }) => ws.createDemo(path),
  };
}
