// Accountability: KPI targets (QQTR with RACI) against their actuals and run-rate projections, and
// the notes departments wrote each other about them, and the three handoffs with their SLAs and
// black-hole lists, each owned by one department.
import { begin, Deferred, freshnessOf } from '~/components/Deferred';
import { FilterBar } from '~/components/FilterBar';
import { Panel, Stat } from '~/components/Panel';
import { ReportHeader, TablePanel } from '~/components/ReportLayout';
import { ParamSelect } from '~/components/ParamSelect';
import { Value } from '~/components/Value';
import { formatValue } from '~/lib/format';
import { isMasked } from '~/lib/masked';
import { describeRange, parseFilters, readParam, toMetricInput } from '~/lib/urlFilters';
import { departments, type Department } from '~/server/ingest/catalogue';
import type { RouterOutputs } from '~/trpc/react';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { handoffKinds } from '~/server/metrics/handoffs';
import { BlackHoleTable } from './BlackHoleTable';
import { KpiControls, type EditableTarget } from './KpiControls';
import { NoteForm } from './NoteForm';
import { handoffLabels, medianText } from '../reports/handoffs';
import { kpiTargetColumns, kpiTargetRows } from '../reports/kpis';

function parseDepartment(value: string | undefined): Department | undefined {
  return (departments as readonly string[]).includes(value ?? '') ? (value as Department) : undefined;
}

type Statuses = RouterOutputs['kpis']['list'];

/** The targets the user may edit, as the editor takes them. */
function editableTargets(statuses: Statuses): EditableTarget[] {
  return statuses
    .filter((s) => s.canEdit)
    .map((s) => ({
      id: s.target.id,
      name: s.target.name,
      metric: s.target.metric,
      periodKind: s.target.periodKind,
      periodStart: s.target.periodStart,
      targetValue: isMasked(s.target.targetValue) ? null : s.target.targetValue,
      qualityMetric: s.target.qualityMetric,
      qualityMin: s.target.qualityMin,
      budgetCents: isMasked(s.target.budgetCents) ? null : s.target.budgetCents,
      budgetMasked: isMasked(s.target.budgetCents),
      accountable: s.target.accountable,
      responsible: s.target.responsible,
      consulted: s.target.consulted,
      informed: s.target.informed,
      filters: s.target.filters,
    }));
}

export default async function AccountabilityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const params = await searchParams;
  const input = toMetricInput(parseFilters(params), new Date());
  const department = parseDepartment(readParam(params, 'department'));
  const api = await serverCaller();
  // One instant for the report and every page of its black holes.
  const judgedAt = new Date().toISOString();
  // The KPI targets (with the notes on them) and the handoffs each stream into their own panels.
  const targets = begin(Promise.all([api.kpis.list({ department }), api.kpis.metrics(), api.kpis.editing()]));
  const statuses = begin(targets.then(([list]) => list));
  const notes = begin(
    statuses.then(async (list) => {
      const targetIds = list.slice(0, 200).map((s) => String(s.target.id));
      return { list, notes: targetIds.length > 0 ? await api.notes.about({ subjectKind: 'kpi_target', subjectIds: targetIds }) : [] };
    }),
  );
  const report = begin(api.handoffs.report({ ...input, asOf: judgedAt, blackHoleLimit: 1 }));
  const handoffs = begin(Promise.all([report, Promise.all(handoffKinds.map((handoff) => api.handoffs.blackHole({ ...input, handoff, asOf: judgedAt, pageSize: 50 })))]));
  const canExport = (await viewer())?.rights.includes('exportCsv') ?? false;

  return (
    <>
      <ReportHeader
        title="Accountability"
        subtitle="Who owns which number, how it is going, and where work waits between departments."
        freshness={freshnessOf(report)}
      />

      <Panel
        id="targets"
        title="KPI targets"
        description="Quantity, quality standard, timeframe and budget, with the accountable department and the others responsible, consulted or informed. Projection: the run rate so far carried to the period end."
        actions={
          <ParamSelect
            id="kpi-department"
            label="Department"
            param="department"
            defaultValue="all"
            options={[{ value: 'all', label: 'Every department' }, ...departments.map((d) => ({ value: d, label: d }))]}
          />
        }
      >
        <Deferred value={targets} label="Loading the KPI targets">
          {([list, metrics, editing]) => (
            <KpiControls
              caption="KPI targets: actual against target"
              columns={kpiTargetColumns}
              rows={kpiTargetRows(list, metrics)}
              canExport={canExport}
              mayEdit={editing.canCreate}
              metrics={metrics.map((m) => ({ metric: m.metric, label: m.label, unit: m.unit, shape: m.shape }))}
              departments={[...departments]}
              ownDepartments={editing.departments}
              editable={editableTargets(list)}
            />
          )}
        </Deferred>
      </Panel>

      <TablePanel
        id="notes"
        title="Notes between departments"
        description="On the record: who wrote what to whom, about which target. Notes on black-hole items and accounts are written here too and show on the account's page."
        caption="Notes on KPI targets"
        columns={[
          { key: 'createdAt', header: 'When', format: 'date' },
          { key: 'target', header: 'Target', format: 'text' },
          { key: 'from', header: 'From', format: 'text' },
          { key: 'to', header: 'To', format: 'text' },
          { key: 'body', header: 'Note', format: 'text' },
        ]}
        rows={begin(
          notes.then(({ list, notes: written }) => {
            const targetNames = new Map(list.map((s) => [String(s.target.id), s.target.name]));
            return written.map((n) => ({
              id: n.id,
              createdAt: n.createdAt.toISOString(),
              target: targetNames.get(n.subjectId) ?? n.subjectId,
              from: `${n.authorName} (${n.authorDepartment})`,
              to: n.toDepartment,
              body: n.body,
            }));
          }),
        )}
        loading="Loading the notes"
        rowKey="id"
        canExport={false}
        exportName="notes"
        empty="No notes on these targets yet."
      >
        <Deferred value={statuses} fallback={null}>
          {(list) => <NoteForm targets={list.map((s) => ({ id: s.target.id, name: s.target.name }))} departments={[...departments, 'executive']} />}
        </Deferred>
      </TablePanel>

      <h2>Handoffs</h2>
      <p>Items whose handoff started {describeRange(input.range)} (UTC); open items judged at {judgedAt.slice(0, 16).replace('T', ' ')} UTC.</p>
      <FilterBar />
      <Deferred value={handoffs} label="Loading the handoffs">
        {([answer, blackHoles]) =>
          answer.handoffs.map((h) => (
            <Panel
              key={h.handoff}
              id={`handoff-${h.handoff}`}
              title={handoffLabels[h.handoff]}
              description={`Owned by ${h.department}. SLA ${formatValue('count', h.slaHours)} hours. Within SLA: handed off in time / (handed off + open past SLA).`}
            >
              <div style={{ display: 'flex', gap: '1rem 2rem', flexWrap: 'wrap', marginBottom: '1rem' }} data-handoff={h.handoff}>
                <Stat label="Started" testId={`${h.handoff}-items`}>
                  <Value kind="count" value={h.items} />
                </Stat>
                <Stat label="Handed off" testId={`${h.handoff}-done`}>
                  <Value kind="count" value={h.done} />
                </Stat>
                <Stat label="Median time" testId={`${h.handoff}-median`}>
                  {medianText(h.medianHours)}
                </Stat>
                <Stat label="Within SLA" testId={`${h.handoff}-share`}>
                  <Value kind="percent" value={h.withinSlaShare} />
                </Stat>
                <Stat label="Open past SLA" testId={`${h.handoff}-past`}>
                  <Value kind="count" value={h.openPastSla} />
                </Stat>
              </div>
              <BlackHoleTable
                handoff={h.handoff}
                caption={`Black hole: ${handoffLabels[h.handoff].toLowerCase()}, open past SLA`}
                input={input}
                asOf={judgedAt}
                first={blackHoles[handoffKinds.indexOf(h.handoff)]!}
                canExport={canExport}
              />
            </Panel>
          ))
        }
      </Deferred>
    </>
  );
}
