/**
 * The one overwrite rule of every export (the app's dialog and `adma export`): ADMA Studio
 * never overwrites. The destination must not exist yet, or be an empty folder.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { AppError } from '../../../src-preload/app-error';

export function checkExportTarget(dest: string): void {
  if (existsSync(dest) && (!statSync(dest).isDirectory() || readdirSync(dest).length > 0)) {
    throw new AppError('CONFLICT', `${dest} is not an empty folder. ADMA Studio never overwrites: choose a new or empty folder.`);
  }
}
