import { describe, expect, it } from 'vitest';
import { backoffMs, countState, kpiState, rejectionState, shareBelowState, silentState, transition } from './triggers';

describe('transition', () => {
  it('stores a first state and fires only when it alerts', () => {
    expect(transition(undefined, { state: 'on_track', alerting: false })).toEqual({ write: true, version: 1, fire: false });
    expect(transition(undefined, { state: 'at_risk', alerting: true })).toEqual({ write: true, version: 1, fire: true });
  });

  it('sends nothing while a state holds', () => {
    expect(transition({ state: 'at_risk', alerting: true, version: 3 }, { state: 'at_risk', alerting: true })).toEqual({ write: false, version: 3, fire: false });
  });

  it('fires on entering and on leaving an alerting state, and bumps the version', () => {
    expect(transition({ state: 'on_track', alerting: false, version: 1 }, { state: 'at_risk', alerting: true })).toEqual({ write: true, version: 2, fire: true });
    expect(transition({ state: 'at_risk', alerting: true, version: 2 }, { state: 'off_track', alerting: true })).toEqual({ write: true, version: 3, fire: true });
    expect(transition({ state: 'off_track', alerting: true, version: 3 }, { state: 'on_track', alerting: false })).toEqual({ write: true, version: 4, fire: true });
  });

  it('records a change between two quiet states without a message', () => {
    expect(transition({ state: 'not_started', alerting: false, version: 1 }, { state: 'on_track', alerting: false })).toEqual({ write: true, version: 2, fire: false });
  });
});

describe('state of each trigger', () => {
  it('KPI status alerts on the statuses the rule names', () => {
    expect(kpiState('at_risk', ['at_risk', 'off_track'])).toEqual({ state: 'at_risk', alerting: true });
    expect(kpiState('on_track', ['at_risk', 'off_track'])).toEqual({ state: 'on_track', alerting: false });
    expect(kpiState('off_track', ['off_track'])).toEqual({ state: 'off_track', alerting: true });
    expect(kpiState('at_risk', ['off_track'])).toEqual({ state: 'at_risk', alerting: false });
  });

  it('a count alerts when it passes the threshold, not at it', () => {
    expect(countState(3, 3)).toEqual({ state: 'within', alerting: false });
    expect(countState(4, 3)).toEqual({ state: 'over', alerting: true });
    expect(countState(1, 0)).toEqual({ state: 'over', alerting: true });
  });

  it('a share below the line alerts and recovers only past line + margin (hysteresis)', () => {
    const params = { min: 0.3, margin: 0.05, minCount: 10 };
    // 5 of 20 = 0.25 < 0.3: below.
    expect(shareBelowState(5 / 20, 20, params, undefined)).toEqual({ state: 'below', alerting: true });
    // 6 of 20 = 0.30 is at the line, but below 0.35 after being below: still below.
    expect(shareBelowState(6 / 20, 20, params, 'below')).toEqual({ state: 'below', alerting: true });
    // The same 0.30 from 'ok' is not below.
    expect(shareBelowState(6 / 20, 20, params, 'ok')).toEqual({ state: 'ok', alerting: false });
    // 7 of 20 = 0.35 reaches line + margin: recovered.
    expect(shareBelowState(7 / 20, 20, params, 'below')).toEqual({ state: 'ok', alerting: false });
  });

  it('a window with too few leads keeps the prior state', () => {
    const params = { min: 0.3, margin: 0.05, minCount: 10 };
    expect(shareBelowState(0 / 9, 9, params, undefined)).toEqual({ state: 'ok', alerting: false });
    expect(shareBelowState(9 / 9, 9, params, 'below')).toEqual({ state: 'below', alerting: true });
    expect(shareBelowState(null, 0, params, 'ok')).toEqual({ state: 'ok', alerting: false });
  });

  it('a key is silent from N hours since its last event', () => {
    const last = new Date('2026-02-15T00:00:00Z');
    expect(silentState(last, new Date('2026-02-15T05:59:59Z'), 6)).toEqual({ state: 'heard', alerting: false });
    expect(silentState(last, new Date('2026-02-15T06:00:00Z'), 6)).toEqual({ state: 'silent', alerting: true });
  });

  it('rejections alert over the share once enough events came in the window', () => {
    const params = { maxShare: 0.1, minEvents: 20 };
    // 2 of 20 = 0.10: not over.
    expect(rejectionState(18, 2, params)).toEqual({ state: 'ok', alerting: false });
    // 3 of 20 = 0.15: over.
    expect(rejectionState(17, 3, params)).toEqual({ state: 'rejecting', alerting: true });
    // 5 of 10 is half, but 10 events are too few to judge.
    expect(rejectionState(5, 5, params)).toEqual({ state: 'ok', alerting: false });
  });

  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, 1000, 10_000))).toEqual([1000, 2000, 4000, 8000, 10_000]);
  });
});
