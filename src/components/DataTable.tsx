'use client';
// A table of plain rows with a format per column, an empty state and "Export CSV" of exactly the
// rows shown (masked cells written as "masked"). Export is offered only to roles with 'exportCsv';
// the page passes what the server says the viewer may do. The file comes from POST /api/export,
// which checks the right again, masks what the role may not see and records the export in the
// audit log.
import { useCallback, useState, type ReactNode } from 'react';
import type { CellValue, FormatKind } from '~/lib/format';
import { isMasked } from '~/lib/masked';
import { EmptyState } from './States';
import styles from './ui.module.css';
import { Value } from './Value';

export interface Column {
  key: string;
  header: string;
  format: FormatKind;
  /** a short explanation shown as the header's title */
  help?: string;
  /** long text that may wrap (cells stay on one line otherwise) */
  wrap?: boolean;
}

export type Row = Readonly<Record<string, CellValue>>;

export interface DataTableProps {
  caption: string;
  columns: readonly Column[];
  rows: readonly Row[];
  /** the column whose value identifies a row */
  rowKey: string;
  canExport: boolean;
  /** the CSV file name, without .csv */
  exportName: string;
  empty?: ReactNode;
  /** makes rows selectable (client callers only); the label names the action for screen readers */
  onSelect?: (row: Row) => void;
  selectLabel?: (row: Row) => string;
  selectedKey?: string | null;
  /** shown under the table, e.g. a pager */
  footer?: ReactNode;
}

const numeric = new Set<FormatKind>(['cents', 'percent', 'days', 'count']);

function rawValue(value: CellValue | undefined): string {
  if (isMasked(value)) return 'masked';
  return value === null || value === undefined ? '' : String(value);
}

function download(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** Asks the server for the CSV of these rows and saves it; returns what to tell the viewer. */
export async function exportCsv(name: string, caption: string, columns: readonly Column[], rows: readonly Row[]): Promise<string> {
  const body = {
    name,
    caption,
    columns: columns.map(({ key, header, format }) => ({ key, header, format })),
    rows: rows.map((row) => Object.fromEntries(columns.map((column) => [column.key, row[column.key] ?? null]))),
  };
  const response = await fetch('/api/export', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) {
    const answer = (await response.json().catch(() => null)) as { error?: string } | null;
    return `Export failed: ${answer?.error ?? `HTTP ${response.status}`}`;
  }
  download(`${name}.csv`, await response.blob());
  return `${rows.length} ${rows.length === 1 ? 'row' : 'rows'} exported`;
}

export function DataTable({ caption, columns, rows, rowKey, canExport, exportName, empty, onSelect, selectLabel, selectedKey, footer }: DataTableProps) {
  const [exported, setExported] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const exportRows = useCallback(async () => {
    setExporting(true);
    setExported(null);
    try {
      setExported(await exportCsv(exportName, caption, columns, rows));
    } catch {
      setExported('Export failed: the server could not be reached.');
    } finally {
      setExporting(false);
    }
  }, [columns, rows, exportName, caption]);

  return (
    <div className={styles.tableBlock}>
      {canExport ? (
        <div className={styles.tableTools}>
          <button type="button" className={styles.button} onClick={() => void exportRows()} disabled={rows.length === 0 || exporting} aria-label={`Export CSV: ${caption}`}>
            Export CSV
          </button>
          <span role="status" className={styles.muted}>
            {exported}
          </span>
        </div>
      ) : null}
      <div className={styles.tableScroll}>
        <table className={styles.table} data-table={exportName}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.key} scope="col" className={numeric.has(column.format) ? styles.num : undefined} title={column.help}>
                  {column.header}
                </th>
              ))}
              {onSelect ? (
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const key = rawValue(row[rowKey]);
              return (
                <tr key={key} data-row={key} aria-selected={onSelect ? selectedKey === key : undefined} className={selectedKey === key ? styles.selected : undefined}>
                  {columns.map((column, index) => {
                    const cell = (
                      <Value kind={column.format} value={row[column.key]} />
                    );
                    const className = numeric.has(column.format) ? styles.num : column.wrap ? styles.wrap : undefined;
                    const props = { 'data-col': column.key, 'data-value': rawValue(row[column.key]), className };
                    return index === 0 ? (
                      <th key={column.key} scope="row" {...props}>
                        {cell}
                      </th>
                    ) : (
                      <td key={column.key} {...props}>
                        {cell}
                      </td>
                    );
                  })}
                  {onSelect ? (
                    <td>
                      <button type="button" className={styles.linkButton} onClick={() => onSelect(row)} aria-label={selectLabel ? selectLabel(row) : `Open ${key}`}>
                        Open
                      </button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? <EmptyState>{empty}</EmptyState> : null}
      {footer}
    </div>
  );
}
