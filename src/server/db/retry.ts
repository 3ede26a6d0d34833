// Command-line tools that outlive a database restart. Three parts:
//
//   retryWhileUnreachable(op, { what })   runs `op` again, with exponential back-off, while it fails
//                                          because the database cannot be reached (isUnreachable);
//                                          any other error is thrown at once. After the last attempt
//                                          it throws DatabaseUnreachableError, whose message says
//                                          what could not be done, for how long it was tried and why.
//   surviveDatabaseRestarts()             keeps the process alive through postgres.js's uncaught
//                                          exception while a server restarts (porsager/postgres
//                                          #1154: a TypeError thrown from its socket error handler)
//                                          and fails the attempt in flight, so that it is retried.
//   runCli(main)                          both of the above for a CLI's main function; an
//                                          unreachable database ends it with the clear message and
//                                          exit code 75 (EX_TEMPFAIL: try again later).
//
// `op` must be safe to run again: an attempt cut off by a restart may or may not have committed.
import { isUnreachable } from './client';

export interface RetryOptions {
  /** what the operation does, for messages: "create the API key" */
  what: string;
  /** attempts in all, the first included (default 8: about 35 s of waiting) */
  attempts?: number;
  /** the first wait (default 500 ms); each next one doubles */
  firstDelayMs?: number;
  /** the longest wait (default 10 s) */
  maxDelayMs?: number;
  /** where retry notices go (default stderr) */
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export class DatabaseUnreachableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseUnreachableError';
  }
}

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function retryDelayMs(attempt: number, options: Pick<RetryOptions, 'firstDelayMs' | 'maxDelayMs'> = {}): number {
  const first = options.firstDelayMs ?? 500;
  return Math.min(options.maxDelayMs ?? 10_000, first * 2 ** (attempt - 1));
}

/** A short reason from an unreachable-database error: its code and first message line. */
export function describeUnreachable(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof message === 'string' && message) parts.push(message.split('\n')[0] ?? message);
    if (typeof code === 'string' && !parts.some((p) => p.includes(code))) parts.push(code);
    current = cause;
  }
  return parts.slice(0, 2).join(': ') || String(error);
}

const formatSeconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`);

export async function retryWhileUnreachable<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 8);
  const log = options.log ?? ((line: string) => console.error(line));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await cutOffByRestart(operation());
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      if (attempt >= attempts) {
        throw new DatabaseUnreachableError(
          `Could not ${options.what}: the database was unreachable on all ${attempts} attempts over ${formatSeconds(waited)} ` +
            `(${describeUnreachable(error)}). Check that it is running and that DATABASE_URL points to it, then run this again.`,
          attempts,
          { cause: error },
        );
      }
      const delay = retryDelayMs(attempt, options);
      log(`The database is unreachable (${describeUnreachable(error)}); trying to ${options.what} again in ${formatSeconds(delay)} (attempt ${attempt + 1} of ${attempts}).`);
      await sleep(delay);
      waited += delay;
    }
  }
}

// --- postgres.js's uncaught exception during restarts --------------------------------------------

/** True for the TypeError postgres.js throws from its socket error handler while a server restarts. */
export function isPostgresRestartCrash(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const stack = error.stack ?? '';
  const fromPostgresJs = /[\\/]postgres[\\/](cjs[\\/]|cf[\\/])?src[\\/]connection\.js/.test(stack);
  return (fromPostgresJs && error instanceof TypeError) || (fromPostgresJs && isUnreachable(error));
}

type CrashListener = (error: Error) => void;
const crashListeners = new Set<CrashListener>();

/** Fails `work` with an unreachable error when a restart crash is caught while it runs. */
function cutOffByRestart<T>(work: Promise<T>): Promise<T> {
  if (!guardInstalled) return work;
  let listener: CrashListener | undefined;
  const cut = new Promise<never>((_, reject) => {
    listener = (crash) => reject(Object.assign(new Error('the database connection broke while the server restarted', { cause: crash }), { code: 'CONNECTION_DESTROYED' }));
    crashListeners.add(listener);
  });
  return Promise.race([work, cut]).finally(() => {
    if (listener) crashListeners.delete(listener);
  });
}

let guardInstalled = false;

/**
 * Keeps a CLI process alive through postgres.js's restart crash (logged, the attempt in flight
 * failed so that retryWhileUnreachable runs it again); any other uncaught exception still ends the
 * process with exit code 1, as Node would. Returns a function that removes the guard.
 */
export function surviveDatabaseRestarts(log: (line: string) => void = (line) => console.error(line)): () => void {
  const handler = (error: Error) => {
    if (isPostgresRestartCrash(error)) {
      log(`The database connection broke (${error.message}); it is being re-established.`);
      for (const listener of [...crashListeners]) listener(error);
      return;
    }
    console.error(error);
    process.exit(1);
  };
  process.on('uncaughtException', handler);
  guardInstalled = true;
  return () => {
    process.off('uncaughtException', handler);
    guardInstalled = false;
  };
}

/** Runs a CLI's main function with the restart guard; an unreachable database ends it clearly (exit 75). */
export async function runCli(main: () => Promise<void>): Promise<void> {
  const remove = surviveDatabaseRestarts();
  try {
    await main();
  } catch (error) {
    if (error instanceof DatabaseUnreachableError) {
      console.error(error.message);
      process.exitCode = 75;
      return;
    }
    throw error;
  } finally {
    remove();
  }
}
