/** Every error code of the API with its HTTP status: the envelope's `error.code`. */
export const errorStatus = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

export interface FieldError {
  path: string;
  message: string;
}

/** The one error type of the server: the envelope middleware turns it into a response. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = errorStatus[code];
  }
}

export function badRequest(message: string, errors: FieldError[]): AppError {
  return new AppError('BAD_REQUEST', message, { errors });
}

/** A single invalid field, reported in the same shape as schema validation errors. */
export function invalidField(path: string, message: string): AppError {
  return badRequest(`${path}: ${message}`, [{ path, message }]);
}

export function notFound(what: string, id?: string): AppError {
  return new AppError('NOT_FOUND', id ? `${what} ${id} not found` : `${what} not found`);
}

export function conflict(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('CONFLICT', message, details);
}

interface SqliteLikeError {
  code: string;
}

function isSqliteError(err: unknown): err is SqliteLikeError & Error {
  return (
    err instanceof Error &&
    err.name === 'SqliteError' &&
    typeof (err as Partial<SqliteLikeError>).code === 'string'
  );
}

/**
 * Maps anything thrown while handling a request to an AppError. Database errors are classified
 * by SQLite's result code, never by their message text; unknown errors become a bare 500 whose
 * message says nothing about the cause (the log has it).
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isSqliteError(err)) {
    if (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return conflict('a record with the same unique value already exists');
    }
    if (err.code === 'SQLITE_FULL') {
      // Nothing was written; reads go on, and writes work again once there is space.
      return new AppError('UNAVAILABLE', 'the disk holding the database is full: changes are refused until space is freed', {
        reason: 'disk full',
      });
    }
    if (err.code.startsWith('SQLITE_BUSY') || err.code.startsWith('SQLITE_LOCKED')) {
      return new AppError('UNAVAILABLE', 'the database is busy; retry shortly', { reason: 'busy' });
    }
    if (err.code.startsWith('SQLITE_CANTOPEN') || err.code.startsWith('SQLITE_IOERR')) {
      return new AppError('UNAVAILABLE', 'the database is unavailable', { reason: 'database unavailable' });
    }
  }
  const status = (err as { status?: unknown; expose?: unknown } | null)?.status;
  if (typeof status === 'number' && status === 413) {
    return new AppError('PAYLOAD_TOO_LARGE', 'request body is larger than the limit');
  }
  if (typeof status === 'number' && status === 400) {
    return badRequest('the request body could not be read', [
      { path: '', message: 'the request body could not be read' },
    ]);
  }
  return new AppError('INTERNAL_ERROR', 'internal error');
}
