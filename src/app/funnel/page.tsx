// Funnel: stage counts, conversion and velocity of a cohort, its trend by month, and the journeys
// behind each stage. The cohort basis (inquiry or awareness) is a URL param beside the filters.
import { begin, Deferred, freshnessOf } from '~/components/Deferred';
import { FilterBar } from '~/components/FilterBar';
import { PageHeader, Panel } from '~/components/Panel';
import { ParamSelect } from '~/components/ParamSelect';
import { RefreshControl } from '~/components/RefreshControl';
import { LoadingState } from '~/components/States';
import { stageLabel } from '~/components/stages';
import { TrendChart } from '~/components/charts/TrendChart';
import { describeRange, parseCohortBy, parseFilters, toMetricInput, type SearchParamsLike } from '~/lib/urlFilters';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { stageRows } from '../reports/funnel';
import { FunnelExplorer } from './FunnelExplorer';

export const dynamic = 'force-dynamic';

const trendSeries = ['awareness', 'inquiry', 'qualification', 'conversion', 'retention'].map((key) => ({ key, label: stageLabel(key) }));

export default async function FunnelPage({ searchParams }: { searchParams: Promise<SearchParamsLike> }) {
  await requireUser();
  const params = await searchParams;
  const input = toMetricInput(parseFilters(params), new Date());
  const cohortBy = parseCohortBy(params);
  const api = await serverCaller();
  const report = begin(api.funnel.report({ ...input, cohortBy }));
  const trend = begin(api.funnel.trend({ ...input, cohortBy }));
  const canExport = (await viewer())?.rights.includes('exportCsv') ?? false;

  return (
    <>
      <PageHeader title="Funnel" subtitle={`Journeys whose ${cohortBy} falls in ${describeRange(input.range)} (UTC)`}>
        <ParamSelect
          id="cohort-by"
          label="Cohort by"
          param="cohortBy"
          defaultValue="inquiry"
          options={[
            { value: 'inquiry', label: 'Inquiry date' },
            { value: 'awareness', label: 'Awareness date' },
          ]}
        />
        <RefreshControl freshness={freshnessOf(report)} />
      </PageHeader>
      <FilterBar />
      <Deferred value={report} fallback={<Panel id="stages" title="Stages"><LoadingState label="Loading the stages" /></Panel>}>
        {(r) => <FunnelExplorer stages={stageRows(r)} input={input} cohortBy={cohortBy} canExport={canExport} />}
      </Deferred>
      <Panel id="trend" title="Cohort trend by month" description="Each monthly cohort's journeys by the furthest stage reached so far.">
        <Deferred value={trend} label="Loading the trend">
          {(months) => (
            <TrendChart
              ariaLabel="Journeys per monthly cohort, by stage"
              caption="Monthly cohorts by stage"
              data={months.map((m) => ({ month: m.month, ...m.counts }))}
              xKey="month"
              xLabel="Month"
              series={trendSeries}
              valueFormat="count"
            />
          )}
        </Deferred>
      </Panel>
    </>
  );
}
