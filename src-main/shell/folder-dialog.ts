/**
 * What the native folder dialog says, by what the folder is picked for (FolderPurpose): the
 * project picker's "Choose folder…" (open or create a project), the demo project's, Locate…'s
 * (the folder a recent project was moved to), the model panel's Locate… (the folder that holds
 * the project's model now), the Export dialog's (the folder to export into) and the Import
 * dialog's (a folder of class folders). Plain options for Electron's dialog.showOpenDialog,
 * built apart from the dialog so they can be checked without Electron: `title` is the window's
 * title (Windows, Linux; macOS shows no title), `message` the line above the list on macOS,
 * `buttonLabel` the confirm button. Properties, per Electron's dialog docs: `openDirectory`
 * picks folders only; `createDirectory` (macOS) offers "New Folder"; `promptToCreate`
 * (Windows) lets a typed folder that does not exist yet through, for the app to create — only
 * where the app makes the folder it is given (an export's destination, the demo project's).
 */
import path from 'node:path';
import type { OpenDialogOptions } from 'electron';
import type { FolderPick } from '../api/workspace';

export function folderDialogOptions(pick: FolderPick): OpenDialogOptions {
  switch (pick.purpose) {
    case 'openProject':
      // Opening a folder that is not a project yet creates one there: "New Folder" is welcome.
      return { title: 'Open or create a project folder', properties: ['openDirectory', 'createDirectory'] };
    case 'demoProject': {
      const title = 'Choose a new or empty folder for the demo project';
      return { title, message: `${title}.`, buttonLabel: 'Create it here', properties: ['openDirectory', 'createDirectory', 'promptToCreate'] };
    }
    case 'exportInto': {
      // The export writes its files into this folder (creating it when new). The button only fills the field (the export starts from the dialog's Export), so it does not say "Export".
      const title = 'Choose the folder to export into';
      return { title, message: `${title}: a new or empty folder, outside the project's folder.`, buttonLabel: 'Use this folder', properties: ['openDirectory', 'createDirectory', 'promptToCreate'] };
    }
    case 'importClassFolders': {
      // The folder must exist and hold the class folders: no "New Folder".
      const title = 'Choose the folder of class folders to import';
      return { title, message: `${title}: one sub-folder per class (or train/, val/… with class folders inside).`, buttonLabel: 'Use this folder', properties: ['openDirectory'] };
    }
    case 'locateProject':
    case 'locateModel': {
      // The model panel's form confirms with "Use this folder" too, and checks the folder holds that model.
      const model = pick.purpose === 'locateModel';
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
  }
}
