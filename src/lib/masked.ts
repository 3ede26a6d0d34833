// A value the viewer may not see. It travels through tables, charts, CSV and timelines as this
// explicit marker, never as 0, null or a missing field.
export interface Masked {
  readonly masked: true;
}

export const masked: Masked = Object.freeze({ masked: true as const });

export type MaybeMasked<T> = T | Masked;

export function isMasked(value: unknown): value is Masked {
  return typeof value === 'object' && value !== null && (value as { masked?: unknown }).masked === true;
}

/** The value, or the marker when the viewer lacks the right. */
export function maskUnless<T>(allowed: boolean, value: T): MaybeMasked<T> {
  return allowed ? value : masked;
}
