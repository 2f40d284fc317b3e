import { AppError } from '../../src-shared/app-error';

/** The error a synchronous call throws; fails the test when it throws none. */
export function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('no error');
}

/** The AppError a promise rejects with; fails the test when it resolves or rejects with another error. */
export async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error('no error'),
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}
