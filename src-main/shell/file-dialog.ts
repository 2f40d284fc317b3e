/**
 * What the native file dialog says, by what the file is picked for (FilePurpose): the Import
 * dialog's "Choose file…" for a labels file (a labels CSV, a Label Studio or COCO JSON, an ADMA
 * Studio labels.json) or for a prediction CSV to import as suggestions. Plain options for
 * Electron's dialog.showOpenDialog, built apart from the dialog so they can be checked without
 * Electron, in the words of folder-dialog.ts's purposes: `title` the window's title (Windows,
 * Linux), `message` the line above the list (macOS), `buttonLabel` the confirm button (it only
 * fills the field: the import starts from the Import dialog's button). `openFile` picks one
 * existing file. `filters`, per Electron's dialog docs: extensions without their dot, the first
 * filter is the one shown; "All files" (`*`) lets a file with another ending be chosen (the
 * import judges a file by its contents and says what it could not read).
 */
import type { OpenDialogOptions } from 'electron';
import { FILE_ENDINGS, type FilePurpose, type PickFileArgs } from '../../src-shared/requests/project';

/** The dialog's filter for a purpose's files ("Labels files (.csv, .json)"), then "All files". */
function filters(purpose: FilePurpose, name: string): NonNullable<OpenDialogOptions['filters']> {
  const endings = FILE_ENDINGS[purpose];
  return [
    { name: `${name} (${endings.join(', ')})`, extensions: endings.map((e) => e.slice(1)) },
    { name: 'All files', extensions: ['*'] },
  ];
}

export function fileDialogOptions(pick: PickFileArgs): OpenDialogOptions {
  const { purpose } = pick;
  switch (purpose) {
    case 'importLabels': {
      const title = 'Choose the labels file to import';
      return {
        title,
        message: `${title}: a labels CSV, a Label Studio or COCO JSON, or an ADMA Studio labels.json.`,
        buttonLabel: 'Use this file',
        filters: filters(purpose, 'Labels files'),
        properties: ['openFile'],
      };
    }
    case 'importPredictions': {
      const title = 'Choose the prediction CSV to import as suggestions';
      return {
        title,
        message: `${title}: path, class and probability columns (or one probability column per class).`,
        buttonLabel: 'Use this file',
        filters: filters(purpose, 'Prediction CSV'),
        properties: ['openFile'],
      };
    }
  }
}
