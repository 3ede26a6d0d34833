// Attribution weights and cents, every number worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  allocateCents,
  attributeOpportunity,
  attributionModels,
  orderTouches,
  touchPositions,
  type AttributionModel,
  type AttributionTouch,
} from './attributionWeights';

const DAY = 86_400_000;
const t = (ref: string, day: number, channel: string, leadCreation = false, campaignId: string | null = null): AttributionTouch => ({
  ref,
  at: day * DAY,
  channel,
  campaignId,
  leadCreation,
});

/** model -> touch ref -> cents */
function creditTable(credits: ReturnType<typeof attributeOpportunity>): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const c of credits) (table[c.model] ??= {})[c.touchRef] = c.creditCents;
  return table;
}

describe('allocateCents', () => {
  it('gives the cents left after flooring to the largest remainders', () => {
    // 10 x (0.5, 0.3, 0.2) = 5, 3, 2 exactly; 7 x (1/3 each) = 2.33.. -> 3, 2, 2
    expect(allocateCents(10, [0.5, 0.3, 0.2])).toEqual([5, 3, 2]);
    expect(allocateCents(7, [1, 1, 1])).toEqual([3, 2, 2]);
    // 5 x (0.1, 0.45, 0.45) = 0.5, 2.25, 2.25 -> floors 0, 2, 2, one cent left to the 0.5
    expect(allocateCents(5, [0.1, 0.45, 0.45])).toEqual([1, 2, 2]);
  });

  it('breaks ties between equal remainders in favour of the earlier touch', () => {
    expect(allocateCents(2, [1, 1, 1, 1])).toEqual([1, 1, 0, 0]);
    expect(allocateCents(1001, [1, 1])).toEqual([501, 500]);
  });

  it('gives nothing when the amount or every weight is zero', () => {
    expect(allocateCents(0, [1, 2])).toEqual([0, 0]);
    expect(allocateCents(50, [0, 0])).toEqual([0, 0]);
    expect(allocateCents(50, [])).toEqual([]);
  });
});

describe('touch order and positions', () => {
  it('orders touches at the same instant by event id', () => {
    const ordered = orderTouches([t('m2', 1, 'email'), t('m1', 1, 'social'), t('m0', 2, 'web')]);
    expect(ordered.map((x) => x.ref)).toEqual(['m1', 'm2', 'm0']);
    const credits = creditTable(attributeOpportunity({ amountCents: 100, createdAt: 1 * DAY, wonAt: 2 * DAY }, ordered));
    expect(credits.first_touch).toEqual({ m1: 100, m2: 0, m0: 0 });
    // opportunity created at day 1: the last touch at or before it is m2 (after m1 by id)
    expect(touchPositions(ordered, 1 * DAY, 2 * DAY)).toEqual({ first: 0, leadCreation: null, opportunityCreation: 1, closedWon: 2 });
  });
});

describe('attributeOpportunity', () => {
  it('credits every model on a five-touch path', () => {
    // won at day 28, created at day 14; a first, b lead creation, c opportunity creation, e closed-won, d other
    const touches = [
      t('a', 0, 'email'),
      t('b', 7, 'paid_search', true),
      t('c', 14, 'social'),
      t('d', 21, 'webinar'),
      t('e', 28, 'email'),
    ];
    const credits = creditTable(attributeOpportunity({ amountCents: 10_000, createdAt: 14 * DAY, wonAt: 28 * DAY }, touches));
    const expected: Record<AttributionModel, Record<string, number>> = {
      first_touch: { a: 10_000, b: 0, c: 0, d: 0, e: 0 },
      last_touch: { a: 0, b: 0, c: 0, d: 0, e: 10_000 },
      linear: { a: 2000, b: 2000, c: 2000, d: 2000, e: 2000 },
      // 40/40, then 20% over c, d, e = 666.66.. each: two cents left, to c and d (ties, earlier first)
      u_shaped: { a: 4000, b: 4000, c: 667, d: 667, e: 666 },
      w_shaped: { a: 3000, b: 3000, c: 3000, d: 500, e: 500 },
      full_path: { a: 2250, b: 2250, c: 2250, d: 1000, e: 2250 },
      // weights 1/16, 1/8, 1/4, 1/2, 1 -> 1/31 .. 16/31 of 10,000 = 322.58, 645.16, 1290.32, 2580.65, 5161.29
      time_decay: { a: 323, b: 645, c: 1290, d: 2581, e: 5161 },
    };
    expect(credits).toEqual(expected);
  });

  it('gives a touch holding several positions the sum of their shares', () => {
    // x is first and lead creation; z is opportunity creation and closed-won; y is the other
    const touches = [t('x', 0, 'web', true), t('y', 5, 'email'), t('z', 10, 'social')];
    const credits = creditTable(attributeOpportunity({ amountCents: 999, createdAt: 10 * DAY, wonAt: 10 * DAY }, touches));
    // u: x 80% (799.2), y and z 10% (99.9 each) -> 799, 100, 100
    expect(credits.u_shaped).toEqual({ x: 799, y: 100, z: 100 });
    // w: x 60% (599.4), y 10% (99.9), z 30% (299.7) -> 599, 100, 300
    expect(credits.w_shaped).toEqual({ x: 599, y: 100, z: 300 });
    // full path: x 45% (449.55), y 10% (99.9), z 45% (449.55): y first, then the x/z tie to x
    expect(credits.full_path).toEqual({ x: 450, y: 100, z: 449 });
  });

  it('normalises the remaining shares when no other touch exists', () => {
    // p is first; q is lead creation, opportunity creation and closed-won
    const touches = [t('p', 0, 'web'), t('q', 3, 'email', true)];
    const credits = creditTable(attributeOpportunity({ amountCents: 1001, createdAt: 3 * DAY, wonAt: 3 * DAY }, touches));
    // u: 40 / 40 -> 500.5 each, the odd cent to the earlier touch
    expect(credits.u_shaped).toEqual({ p: 501, q: 500 });
    // w: 30 / 60 -> 333.67, 667.33 -> 334, 667
    expect(credits.w_shaped).toEqual({ p: 334, q: 667 });
    // full path: 22.5 / 67.5 -> 250.25, 750.75 -> 250, 751
    expect(credits.full_path).toEqual({ p: 250, q: 751 });
  });

  it('normalises the remaining shares when positions are absent', () => {
    // no lead.created; the opportunity was created before any touch
    const touches = [t('r', 0, 'web'), t('s', 1, 'email'), t('u', 2, 'social')];
    const credits = creditTable(attributeOpportunity({ amountCents: 100, createdAt: -1 * DAY, wonAt: 2 * DAY }, touches));
    // u: r 40, s and u 10 each, over 60 -> 66.67, 16.67, 16.67 -> 67, 17, 16
    expect(credits.u_shaped).toEqual({ r: 67, s: 17, u: 16 });
    // w: r 30, s and u 5 each, over 40 -> 75, 12.5, 12.5 -> 75, 13, 12
    expect(credits.w_shaped).toEqual({ r: 75, s: 13, u: 12 });
    // full path: r 22.5, u 22.5 (closed-won), s 10, over 55 -> 40.91, 18.18, 40.91 -> 41, 18, 41
    expect(credits.full_path).toEqual({ r: 41, s: 18, u: 41 });
  });

  it('credits an opportunity without touches to unattributed', () => {
    const credits = attributeOpportunity({ amountCents: 4200, createdAt: null, wonAt: 0 }, []);
    expect(credits).toHaveLength(7);
    for (const model of attributionModels) {
      expect(credits.find((c) => c.model === model)).toEqual({
        model,
        touchRef: 'unattributed',
        channel: 'unattributed',
        campaignId: null,
        creditCents: 4200,
        touchAt: null,
        touchKind: 'unattributed',
      });
    }
  });

  it('sums the credits of touches that share an event id', () => {
    const credits = creditTable(
      attributeOpportunity({ amountCents: 300, createdAt: 0, wonAt: 2 * DAY }, [t('k', 0, 'web'), t('k', 1, 'email'), t('m', 2, 'social')]),
    );
    expect(credits.linear).toEqual({ k: 200, m: 100 });
  });
});
