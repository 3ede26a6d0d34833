'use client';
// The funnel's stages as bars and a table; choosing a stage opens who reached it and who dropped
// off after it, 50 a page (keyset: Previous / Next carry the server's cursors), in cohort-date
// order either way, fetched with react-query (contact details masked by the server).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { DataTable, type Column, type Row } from '~/components/DataTable';
import { Panel } from '~/components/Panel';
import { ErrorState, LoadingState } from '~/components/States';
import { FunnelBars } from '~/components/charts/FunnelBars';
import { stageLabel, type StageName } from '~/components/stages';
import uiStyles from '~/components/ui.module.css';
import type { MetricInputFromUrl } from '~/lib/urlFilters';
import { useTRPC } from '~/trpc/react';
import type { StageRow } from '../reports/funnel';

export type { StageRow };

const stageColumns: Column[] = [
  { key: 'label', header: 'Stage', format: 'text' },
  { key: 'journeys', header: 'Journeys', format: 'count' },
  { key: 'conversionToNext', header: 'Conversion to next', format: 'percent' },
  { key: 'medianDays', header: 'Median days to next', format: 'days', help: 'over the journeys that reached both stages' },
  { key: 'p75Days', header: 'p75 days to next', format: 'days', help: 'over the journeys that reached both stages' },
];

const journeyColumns = (cohortBy: 'inquiry' | 'awareness'): Column[] => [
  { key: 'cohortAt', header: cohortBy === 'inquiry' ? 'Inquiry' : 'Awareness', format: 'date', help: 'The cohort date; the list is in this order' },
  { key: 'contactId', header: 'Contact', format: 'text' },
  { key: 'name', header: 'Name', format: 'text' },
  { key: 'email', header: 'Email', format: 'text' },
  { key: 'source', header: 'Source', format: 'text' },
  { key: 'accountId', header: 'Account', format: 'text' },
  { key: 'reachedAt', header: 'Reached the stage', format: 'date' },
  { key: 'nextAt', header: 'Reached the next', format: 'date' },
];

const PAGE_SIZE = 50;

export function FunnelExplorer({ stages, input, cohortBy, canExport }: { stages: readonly StageRow[]; input: MetricInputFromUrl; cohortBy: 'inquiry' | 'awareness'; canExport: boolean }) {
  const [selected, setSelected] = useState<StageName | null>(null);
  return (
    <>
      <Panel id="stages" title="Stages" description="Choose a stage (its bar or its Open button) to see who reached it and who dropped off after it.">
        <FunnelBars ariaLabel="Journeys by stage, as bars; choose a bar to list its journeys" caption="Journeys reaching each stage" data={stages} onSelect={(stage) => setSelected(stage as StageName)} selected={selected} />
        <DataTable
          caption="Journeys by stage, conversion and velocity"
          columns={stageColumns}
          rows={stages}
          rowKey="stage"
          canExport={canExport}
          exportName="funnel-stages"
          sortable={false}
          onSelect={(row) => setSelected(row.stage as StageName)}
          selectLabel={(row) => `Open the journeys of ${String(row.label)}`}
          selectedKey={selected}
        />
      </Panel>
      {selected ? (
        <StageJourneys key={selected} stage={selected} stages={stages} input={input} cohortBy={cohortBy} canExport={canExport} onClose={() => setSelected(null)} />
      ) : null}
    </>
  );
}

type Cursor = { after: string } | { before: string } | null;

function StageJourneys({ stage, stages, input, cohortBy, canExport, onClose }: { stage: StageName; stages: readonly StageRow[]; input: MetricInputFromUrl; cohortBy: 'inquiry' | 'awareness'; canExport: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const [list, setList] = useState<'reached' | 'dropped'>('reached');
  const [direction, setDirection] = useState<'asc' | 'desc'>('asc');
  const [cursor, setCursor] = useState<Cursor>(null);
  const [pageNumber, setPageNumber] = useState(1);
  const query = useQuery({
    ...trpc.funnel.journeys.queryOptions({ ...input, cohortBy, stage, list, direction, ...cursor, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const nextStage = nextOf(stage);
  const rows: Row[] = (query.data?.items ?? []).map((j) => ({
    cohortAt: j.reachedAt[cohortBy],
    contactId: j.contactId,
    name: j.name,
    email: j.email,
    source: j.source,
    accountId: j.accountId,
    reachedAt: j.reachedAt[stage],
    nextAt: nextStage ? j.reachedAt[nextStage] : null,
  }));
  // The totals are the report's: the list itself is read a page at a time, never counted.
  const reached = stages.find((s) => s.stage === stage)?.journeys ?? 0;
  const reachedNext = nextStage ? (stages.find((s) => s.stage === nextStage)?.journeys ?? 0) : reached;
  const total = list === 'reached' ? reached : reached - reachedNext;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const restart = () => {
    setCursor(null);
    setPageNumber(1);
  };
  const title = `${stageLabel(stage)}: ${list === 'reached' ? 'journeys that reached it' : `journeys that dropped off before ${nextStage ? stageLabel(nextStage) : 'the end'}`}`;

  return (
    <Panel
      id="journeys"
      title={title}
      description={`${total.toLocaleString('en-US')} journeys · ${PAGE_SIZE} a page, by ${cohortBy} date${direction === 'desc' ? ', newest first' : ''}`}
      actions={
        <>
          <div role="group" aria-label="Which journeys" className={uiStyles.filterActions}>
            {(['reached', 'dropped'] as const).map((l) => (
              <button
                key={l}
                type="button"
                className={`${uiStyles.button} ${list === l ? uiStyles.primary : ''}`}
                aria-pressed={list === l}
                onClick={() => {
                  setList(l);
                  restart();
                }}
              >
                {l === 'reached' ? 'Reached' : 'Dropped off'}
              </button>
            ))}
          </div>
          <button type="button" className={uiStyles.button} onClick={onClose}>
            Close
          </button>
        </>
      }
    >
      {query.isError ? (
        <ErrorState message="The journeys could not be loaded." onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <LoadingState label="Loading journeys" />
      ) : (
        <DataTable
          caption={title}
          columns={journeyColumns(cohortBy)}
          rows={rows}
          rowKey="contactId"
          canExport={canExport}
          exportName={`funnel-${stage}-${list}-page-${pageNumber}`}
          empty="No journeys here."
          serverSort={{
            key: 'cohortAt',
            direction: direction === 'asc' ? 'ascending' : 'descending',
            keys: ['cohortAt'],
            onSort: (_key, d) => {
              setDirection(d === 'ascending' ? 'asc' : 'desc');
              restart();
            },
          }}
          footer={
            <nav aria-label="Pages of journeys" className={uiStyles.tableTools}>
              <button
                type="button"
                className={uiStyles.button}
                disabled={!query.data?.previous || query.isFetching}
                onClick={() => {
                  if (query.data?.previous) setCursor({ before: query.data.previous });
                  setPageNumber((p) => Math.max(1, p - 1));
                }}
              >
                Previous
              </button>
              <span className={uiStyles.muted} aria-live="polite">
                Page {pageNumber} of {pages}
              </span>
              <button
                type="button"
                className={uiStyles.button}
                disabled={!query.data?.next || query.isFetching}
                onClick={() => {
                  if (query.data?.next) setCursor({ after: query.data.next });
                  setPageNumber((p) => p + 1);
                }}
              >
                Next
              </button>
            </nav>
          }
        />
      )}
    </Panel>
  );
}

const order: readonly StageName[] = ['awareness', 'inquiry', 'qualification', 'conversion', 'retention', 'expansion', 'advocacy'];

function nextOf(stage: StageName): StageName | undefined {
  return order[order.indexOf(stage) + 1];
}
