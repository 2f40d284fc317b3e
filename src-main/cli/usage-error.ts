/** A mistake in how a command was called: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes of the `adma` command. */
export const EXIT = {
  ok: 0,
  /** The command ran and failed (bad data, missing model, I/O...). */
  failed: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;
