// What Postgres can hold, decided at the door: text and jsonb cannot hold U+0000 or unpaired
// surrogates, and jsonb refuses deep nesting. An event carrying any of them is rejected with the
// field's path; the sender's bytes are still kept exactly (bytea) in the rejected log.
import type { FieldError } from './validate';

/** Deeper than any event of the catalogue needs (data is at most two levels). */
export const MAX_EVENT_DEPTH = 32;

/**
 * The first thing in a value that cannot be stored, with its path; null when all of it can.
 * Iterative, so a hostile nesting depth cannot overflow the stack.
 */
export function findUnstorable(value: unknown): FieldError | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      const problem = stringProblem(current);
      if (problem) return { path: pathText(path), message: problem };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= MAX_EVENT_DEPTH) {
      return { path: pathText(path), message: `nested deeper than ${MAX_EVENT_DEPTH} levels` };
    }
    const entries = Array.isArray(current) ? current.map((v, i) => [String(i), v] as const) : Object.entries(current);
    for (const [key, child] of entries) {
      const keyProblem = stringProblem(key);
      if (keyProblem) return { path: pathText([...path, printable(key)]), message: `the field name ${keyProblem}` };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

function stringProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains the character U+0000 (NUL), which cannot be stored';
  if (!text.isWellFormed()) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}

function pathText(path: string[]): string {
  return path.join('.') || '(event)';
}

/** Text as it can be stored and shown: NUL as the visible escape `\u0000`, broken surrogates as U+FFFD. */
export function printable(text: string): string {
  return text.replaceAll('\u0000', '\\u0000').toWellFormed();
}

/**
 * A JSON value jsonb can hold, for showing and replaying a rejected event: strings made printable,
 * and null when it nests too deep (its exact bytes are kept beside it).
 */
export function storableJson(value: unknown): unknown {
  if (depthOver(value, MAX_EVENT_DEPTH)) return null;
  return printableCopy(value ?? null);
}

/** A copy with every string and field name printable (depth is bounded by the caller). */
function printableCopy(value: unknown): unknown {
  if (typeof value === 'string') return printable(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return value ?? null;
  if (Array.isArray(value)) return value.map(printableCopy);
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [printable(key), printableCopy(child)]));
}

function depthOver(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * The bytes of each element of the top-level array `key` in a JSON body that has already parsed,
 * so a rejected event is kept exactly as its sender wrote it. JSON's structural characters are
 * ASCII and never occur inside a multi-byte UTF-8 sequence, so the scan works on bytes. When the
 * key occurs twice, the last one wins, as in JSON.parse. Null when the body is not such an object.
 */
export function elementBytes(body: Buffer, key: string): Buffer[] | null {
  let depth = 0;
  let found: Buffer[] | null = null;
  let current: Buffer[] | null = null;
  let elementStart = -1;
  let expectKeyValue = false;
  let lastKey: string | null = null;
  let i = 0;
  const n = body.length;
  while (i < n) {
    const byte = body[i]!;
    if (byte === QUOTE) {
      const start = i;
      i++;
      while (i < n && body[i] !== QUOTE) i += body[i] === BACKSLASH ? 2 : 1;
      i++;
      if (depth === 1 && !expectKeyValue) {
        lastKey = JSON.parse(body.subarray(start, i).toString('utf8')) as string;
      }
      if (depth === 2 && current && elementStart < 0) elementStart = start;
      continue;
    }
    if (byte === COLON && depth === 1) {
      expectKeyValue = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (depth === 1 && expectKeyValue && byte === OPEN_BRACKET && lastKey === key) {
        current = [];
        elementStart = -1;
      } else if (depth === 2 && current && elementStart < 0) {
        elementStart = i;
      }
      depth++;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 1 && current) {
        if (elementStart >= 0) current.push(trimEnd(body.subarray(elementStart, i)));
        found = current;
        current = null;
        elementStart = -1;
      }
      if (depth === 1) expectKeyValue = false;
    } else if (byte === COMMA) {
      if (depth === 2 && current && elementStart >= 0) {
        current.push(trimEnd(body.subarray(elementStart, i)));
        elementStart = -1;
      } else if (depth === 1) {
        expectKeyValue = false;
      }
    } else if (depth === 2 && current && elementStart < 0 && !isSpace(byte)) {
      elementStart = i;
    }
    i++;
  }
  return found;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function trimEnd(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && isSpace(bytes[end - 1]!)) end--;
  return bytes.subarray(0, end);
}
