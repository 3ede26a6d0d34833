// Masks what a role may not see, by kind of field: contact details (email, name), money (amounts,
// revenue, LTV) and spend (spend, CAC, ROI). Metric modules return plain values; procedures and the
// CSV export pass them through here with ctx.rights. A masked value is the `masked` marker, never 0.
import { masked, type MaybeMasked } from '~/lib/masked';
import type { Right } from '~/server/auth/rights';

export type MaskKind = 'contact' | 'money' | 'spend';

export const rightForKind: Record<MaskKind, Right> = {
  contact: 'seeContacts',
  money: 'seeMoney',
  spend: 'seeSpend',
};

/** Field name -> kind. Any object at any depth with one of these keys has that field masked. */
export type FieldKinds = Readonly<Record<string, MaskKind>>;

/** Common field names; spread it and add a module's own: `{ ...commonFieldKinds, wonCents: 'money' }`. */
export const commonFieldKinds = {
  email: 'contact',
  contactEmail: 'contact',
  contactName: 'contact',
  amount: 'money',
  amountCents: 'money',
  revenue: 'money',
  revenueCents: 'money',
  ltv: 'money',
  ltvCents: 'money',
  spend: 'spend',
  spendCents: 'spend',
  cac: 'spend',
  cacCents: 'spend',
  roi: 'spend',
} as const satisfies FieldKinds;

/** T with every field named in K (at any depth) widened to MaybeMasked. */
export type MaskedDeep<T, K extends string> = T extends Date
  ? T
  : T extends readonly (infer U)[]
    ? MaskedDeep<U, K>[]
    : T extends object
      ? { [P in keyof T]: P extends K ? MaybeMasked<T[P]> : MaskedDeep<T[P], K> }
      : T;

export function hiddenKinds(rights: ReadonlySet<Right>): Set<MaskKind> {
  return new Set((Object.keys(rightForKind) as MaskKind[]).filter((kind) => !rights.has(rightForKind[kind])));
}

/** A copy of `value` with the fields of `kinds` the rights do not cover replaced by the marker. */
export function maskFields<T, const K extends FieldKinds>(
  rights: ReadonlySet<Right>,
  value: T,
  kinds: K,
): MaskedDeep<T, keyof K & string> {
  const hidden = hiddenKinds(rights);
  if (hidden.size === 0) return value as MaskedDeep<T, keyof K & string>;
  return walk(value, kinds, hidden) as MaskedDeep<T, keyof K & string>;
}

function walk(value: unknown, kinds: FieldKinds, hidden: Set<MaskKind>): unknown {
  if (Array.isArray(value)) return value.map((item) => walk(item, kinds, hidden));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const kind = Object.hasOwn(kinds, key) ? kinds[key] : undefined;
    out[key] = kind !== undefined && hidden.has(kind) ? masked : walk(field, kinds, hidden);
  }
  return out;
}

/** One value of a known kind. */
export function maskValue<T>(rights: ReadonlySet<Right>, kind: MaskKind, value: T): MaybeMasked<T> {
  return rights.has(rightForKind[kind]) ? value : masked;
}
