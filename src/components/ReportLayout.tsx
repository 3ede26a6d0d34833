// The layout every report page shares: its heading (what it shows, how fresh the figures are, its
// controls) and its panels, most of them one table each.
import type { ReactNode } from 'react';
import { DataTable, type DataTableProps } from './DataTable';
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

/** A panel of one table: the panel's heading, then the table, then anything under it. */
export function TablePanel({ id, title, description, actions, children, ...table }: PanelHead & DataTableProps) {
  return (
    <Panel id={id} title={title} description={description} actions={actions}>
      <DataTable {...table} />
      {children}
    </Panel>
  );
}
