'use client';
// A table of plain rows with a format per column, an empty state and "Export CSV" of exactly the
// rows shown, in the order shown (masked cells written as "masked"). Export is offered only to
// roles with 'exportCsv'; the page passes what the server says the viewer may do. The file comes
// from POST /api/export, which checks the right again, masks what the role may not see and records
// the export in the audit log. Columns sort on a click of their header (masked and missing values
// last); long tables keep their header in view.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
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
  /** long text that may wrap (cells stay on one line otherwise); 'narrow' wraps into a thinner column */
  wrap?: boolean | 'narrow';
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
  /** the buttons of a row, in a last "Actions" column (client callers only) */
  rowActions?: (row: Row) => ReactNode;
  /** shown under the table, e.g. a pager */
  footer?: ReactNode;
  /** false: rows stay in the given order (e.g. stages, weeks) */
  sortable?: boolean;
  /** smaller type and padding, for many columns */
  dense?: boolean;
  /**
   * Sorting done by the server, for a paged list: only these columns sort, the rows stay in the
   * given order, and a header click asks for the chosen order (client callers only).
   */
  serverSort?: ServerSort;
}

export interface ServerSort {
  key: string;
  direction: Direction;
  keys: readonly string[];
  onSort: (key: string, direction: Direction) => void;
}

export type Direction = 'ascending' | 'descending';

const numeric = new Set<FormatKind>(['cents', 'percent', 'days', 'count']);

/** Rows from this many up scroll inside their box, under a header that stays in view. */
const longTable = 16;

function rawValue(value: CellValue | undefined): string {
  if (isMasked(value)) return 'masked';
  return value === null || value === undefined ? '' : String(value);
}

/** Numbers by value, text in natural order; masked, then missing, always last. */
export function compareCells(a: CellValue | undefined, b: CellValue | undefined, direction: Direction): number {
  const rank = (v: CellValue | undefined) => (isMasked(v) ? 2 : v === null || v === undefined || v === '' ? 1 : 0);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== 0 || rb !== 0) return ra - rb;
  const sign = direction === 'ascending' ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return sign * (a - b);
  return sign * String(a).localeCompare(String(b), 'en', { numeric: true, sensitivity: 'base' });
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


/** Whether the box scrolls (its content is wider or taller than it), kept up to date on resize. */
function useScrolls<T extends HTMLElement>(): [RefObject<T | null>, boolean] {
  const ref = useRef<T>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const check = () => setScrolls(box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(box);
    if (box.firstElementChild) observer.observe(box.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return [ref, scrolls];
}

export function DataTable({ caption, columns, rows, rowKey, canExport, exportName, empty, onSelect, selectLabel, selectedKey, rowActions, footer, sortable = true, dense = false, serverSort }: DataTableProps) {
  const [exported, setExported] = useState<string | null>(null);
  const [clientSort, setSort] = useState<{ key: string; direction: Direction } | null>(null);
  const sort = serverSort ? null : clientSort;
  const [scrollBox, scrolls] = useScrolls<HTMLDivElement>();
  const shown = useMemo(() => {
    if (!sort) return rows;
    // A stable sort: equal cells keep the given order.
    return rows
      .map((row, index) => ({ row, index }))
      .sort((a, b) => compareCells(a.row[sort.key], b.row[sort.key], sort.direction) || a.index - b.index)
      .map((x) => x.row);
  }, [rows, sort]);
  const [exporting, setExporting] = useState(false);
  const exportRows = useCallback(async () => {
    setExporting(true);
    setExported(null);
    try {
      setExported(await exportCsv(exportName, caption, columns, shown));
    } catch {
      setExported('Export failed: the server could not be reached.');
    } finally {
      setExporting(false);
    }
  }, [columns, shown, exportName, caption]);

  function sortBy(column: Column) {
    if (serverSort) {
      const flipped: Direction = serverSort.direction === 'ascending' ? 'descending' : 'ascending';
      // Figures and dates start with the largest (newest), text from A.
      const first: Direction = numeric.has(column.format) || column.format === 'date' ? 'descending' : 'ascending';
      serverSort.onSort(column.key, serverSort.key === column.key ? flipped : first);
      return;
    }
    setSort((current) => {
      if (current?.key === column.key) return { key: column.key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
      // Figures start with the largest, text from A.
      return { key: column.key, direction: numeric.has(column.format) ? 'descending' : 'ascending' };
    });
  }

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
      {/* A box that scrolls can be scrolled from the keyboard too. */}
      <div
        ref={scrollBox}
        className={rows.length >= longTable ? `${styles.tableScroll} ${styles.tableLong}` : styles.tableScroll}
        tabIndex={scrolls ? 0 : undefined}
        role={scrolls ? 'region' : undefined}
        aria-label={scrolls ? `${caption} (scrolls)` : undefined}
      >
        <table className={dense ? `${styles.table} ${styles.dense}` : styles.table} data-table={exportName}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => {
                const direction = serverSort ? (serverSort.key === column.key ? serverSort.direction : undefined) : sort?.key === column.key ? sort.direction : undefined;
                const sorts = serverSort ? serverSort.keys.includes(column.key) : sortable;
                return (
                  <th key={column.key} scope="col" className={numeric.has(column.format) ? styles.num : undefined} title={column.help} aria-sort={direction} data-sort-key={column.key}>
                    {sorts ? (
                      <button type="button" className={styles.sortButton} onClick={() => sortBy(column)}>
                        {column.header}
                        <span aria-hidden="true" className={styles.sortMark}>
                          {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
                        </span>
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                );
              })}
              {onSelect ? (
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              ) : null}
              {rowActions ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => {
              const key = rawValue(row[rowKey]);
              return (
                <tr key={key} data-row={key} aria-selected={onSelect ? selectedKey === key : undefined} className={selectedKey === key ? styles.selected : undefined}>
                  {columns.map((column, index) => {
                    const cell = <Value kind={column.format} value={row[column.key]} />;
                    const className = numeric.has(column.format) ? styles.num : column.wrap === 'narrow' ? styles.wrapNarrow : column.wrap ? styles.wrap : undefined;
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
                  {rowActions ? <td>{rowActions(row)}</td> : null}
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
