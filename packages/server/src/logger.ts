import pino, { type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { lazyModule } from './lazy-module.ts';

const pinoPretty = lazyModule<typeof PinoPretty>('pino-pretty');

/**
 * Structured logs; secrets named here are never written. On a terminal they are pretty (written
 * in this thread: no worker for the transport); anywhere else, one JSON object a line.
 */
export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  const destination: DestinationStream | undefined = pretty
    ? pinoPretty()({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' })
    : undefined;
  return pino(
    {
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
    },
    destination,
  );
}
