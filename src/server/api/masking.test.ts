import { describe, expect, it } from 'vitest';
import { isMasked, masked } from '~/lib/masked';
import type { Right } from '~/server/auth/rights';
import { declared, maskedFields, maskFields, maskOutput, maskValue } from './masking';

const rows = [
  {
    contactName: 'Ada Lovelace',
    email: 'ada@example.com',
    stage: 'won',
    amountCents: 120_000,
    campaign: { name: 'Spring', spendCents: 50_000, roi: 2.4 },
    touches: [{ at: new Date('2026-01-02T00:00:00Z'), revenueCents: 10 }],
  },
];
const kinds = maskedFields;

describe('maskFields', () => {
  it('masks every kind for a role with none of the rights, at any depth', () => {
    const [row] = maskFields(new Set<Right>(['viewDashboards']), rows, kinds);
    expect(row).toEqual({
      contactName: masked,
      email: masked,
      stage: 'won',
      amountCents: masked,
      campaign: { name: 'Spring', spendCents: masked, roi: masked },
      touches: [{ at: new Date('2026-01-02T00:00:00Z'), revenueCents: masked }],
    });
  });

  it('masks only the kinds the rights do not cover', () => {
    const [row] = maskFields(new Set<Right>(['viewDashboards', 'seeMoney']), rows, kinds);
    expect(row?.amountCents).toBe(120_000);
    expect(row?.touches[0]?.revenueCents).toBe(10);
    expect(isMasked(row?.email)).toBe(true);
    expect(isMasked(row?.campaign.spendCents)).toBe(true);
  });

  it('returns values untouched with every right', () => {
    const all = new Set<Right>(['seeContacts', 'seeMoney', 'seeSpend']);
    expect(maskFields(all, rows, kinds)).toEqual(rows);
  });

  it('keeps zero and null apart from masked', () => {
    expect(maskFields(new Set<Right>(['seeMoney']), { amountCents: 0 }, kinds)).toEqual({ amountCents: 0 });
    expect(maskFields(new Set<Right>(), { amountCents: null }, kinds)).toEqual({ amountCents: masked });
  });

  it('does not change its input', () => {
    maskFields(new Set<Right>(), rows, kinds);
    expect(rows[0]?.email).toBe('ada@example.com');
  });
});

describe('maskValue', () => {
  it('masks one value by kind', () => {
    expect(maskValue(new Set<Right>(['seeSpend']), 'spend', 3)).toBe(3);
    expect(maskValue(new Set<Right>(['seeSpend']), 'contact', 'x')).toBe(masked);
  });
});

describe('maskOutput', () => {
  it('masks the declared fields and the declared values, and unwraps declared values a role may see', () => {
    const answer = { rows: [{ renewalCents: 10, name: declared.contact('Ada'), target: declared.moneyIf(true, 5), rate: declared.moneyIf(false, 0.5) }] };
    expect(maskOutput(new Set<Right>(['viewDashboards']), answer)).toEqual({ rows: [{ renewalCents: masked, name: masked, target: masked, rate: 0.5 }] });
    expect(maskOutput(new Set<Right>(['seeMoney', 'seeContacts']), answer)).toEqual({ rows: [{ renewalCents: 10, name: 'Ada', target: 5, rate: 0.5 }] });
  });

  it('leaves dates and maps as they are', () => {
    const at = new Date('2026-01-02T00:00:00Z');
    const byKey = new Map([['amountCents', 1]]);
    const out = maskOutput(new Set<Right>(), { at, byKey });
    expect(out.at).toBe(at);
    expect(out.byKey).toBe(byKey);
  });
});
