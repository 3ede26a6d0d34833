// Plan backwards from a revenue target: what is won, what the pipeline should bring, and what each
// department owes per ISO week to close the rest; with what-if, tracking, backtest and "make these
// KPI targets". The target is a KPI target on won revenue (?target=id) or a number typed in
// (?amount=units&period=month|quarter); ?window= sets the trailing window in days.
import { DataTable, type Row } from '~/components/DataTable';
import { begin, Deferred, freshnessOf } from '~/components/Deferred';
import { PageHeader, Panel, Stat } from '~/components/Panel';
import { ReportHeader, TablePanel } from '~/components/ReportLayout';
import { EmptyState } from '~/components/States';
import styles from '~/components/ui.module.css';
import { Value } from '~/components/Value';
import { readParam } from '~/lib/urlFilters';
import { periodContaining } from '~/server/metrics/runRate';
import type { RouterOutputs } from '~/trpc/react';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { PlanWorkbench } from './PlanWorkbench';
import { browserFacts, outcomeText, round2 } from './planView';

type Params = Record<string, string | string[] | undefined>;

const statusText = { on_track: 'on track', behind: 'behind', not_started: 'no week over yet', no_plan: 'n/a' } as const;

type PlanAnswer = RouterOutputs['plan']['get'];

/** The answer's rows for its tables, once. */
function planRows(result: PlanAnswer) {
  return {
    lineRows: result.lines.map((l): Row => ({
      line: l.label,
      department: l.department,
      owner: l.ownerTarget ? l.ownerTarget.name : 'no target yet',
      actualSoFar: l.actualSoFar,
      planFromNow: round2(l.planFromNow),
      periodTotal: round2(l.periodTotal),
      plannedToDate: round2(l.plannedToDate),
      status: statusText[l.status],
    })),
    trackingRows: result.tracking.map((t): Row => ({
      week: t.week,
      inquiries: `${t.actualInquiries} / ${round2(t.plannedInquiries) ?? 'n/a'}`,
      qualified: `${t.actualQualified} / ${round2(t.plannedQualified) ?? 'n/a'}`,
      wins: `${t.actualWins} / ${round2(t.plannedWins) ?? 'n/a'}`,
      starts: `${t.actualStarts} / ${round2(t.plannedStarts) ?? 'n/a'}`,
      status: statusText[t.status],
    })),
  };
}

const subtitle = 'What each department must deliver to reach a revenue target.';

/** The gap between the target and what is won and expected, and what closing it takes. */
function Summary({ result }: { result: PlanAnswer }) {
  const { plan } = result;
  return (
    <>
      <div style={{ display: 'flex', gap: '2rem', flexWrap: 'wrap' }}>
        <Stat label="Target" testId="plan-target">
          <Value kind="cents" value={plan.targetCents} />
        </Stat>
        <Stat label="Won so far" testId="plan-won">
          <Value kind="cents" value={plan.wonSoFarCents} />
        </Stat>
        <Stat label="Pipeline expected" testId="plan-pipeline" hint="by the period end, the forecast's model">
          <Value kind="cents" value={plan.pipelineCents} />
        </Stat>
        <Stat label="Gap" testId="plan-gap">
          <Value kind="cents" value={plan.gapCents} />
        </Stat>
        <Stat label="Inquiries a week" testId="plan-per-week" hint={`over ${plan.weeks.length} ISO weeks`}>
          {plan.inquiriesPerWeek === null ? 'cannot close in time' : Math.round(plan.inquiriesPerWeek * 100) / 100}
        </Stat>
      </div>
      <p data-testid="plan-outcome">{outcomeText[plan.outcome]}</p>
      {result.notes.length > 0 ? (
        <div role="note" className="lead">
          {result.notes.map((n) => (
            <p key={n}>{n}</p>
          ))}
        </div>
      ) : null}
    </>
  );
}

function positiveNumber(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

export default async function PlanPage({ searchParams }: { searchParams: Promise<Params> }) {
  await requireUser();
  const params = await searchParams;
  const api = await serverCaller();
  const [me, targets] = await Promise.all([viewer(), api.plan.targets()]);
  const rights = me?.rights ?? [];
  const now = new Date();

  const window = Math.min(730, Math.max(28, Math.round(positiveNumber(readParam(params, 'window')) ?? 365)));
  const amount = positiveNumber(readParam(params, 'amount'));
  const periodKind: 'month' | 'quarter' = readParam(params, 'period') === 'month' ? 'month' : 'quarter';
  const targetParam = Number(readParam(params, 'target'));
  // Default: the first revenue target whose period is under way.
  const current = targets.filter((t) => t.periodStart === periodContaining(t.periodKind, now).start.toISOString().slice(0, 10));
  const target = amount === undefined ? (targets.find((t) => t.id === targetParam) ?? current[0]) : undefined;
  const request =
    target !== undefined
      ? { targetId: target.id, windowDays: window }
      : amount !== undefined
        ? { targetCents: Math.round(amount * 100), periodKind, windowDays: window }
        : null;

  const picker = (
    <form method="get" className={styles.filterBar} aria-label="Choose the revenue target">
      <div className={styles.field}>
        <label htmlFor="plan-target">Revenue target</label>
        <select id="plan-target" name="target" defaultValue={target ? String(target.id) : ''}>
          <option value="">A number typed in</option>
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.periodKind} from {t.periodStart})
            </option>
          ))}
        </select>
      </div>
      <div className={styles.field}>
        <label htmlFor="plan-amount">Or a number (currency units)</label>
        <input id="plan-amount" name="amount" type="number" min={0} step="any" defaultValue={amount ?? ''} />
      </div>
      <div className={styles.field}>
        <label htmlFor="plan-period">Period of the number</label>
        <select id="plan-period" name="period" defaultValue={periodKind}>
          <option value="quarter">This quarter</option>
          <option value="month">This month</option>
        </select>
      </div>
      <div className={styles.field}>
        <label htmlFor="plan-window">Window for rates (days)</label>
        <input id="plan-window" name="window" type="number" min={28} max={730} step={1} defaultValue={window} />
      </div>
      <div className={styles.filterActions}>
        <button type="submit" className={`${styles.button} ${styles.primary}`}>
          Plan
        </button>
      </div>
    </form>
  );

  if (!request) {
    return (
      <>
        <PageHeader title="Plan" subtitle={subtitle} />
        <Panel id="target" title="Which number?">
          {picker}
          <EmptyState>No revenue target runs this period: pick one above or type a number.</EmptyState>
        </Panel>
      </>
    );
  }

  // The plan is the page's one slow answer: the heading and the target picker show at once.
  const result = begin(api.plan.get(request));
  const rows = begin(result.then(planRows));
  const canExport = rights.includes('exportCsv');

  return (
    <>
      <ReportHeader
        title="Plan"
        subtitle={
          <Deferred value={result} fallback={subtitle}>
            {(r) => `${r.target.name}: ${r.target.periodKind} from ${r.target.periodStart}, made ${r.madeAt.slice(0, 16).replace('T', ' ')} UTC, rates over the last ${r.windowDays} days.`}
          </Deferred>
        }
        freshness={freshnessOf(result)}
      />

      <Panel id="target" title="Which number?">
        {picker}
      </Panel>

      <Panel id="summary" title="The gap">
        <Deferred value={result} label="Loading the plan">
          {(r) => <Summary result={r} />}
        </Deferred>
      </Panel>

      <TablePanel
        id="lines"
        title="Each department's line"
        description="The owner is the accountable department of the period's KPI target of the line, when there is one. On track: the actual to date at or above the plan made at the period start, over the weeks that are over."
        caption="Department lines"
        columns={[
          { key: 'line', header: 'Line', format: 'text', wrap: true },
          { key: 'department', header: 'Accountable', format: 'text' },
          { key: 'owner', header: 'KPI target', format: 'text', wrap: 'narrow' },
          { key: 'actualSoFar', header: 'Actual so far', format: 'count' },
          { key: 'planFromNow', header: 'Plan from now', format: 'text' },
          { key: 'periodTotal', header: 'Period total', format: 'text' },
          { key: 'plannedToDate', header: 'Planned to date', format: 'text' },
          { key: 'status', header: 'Status', format: 'text' },
        ]}
        rows={begin(rows.then((r) => r.lineRows))}
        loading="Loading the department lines"
        rowKey="line"
        canExport={canExport}
        exportName="plan-lines"
        sortable={false}
      />

      <Deferred value={result} label="Loading the plan per week">
        {(r) => (
          <PlanWorkbench
            request={request}
            facts={browserFacts(r.facts)}
            baseline={r.plan}
            capacity={r.capacity}
            canSeeSpend={rights.includes('seeSpend')}
            canExport={canExport}
            canMakeTargets={rights.includes('editOwnKpiTargets')}
          />
        )}
      </Deferred>

      <TablePanel
        id="tracking"
        title="Week by week so far"
        description="Actual / planned, against the plan as made at the period start; wins are those closing in the week."
        caption="Actual against the plan per week"
        columns={[
          { key: 'week', header: 'ISO week', format: 'text' },
          { key: 'inquiries', header: 'Inquiries', format: 'text' },
          { key: 'qualified', header: 'Qualified', format: 'text' },
          { key: 'wins', header: 'Wins', format: 'text' },
          { key: 'starts', header: 'Onboarding starts', format: 'text' },
          { key: 'status', header: 'Status', format: 'text' },
        ]}
        rows={begin(rows.then((r) => r.trackingRows))}
        loading="Loading the weeks so far"
        rowKey="week"
        canExport={canExport}
        exportName="plan-tracking"
        sortable={false}
        empty={<EmptyState>No week of the period is over yet.</EmptyState>}
      />

      <Panel
        id="backtest"
        title="How accurate has it been?"
        description="The plan made 13 weeks ago for its period, asked for the revenue that period actually reached: the wins it called for against the wins that came (absolute percentage error, lower is better)."
      >
        <Deferred value={result} label="Loading the backtest">
          {({ backtest }) =>
            backtest ? (
              <DataTable
                caption="Backtest"
                columns={[
                  { key: 'madeAt', header: 'Made on', format: 'date' },
                  { key: 'period', header: 'Period', format: 'text' },
                  { key: 'targetCents', header: 'Revenue reached', format: 'cents' },
                  { key: 'predictedWins', header: 'Wins called for', format: 'text' },
                  { key: 'actualWins', header: 'Wins that came', format: 'count' },
                  { key: 'error', header: 'Error', format: 'percent' },
                ]}
                rows={[
                  {
                    madeAt: backtest.madeAt,
                    period: `${backtest.periodStart.slice(0, 10)} to ${backtest.periodEnd.slice(0, 10)}`,
                    targetCents: backtest.targetCents,
                    predictedWins: round2(backtest.predictedWins),
                    actualWins: backtest.actualWins,
                    error: backtest.absolutePercentageError,
                  },
                ]}
                rowKey="madeAt"
                canExport={canExport}
                exportName="plan-backtest"
                sortable={false}
              />
            ) : (
              <EmptyState>No earlier period to test against.</EmptyState>
            )
          }
        </Deferred>
      </Panel>
    </>
  );
}
