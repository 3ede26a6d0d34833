// Where the ingestion time goes inside Postgres: with --profile the bench database logs every
// statement's duration (without its parameters), and the lines of the measured load are summed
// per statement from the server log.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { Sql } from 'postgres';

export const POSTGRES_LOG = process.env.BENCH_POSTGRES_LOG ?? '/var/log/postgresql/postgresql-15-main.log';

/** With `explainOverMs`, auto_explain also writes the analysed plan of every slower statement to the log. */
export async function enableStatementLog(admin: Sql, database: string, explainOverMs?: number): Promise<void> {
  await admin.unsafe(`alter database "${database}" set log_min_duration_statement = 0`);
  await admin.unsafe(`alter database "${database}" set log_parameter_max_length = 0`);
  if (explainOverMs === undefined) return;
  await admin.unsafe(`alter database "${database}" set session_preload_libraries = 'auto_explain'`);
  await admin.unsafe(`alter database "${database}" set auto_explain.log_min_duration = ${Math.round(explainOverMs)}`);
  await admin.unsafe(`alter database "${database}" set auto_explain.log_analyze = on`);
  await admin.unsafe(`alter database "${database}" set auto_explain.log_buffers = on`);
}

export function logSize(): number {
  return existsSync(POSTGRES_LOG) ? statSync(POSTGRES_LOG).size : 0;
}

function readFrom(file: string, offset: number): string {
  const size = statSync(file).size;
  if (size <= offset) return '';
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

export interface StatementCost {
  statement: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
  share: number;
}

/** A statement's identity: its text with literals and whitespace folded, cut to a readable length. */
function shape(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/'[^']*'/g, "'?'")
    .replace(/\b\d+\b/g, '?')
    .trim()
    .slice(0, 160);
}

/** Sums the durations the bench database logged since `offset`, per statement (parse, bind, execute together). */
export function statementCosts(database: string, offset: number): { totalMs: number; statements: StatementCost[] } {
  if (!existsSync(POSTGRES_LOG)) return { totalMs: 0, statements: [] };
  const text = readFrom(POSTGRES_LOG, offset);
  // A log entry starts with a timestamp; statements continue on tab-indented lines.
  const entries = text.split(/\n(?=\d{4}-\d{2}-\d{2} )/);
  const costs = new Map<string, { calls: number; totalMs: number; maxMs: number }>();
  let totalMs = 0;
  for (const entry of entries) {
    if (!entry.includes(`@${database} `)) continue;
    const match = /LOG: {2}duration: ([\d.]+) ms {2}(parse|bind|execute|statement)[^:]*: ([\s\S]*)$/.exec(entry);
    // auto_explain's entries ("duration: ... ms  plan:") are plans, not statements: left to the log.
    if (!match) continue;
    const ms = Number(match[1]);
    const key = shape(match[3] ?? '');
    const cost = costs.get(key) ?? { calls: 0, totalMs: 0, maxMs: 0 };
    if (match[2] === 'execute' || match[2] === 'statement') cost.calls += 1;
    cost.totalMs += ms;
    cost.maxMs = Math.max(cost.maxMs, ms);
    costs.set(key, cost);
    totalMs += ms;
  }
  const statements = [...costs.entries()]
    .map(([statement, c]) => ({
      statement,
      calls: c.calls,
      totalMs: Math.round(c.totalMs),
      meanMs: c.calls > 0 ? Math.round((c.totalMs / c.calls) * 10) / 10 : 0,
      maxMs: Math.round(c.maxMs),
      share: totalMs > 0 ? Math.round((c.totalMs / totalMs) * 1000) / 1000 : 0,
    }))
    .sort((a, b) => b.totalMs - a.totalMs);
  return { totalMs: Math.round(totalMs), statements };
}
