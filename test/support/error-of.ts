/** The error a synchronous call throws; fails the test when it throws none. */
export function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('no error');
}
