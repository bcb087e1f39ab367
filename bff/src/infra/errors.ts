import type { ErrorCode } from '@carmall/shared-types';

/**
 * The one error type domain code throws. The error middleware turns it into
 * `{ error: { code, message, details } }` with this status; anything else becomes a 500 INTERNAL.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, details?: unknown) => new AppError(404, 'NOT_FOUND', `${what}不存在`, details);
export const validationFailed = (message: string, details?: unknown) => new AppError(400, 'VALIDATION_FAILED', message, details);
export const unauthenticated = (message = '请先登录') => new AppError(401, 'UNAUTHENTICATED', message);
export const forbidden = (message = '没有权限执行此操作') => new AppError(403, 'FORBIDDEN', message);
export const serviceUnavailable = (message: string, details?: unknown) =>
  new AppError(503, 'SERVICE_UNAVAILABLE', message, details);
