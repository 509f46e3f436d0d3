import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; every request's lines carry its `requestId`. */
export function createLogger(level: string, name = 'meshgate'): Logger {
  return pino({ name, level, base: { service: name } });
}
