/** Error codes that cross the process boundary. Every user-facing error carries one. */
export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'NO_PROJECT'
  | 'NOT_FOUND'
  | 'NOT_A_FOLDER'
  | 'UNREADABLE'
  | 'NOT_WRITABLE'
  | 'READ_ONLY'
  | 'DISK_FULL'
  | 'IO_ERROR'
  | 'PROJECT_LOCKED'
  /** The request came from a window showing another opening of a project than the one open now. */
  | 'PROJECT_CHANGED'
  | 'PROJECT_TOO_NEW'
  | 'PROJECT_CORRUPT'
  | 'CONFLICT'
  | 'BUSY'
  | 'CANCELLED'
  | 'UNSUPPORTED'
  | 'MODEL_INVALID'
  /**
   * A job was asked for on the project's model folder, and its files cannot be used as the
   * project knows them now (gone, replaced, damaged, or changed since they were loaded): nothing
   * was computed. The host then checks the folder and says which (EngineStatus.modelProblem).
   */
  | 'MODEL_UNAVAILABLE'
  | 'IMAGE_INVALID'
  | 'NETWORK'
  | 'INTERNAL';

export interface ErrorData {
  code: ErrorCode;
  message: string;
}

/** An error meant for the user: `message` says what happened and what to do. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toData(): ErrorData {
    return { code: this.code, message: this.message };
  }

  static from(data: ErrorData): AppError {
    return new AppError(data.code, data.message);
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };
