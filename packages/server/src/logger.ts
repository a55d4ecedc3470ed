import pino, { type Logger } from 'pino';

/** Structured logs; secrets named here are never written. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'passwordConfirm',
        '*.passwordConfirm',
        'token',
        '*.token',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
