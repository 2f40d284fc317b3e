/**
 * What the native folder dialog says, by what the folder is picked for: the project picker's
 * "Choose folder…" (open or create a project), Locate…'s (the folder a recent project was
 * moved to) and the model panel's Locate… (the folder that holds the project's model now). Plain options for Electron's dialog.showOpenDialog, built apart from the dialog so
 * they can be checked without Electron: `title` is the window's title (Windows, Linux; macOS
 * shows no title), `message` the line above the list on macOS, `buttonLabel` the confirm button.
 */
import path from 'node:path';
import type { OpenDialogOptions } from 'electron';
import type { FolderPick } from '../api/workspace';

export function folderDialogOptions(pick: FolderPick): OpenDialogOptions {
  if (pick.kind === 'open') {
    return { title: 'Open or create a project folder', properties: ['openDirectory', 'createDirectory'] };
  }
  // The model panel's form confirms with "Use this folder" too, and checks the folder holds that model.
  const model = pick.kind === 'locateModel';
  const title = model ? `Locate the model ${pick.name}: choose the folder that holds it now` : `Locate ${pick.name}: choose the folder it was moved to`;
  return {
    title,
    message: `${title}. ${model ? 'Its folder' : 'It'} was at ${pick.listedAt}.`,
    buttonLabel: model ? 'Use this folder' : 'Locate here',
    // A moved or renamed folder usually stays in the same parent: start there.
    defaultPath: path.dirname(pick.listedAt),
    // The moved folder exists: no "New Folder" here.
    properties: ['openDirectory'],
  };
}
