// One tile of a saved dashboard, fetched through the normal procedures with the caller's (the
// viewer's) session, so what the viewer may not see is masked here exactly as on the source page.
// Each report's tile is drawn by its report view (src/app/reports), the same module its page uses.
import { Suspense } from 'react';
import { Panel } from '~/components/Panel';
import { ErrorState, LoadingState } from '~/components/States';
import { describeRange } from '~/lib/urlFilters';
import { tileKindLabels, tileRange, type DashboardTile, type TileKind } from '~/server/dashboards';
import { attributionTile } from '../reports/attribution';
import { retentionTile, valueBySourceTile } from '../reports/customers';
import { forecastTile } from '../reports/forecast';
import { funnelTile } from '../reports/funnel';
import { handoffsTile } from '../reports/handoffs';
import { kpisTile } from '../reports/kpis';
import { planTile } from '../reports/plan';
import { sourcesTile } from '../reports/sources';
import type { Api, TileBody } from '../reports/types';

const bodies: Record<TileKind, TileBody> = {
  funnel: funnelTile,
  sourcesBySource: sourcesTile,
  sourcesByCampaign: sourcesTile,
  attributionByChannel: attributionTile,
  attributionByCampaign: attributionTile,
  forecast: forecastTile,
  kpis: kpisTile,
  customerRetention: retentionTile,
  customerValueBySource: valueBySourceTile,
  plan: planTile,
  handoffs: handoffsTile,
};

function describeFilters(tile: DashboardTile): string {
  const parts = Object.entries(tile.filters)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${String(v)}`);
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

interface TileProps {
  api: Api;
  tile: DashboardTile;
  index: number;
  canExport: boolean;
  now: Date;
}

async function TileBodyView({ api, tile, index, canExport, now }: TileProps) {
  try {
    return await bodies[tile.kind]({ api, tile, input: { range: tileRange(tile, now), filters: tile.filters }, canExport, exportName: `tile-${index + 1}-${tile.kind}`, now });
  } catch (error) {
    return <ErrorState message={error instanceof Error ? error.message : 'This tile could not be loaded.'} />;
  }
}

/** The tile's panel at once, its figures as soon as its own procedures answer (a slow tile holds up no other). */
export function TileView(props: TileProps) {
  const { tile, index, now } = props;
  const timeless = tile.kind === 'forecast' || tile.kind === 'kpis' || tile.kind === 'plan';
  const description = timeless ? undefined : `${describeRange(tileRange(tile, now))} (UTC)${describeFilters(tile)}`;
  return (
    <Panel id={`tile-${index + 1}`} title={tile.title || tileKindLabels[tile.kind]} description={description}>
      <div data-tile={tile.kind}>
        <Suspense fallback={<LoadingState label="Loading this tile" />}>
          <TileBodyView {...props} />
        </Suspense>
      </div>
    </Panel>
  );
}
