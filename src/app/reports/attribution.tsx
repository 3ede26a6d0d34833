// Revenue credit by channel and by campaign, one view for the Attribution page and its two tiles:
// the same rows (every model's credit and influenced deals) and labels; a tile shows one model.
import { CategoryBars } from '~/components/charts/CategoryBars';
import { DataTable, type Column, type Row } from '~/components/DataTable';
import { attributionModels } from '~/server/metrics/attributionWeights';
import type { RouterOutputs } from '~/trpc/react';
import { modelLabels } from '../attribution/labels';
import type { TileBody } from './types';

type AttributionRows = RouterOutputs['attribution']['report']['byChannel'];

/** One column pair per model: revenue credit and influenced deals. */
export const modelColumns: Column[] = attributionModels.flatMap((m) => [
  { key: `${m}.revenue`, header: `${modelLabels[m]} credit`, format: 'cents' as const },
  { key: `${m}.deals`, header: `${modelLabels[m]} deals`, format: 'count' as const, help: 'Won deals this row earned any credit from' },
]);

const labels = {
  channel: (key: string | null) => key ?? '(none)',
  campaign: (key: string | null, name: string | null) => (key === null ? 'No campaign' : name ? `${name} (${key})` : key),
};

/** A row per channel or campaign: its key, label and each model's `<model>.revenue` and `<model>.deals`. */
export function attributionRows(rows: AttributionRows, by: 'channel' | 'campaign'): Row[] {
  return rows.map((r) => {
    const row: Record<string, Row[string]> = { key: r.key ?? '(none)', label: labels[by](r.key, r.name) };
    for (const m of attributionModels) {
      row[`${m}.revenue`] = r.models[m].revenueCents;
      row[`${m}.deals`] = r.models[m].influencedDeals;
    }
    return row;
  });
}

export const attributionTile: TileBody = async ({ api, tile, input, canExport, exportName }) => {
  const report = await api.attribution.report(input);
  const model = tile.model ?? 'linear';
  const by = tile.kind === 'attributionByChannel' ? 'channel' : 'campaign';
  // The tile's columns are the chosen model's, under the names its exports have always had.
  const rows = attributionRows(by === 'channel' ? report.byChannel : report.byCampaign, by).map((r) => ({ key: r.key, label: r.label, revenue: r[`${model}.revenue`], deals: r[`${model}.deals`] }) as Row);
  const caption = `Revenue credit by ${by}, ${modelLabels[model]} model`;
  const category = by === 'channel' ? 'Channel' : 'Campaign';
  return (
    <>
      <CategoryBars ariaLabel={caption} caption={caption} data={rows} categoryKey="label" categoryLabel={category} series={[{ key: 'revenue', label: 'Revenue credit' }]} valueFormat="cents" layout="horizontal" />
      <DataTable
        caption={caption}
        columns={[
          { key: 'label', header: category, format: 'text' },
          { key: 'revenue', header: 'Revenue credit', format: 'cents' },
          { key: 'deals', header: 'Influenced deals', format: 'count' },
        ]}
        rows={rows}
        rowKey="key"
        canExport={canExport}
        exportName={exportName}
      />
    </>
  );
};
