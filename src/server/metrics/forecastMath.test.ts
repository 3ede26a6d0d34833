// Forecast math on hand-built facts. Day 0 is Monday 2026-01-05 (ISO week 2026-W02); the forecast
// is made on day 28, Monday 2026-02-02 (2026-W06).
import { describe, expect, it } from 'vitest';
import { backtest, forecastOnboarding, mape, median, type ForecastInput, type OpportunityFact } from './forecastMath';

const DAY = 86_400_000;
const d = (n: number) => Date.UTC(2026, 0, 5) + n * DAY;
const opp = (id: string, dealType: string | null, created: number, won: number | null = null, lost: number | null = null): OpportunityFact => ({
  id,
  dealType,
  createdAt: d(created),
  wonAt: won === null ? null : d(won),
  lostAt: lost === null ? null : d(lost),
});

// History: 'new' won after 10, 20 and 30 days and lost once (P = 3/4); 'addon' lost once (P = 0);
// all types 3/5. Onboarding starts 7, 7 and 3 days after the win: median lag 7 days.
const history = [
  opp('h1', 'new', 0, 10),
  opp('h2', 'new', 0, 20),
  opp('h3', 'new', -10, 20),
  opp('h4', 'new', 1, null, 15),
  opp('h5', 'addon', 0, null, 5),
];
// Open on day 28: A 'new' aged 8; B 'new' aged 28; C 'new' aged 48 (older than every cycle);
// E 'renewal' aged 3, no history of its own. F is created after the forecast and is not known.
const open = [opp('A', 'new', 20), opp('B', 'new', 0), opp('C', 'new', -20), opp('E', 'renewal', 25), opp('F', 'new', 30)];

const input: ForecastInput = {
  asOf: d(28),
  weeks: 6,
  opportunities: [...history, ...open],
  onboardings: [
    { opportunityId: 'h1', startedAt: d(17) },
    { opportunityId: 'h2', startedAt: d(27) },
    { opportunityId: 'h3', startedAt: d(23) },
  ],
  capacity: { '2026-W07': 2, '2026-W08': 1, '2026-W09': 0 },
};

const round = (x: number) => Math.round(x * 1e9) / 1e9;

describe('forecastOnboarding', () => {
  const forecast = forecastOnboarding(input);

  it('takes P(win) from the same deal type, else all types', () => {
    expect(forecast.winProbabilities).toEqual([
      { dealType: 'new', probability: 0.75, basis: 'deal_type', openOpportunities: 3 },
      { dealType: 'renewal', probability: 0.6, basis: 'all_types', openOpportunities: 1 },
    ]);
    expect(forecast.openOpportunities).toBe(4);
    expect(forecast.onboardingLagDays).toBe(7);
    expect(forecast.warnings).toEqual([]);
  });

  it('spreads each open opportunity over the cycles longer than its age', () => {
    // A: 10, 20, 30 days -> days 30 (W06), 40 (W07), 50 (W09), 0.25 each; B: 30 days -> day 30 (W06), 0.75;
    // C: older than every cycle -> the median 20 days from now, day 48 (W08), 0.75;
    // E: all types' cycles 10, 20, 30 from day 25 -> days 35 (W07), 45 (W08), 55 (W09), 0.2 each.
    expect(forecast.weeks.map((w) => [w.week, w.weekStart, round(w.expectedWins)])).toEqual([
      ['2026-W06', '2026-02-02', 1],
      ['2026-W07', '2026-02-09', 0.45],
      ['2026-W08', '2026-02-16', 0.95],
      ['2026-W09', '2026-02-23', 0.45],
      ['2026-W10', '2026-03-02', 0],
      ['2026-W11', '2026-03-09', 0],
    ]);
  });

  it('shifts expected wins by the median lag into onboarding starts, against capacity', () => {
    expect(forecast.weeks.map((w) => [w.week, round(w.expectedStarts), w.capacity, w.utilisation === null ? null : round(w.utilisation)])).toEqual([
      ['2026-W06', 0, null, null],
      ['2026-W07', 1, 2, 0.5],
      ['2026-W08', 0.45, 1, 0.45],
      // capacity set to 0: utilisation has a zero denominator
      ['2026-W09', 0.95, 0, null],
      ['2026-W10', 0.45, null, null],
      ['2026-W11', 0, null, null],
    ]);
  });

  it('warns and forecasts nothing when nothing has closed or started', () => {
    const empty = forecastOnboarding({ ...input, opportunities: [opp('A', 'new', 20)], onboardings: [] });
    expect(empty.winProbabilities).toEqual([{ dealType: 'new', probability: 0, basis: 'none', openOpportunities: 1 }]);
    expect(empty.weeks.every((w) => w.expectedWins === 0 && w.expectedStarts === 0)).toBe(true);
    expect(empty.onboardingLagDays).toBeNull();
    expect(empty.warnings).toEqual([
      'no onboarding has started after a win yet: starts are shown without a lag',
      "no opportunity closed in the last 365 days: P(win) is 0 for 1 open opportunities of deal type 'new'",
      'no opportunity has been won yet: no time to close is known',
    ]);
  });

  it('counts only closes within the last 365 days for P(win)', () => {
    const old = forecastOnboarding({ ...input, asOf: d(28 + 365 + 20) });
    // a year and 20 days later, every close (days 5 to 20) is more than 365 days old
    expect(old.winProbabilities.map((p) => [p.dealType, p.basis])).toEqual([
      ['new', 'none'],
      ['renewal', 'none'],
    ]);
  });
});

describe('median and MAPE', () => {
  it('takes the middle, or the mean of the two middles', () => {
    expect(median([7, 3, 7])).toBe(7);
    expect(median([1, 4, 2, 10])).toBe(3);
    expect(median([])).toBeNull();
  });

  it('leaves weeks with nothing actual out of MAPE', () => {
    // |2 - 4| / 4 = 0.5; the week with 0 actual is left out; |3 - 2| / 2 = 0.5
    expect(mape([{ forecast: 2, actual: 4 }, { forecast: 1, actual: 0 }, { forecast: 3, actual: 2 }])).toBe(0.5);
    expect(mape([{ forecast: 1, actual: 0 }])).toBeNull();
    expect(mape([])).toBeNull();
  });
});

describe('backtest', () => {
  it('replays the forecast from the facts known 4 weeks earlier', () => {
    // Made on day 0: only h3 and C exist, both open, nothing has closed -> P(win) 0, forecast 0.
    // Wins since: h1 day 10 (W03), h2 and h3 day 20 (W04); starts h1 day 17 (W04), h3 day 23, h2 day 27 (W05).
    const result = backtest(input, 4);
    expect(result.madeAt).toBe('2026-01-05T00:00:00.000Z');
    expect(result.weeks).toEqual([
      { week: '2026-W02', forecastWins: 0, actualWins: 0, forecastStarts: 0, actualStarts: 0 },
      { week: '2026-W03', forecastWins: 0, actualWins: 1, forecastStarts: 0, actualStarts: 0 },
      { week: '2026-W04', forecastWins: 0, actualWins: 2, forecastStarts: 0, actualStarts: 1 },
      { week: '2026-W05', forecastWins: 0, actualWins: 0, forecastStarts: 0, actualStarts: 2 },
    ]);
    expect(result.winsMape).toBe(1);
    expect(result.startsMape).toBe(1);
  });

  it('measures a forecast that was partly right', () => {
    // Made on day 28 + 14 = day 42 with 2 weeks back = day 28: the forecast above (W06 1, W07 0.45 wins).
    // Actual: B wins on day 30 (W06), A on day 40 (W07). Errors |1 - 1| / 1 = 0 and |0.45 - 1| / 1 = 0.55.
    const withWins = { ...input, asOf: d(42), opportunities: [...history, opp('A', 'new', 20, 40), opp('B', 'new', 0, 30), opp('C', 'new', -20), opp('E', 'renewal', 25)] };
    const result = backtest(withWins, 2);
    expect(result.weeks.map((w) => [w.week, round(w.forecastWins), w.actualWins])).toEqual([
      ['2026-W06', 1, 1],
      ['2026-W07', 0.45, 1],
    ]);
    expect(round(result.winsMape!)).toBe(0.275);
  });
});

describe('one-hour resolution', () => {
  const HOUR = 3_600_000;
  const MINUTE = 60_000;
  const deal = (id: string, created: number, won: number | null, lost: number | null = null): OpportunityFact => ({ id, dealType: 'x', createdAt: created, wonAt: won, lostAt: lost });
  // 'x' won after 168 h 40 min (168 whole hours) and after 45 min (0 whole hours), lost once: P = 2/3.
  // h1's onboarding starts 2 h 59 min after its win: lag 2 whole hours.
  // O is created on day 27 at 23:30, half an hour before the forecast (day 28, Monday of W06).
  const facts: ForecastInput = {
    asOf: d(28),
    weeks: 2,
    opportunities: [
      deal('h1', d(0), d(7) + 40 * MINUTE),
      deal('h2', d(10), d(10) + 45 * MINUTE),
      deal('h3', d(0), null, d(5)),
      deal('O', d(27) + 23 * HOUR + 30 * MINUTE, null),
    ],
    onboardings: [{ opportunityId: 'h1', startedAt: d(7) + 40 * MINUTE + 2 * HOUR + 59 * MINUTE }],
    capacity: {},
  };

  it('takes cycles and lags in whole hours and an open deal as created at the start of its hour', () => {
    const forecast = forecastOnboarding(facts);
    // O counts as created at 23:00, aged 1 h: the 0 h cycle is not longer than its age, the 168 h one
    // is, so it closes at day 27 23:00 + 168 h = day 34 (Sunday) 23:00, in W06, with P 2/3 (taken
    // to the millisecond it would be aged 30 min, both cycles longer, 1/3 in W06 and 1/3 at day 35
    // 00:10 in W07). Its start is 2 h later, day 35 01:00, in W07.
    expect(forecast.onboardingLagDays).toBe(2 / 24);
    expect(forecast.weeks.map((w) => [w.week, round(w.expectedWins), round(w.expectedStarts)])).toEqual([
      ['2026-W06', round(2 / 3), 0],
      ['2026-W07', 0, round(2 / 3)],
    ]);
  });
});
