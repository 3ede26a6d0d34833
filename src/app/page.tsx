// Overview, the executives' shared dashboard: the seven stages with conversion between them,
// revenue and pipeline, KPI targets with their accountable department, and the monthly trend. On
// an install that never received an event it is the getting-started page instead.
import { headers } from 'next/headers';
import { DataTable, type Column } from '~/components/DataTable';
import { begin, Deferred, freshnessOf } from '~/components/Deferred';
import { FilterBar } from '~/components/FilterBar';
import { Grid, PageHeader, Panel, Stat } from '~/components/Panel';
import { ReportHeader } from '~/components/ReportLayout';
import { Value } from '~/components/Value';
import { TrendChart } from '~/components/charts/TrendChart';
import { formatValue, type FormatKind } from '~/lib/format';
import { isMasked } from '~/lib/masked';
import { ratio } from '~/lib/stats';
import { describeRange, parseFilters, toMetricInput, type SearchParamsLike } from '~/lib/urlFilters';
import { departments } from '~/server/ingest/catalogue';
import type { RouterOutputs } from '~/trpc/react';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { FirstEvents } from './FirstEvents';
import { stageRows, StagesView } from './reports/funnel';

export const dynamic = 'force-dynamic';

const kpiColumns: Column[] = [
  { key: 'name', header: 'KPI', format: 'text', wrap: true },
  { key: 'accountable', header: 'Accountable', format: 'text' },
  { key: 'period', header: 'Period', format: 'text', wrap: 'narrow' },
  { key: 'actual', header: 'Actual', format: 'text' },
  { key: 'target', header: 'Target', format: 'text' },
  { key: 'projection', header: 'Projected at period end', format: 'text', wrap: 'narrow' },
  { key: 'status', header: 'Status', format: 'text' },
];

const unitFormat: Record<'count' | 'cents' | 'fraction', FormatKind> = { count: 'count', cents: 'cents', fraction: 'percent' };

const trendSeries = [
  { key: 'inquiry', label: 'Inquiry' },
  { key: 'qualification', label: 'Qualification' },
  { key: 'conversion', label: 'Conversion' },
];

/** This server's address as the browser reached it (behind a proxy: its forwarded host and scheme). */
async function serverAddress(): Promise<string> {
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000';
  const scheme = h.get('x-forwarded-proto') ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return `${scheme.split(',')[0]!.trim()}://${host.split(',')[0]!.trim()}`;
}

async function GettingStarted({ canCreateKey, anyRejected }: { canCreateKey: boolean; anyRejected: boolean }) {
  // Sample events are dated to the minute the page was drawn.
  const at = `${new Date().toISOString().slice(0, 16)}:00Z`;
  return (
    <>
      <PageHeader title="Getting started" subtitle="No event has reached this dashboard yet. Connect a source system and the numbers appear here." />
      {anyRejected ? (
        <p role="alert" className="muted">
          Events were sent but refused; {canCreateKey ? <a href="/admin/ingestion">the ingestion log</a> : 'the ingestion log (admins)'} says why.
        </p>
      ) : null}
      <FirstEvents baseUrl={await serverAddress()} departments={[...departments]} canCreateKey={canCreateKey} at={at} />
    </>
  );
}

/** The KPI targets panel's table. */
function KpiTable({ kpis, metrics, canExport }: { kpis: RouterOutputs['kpis']['list']; metrics: RouterOutputs['kpis']['metrics']; canExport: boolean }) {
  const unitOf = new Map(metrics.map((m) => [m.metric, unitFormat[m.unit]]));
  const kpiRows = kpis.map((k) => {
    const kind = unitOf.get(k.target.metric) ?? 'count';
    const shown = (value: number | null | { masked: true }) => (isMasked(value) ? value : formatValue(kind, value));
    return {
      id: String(k.target.id),
      name: k.target.name,
      accountable: k.target.accountable,
      period: describeRange({ from: k.target.periodStart, to: k.periodEnd.slice(0, 10) }),
      actual: shown(k.actual),
      target: shown(k.target.targetValue),
      projection: shown(k.projection),
      status: k.status,
    };
  });
  return <DataTable caption="KPI targets and who is accountable" columns={kpiColumns} rows={kpiRows} rowKey="id" canExport={canExport} exportName="overview-kpi-targets" empty="No KPI targets yet." />;
}

/** The monthly trend panel's chart. */
function Trend({ trend }: { trend: RouterOutputs['funnel']['trend'] }) {
  return (
    <TrendChart
      ariaLabel="Journeys per monthly cohort: inquiry, qualification and conversion"
      caption="Monthly cohorts by stage"
      data={trend.map((m) => ({ month: m.month, ...m.counts }))}
      xKey="month"
      xLabel="Month"
      series={trendSeries}
      valueFormat="count"
    />
  );
}

/** The cohort's inquiries and conversion, and the range's won revenue and open pipeline. */
function Headline({ funnel, revenue }: { funnel: RouterOutputs['funnel']['report']; revenue: RouterOutputs['revenue']['summary'] }) {
  const inquiries = funnel.stages.find((s) => s.stage === 'inquiry')?.journeys ?? 0;
  const conversions = funnel.stages.find((s) => s.stage === 'conversion')?.journeys ?? 0;
  return (
    <Grid columns={4}>
      <Stat label="Inquiries" testId="inquiries" hint="journeys in the cohort">
        <Value kind="count" value={inquiries} />
      </Stat>
      <Stat label="Inquiry to conversion" testId="conversion-rate" hint={`${formatValue('count', conversions)} converted`}>
        <Value kind="percent" value={ratio(conversions, inquiries)} />
      </Stat>
      <Stat label="Won revenue" testId="won-revenue" hint={`${formatValue('count', revenue.wonDeals)} deals won in the range`}>
        <Value kind="cents" value={revenue.wonRevenueCents} />
      </Stat>
      <Stat label="Open pipeline" testId="open-pipeline" hint={`${formatValue('count', revenue.openDeals)} open deals`}>
        <Value kind="cents" value={revenue.openPipelineCents} />
      </Stat>
    </Grid>
  );
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParamsLike> }) {
  await requireUser();
  const input = toMetricInput(parseFilters(await searchParams), new Date());
  const api = await serverCaller();
  // The figures start beside the status (on an empty database they cost next to nothing) and each
  // panel shows when its own answer is in.
  const funnel = begin(api.funnel.report(input));
  const revenue = begin(api.revenue.summary(input));
  const kpis = begin(Promise.all([api.kpis.list({}), api.kpis.metrics()]));
  const trend = begin(api.funnel.trend(input));
  const [status, me] = await Promise.all([api.setup.status(), viewer()]);
  if (!status.everIngested) return <GettingStarted canCreateKey={me?.rights.includes('manage') ?? false} anyRejected={status.anyRejected} />;
  const canExport = me?.rights.includes('exportCsv') ?? false;

  return (
    <>
      <ReportHeader title="Overview" subtitle={`Journeys whose inquiry falls in ${describeRange(input.range)} (UTC)`} freshness={freshnessOf(funnel)} />
      <FilterBar />
      <Deferred value={begin(Promise.all([funnel, revenue]))} label="Loading the headline figures">
        {([f, r]) => <Headline funnel={f} revenue={r} />}
      </Deferred>
      <Panel id="stages" title="The seven stages" description="Journeys of the cohort that reached at least each stage, and the share that went on to the next.">
        <Deferred value={funnel} label="Loading the stages">
          {(f) => <StagesView rows={stageRows(f)} canExport={canExport} exportName="overview-stages" />}
        </Deferred>
      </Panel>
      <Panel id="kpis" title="KPI targets" description="Each target with its actual so far, the run-rate projection, its status and the accountable department.">
        <Deferred value={kpis} label="Loading the KPI targets">
          {([list, metrics]) => <KpiTable kpis={list} metrics={metrics} canExport={canExport} />}
        </Deferred>
      </Panel>
      <Panel id="trend" title="Trend by month" description="Each monthly cohort's journeys by the furthest stage reached so far.">
        <Deferred value={trend} label="Loading the trend">
          {(months) => <Trend trend={months} />}
        </Deferred>
      </Panel>
    </>
  );
}
