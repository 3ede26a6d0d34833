// What a role may not see, declared once and masked in one place. The kinds are contact details
// (email, name), money (amounts, revenue, LTV) and spend (spend, CAC, ROI). `maskedFields` names
// every output field of the API that holds one of them; a value whose kind depends on its row (a KPI
// target is money or a rate) is declared where it is made, with `declared.money(value)`. Metric
// modules and routers return plain values; the procedure tier (trpc.ts) passes every answer through
// `maskOutput` with the caller's rights, and the AppRouter type (root.ts) says so through `Masked<T>`.
// A masked value is the `masked` marker, never 0 or null.
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

/** Every output field of the API that carries contact details, money or spend, by name. */
export const maskedFields = {
  // contact details of leads
  email: 'contact',
  contactEmail: 'contact',
  contactName: 'contact',
  // money
  amount: 'money',
  amountCents: 'money',
  revenue: 'money',
  revenueCents: 'money',
  ltv: 'money',
  ltvCents: 'money',
  wonCents: 'money',
  wonRevenueCents: 'money',
  openPipelineCents: 'money',
  renewalCents: 'money',
  expansionCents: 'money',
  lifetimeValueCents: 'money',
  averageLifetimeValueCents: 'money',
  startingCents: 'money',
  churnedCents: 'money',
  endingCents: 'money',
  /** attribution credits per model, in cents */
  credits: 'money',
  // the revenue plan
  targetCents: 'money',
  wonSoFarCents: 'money',
  pipelineCents: 'money',
  gapCents: 'money',
  meanWonCents: 'money',
  valuePerInquiryCents: 'money',
  planRevenueCents: 'money',
  shortfallCents: 'money',
  // spend
  spend: 'spend',
  spendCents: 'spend',
  budgetCents: 'spend',
  cac: 'spend',
  cacCents: 'spend',
  roi: 'spend',
  costPerInquiryCents: 'spend',
  planSpendCents: 'spend',
} as const satisfies FieldKinds;

export type MaskedField = keyof typeof maskedFields;

/** A value whose kind is declared with it (for a kind that depends on the row). */
export class Declared<K extends MaskKind, T> {
  constructor(
    readonly kind: K,
    readonly value: T,
  ) {}
}

export const declared = {
  contact: <T>(value: T) => new Declared('contact', value),
  money: <T>(value: T) => new Declared('money', value),
  spend: <T>(value: T) => new Declared('spend', value),
  /** `value` as money when `isMoney`, else as a plain value */
  moneyIf: <T>(isMoney: boolean, value: T): T | Declared<'money', T> => (isMoney ? new Declared('money', value) : value),
};

/** What a caller receives for T: declared values and the fields of `maskedFields` may be masked. */
export type Masked<T> =
  T extends Declared<MaskKind, infer V>
    ? MaybeMasked<V>
    : T extends Date
      ? T
      : T extends readonly (infer U)[]
        ? Masked<U>[]
        : T extends object
          ? { [P in keyof T]: P extends MaskedField ? MaybeMasked<Masked<T[P]>> : Masked<T[P]> }
          : T;

export function hiddenKinds(rights: ReadonlySet<Right>): Set<MaskKind> {
  return new Set((Object.keys(rightForKind) as MaskKind[]).filter((kind) => !rights.has(rightForKind[kind])));
}

/** The answer of a procedure as `rights` may see it: the one masking of the API. */
export function maskOutput<T>(rights: ReadonlySet<Right>, value: T): Masked<T> {
  return walk(value, maskedFields, hiddenKinds(rights)) as Masked<T>;
}

/** A copy of `value` with the fields of `kinds` the rights do not cover replaced by the marker. */
export function maskFields<T>(rights: ReadonlySet<Right>, value: T, kinds: FieldKinds): T {
  return walk(value, kinds, hiddenKinds(rights)) as T;
}

function walk(value: unknown, kinds: FieldKinds, hidden: Set<MaskKind>): unknown {
  if (value instanceof Declared) return hidden.has(value.kind) ? masked : walk(value.value, kinds, hidden);
  if (Array.isArray(value)) return value.map((item) => walk(item, kinds, hidden));
  if (value === null || typeof value !== 'object') return value;
  // Dates, Maps and other instances carry no fields of ours: left as they are.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const kind = Object.hasOwn(kinds, key) ? kinds[key] : undefined;
    out[key] = kind !== undefined && hidden.has(kind) ? masked : walk(field, kinds, hidden);
  }
  return out;
}

/** One value of a known kind (outside the API: alert messages, digests). */
export function maskValue<T>(rights: ReadonlySet<Right>, kind: MaskKind, value: T): MaybeMasked<T> {
  return rights.has(rightForKind[kind]) ? value : masked;
}
