// The retry helper against real databases: a server that refuses connections (a closed port), the
// test database, and a child process that meets postgres.js's restart crash.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { one, openDb, sql, type DbHandle } from './client';
import { DatabaseUnreachableError, isPostgresRestartCrash, retryDelayMs, retryWhileUnreachable } from './retry';
import { createTestDb } from './testing';

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

// Nothing listens on port 1: every connection is refused at once.
const refused = 'postgres://postgres@127.0.0.1:1/nothing';

function recorder() {
  const waits: number[] = [];
  const lines: string[] = [];
  return { waits, lines, sleep: async (ms: number) => void waits.push(ms), log: (line: string) => void lines.push(line) };
}

describe('retryWhileUnreachable', () => {
  it('waits 0.5, 1, 2, 4, 8 and then 10 s between attempts', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelayMs(attempt))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('retries while the database is unreachable and returns once it answers', async () => {
    const r = recorder();
    let attempts = 0;
    const answer = await retryWhileUnreachable(
      async () => {
        attempts++;
        if (attempts < 3) {
          const closed = await openDb({ url: refused });
          await closed.close();
        }
        return one<{ answer: number }>(handle.db, sql`select 42 as answer`);
      },
      { what: 'read the answer', ...r },
    );
    expect(answer).toEqual({ answer: 42 });
    expect(attempts).toBe(3);
    expect(r.waits).toEqual([500, 1000]);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatch(/^The database is unreachable \(.*ECONNREFUSED.*\); trying to read the answer again in 500 ms \(attempt 2 of 8\)\.$/);
    expect(r.lines[1]).toContain('again in 1 s (attempt 3 of 8)');
  });

  it('gives up after the last attempt with a message that says what, how long and why', async () => {
    const r = recorder();
    const failure = await retryWhileUnreachable(() => openDb({ url: refused }), { what: 'open the database', attempts: 4, ...r }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DatabaseUnreachableError);
    const error = failure as DatabaseUnreachableError;
    expect(error.attempts).toBe(4);
    expect(r.waits).toEqual([500, 1000, 2000]);
    expect(error.message).toMatch(
      /^Could not open the database: the database was unreachable on all 4 attempts over 3\.5 s \(.*ECONNREFUSED.*\)\. Check that it is running and that DATABASE_URL points to it, then run this again\.$/,
    );
  });

  it('throws any other error at once', async () => {
    const r = recorder();
    await expect(retryWhileUnreachable(() => one(handle.db, sql`select * from no_such_table`), { what: 'read', ...r })).rejects.toThrow(/no_such_table/);
    expect(r.waits).toEqual([]);
  });
});

describe('surviveDatabaseRestarts', () => {
  it("recognises postgres.js's crash and nothing else", () => {
    const crash = new TypeError("Cannot read properties of undefined (reading 'replace')");
    crash.stack = `${crash.message}\n    at queryError (/app/node_modules/postgres/cjs/src/connection.js:404:48)\n    at errored (/app/node_modules/postgres/cjs/src/connection.js:392:14)`;
    expect(isPostgresRestartCrash(crash)).toBe(true);
    expect(isPostgresRestartCrash(new TypeError('x is undefined'))).toBe(false);
    expect(isPostgresRestartCrash(new Error('boom'))).toBe(false);
  });

  it('keeps a CLI alive through the crash, retries the cut-off attempt, and still dies of any other error', () => {
    const script = `
      import { surviveDatabaseRestarts, retryWhileUnreachable } from './src/server/db/retry.ts';
      surviveDatabaseRestarts();
      let attempts = 0;
      const result = await retryWhileUnreachable(() => {
        attempts++;
        if (attempts > 1) return Promise.resolve('done after ' + attempts + ' attempts');
        setTimeout(() => {
          const crash = new TypeError("Cannot read properties of undefined (reading 'replace')");
          crash.stack = crash.message + '\\n    at queryError (/app/node_modules/postgres/src/connection.js:404:48)';
          throw crash;
        }, 10);
        return new Promise(() => {});
      }, { what: 'run the fixture', firstDelayMs: 10 });
      console.log(result);
      setTimeout(() => { throw new Error('an ordinary bug'); }, 10);
    `;
    const root = path.resolve(__dirname, '../../..');
    const child = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(child.stdout.trim()).toBe('done after 2 attempts');
    expect(child.stderr).toContain("The database connection broke (Cannot read properties of undefined (reading 'replace')); it is being re-established.");
    expect(child.stderr).toContain('trying to run the fixture again in 10 ms (attempt 2 of 8)');
    expect(child.stderr).toContain('an ordinary bug');
    expect(child.status).toBe(1);
  });
});
