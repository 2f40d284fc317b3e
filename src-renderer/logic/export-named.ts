/**
 * Whether an export's result already names every file written, so that "Show all N files"
 * would list nothing more: exportFileGroups names a group's files when there are few (a labels
 * export: "labels.csv, labels.json"), and counts them otherwise (an image copy's images, a
 * model's weight shards, more than five files: "… and 3 more").
 */
import { exportFileKind, type ExportFileGroup } from './export-choices';

/**
 * True when each of `files` (paths relative to the export, as in ExportReport) is one of the
 * names its group's `what` lists: its path with '/' relative to the group's folder, as
 * exportFileGroups names it. A group that counts files, or names some and "N more", leaves
 * those unnamed.
 */
export function namesEveryFile(files: readonly string[], groups: readonly ExportFileGroup[]): boolean {
  const listed = new Map(groups.map((g) => [g.kind, { folder: g.folder, names: new Set(g.what.split(', ')) }]));
  return files.every((file) => {
    const parts = file.split(/[\\/]/);
    const group = listed.get(exportFileKind(parts));
    const name = parts.join('/');
    return group !== undefined && name.startsWith(group.folder) && group.names.has(name.slice(group.folder.length));
  });
}
