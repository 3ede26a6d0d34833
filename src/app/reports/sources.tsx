// Lead to close by source and by campaign, one view for the Sources page and its two tiles: the
// same rows and columns (a tile shows fewer of the columns).
import { DataTable, type Column, type Row } from '~/components/DataTable';
import type { RouterOutputs } from '~/trpc/react';
import type { TileBody } from './types';

type SourcesReport = RouterOutputs['sources']['report'];

export const leadToCloseColumns: Column[] = [
  { key: 'leads', header: 'Leads', format: 'count' },
  { key: 'qualified', header: 'Qualified', format: 'count' },
  { key: 'won', header: 'Won', format: 'count' },
  { key: 'qualificationRate', header: 'Qualification rate', format: 'percent' },
  { key: 'winRate', header: 'Win rate', format: 'percent' },
  { key: 'wonRevenueCents', header: 'Won revenue', format: 'cents' },
  { key: 'medianDaysToConversion', header: 'Median days to close', format: 'days', help: 'inquiry to conversion' },
  { key: 'spendCents', header: 'Spend', format: 'cents' },
  { key: 'cacCents', header: 'CAC', format: 'cents', help: 'spend / won' },
  { key: 'roi', header: 'ROI', format: 'percent', help: '(won revenue - spend) / spend' },
];

export const noCampaign = '(no campaign)';

export function sourceRows(report: SourcesReport): Row[] {
  return report.bySource.map(({ source, ...figures }) => ({ source, ...figures }));
}

export function campaignRows(report: SourcesReport) {
  return report.byCampaign.map(({ campaignId, campaignName, channel, ...figures }) => ({
    campaign: campaignId ?? noCampaign,
    campaignName: campaignName ?? (campaignId ? campaignId : noCampaign),
    channel,
    ...figures,
  }));
}

/** The columns a tile shows: the figures without the rates' details. */
const tileColumns = leadToCloseColumns.filter((c) => !['qualificationRate', 'medianDaysToConversion'].includes(c.key));

export const sourcesTile: TileBody = async ({ api, tile, input, canExport, exportName }) => {
  const report = await api.sources.report(input);
  const bySource = tile.kind === 'sourcesBySource';
  return (
    <DataTable
      caption={bySource ? 'Lead-to-close by source' : 'Lead-to-close by campaign'}
      columns={[bySource ? { key: 'source', header: 'Source', format: 'text' } : { key: 'campaignName', header: 'Campaign', format: 'text' }, ...tileColumns]}
      rows={bySource ? sourceRows(report) : campaignRows(report)}
      rowKey={bySource ? 'source' : 'campaign'}
      canExport={canExport}
      exportName={exportName}
    />
  );
};
