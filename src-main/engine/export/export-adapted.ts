/**
 * The one export of an adapted classifier, for the app's engine worker and `adma export`:
 * a TF.js source model gives the TF.js folder and its model.onnx; an ONNX model folder gives
 * model.onnx composed from the user's graph and the head (no TF.js copy: its trunk is not a
 * TF.js graph).
 */
import { layersModelOf, type LoadedModel } from '../model/load-model';
import { exportOnnxFolderClassifier } from '../onnx/onnx-folder-export';
import { exportClassifier, type ExportOptions, type ExportResult } from './export-classifier';

export function exportAdaptedModel(loaded: LoadedModel, options: Omit<ExportOptions, 'source' | 'descriptor'>): Promise<ExportResult> {
  const { descriptor, onnx } = loaded;
  if (onnx) return exportOnnxFolderClassifier({ ...options, folder: onnx, descriptor });
  return exportClassifier({ ...options, source: layersModelOf(loaded, 'Exporting the adapted model as TF.js'), descriptor });
}
