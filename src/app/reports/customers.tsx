// Revenue retention by quarter and lifetime value by origin, one view for the Customers page and
// its two tiles (a tile shows fewer of the columns).
import { DataTable, type Column, type Row } from '~/components/DataTable';
import type { RouterOutputs } from '~/trpc/react';
import type { TileBody } from './types';

type ValueGroups = RouterOutputs['customers']['report']['valueBy']['source'];

export const quarterColumns: Column[] = [
  { key: 'quarter', header: 'Quarter', format: 'text' },
  { key: 'accounts', header: 'Accounts', format: 'count', help: 'accounts with recurring revenue at the quarter start' },
  { key: 'startingCents', header: 'Starting', format: 'cents' },
  { key: 'expansionCents', header: 'Expansion', format: 'cents' },
  { key: 'churnedCents', header: 'Churned', format: 'cents' },
  { key: 'endingCents', header: 'Ending', format: 'cents' },
  { key: 'netRevenueRetention', header: 'NRR', format: 'percent', help: 'ending / starting' },
  { key: 'grossRetention', header: 'Gross retention', format: 'percent', help: '(starting - starting revenue of churned accounts) / starting' },
];

export const valueColumns: Column[] = [
  { key: 'customers', header: 'Customers', format: 'count' },
  { key: 'churned', header: 'Churned since', format: 'count' },
  { key: 'retainedShare', header: 'Still customers', format: 'percent' },
  { key: 'lifetimeValueCents', header: 'Lifetime value', format: 'cents' },
  { key: 'averageLifetimeValueCents', header: 'Average LTV', format: 'cents' },
];

/** A row per origin (source, campaign or segment); `none` names the group without one. */
export function valueRows(groups: ValueGroups, none: string): Row[] {
  return groups.map(({ key, name, ...figures }) => ({ key: key ?? none, label: name ?? key ?? none, ...figures }));
}

const pick = (columns: Column[], keys: string[]) => columns.filter((c) => keys.includes(c.key));

export const retentionTile: TileBody = async ({ api, input, canExport, exportName }) => (
  <DataTable
    caption="Revenue retention by quarter"
    columns={pick(quarterColumns, ['quarter', 'accounts', 'startingCents', 'churnedCents', 'netRevenueRetention', 'grossRetention'])}
    rows={(await api.customers.retention(input)).map((q): Row => ({ ...q }))}
    rowKey="quarter"
    canExport={canExport}
    exportName={exportName}
  />
);

export const valueBySourceTile: TileBody = async ({ api, input, canExport, exportName }) => (
  <DataTable
    caption="Lifetime value by original source"
    columns={[{ key: 'label', header: 'Source', format: 'text' }, ...valueColumns.filter((c) => c.key !== 'churned')]}
    rows={valueRows((await api.customers.report(input)).valueBy.source, '(no journey)')}
    rowKey="key"
    canExport={canExport}
    exportName={exportName}
  />
);
