'use client';
// One handoff's black hole, 50 a page, longest waiting first (keyset: Previous / Next carry the
// server's cursors; every page judges "past SLA" at the same instant as the report above it).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { DataTable, type Column, type Row } from '~/components/DataTable';
import { KeysetPager } from '~/components/KeysetPager';
import type { MetricInputFromUrl } from '~/lib/urlFilters';
import type { HandoffKind } from '~/server/metrics/handoffs';
import { useTRPC, type RouterOutputs } from '~/trpc/react';

type BlackHolePage = RouterOutputs['handoffs']['blackHole'];

const columns: Column[] = [
  { key: 'itemId', header: 'Item', format: 'text' },
  { key: 'owner', header: 'Owner', format: 'text' },
  { key: 'startedAt', header: 'Started', format: 'date' },
  { key: 'dueAt', header: 'Due', format: 'date' },
  { key: 'hoursOverdue', header: 'Hours overdue', format: 'count' },
  { key: 'accountId', header: 'Account', format: 'text' },
  { key: 'contactName', header: 'Contact', format: 'text' },
  { key: 'email', header: 'Email', format: 'text', wrap: 'narrow' },
];

export function BlackHoleTable({
  handoff,
  caption,
  input,
  asOf,
  first,
  canExport,
}: {
  handoff: HandoffKind;
  caption: string;
  input: MetricInputFromUrl;
  asOf: string;
  /** the first page, read with the page */
  first: BlackHolePage;
  canExport: boolean;
}) {
  const trpc = useTRPC();
  const [cursor, setCursor] = useState<{ after: string } | { before: string } | null>(null);
  const query = useQuery({
    ...trpc.handoffs.blackHole.queryOptions({ ...input, handoff, asOf, ...cursor, pageSize: 50 }),
    initialData: cursor === null ? first : undefined,
    placeholderData: keepPreviousData,
  });
  const page = query.data ?? first;
  const rows: Row[] = page.items.map((b) => ({ ...b }));
  return (
    <div data-pending={query.isFetching || undefined}>
      <DataTable
        caption={caption}
        columns={columns}
        rows={rows}
        rowKey="itemId"
        canExport={canExport}
        exportName={`black-hole-${handoff}`}
        empty="Nothing waiting past its SLA."
        // Sorted by the server (longest waiting first); a click must not re-sort one page only.
        sortable={false}
        footer={
          <KeysetPager
            label={`Pages of ${caption}`}
            noun="50"
            busy={query.isFetching}
            first={cursor !== null ? { onClick: () => setCursor(null) } : undefined}
            previous={page.previous ? { onClick: () => setCursor({ before: page.previous! }) } : null}
            next={page.next ? { onClick: () => setCursor({ after: page.next! }) } : null}
          />
        }
      />
    </div>
  );
}
