// The onboarding forecast (operations): expected wins and onboarding starts per ISO week against
// capacity, and how far the same forecast made 4, 8 and 12 weeks ago was off (MAPE).
import { TrendChart } from '~/components/charts/TrendChart';
import type { Row } from '~/components/DataTable';
import { begin, Deferred, freshnessOf } from '~/components/Deferred';
import { Panel, Stat } from '~/components/Panel';
import { ReportHeader, TablePanel } from '~/components/ReportLayout';
import { Value } from '~/components/Value';
import type { RouterOutputs } from '~/trpc/react';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { forecastWeekColumns, forecastWeekRows, round2 } from '../reports/forecast';


const basisLabels = { deal_type: 'this deal type', all_types: 'all deal types (too few closed of this type)', none: 'no closed deals: 0' } as const;

type Forecast = RouterOutputs['forecast']['onboarding'];

/** The forecast's rows for its panels, once. */
function forecastRows(forecast: Forecast) {
  return {
    weekRows: forecastWeekRows(forecast),
    chartRows: forecast.weeks.map((w): Row => ({ week: w.week, expectedWins: round2(w.expectedWins), expectedStarts: round2(w.expectedStarts), capacity: w.capacity })),
    backtestRows: forecast.backtests.map((b): Row => ({ weeksAgo: `${b.weeksAgo} weeks ago`, madeAt: b.madeAt, weeks: b.weeks.length, winsMape: b.winsMape, startsMape: b.startsMape })),
    probabilityRows: forecast.winProbabilities.map((p): Row => ({ dealType: p.dealType ?? '(none)', probability: p.probability, basis: basisLabels[p.basis], openOpportunities: p.openOpportunities })),
  };
}

export default async function ForecastPage() {
  await requireUser();
  const api = await serverCaller();
  // One procedure, streamed: the heading and the panels' frames show at once.
  const forecast = begin(api.forecast.onboarding({}));
  const rows = begin(forecast.then(forecastRows));
  const canExport = (await viewer())?.rights.includes('exportCsv') ?? false;

  return (
    <>
      <ReportHeader
        title="Onboarding forecast"
        subtitle={
          <Deferred value={forecast} fallback="The next ISO weeks, from the open deals of every type.">
            {(f) => `Next ${f.weeks.length} ISO weeks from ${f.asOf.slice(0, 10)} (UTC), from the open deals of every type.`}
          </Deferred>
        }
        freshness={freshnessOf(forecast)}
      />

      <Deferred value={forecast} fallback={null}>
        {(f) =>
          f.warnings.length > 0 ? (
            <div role="note" className="lead">
              {f.warnings.map((w) => (
                <p key={w}>{w}</p>
              ))}
            </div>
          ) : null
        }
      </Deferred>

      <Panel id="summary" title="At a glance">
        <Deferred value={forecast} label="Loading the forecast">
          {(f) => (
            <div style={{ display: 'flex', gap: '2rem', flexWrap: 'wrap' }}>
              <Stat label="Open deals" testId="open">
                <Value kind="count" value={f.openOpportunities} />
              </Stat>
              <Stat label="Expected wins" testId="wins" hint={`over ${f.weeks.length} weeks`}>
                {round2(f.weeks.reduce((s, w) => s + w.expectedWins, 0))}
              </Stat>
              <Stat label="Won to onboarding start" testId="lag" hint="median lag">
                <Value kind="days" value={f.onboardingLagDays} />
              </Stat>
              <Stat label="Weeks over capacity" testId="over">
                <Value kind="count" value={f.weeks.filter((w) => w.capacity !== null && w.expectedStarts > w.capacity).length} />
              </Stat>
            </div>
          )}
        </Deferred>
      </Panel>

      <Panel id="weeks-chart" title="Expected onboarding starts against capacity" description="A gap in the capacity line is a week without capacity set.">
        <Deferred value={rows} label="Loading the chart">
          {({ chartRows }) => (
            <TrendChart
              ariaLabel="Expected wins and onboarding starts per ISO week against capacity"
              caption="Expected wins, expected onboarding starts and capacity per ISO week"
              data={chartRows}
              xKey="week"
              xLabel="ISO week"
              xFormat="text"
              series={[
                { key: 'expectedWins', label: 'Expected wins', format: 'text' },
                { key: 'expectedStarts', label: 'Expected starts', format: 'text' },
                { key: 'capacity', label: 'Capacity (slots)', format: 'count' },
              ]}
              valueFormat="text"
            />
          )}
        </Deferred>
      </Panel>

      <TablePanel
        id="weeks"
        title="Per week"
        caption="Forecast per ISO week"
        columns={forecastWeekColumns}
        rows={begin(rows.then((r) => r.weekRows))}
        loading="Loading the weeks"
        rowKey="week"
        canExport={canExport}
        exportName="forecast-weeks"
      />

      <TablePanel
        id="backtest"
        title="How accurate has it been?"
        description="MAPE: the forecast made 4, 8 and 12 weeks ago against what happened since, the mean of |forecast - actual| / actual over the weeks with any actual (lower is better; n/a: nothing happened yet)."
        caption="Backtest error (MAPE)"
        columns={[
          { key: 'weeksAgo', header: 'Forecast made', format: 'text' },
          { key: 'madeAt', header: 'On', format: 'date' },
          { key: 'weeks', header: 'Weeks compared', format: 'count' },
          { key: 'winsMape', header: 'Wins error (MAPE)', format: 'percent' },
          { key: 'startsMape', header: 'Starts error (MAPE)', format: 'percent' },
        ]}
        rows={begin(rows.then((r) => r.backtestRows))}
        loading="Loading the backtest"
        rowKey="weeksAgo"
        canExport={canExport}
        exportName="forecast-backtest"
      />

      <TablePanel
        id="probabilities"
        title="Chance of winning by deal type"
        description="Won / (won + lost) of the deals of the type closed in the last 365 days."
        caption="Win probability by deal type"
        columns={[
          { key: 'dealType', header: 'Deal type', format: 'text' },
          { key: 'probability', header: 'P(win)', format: 'percent' },
          { key: 'basis', header: 'From', format: 'text' },
          { key: 'openOpportunities', header: 'Open deals', format: 'count' },
        ]}
        rows={begin(rows.then((r) => r.probabilityRows))}
        loading="Loading the win probabilities"
        rowKey="dealType"
        canExport={canExport}
        exportName="forecast-win-probability"
      />
    </>
  );
}
