// Accountability: KPI targets (QQTR with RACI) against their actuals and run-rate projections, and
// the notes departments wrote each other about them, and the three handoffs with their SLAs and
// black-hole lists, each owned by one department.
import { FilterBar } from '~/components/FilterBar';
import { Panel, Stat } from '~/components/Panel';
import { ReportHeader, TablePanel } from '~/components/ReportLayout';
import { ParamSelect } from '~/components/ParamSelect';
import { Value } from '~/components/Value';
import { formatValue } from '~/lib/format';
import { isMasked } from '~/lib/masked';
import { describeRange, parseFilters, readParam, toMetricInput } from '~/lib/urlFilters';
import { departments, type Department } from '~/server/ingest/catalogue';
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

export default async function AccountabilityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const params = await searchParams;
  const input = toMetricInput(parseFilters(params), new Date());
  const department = parseDepartment(readParam(params, 'department'));
  const api = await serverCaller();
  // One instant for the report and every page of its black holes.
  const judgedAt = new Date().toISOString();
  const [me, metrics, editing, statuses, handoffs, ...blackHoles] = await Promise.all([
    viewer(),
    api.kpis.metrics(),
    api.kpis.editing(),
    api.kpis.list({ department }),
    api.handoffs.report({ ...input, asOf: judgedAt, blackHoleLimit: 1 }),
    ...handoffKinds.map((handoff) => api.handoffs.blackHole({ ...input, handoff, asOf: judgedAt, pageSize: 50 })),
  ]);
  const targetIds = statuses.slice(0, 200).map((s) => String(s.target.id));
  const notes = targetIds.length > 0 ? await api.notes.about({ subjectKind: 'kpi_target', subjectIds: targetIds }) : [];
  const targetNames = new Map(statuses.map((s) => [String(s.target.id), s.target.name]));
  const canExport = me?.rights.includes('exportCsv') ?? false;

  const targetRows = kpiTargetRows(statuses, metrics);

  const editable: EditableTarget[] = statuses
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

  return (
    <>
      <ReportHeader
        title="Accountability"
        subtitle="Who owns which number, how it is going, and where work waits between departments."
        freshness={{ asOf: handoffs.asOf, lagSeconds: handoffs.lagSeconds }}
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
        <KpiControls
          caption="KPI targets: actual against target"
          columns={kpiTargetColumns}
          rows={targetRows}
          canExport={canExport}
          mayEdit={editing.canCreate}
          metrics={metrics.map((m) => ({ metric: m.metric, label: m.label, unit: m.unit, shape: m.shape }))}
          departments={[...departments]}
          ownDepartments={editing.departments}
          editable={editable}
        />
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
        rows={notes.map((n) => ({
          id: n.id,
          createdAt: n.createdAt.toISOString(),
          target: targetNames.get(n.subjectId) ?? n.subjectId,
          from: `${n.authorName} (${n.authorDepartment})`,
          to: n.toDepartment,
          body: n.body,
        }))}
        rowKey="id"
        canExport={false}
        exportName="notes"
        empty="No notes on these targets yet."
      >
        <NoteForm targets={statuses.map((s) => ({ id: s.target.id, name: s.target.name }))} departments={[...departments, 'executive']} />
      </TablePanel>

      <h2>Handoffs</h2>
      <p>Items whose handoff started {describeRange(input.range)} (UTC); open items judged at {judgedAt.slice(0, 16).replace('T', ' ')} UTC.</p>
      <FilterBar />
      {handoffs.handoffs.map((h) => (
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
      ))}
    </>
  );
}
