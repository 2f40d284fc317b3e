/** Handlers of the transfer domain: export and CSV label import. */
import type { transferRequests } from '../../../src-shared/requests/transfer';
import { exportCreationProblem, exportPlaceProblem } from '../../engine/export/export-target';
import { checkPath, expandPath } from '../../project/path-check';
import type { Workspace } from '../workspace';
import { NO_WINDOW, type HandlersOf } from './domain-handlers';

export function transferHandlers(ws: Workspace): HandlersOf<typeof transferRequests> {
  const adaptation = () => ws.adaptation();
  return {
    'export:check': ({ destination }) => {
      const check = checkPath(destination);
      const root = ws.current?.root;
      return {
        ...check,
        // A relative path is refused with checkPath's message; a place inside the project with the export's own.
        refused: check.relative ? check.message : root ? exportPlaceProblem(check.path, root) : null,
        cannotCreate: check.relative || check.exists ? null : exportCreationProblem(check.path),
      };
    },
    // Paths typed in the UI: `~` expanded, a relative one refused with its own message.
    'export:run': (request) => adaptation().transfer.export({ ...request, destination: expandPath(request.destination) }),
    'export:versions': () => adaptation().transfer.versions(),
    'labels:importCsv': async ({ path, createClasses }, from = NO_WINDOW) => {
      // After the label writes asked for before it (a bulk label may still run in its thread).
      await ws.requireProject().labelWritesSettled();
      const report = await adaptation().transfer.importCsv(expandPath(path), createClasses, from.origin);
      ws.labelsChanged(null, from.origin, { loop: report.labeled > 0, imported: report.labeled + report.unsure });
      if (report.createdClasses.length > 0) ws.classesChanged();
      return report;
    },
    'labels:import': async ({ path, kind, createClasses }, from = NO_WINDOW) => {
      await ws.requireProject().labelWritesSettled();
      const report = await adaptation().transfer.importFile(expandPath(path), kind, createClasses, from.origin);
      if (kind === 'labels') ws.labelsChanged(null, from.origin, { loop: report.labeled + report.unsure > 0, imported: report.labeled + report.unsure });
      if (report.createdClasses.length > 0) ws.classesChanged();
      return report;
    },
    'suggestions:importedSources': () => adaptation().transfer.importedSuggestions(),
    'suggestions:clearImported': ({ source }) => adaptation().transfer.clearImportedSuggestions(source),
  };
}
