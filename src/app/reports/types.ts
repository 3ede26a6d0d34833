// What a report view's dashboard tile is given: the caller's procedures (rights and masking apply as
// on the report's page), the tile's input and how its tables are exported.
import type { ReactNode } from 'react';
import type { DashboardTile } from '~/server/dashboards';
import type { serverCaller } from '~/trpc/server';

export type Api = Awaited<ReturnType<typeof serverCaller>>;

export interface TileContext {
  api: Api;
  tile: DashboardTile;
  input: { range: { from: string; to: string }; filters: DashboardTile['filters'] };
  canExport: boolean;
  /** the CSV file name of the tile's (first) table */
  exportName: string;
  now: Date;
}

export type TileBody = (context: TileContext) => Promise<ReactNode>;
