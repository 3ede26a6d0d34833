// Sources: lead-to-close by source and by campaign (table and chart), CAC and ROI where the role may
// see spend (masked otherwise), and the lead quality feedback sales gave, beside it.
import { DataTable, type Column } from '~/components/DataTable';
import { begin, Deferred, freshnessOf } from '~/components/Deferred';
import { FilterBar } from '~/components/FilterBar';
import { Grid, PageHeader, Panel, Stat } from '~/components/Panel';
import { RefreshControl } from '~/components/RefreshControl';
import { Value } from '~/components/Value';
import { CategoryBars } from '~/components/charts/CategoryBars';
import type { ReasonCount } from '~/server/metrics/leadQuality';
import { describeRange, parseFilters, toMetricInput, type SearchParamsLike } from '~/lib/urlFilters';
import type { RouterOutputs } from '~/trpc/react';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { campaignRows, leadToCloseColumns, noCampaign, sourceRows } from '../reports/sources';

export const dynamic = 'force-dynamic';

const qualityColumns: Column[] = [
  { key: 'leads', header: 'Leads', format: 'count' },
  { key: 'qualified', header: 'Qualified', format: 'count' },
  { key: 'disqualified', header: 'Disqualified', format: 'count' },
  { key: 'qualificationRate', header: 'Qualified share', format: 'percent' },
  { key: 'reasons', header: 'Reasons given (leads)', format: 'text', wrap: true },
];

const funnelSeries = [
  { key: 'leads', label: 'Leads' },
  { key: 'qualified', label: 'Qualified' },
  { key: 'won', label: 'Won' },
];

function reasonsText(reasons: readonly ReasonCount[]): string {
  return reasons.length === 0 ? '' : reasons.map((r) => `${r.reason} (${r.leads})`).join('; ');
}

type SourcesReport = RouterOutputs['sources']['report'];
type Quality = RouterOutputs['leadQuality']['report'];

/** The report's rows for its panels, once. */
function reportRows(report: SourcesReport) {
  const bySource = sourceRows(report);
  const byCampaign = campaignRows(report);
  // The chart shows the leaders; the table below holds every campaign.
  const topCampaigns = byCampaign
    .filter((c) => typeof c.wonRevenueCents !== 'number' || c.wonRevenueCents > 0)
    .sort((a, b) => (typeof a.wonRevenueCents === 'number' && typeof b.wonRevenueCents === 'number' ? b.wonRevenueCents - a.wonRevenueCents : b.won - a.won))
    .slice(0, 10);
  return { total: report.total, bySource, byCampaign, topCampaigns };
}

function qualityRows(quality: Quality) {
  return {
    bySource: quality.bySource.map((q) => ({ source: q.source, leads: q.leads, qualified: q.qualified, disqualified: q.disqualified, qualificationRate: q.qualificationRate, reasons: reasonsText(q.reasons) })),
    byCampaign: quality.byCampaign.map((q) => ({ campaign: q.campaignId ?? noCampaign, leads: q.leads, qualified: q.qualified, disqualified: q.disqualified, qualificationRate: q.qualificationRate, reasons: reasonsText(q.reasons) })),
  };
}

export default async function SourcesPage({ searchParams }: { searchParams: Promise<SearchParamsLike> }) {
  await requireUser();
  const input = toMetricInput(parseFilters(await searchParams), new Date());
  const api = await serverCaller();
  // The lead-to-close report and the lead quality report each stream into their own panels.
  const report = begin(api.sources.report(input));
  const rows = begin(report.then(reportRows));
  const quality = begin(api.leadQuality.report(input).then(qualityRows));
  const options = begin(
    report.then((r) => ({
      sources: r.bySource.map((s) => s.source),
      campaigns: r.byCampaign.flatMap((c) => (c.campaignId ? [{ id: c.campaignId, label: c.campaignName ?? c.campaignId }] : [])),
    })),
  );
  const canExport = (await viewer())?.rights.includes('exportCsv') ?? false;

  return (
    <>
      <PageHeader title="Sources" subtitle={`Leads whose inquiry falls in ${describeRange(input.range)} (UTC), and spend dated in it`}>
        <RefreshControl freshness={freshnessOf(report)} />
      </PageHeader>
      <FilterBar options={options} />
      <Deferred value={rows} label="Loading the totals">
        {({ total }) => (
          <Grid columns={4}>
            <Stat label="Leads" testId="leads" hint={`${total.won.toLocaleString('en-US')} won`}>
              <Value kind="count" value={total.leads} />
            </Stat>
            <Stat label="Won revenue" testId="won-revenue">
              <Value kind="cents" value={total.wonRevenueCents} />
            </Stat>
            <Stat label="CAC" testId="cac" hint="spend per won lead">
              <Value kind="cents" value={total.cacCents} />
            </Stat>
            <Stat label="ROI" testId="roi" hint="(revenue - spend) / spend">
              <Value kind="percent" value={total.roi} />
            </Stat>
          </Grid>
        )}
      </Deferred>
      <Panel id="by-source" title="Lead to close by source" description="Declared source, else the first touch's channel, else unknown.">
        <Deferred value={rows} label="Loading the sources">
          {({ bySource }) => (
            <>
              <CategoryBars ariaLabel="Leads, qualified and won by source" caption="Leads, qualified and won by source" data={bySource} categoryKey="source" categoryLabel="Source" series={funnelSeries} valueFormat="count" layout="horizontal" />
              <DataTable caption="Lead to close by source" columns={[{ key: 'source', header: 'Source', format: 'text' }, ...leadToCloseColumns]} rows={bySource} rowKey="source" canExport={canExport} exportName="sources-by-source" />
            </>
          )}
        </Deferred>
      </Panel>
      <Panel id="quality-by-source" title="Lead quality by source" description="What sales said: leads qualified and disqualified, and the reasons given.">
        <Deferred value={quality} label="Loading the lead quality">
          {({ bySource }) => <DataTable caption="Lead quality by source" columns={[{ key: 'source', header: 'Source', format: 'text' }, ...qualityColumns]} rows={bySource} rowKey="source" canExport={canExport} exportName="lead-quality-by-source" />}
        </Deferred>
      </Panel>
      <Panel id="by-campaign" title="Lead to close by campaign">
        <Deferred value={rows} label="Loading the campaigns">
          {({ byCampaign, topCampaigns }) => (
            <>
              <CategoryBars ariaLabel="Won revenue of the ten campaigns that won most" caption="Won revenue, the ten campaigns that won most" data={topCampaigns} categoryKey="campaignName" categoryLabel="Campaign" series={[{ key: 'wonRevenueCents', label: 'Won revenue' }]} valueFormat="cents" layout="horizontal" showValues />
              <DataTable
                caption="Lead to close by campaign"
                columns={[{ key: 'campaign', header: 'Campaign', format: 'text' }, { key: 'campaignName', header: 'Name', format: 'text' }, { key: 'channel', header: 'Channel', format: 'text' }, ...leadToCloseColumns]}
                rows={byCampaign}
                rowKey="campaign"
                canExport={canExport}
                exportName="sources-by-campaign"
              />
            </>
          )}
        </Deferred>
      </Panel>
      <Panel id="quality-by-campaign" title="Lead quality by campaign">
        <Deferred value={quality} label="Loading the lead quality">
          {({ byCampaign }) => <DataTable caption="Lead quality by campaign" columns={[{ key: 'campaign', header: 'Campaign', format: 'text' }, ...qualityColumns]} rows={byCampaign} rowKey="campaign" canExport={canExport} exportName="lead-quality-by-campaign" />}
        </Deferred>
      </Panel>
    </>
  );
}
