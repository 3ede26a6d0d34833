// Customers: who stays, grows and refers. Net and gross revenue retention by quarter, churned and
// expanded revenue with their reasons, advocacy by kind, lifetime value by the source, campaign and
// segment customers came from, and the retention curve of yearly cohorts. Money is masked for
// roles that may not see it (shown as "masked", never as 0); shares and counts are not.
import { DataTable, type Column, type Row } from '~/components/DataTable';
import { begin, Deferred } from '~/components/Deferred';
import { FilterBar } from '~/components/FilterBar';
import { Grid, PageHeader, Panel, Stat } from '~/components/Panel';
import { RefreshControl } from '~/components/RefreshControl';
import { Value } from '~/components/Value';
import { CategoryBars } from '~/components/charts/CategoryBars';
import { TrendChart } from '~/components/charts/TrendChart';
import { formatValue, type CellValue } from '~/lib/format';
import { masked, type MaybeMasked } from '~/lib/masked';
import { describeRange, parseFilters, toMetricInput, type SearchParamsLike } from '~/lib/urlFilters';
import type { RouterOutputs } from '~/trpc/react';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { quarterColumns, valueColumns, valueRows } from '../reports/customers';

export const dynamic = 'force-dynamic';

const churnColumns: Column[] = [
  { key: 'reason', header: 'Reason', format: 'text', wrap: true },
  { key: 'accounts', header: 'Accounts', format: 'count' },
  { key: 'churnedCents', header: 'Revenue lost', format: 'cents', help: 'recurring revenue just before the churn' },
];

const expansionColumns: Column[] = [
  { key: 'reason', header: 'Reason', format: 'text', wrap: true },
  { key: 'items', header: 'Expansions or deals', format: 'count' },
  { key: 'accounts', header: 'Accounts', format: 'count' },
  { key: 'expansionCents', header: 'Revenue added', format: 'cents' },
];

const advocacyColumns: Column[] = [
  { key: 'kind', header: 'Kind', format: 'text' },
  { key: 'events', header: 'Events', format: 'count' },
  { key: 'accounts', header: 'Accounts', format: 'count' },
];

const noReason = '(no reason given)';
const advocacyLabels: Record<string, string> = { referral: 'Referral', review: 'Review', case_study: 'Case study' };

/** The sum of values that may be masked: masked when any is, or when the user may not see money (an empty sum too). */
function total(values: readonly MaybeMasked<number>[], seeMoney: boolean): MaybeMasked<number> {
  if (!seeMoney) return masked;
  let sum = 0;
  for (const value of values) {
    if (typeof value !== 'number') return masked;
    sum += value;
  }
  return sum;
}

type Quarters = RouterOutputs['customers']['retention'];
type Report = RouterOutputs['customers']['report'];

/** The report's rows for its panels, once. */
function reportRows(report: Report) {
  // The curve: one line per cohort, years since the first win along the axis.
  const maxYears = Math.max(0, ...report.cohorts.flatMap((c) => c.points.map((p) => p.years)));
  const years = Array.from({ length: maxYears + 1 }, (_, k) => k);
  const curveRows: Row[] = years.map((k) => {
    const point: Record<string, CellValue> = { years: String(k) };
    for (const c of report.cohorts) point[`c${c.cohort}`] = c.points.find((p) => p.years === k)?.retainedShare ?? null;
    return point;
  });
  const cohortRows: Row[] = report.cohorts.map((c) => {
    const row: Record<string, CellValue> = { cohort: String(c.cohort), customers: c.customers };
    for (const k of years) row[`y${k}`] = c.points.find((p) => p.years === k)?.retainedShare ?? null;
    return row;
  });
  return {
    churnRows: report.churnedByReason.map((r): Row => ({ reason: r.reason ?? noReason, accounts: r.accounts, churnedCents: r.churnedCents })),
    expansionRows: report.expansionByReason.map((r): Row => ({ ...r })),
    advocacyRows: report.advocacyByKind.map((r): Row => ({ kind: advocacyLabels[r.kind] ?? r.kind, events: r.events, accounts: r.accounts })),
    sourceRows: valueRows(report.valueBy.source, '(no journey)'),
    campaignRows: valueRows(report.valueBy.campaign, '(no campaign)'),
    segmentRows: valueRows(report.valueBy.segment, '(no segment)'),
    curveRows,
    curveSeries: report.cohorts.map((c) => ({ key: `c${c.cohort}`, label: `Won in ${c.cohort}` })),
    cohortColumns: [
      { key: 'cohort', header: 'Cohort (first win)', format: 'text' },
      { key: 'customers', header: 'Customers', format: 'count' },
      ...years.map((k): Column => ({ key: `y${k}`, header: `After ${k} ${k === 1 ? 'year' : 'years'}`, format: 'percent', help: 'of the customers that old' })),
    ] satisfies Column[],
    cohortRows,
  };
}

/** The headline figures: the latest quarter's retention, and the range's churn, expansion and advocacy. */
function Headline({ quarters, report, seeMoney }: { quarters: Quarters; report: Report; seeMoney: boolean }) {
  const latest = [...quarters].reverse().find((q) => q.netRevenueRetention !== null);
  const churned = total(report.churnedByReason.map((r) => r.churnedCents), seeMoney);
  const expanded = total(report.expansionByReason.map((r) => r.expansionCents), seeMoney);
  const churnedAccounts = report.churnedByReason.reduce((n, r) => n + r.accounts, 0);
  const advocacyEvents = report.advocacyByKind.reduce((n, r) => n + r.events, 0);
  return (
    <Grid columns={4}>
      <Stat label="Net revenue retention" testId="nrr" hint={latest ? `${latest.quarter}; gross ${formatValue('percent', latest.grossRetention)}` : 'no recurring revenue yet'}>
        <Value kind="percent" value={latest?.netRevenueRetention ?? null} />
      </Stat>
      <Stat label="Churned revenue" testId="churned" hint={`${formatValue('count', churnedAccounts)} accounts churned`}>
        <Value kind="cents" value={churned} />
      </Stat>
      <Stat label="Expanded revenue" testId="expanded" hint="expansions and further deals">
        <Value kind="cents" value={expanded} />
      </Stat>
      <Stat label="Advocacy" testId="advocacy" hint="referrals, reviews and case studies">
        <Value kind="count" value={advocacyEvents} />
      </Stat>
    </Grid>
  );
}

export default async function CustomersPage({ searchParams }: { searchParams: Promise<SearchParamsLike> }) {
  await requireUser();
  const input = toMetricInput(parseFilters(await searchParams), new Date());
  const api = await serverCaller();
  // Retention by quarter and the range's report each stream into their own panels.
  const quarters = begin(api.customers.retention(input));
  const report = begin(api.customers.report(input));
  const rows = begin(report.then(reportRows));
  const options = begin(report.then((r) => ({ sources: r.valueBy.source.flatMap((g) => (g.key ? [g.key] : [])), segments: r.valueBy.segment.flatMap((g) => (g.key ? [g.key] : [])) })));
  const me = await viewer();
  const canExport = me?.rights.includes('exportCsv') ?? false;
  const seeMoney = me?.rights.includes('seeMoney') ?? false;

  return (
    <>
      <PageHeader title="Customers" subtitle={`Retention, expansion and advocacy in ${describeRange(input.range)} (UTC)`}>
        <RefreshControl />
      </PageHeader>
      <FilterBar options={options} />
      <Deferred value={begin(Promise.all([quarters, report]))} label="Loading the headline figures">
        {([q, r]) => <Headline quarters={q} report={r} seeMoney={seeMoney} />}
      </Deferred>
      <Panel id="retention" title="Retention by quarter" description="Accounts with recurring revenue at the quarter start: what they grew to (net) and what was kept without expansion (gross).">
        <Deferred value={quarters} label="Loading the retention">
          {(q) => {
            const quarterRows: Row[] = q.map((quarter) => ({ ...quarter }));
            return (
              <>
                <TrendChart
                  ariaLabel="Net and gross revenue retention by quarter"
                  caption="Net and gross revenue retention by quarter"
                  data={quarterRows}
                  xKey="quarter"
                  xLabel="Quarter"
                  xFormat="text"
                  series={[
                    { key: 'netRevenueRetention', label: 'Net revenue retention' },
                    { key: 'grossRetention', label: 'Gross retention' },
                  ]}
                  valueFormat="percent"
                  height={240}
                />
                <DataTable caption="Revenue retention by quarter" columns={quarterColumns} rows={quarterRows} rowKey="quarter" canExport={canExport} exportName="customers-retention-by-quarter" />
              </>
            );
          }}
        </Deferred>
      </Panel>
      <Panel id="churn" title="Churned revenue by reason" description="Accounts that churned in the range and the recurring revenue they took.">
        <Deferred value={rows} label="Loading the churn">
          {({ churnRows }) => <DataTable caption="Churned revenue by reason" columns={churnColumns} rows={churnRows} rowKey="reason" canExport={canExport} exportName="customers-churn-by-reason" empty="No account churned in this range." />}
        </Deferred>
      </Panel>
      <Panel id="expansion" title="Expanded revenue by reason" description="Revenue existing customers added: expansions and further won deals.">
        <Deferred value={rows} label="Loading the expansion">
          {({ expansionRows }) => <DataTable caption="Expanded revenue by reason" columns={expansionColumns} rows={expansionRows} rowKey="reason" canExport={canExport} exportName="customers-expansion-by-reason" empty="No expansion in this range." />}
        </Deferred>
      </Panel>
      <Panel id="advocacy" title="Advocacy by kind" description="Referrals, reviews and case studies customers gave in the range.">
        <Deferred value={rows} label="Loading the advocacy">
          {({ advocacyRows }) => <DataTable caption="Advocacy by kind" columns={advocacyColumns} rows={advocacyRows} rowKey="kind" canExport={canExport} exportName="customers-advocacy-by-kind" empty="No advocacy in this range." />}
        </Deferred>
      </Panel>
      <Panel id="value-by-source" title="Which sources bring customers who stay" description="Customers whose first deal was won in the range, by the source of their account's first journey: how many still are customers and their lifetime value so far.">
        <Deferred value={rows} label="Loading the lifetime value">
          {({ sourceRows }) => (
            <>
              <CategoryBars ariaLabel="Share of customers still customers, by source" caption="Still customers, by source" data={sourceRows} categoryKey="label" categoryLabel="Source" series={[{ key: 'retainedShare', label: 'Still customers' }]} valueFormat="percent" layout="horizontal" showValues />
              <DataTable caption="Lifetime value by original source" columns={[{ key: 'label', header: 'Source', format: 'text' }, ...valueColumns]} rows={sourceRows} rowKey="key" canExport={canExport} exportName="customers-value-by-source" empty="No customer won in this range." />
            </>
          )}
        </Deferred>
      </Panel>
      <Panel id="value-by-campaign" title="Lifetime value by campaign" description="The campaign of the account's first journey.">
        <Deferred value={rows} label="Loading the lifetime value">
          {({ campaignRows }) => <DataTable caption="Lifetime value by original campaign" columns={[{ key: 'label', header: 'Campaign', format: 'text', wrap: true }, ...valueColumns]} rows={campaignRows} rowKey="key" canExport={canExport} exportName="customers-value-by-campaign" empty="No customer won in this range." />}
        </Deferred>
      </Panel>
      <Panel id="value-by-segment" title="Lifetime value by segment" description="The deal type of the account's first opportunity.">
        <Deferred value={rows} label="Loading the lifetime value">
          {({ segmentRows }) => <DataTable caption="Lifetime value by segment" columns={[{ key: 'label', header: 'Segment', format: 'text' }, ...valueColumns]} rows={segmentRows} rowKey="key" canExport={canExport} exportName="customers-value-by-segment" empty="No customer won in this range." />}
        </Deferred>
      </Panel>
      <Panel id="cohorts" title="Retention of yearly cohorts" description="Customers by the year of their first won deal (all years, filters applied), and the share still customers each year after, among those that old.">
        <Deferred value={rows} label="Loading the cohorts">
          {({ curveRows, curveSeries, cohortColumns, cohortRows }) => (
            <>
              <TrendChart ariaLabel="Share of each yearly cohort still customers, by years since the first win" caption="Still customers, by years since the first win" data={curveRows} xKey="years" xLabel="Years since the first win" xFormat="text" series={curveSeries} valueFormat="percent" height={240} />
              <DataTable caption="Retention of yearly cohorts" columns={cohortColumns} rows={cohortRows} rowKey="cohort" canExport={canExport} exportName="customers-yearly-cohorts" empty="No customer yet." />
            </>
          )}
        </Deferred>
      </Panel>
    </>
  );
}
