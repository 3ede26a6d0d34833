// Attribution math for one won opportunity: the positions its touches hold, each model's weights,
// and credits in whole cents that sum exactly to the amount. Pure; the SQL lives in attribution.ts.

export const attributionModels = [
  'first_touch',
  'last_touch',
  'linear',
  'u_shaped',
  'w_shaped',
  'full_path',
  'time_decay',
] as const;
export type AttributionModel = (typeof attributionModels)[number];

export const UNATTRIBUTED = 'unattributed';

const DAY_MS = 86_400_000;
const HALF_LIFE_DAYS = 7;

export interface AttributionTouch {
  /** the event id of the touch (or of the lead.created counted as a touch) */
  ref: string;
  /** epoch milliseconds */
  at: number;
  channel: string;
  campaignId: string | null;
  /** true for a lead's `lead.created`, which counts as a touch of the lead's source and campaign */
  leadCreation: boolean;
}

/** Indexes into the ordered touches; null where the position is absent. */
export interface TouchPositions {
  first: number | null;
  leadCreation: number | null;
  opportunityCreation: number | null;
  closedWon: number | null;
}

type Position = keyof TouchPositions;

/** Touches in the order every model uses: time, then event id (then content, for a total order). */
export function orderTouches(touches: readonly AttributionTouch[]): AttributionTouch[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...touches].sort(
    (a, b) =>
      a.at - b.at ||
      cmp(a.ref, b.ref) ||
      Number(b.leadCreation) - Number(a.leadCreation) ||
      cmp(a.channel, b.channel) ||
      cmp(a.campaignId ?? '', b.campaignId ?? ''),
  );
}

/**
 * Positions over touches already ordered: first; lead creation (the earliest lead.created);
 * opportunity creation (last touch at or before the opportunity was created); closed-won (last
 * touch at or before the win).
 */
export function touchPositions(ordered: readonly AttributionTouch[], opportunityCreatedAt: number | null, wonAt: number): TouchPositions {
  const lastAtOrBefore = (moment: number): number | null => {
    let found: number | null = null;
    ordered.forEach((t, i) => {
      if (t.at <= moment) found = i;
    });
    return found;
  };
  const leadCreation = ordered.findIndex((t) => t.leadCreation);
  return {
    first: ordered.length > 0 ? 0 : null,
    leadCreation: leadCreation >= 0 ? leadCreation : null,
    opportunityCreation: opportunityCreatedAt === null ? null : lastAtOrBefore(opportunityCreatedAt),
    closedWon: lastAtOrBefore(wonAt),
  };
}

/** Position-based models: the share of each position, and of the touches holding none of them. */
const positional: Record<'first_touch' | 'last_touch' | 'u_shaped' | 'w_shaped' | 'full_path', { positions: Partial<Record<Position, number>>; others: number }> = {
  first_touch: { positions: { first: 100 }, others: 0 },
  last_touch: { positions: { closedWon: 100 }, others: 0 },
  u_shaped: { positions: { first: 40, leadCreation: 40 }, others: 20 },
  w_shaped: { positions: { first: 30, leadCreation: 30, opportunityCreation: 30 }, others: 10 },
  full_path: { positions: { first: 22.5, leadCreation: 22.5, opportunityCreation: 22.5, closedWon: 22.5 }, others: 10 },
};

/**
 * Each model's weights over the ordered touches, summing to 1. A touch holding several positions
 * gets the sum of their shares; absent positions, or no "other" touch, leave the remaining shares
 * normalised to 100%.
 */
export function modelWeights(
  ordered: readonly AttributionTouch[],
  positions: TouchPositions,
  wonAt: number,
): Record<AttributionModel, number[]> {
  const n = ordered.length;
  const normalise = (raw: number[]): number[] => {
    const total = raw.reduce((s, w) => s + w, 0);
    return total > 0 ? raw.map((w) => w / total) : raw.map(() => 0);
  };
  const byPositions = (spec: { positions: Partial<Record<Position, number>>; others: number }): number[] => {
    const raw = new Array<number>(n).fill(0);
    const held = new Set<number>();
    for (const [position, share] of Object.entries(spec.positions) as [Position, number][]) {
      const index = positions[position];
      if (index === null) continue;
      raw[index] = (raw[index] ?? 0) + share;
      held.add(index);
    }
    const others = n - held.size;
    if (others > 0 && spec.others > 0) {
      for (let i = 0; i < n; i++) if (!held.has(i)) raw[i] = (raw[i] ?? 0) + spec.others / others;
    }
    return normalise(raw);
  };
  return {
    first_touch: byPositions(positional.first_touch),
    last_touch: byPositions(positional.last_touch),
    linear: normalise(ordered.map(() => 1)),
    u_shaped: byPositions(positional.u_shaped),
    w_shaped: byPositions(positional.w_shaped),
    full_path: byPositions(positional.full_path),
    time_decay: normalise(ordered.map((t) => 2 ** (-Math.max(0, wonAt - t.at) / DAY_MS / HALF_LIFE_DAYS))),
  };
}

/**
 * Whole cents proportional to the weights, summing exactly to the amount: floors first, then the
 * cents left over one each by largest remainder, ties to the earlier touch.
 */
export function allocateCents(amountCents: number, weights: readonly number[]): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const total = weights.reduce((s, w) => s + w, 0);
  if (total <= 0 || amountCents === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (amountCents * w) / total);
  const credits = exact.map((x) => Math.floor(x));
  // Remainders equal up to float noise are ties (1/3 computed twice may differ in the last bit).
  const fraction = exact.map((x, i) => Math.round((x - credits[i]!) * 1e9));
  const order = [...Array(n).keys()].sort((a, b) => fraction[b]! - fraction[a]! || a - b);
  let left = amountCents - credits.reduce((s, c) => s + c, 0);
  for (let k = 0; left > 0; k++, left--) credits[order[k % n]!]! += 1;
  for (let k = n - 1; left < 0; k = (k + n - 1) % n) {
    const i = order[k]!;
    if (credits[i]! > 0) {
      credits[i]! -= 1;
      left++;
    }
  }
  return credits;
}

export interface AttributionCredit {
  model: AttributionModel;
  touchRef: string;
  channel: string;
  campaignId: string | null;
  creditCents: number;
  /** epoch milliseconds of the touch; null for 'unattributed' */
  touchAt: number | null;
  touchKind: 'touch' | 'lead.created' | 'unattributed';
}

export interface WonOpportunity {
  amountCents: number;
  /** epoch milliseconds; null when the opportunity's creation is unknown */
  createdAt: number | null;
  wonAt: number;
}

/**
 * Every model's credits for one won opportunity. No touch: the whole amount to 'unattributed'.
 * Touches sharing an event id (sent by two keys) are one credit row: their credits are summed.
 */
export function attributeOpportunity(opportunity: WonOpportunity, touches: readonly AttributionTouch[]): AttributionCredit[] {
  if (touches.length === 0) {
    return attributionModels.map((model) => ({
      model,
      touchRef: UNATTRIBUTED,
      channel: UNATTRIBUTED,
      campaignId: null,
      creditCents: opportunity.amountCents,
      touchAt: null,
      touchKind: 'unattributed' as const,
    }));
  }
  const ordered = orderTouches(touches);
  const positions = touchPositions(ordered, opportunity.createdAt, opportunity.wonAt);
  const weights = modelWeights(ordered, positions, opportunity.wonAt);
  const credits: AttributionCredit[] = [];
  for (const model of attributionModels) {
    const cents = allocateCents(opportunity.amountCents, weights[model]);
    const byRef = new Map<string, AttributionCredit>();
    ordered.forEach((t, i) => {
      const existing = byRef.get(t.ref);
      if (existing) existing.creditCents += cents[i]!;
      else {
        const credit: AttributionCredit = {
          model,
          touchRef: t.ref,
          channel: t.channel,
          campaignId: t.campaignId,
          creditCents: cents[i]!,
          touchAt: t.at,
          touchKind: t.leadCreation ? 'lead.created' : 'touch',
        };
        byRef.set(t.ref, credit);
        credits.push(credit);
      }
    });
  }
  return credits;
}
