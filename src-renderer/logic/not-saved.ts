/**
 * The words before the reason of a label change (a label, an unsure mark) that failed after the
 * view moved on, the view being back on its image. A change whose answer the connection lost
 * (NETWORK: the host may have saved it and died before answering) may have been saved: the page
 * cannot tell, so it does not say "not saved".
 */
import { AppError } from '../../src-shared/app-error';

export function notSavedWords(error: unknown, change: 'The label' | 'The unsure mark'): string {
  const unknown = error instanceof AppError && error.code === 'NETWORK';
  return `${change} ${unknown ? 'may not have been saved' : 'was not saved'}, back on its image`;
}
