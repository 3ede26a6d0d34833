// Validation of one event against the catalogue and the sending key's department.
import type { z } from 'zod';
import { catalogue, envelope, isEventType, typesOf, type Department, type IngestEvent } from './catalogue';

export interface FieldError {
  path: string;
  message: string;
}

export type Validation =
  | { ok: true; event: IngestEvent }
  | { ok: false; status: 403 | 422; id: string | null; type: string | null; errors: FieldError[] };

function issuesToErrors(issues: z.core.$ZodIssue[], prefix: string[] = []): FieldError[] {
  return issues.map((issue) => ({
    path: [...prefix, ...issue.path.map(String)].join('.') || '(event)',
    message: issue.message,
  }));
}

function stringField(raw: unknown, field: string): string | null {
  if (raw && typeof raw === 'object' && field in raw) {
    const value = (raw as Record<string, unknown>)[field];
    if (typeof value === 'string') return value;
  }
  return null;
}

export function validateEvent(raw: unknown, dept: Department): Validation {
  const id = stringField(raw, 'id');
  const rawType = stringField(raw, 'type');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, status: 422, id, type: rawType, errors: [{ path: '(event)', message: 'must be an object' }] };
  }

  const parsed = envelope.safeParse(raw);
  const errors: FieldError[] = parsed.success ? [] : issuesToErrors(parsed.error.issues);

  if (rawType !== null && !isEventType(rawType)) {
    errors.push({ path: 'type', message: `unknown event type '${rawType}'; ${dept} may send ${typesOf(dept).join(', ')}` });
  }
  if (rawType !== null && isEventType(rawType) && catalogue[rawType].department !== dept) {
    return {
      ok: false,
      status: 403,
      id,
      type: rawType,
      errors: [
        {
          path: 'type',
          message: `'${rawType}' is a ${catalogue[rawType].department} event; this key may send ${dept} events only`,
        },
      ],
    };
  }
  const rawData = (raw as { data?: unknown }).data;
  if (isEventType(rawType) && rawData !== null && typeof rawData === 'object' && !Array.isArray(rawData)) {
    // Report data errors together with envelope errors, so one round of fixes is enough.
    const data = catalogue[rawType].data.safeParse(rawData);
    if (!data.success) errors.push(...issuesToErrors(data.error.issues, ['data']));
    else if (parsed.success && errors.length === 0) {
      return {
        ok: true,
        event: { id: parsed.data.id, type: rawType, occurredAt: new Date(parsed.data.occurredAt), data: data.data } as IngestEvent,
      };
    }
  }
  return { ok: false, status: 422, id, type: rawType, errors };
}
