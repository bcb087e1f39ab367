import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs (one object per line) so production log shipping can index request ids and fields. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'carmall-bff', ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Never log credentials or personal data that may pass through request logs.
    redact: ['req.headers.authorization', 'req.headers.cookie', '*.phone', '*.idCard', '*.token', '*.code'],
  });
}
