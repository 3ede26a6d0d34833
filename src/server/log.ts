// Structured logs (pino, one JSON object a line on stdout) for ingestion, the projector and
// sign-in. The level comes from LOG_LEVEL (src/env.ts, default info; the tests run with silent).
// Lines carry ids, counts and outcomes, never contact details, e-mail addresses or secrets.
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { env } from '~/env';

export type LogComponent = 'ingest' | 'projector' | 'auth';

type Write = (fields: Record<string, unknown>, message: string) => void;

/** One part of the server's log; every line carries `component`. */
export interface Log {
  debug: Write;
  info: Write;
  warn: Write;
  error: Write;
}

let root: Logger | undefined;
const children = new Map<LogComponent, Logger>();

function open(level: Level | 'silent', destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'revenue-funnel' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

function child(component: LogComponent): Logger {
  root ??= open(env().LOG_LEVEL);
  let found = children.get(component);
  if (!found) {
    found = root.child({ component });
    children.set(component, found);
  }
  return found;
}

export function logger(component: LogComponent): Log {
  return {
    debug: (fields, message) => child(component).debug(fields, message),
    info: (fields, message) => child(component).info(fields, message),
    warn: (fields, message) => child(component).warn(fields, message),
    error: (fields, message) => child(component).error(fields, message),
  };
}

/** An error as log fields: its message and stack. */
export function errorFields(error: unknown): { err: { message: string; stack?: string } } {
  return error instanceof Error ? { err: { message: error.message, stack: error.stack } } : { err: { message: String(error) } };
}

/** For tests: every line from now on, parsed, at `level`, until `stop()` (then LOG_LEVEL again). */
export function captureLogs(level: Level = 'debug'): { lines: Record<string, unknown>[]; stop: () => void } {
  const lines: Record<string, unknown>[] = [];
  root = open(level, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  children.clear();
  return {
    lines,
    stop: () => {
      root = undefined;
      children.clear();
    },
  };
}
