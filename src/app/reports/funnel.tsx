// The funnel's stages, one view for the Overview and Funnel pages and the funnel tile: the same
// rows, columns and chart.
import { FunnelBars } from '~/components/charts/FunnelBars';
import { DataTable, type Column, type Row } from '~/components/DataTable';
import { stageLabel, type StageName } from '~/components/stages';
import type { RouterOutputs } from '~/trpc/react';
import type { TileBody } from './types';

type FunnelReport = RouterOutputs['funnel']['report'];

export interface StageRow extends Row {
  stage: StageName;
  label: string;
  journeys: number;
  conversionToNext: number | null;
  medianDays: number | null;
  p75Days: number | null;
}

export function stageRows(report: Pick<FunnelReport, 'stages'>): StageRow[] {
  return report.stages.map((s) => ({
    stage: s.stage,
    label: stageLabel(s.stage),
    journeys: s.journeys,
    conversionToNext: s.conversionToNext,
    medianDays: s.velocityToNext?.medianDays ?? null,
    p75Days: s.velocityToNext?.p75Days ?? null,
  }));
}

export const stageColumns: Column[] = [
  { key: 'label', header: 'Stage', format: 'text' },
  { key: 'journeys', header: 'Journeys', format: 'count' },
  { key: 'conversionToNext', header: 'Conversion to next stage', format: 'percent' },
];

/** The stages as bars and as a table, in stage order. */
export function StagesView({ rows, canExport, exportName }: { rows: StageRow[]; canExport: boolean; exportName: string }) {
  return (
    <>
      <FunnelBars ariaLabel="Journeys by stage, as bars" caption="Journeys reaching each stage" data={rows} />
      <DataTable caption="Journeys by stage" columns={stageColumns} rows={rows} rowKey="stage" canExport={canExport} exportName={exportName} sortable={false} />
    </>
  );
}

export const funnelTile: TileBody = async ({ api, input, canExport, exportName }) => (
  <StagesView rows={stageRows(await api.funnel.report(input))} canExport={canExport} exportName={exportName} />
);
