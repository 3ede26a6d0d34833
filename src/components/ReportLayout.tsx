// The layout every report page shares: its heading (what it shows, how fresh the figures are, its
// controls) and its panels, most of them one table each.
import type { ReactNode } from 'react';
import { DataTable, type DataTableProps } from './DataTable';
import { Deferred } from './Deferred';
import { PageHeader, Panel } from './Panel';
import { RefreshControl, type FreshnessProps } from './RefreshControl';

/**
 * The page heading with the freshness of its figures (as the procedures answered it) after its
 * controls; a promise of it when the page streams the answer it comes from.
 */
export function ReportHeader({ title, subtitle, freshness, children }: { title: string; subtitle?: ReactNode; freshness?: FreshnessProps | Promise<FreshnessProps>; children?: ReactNode }) {
  return (
    <PageHeader title={title} subtitle={subtitle}>
      {children}
      {freshness ? <RefreshControl freshness={freshness} /> : null}
    </PageHeader>
  );
}

interface PanelHead {
  id: string;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  /** shown under the table (forms, lists of actions) */
  children?: ReactNode;
}

/**
 * A panel of one table: the panel's heading, then the table, then anything under it. `rows` may be
 * a promise (a streamed answer): the heading shows at once, the table when its rows arrive.
 */
export function TablePanel({ id, title, description, actions, children, rows, loading, ...table }: PanelHead & Omit<DataTableProps, 'rows'> & { rows: DataTableProps['rows'] | Promise<DataTableProps['rows']>; loading?: string }) {
  return (
    <Panel id={id} title={title} description={description} actions={actions}>
      {rows instanceof Promise ? (
        <Deferred value={rows} label={loading ?? 'Loading the figures'}>
          {(answer) => <DataTable {...table} rows={answer} />}
        </Deferred>
      ) : (
        <DataTable {...table} rows={rows} />
      )}
      {children}
    </Panel>
  );
}
