// The onboarding forecast (operations): expected wins and onboarding starts per ISO week against
// capacity, and how far the same forecast made 4, 8 and 12 weeks ago was off (MAPE).
import { TrendChart } from '~/components/charts/TrendChart';
import type { Row } from '~/components/DataTable';
import { Panel, Stat } from '~/components/Panel';
import { ReportHeader, TablePanel } from '~/components/ReportLayout';
import { Value } from '~/components/Value';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { forecastWeekColumns, forecastWeekRows, round2 } from '../reports/forecast';


const basisLabels = { deal_type: 'this deal type', all_types: 'all deal types (too few closed of this type)', none: 'no closed deals: 0' } as const;

export default async function ForecastPage() {
  await requireUser();
  const api = await serverCaller();
  const [me, forecast] = await Promise.all([viewer(), api.forecast.onboarding({})]);
  const canExport = me?.rights.includes('exportCsv') ?? false;

  const weekRows = forecastWeekRows(forecast);
  const chartRows: Row[] = forecast.weeks.map((w) => ({
    week: w.week,
    expectedWins: round2(w.expectedWins),
    expectedStarts: round2(w.expectedStarts),
    capacity: w.capacity,
  }));
  const backtestRows: Row[] = forecast.backtests.map((b) => ({
    weeksAgo: `${b.weeksAgo} weeks ago`,
    madeAt: b.madeAt,
    weeks: b.weeks.length,
    winsMape: b.winsMape,
    startsMape: b.startsMape,
  }));
  const probabilityRows: Row[] = forecast.winProbabilities.map((p) => ({
    dealType: p.dealType ?? '(none)',
    probability: p.probability,
    basis: basisLabels[p.basis],
    openOpportunities: p.openOpportunities,
  }));
  const overCapacity = forecast.weeks.filter((w) => w.capacity !== null && w.expectedStarts > w.capacity).length;

  return (
    <>
      <ReportHeader
        title="Onboarding forecast"
        subtitle={`Next ${forecast.weeks.length} ISO weeks from ${forecast.asOf.slice(0, 10)} (UTC), from the open deals of every type.`}
        freshness={{ asOf: forecast.asOf, lagSeconds: forecast.lagSeconds }}
      />

      {forecast.warnings.length > 0 ? (
        <div role="note" className="lead">
          {forecast.warnings.map((w) => (
            <p key={w}>{w}</p>
          ))}
        </div>
      ) : null}

      <Panel id="summary" title="At a glance">
        <div style={{ display: 'flex', gap: '2rem', flexWrap: 'wrap' }}>
          <Stat label="Open deals" testId="open">
            <Value kind="count" value={forecast.openOpportunities} />
          </Stat>
          <Stat label="Expected wins" testId="wins" hint={`over ${forecast.weeks.length} weeks`}>
            {round2(forecast.weeks.reduce((s, w) => s + w.expectedWins, 0))}
          </Stat>
          <Stat label="Won to onboarding start" testId="lag" hint="median lag">
            <Value kind="days" value={forecast.onboardingLagDays} />
          </Stat>
          <Stat label="Weeks over capacity" testId="over">
            <Value kind="count" value={overCapacity} />
          </Stat>
        </div>
      </Panel>

      <Panel id="weeks-chart" title="Expected onboarding starts against capacity" description="A gap in the capacity line is a week without capacity set.">
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
      </Panel>

      <TablePanel
        id="weeks"
        title="Per week"
        caption="Forecast per ISO week"
        columns={forecastWeekColumns}
        rows={weekRows}
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
        rows={backtestRows}
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
        rows={probabilityRows}
        rowKey="dealType"
        canExport={canExport}
        exportName="forecast-win-probability"
      />
    </>
  );
}
