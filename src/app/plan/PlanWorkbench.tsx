'use client';
// What-if on the plan: change a stage's conversion, the velocity, the source mix or the spend and
// see the plan recomputed at once, beside the baseline. With the facts at hand (roles that see
// money) the browser runs the same pure function as the server; otherwise the server recomputes it
// and masks as usual. "Make these KPI targets" turns the plan shown into targets, within the rights
// the server checks on every line.
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useMemo, useState, useTransition, type ChangeEvent } from 'react';
import { DataTable, type Row } from '~/components/DataTable';
import { Panel } from '~/components/Panel';
import styles from '~/components/ui.module.css';
import { masked, type MaybeMasked } from '~/lib/masked';
import { makePlan, type PlanFacts, type WhatIf } from '~/server/metrics/planMath';
import { useTRPC, useTRPCClient, type RouterInputs, type RouterOutputs } from '~/trpc/react';
import { outcomeText, round2, sourceColumns, sourceRows, weekColumns, weekRows } from './planView';

type ShownPlan = RouterOutputs['plan']['get']['plan'];
type Request = Omit<RouterInputs['plan']['get'], 'whatIf'>;

interface Props {
  request: Request;
  facts: PlanFacts | null;
  baseline: ShownPlan;
  capacity: Record<string, number>;
  canSeeSpend: boolean;
  canExport: boolean;
  canMakeTargets: boolean;
}

interface Controls {
  qualification: number;
  win: number;
  velocity: number;
  mix: Record<string, number>;
  budget: string;
}

const percentOf = (x: number) => Math.round(x * 1000) / 10;

function toWhatIf(controls: Controls, measuredMix: Record<string, number>): WhatIf {
  const whatIf: WhatIf = {};
  if (controls.qualification !== 100) whatIf.qualificationFactor = controls.qualification / 100;
  if (controls.win !== 100) whatIf.winFactor = controls.win / 100;
  if (controls.velocity !== 100) whatIf.velocityFactor = controls.velocity / 100;
  if (Object.entries(controls.mix).some(([source, share]) => share !== measuredMix[source])) whatIf.mix = controls.mix;
  const budget = Number(controls.budget);
  if (controls.budget.trim() !== '' && Number.isFinite(budget) && budget >= 0) whatIf.budgetCents = Math.round(budget * 100);
  return whatIf;
}

/** Spend a role may not see stays masked when the browser recomputes (its facts carry no spend). */
function hideSpend(plan: ShownPlan): ShownPlan {
  return {
    ...plan,
    sources: plan.sources.map((s) => ({ ...s, costPerInquiryCents: masked, planSpendCents: masked })),
    totals: { ...plan.totals, spendCents: masked },
    budget: plan.budget === null ? null : { ...plan.budget, budgetCents: masked },
  };
}

const change = (base: MaybeMasked<number | null>, next: MaybeMasked<number | null>): MaybeMasked<number | null> =>
  typeof base === 'number' && typeof next === 'number' ? next - base : typeof base === 'object' && base !== null ? masked : null;

export function PlanWorkbench({ request, facts, baseline, capacity, canSeeSpend, canExport, canMakeTargets }: Props) {
  const measuredMix = useMemo(() => Object.fromEntries(baseline.sources.map((s) => [s.source, percentOf(s.mix)])), [baseline.sources]);
  const initial: Controls = { qualification: 100, win: 100, velocity: 100, mix: measuredMix, budget: '' };
  const [controls, setControls] = useState<Controls>(initial);
  const whatIf = useMemo(() => toWhatIf(controls, measuredMix), [controls, measuredMix]);
  const changed = Object.keys(whatIf).length > 0;

  const local = useMemo(() => {
    if (!facts || !changed) return null;
    const plan = makePlan(facts, whatIf) as ShownPlan;
    return canSeeSpend ? plan : hideSpend(plan);
  }, [facts, whatIf, changed, canSeeSpend]);

  const trpc = useTRPC();
  const remote = useQuery({ ...trpc.plan.get.queryOptions({ ...request, whatIf }), enabled: facts === null && changed });
  const plan: ShownPlan = !changed ? baseline : (local ?? remote.data?.plan ?? baseline);
  const pending = changed && facts === null && remote.isFetching;

  const set = (key: 'qualification' | 'win' | 'velocity') => (e: ChangeEvent<HTMLInputElement>) =>
    setControls((c) => ({ ...c, [key]: Math.min(400, Math.max(25, Number(e.target.value) || 100)) }));
  const setMix = (source: string) => (e: ChangeEvent<HTMLInputElement>) =>
    setControls((c) => ({ ...c, mix: { ...c.mix, [source]: Math.max(0, Number(e.target.value) || 0) } }));

  const comparison: Row[] = [
    { figure: 'Inquiries a week', baseline: round2(baseline.inquiriesPerWeek), whatIf: round2(plan.inquiriesPerWeek), change: round2(change(baseline.inquiriesPerWeek, plan.inquiriesPerWeek)) },
    { figure: 'Inquiries in all', baseline: round2(baseline.totals.inquiries), whatIf: round2(plan.totals.inquiries), change: round2(change(baseline.totals.inquiries, plan.totals.inquiries)) },
    { figure: 'Qualified leads', baseline: round2(baseline.totals.qualified), whatIf: round2(plan.totals.qualified), change: round2(change(baseline.totals.qualified, plan.totals.qualified)) },
    { figure: 'Wins from new inquiries', baseline: round2(baseline.totals.wins), whatIf: round2(plan.totals.wins), change: round2(change(baseline.totals.wins, plan.totals.wins)) },
    {
      figure: 'Onboarding starts',
      baseline: round2(baseline.totals.onboardingStarts),
      whatIf: round2(plan.totals.onboardingStarts),
      change: round2(change(baseline.totals.onboardingStarts, plan.totals.onboardingStarts)),
    },
  ];
  const spendRow: Row = {
    figure: 'Spend needed',
    baseline: round2(baseline.totals.spendCents),
    whatIf: round2(plan.totals.spendCents),
    change: round2(change(baseline.totals.spendCents, plan.totals.spendCents)),
  };

  const client = useTRPCClient();
  const router = useRouter();
  const [making, startMaking] = useTransition();
  const [made, setMade] = useState<string | null>(null);
  const makeTargets = () =>
    startMaking(async () => {
      setMade(null);
      try {
        const result = await client.plan.makeTargets.mutate({ ...request, whatIf: changed ? whatIf : undefined });
        const parts = [
          result.created.length > 0 ? `Created: ${result.created.map((t) => t.name).join('; ')}.` : '',
          result.updated.length > 0 ? `Updated: ${result.updated.map((t) => t.name).join('; ')}.` : '',
          result.skipped.length > 0 ? `Left to their owners: ${result.skipped.map((t) => `${t.metric} (${t.accountable})`).join(', ')}.` : '',
        ];
        setMade(parts.filter(Boolean).join(' ') || 'Nothing to set.');
        router.refresh();
      } catch (error) {
        setMade(error instanceof Error ? error.message : 'The targets were not made.');
      }
    });

  const budget = plan.budget;
  return (
    <>
      <Panel
        id="what-if"
        title="What if"
        description="Change a rate, the velocity, the mix or the spend: the plan below is recomputed at once, beside the baseline (100% = as measured over the window)."
      >
        <form className={styles.filterBar} onSubmit={(e) => e.preventDefault()} aria-label="What-if changes">
          <div className={styles.field}>
            <label htmlFor="wi-qualification">Qualification rate (%)</label>
            <input id="wi-qualification" type="number" min={25} max={400} step={5} value={controls.qualification} onChange={set('qualification')} />
          </div>
          <div className={styles.field}>
            <label htmlFor="wi-win">Qualified → won rate (%)</label>
            <input id="wi-win" type="number" min={25} max={400} step={5} value={controls.win} onChange={set('win')} />
          </div>
          <div className={styles.field}>
            <label htmlFor="wi-velocity">Time to win (%)</label>
            <input id="wi-velocity" type="number" min={25} max={400} step={5} value={controls.velocity} onChange={set('velocity')} />
          </div>
          <div className={styles.field}>
            <label htmlFor="wi-budget">Budget for new inquiries (currency units)</label>
            <input id="wi-budget" type="number" min={0} step="any" value={controls.budget} onChange={(e) => setControls((c) => ({ ...c, budget: e.target.value }))} />
          </div>
          {baseline.sources.map((s) => (
            <div className={styles.field} key={s.source}>
              <label htmlFor={`wi-mix-${s.source}`}>Mix: {s.source} (%)</label>
              <input id={`wi-mix-${s.source}`} type="number" min={0} step={1} value={controls.mix[s.source] ?? 0} onChange={setMix(s.source)} />
            </div>
          ))}
          <div className={styles.filterActions}>
            <button type="button" className={styles.button} onClick={() => setControls(initial)} disabled={!changed}>
              Back to the baseline
            </button>
          </div>
        </form>
        <p role="status" className={styles.muted} data-testid="what-if-status">
          {pending ? 'Recomputing…' : changed ? `What-if: ${outcomeText[plan.outcome]}` : 'Baseline: as measured.'}
        </p>
        <DataTable
          caption="What-if against the baseline"
          columns={[
            { key: 'figure', header: 'Figure', format: 'text' },
            { key: 'baseline', header: 'Baseline', format: 'text' },
            { key: 'whatIf', header: 'What-if', format: 'text' },
            { key: 'change', header: 'Change', format: 'text' },
          ]}
          rows={comparison}
          rowKey="figure"
          canExport={canExport}
          exportName="plan-what-if"
          sortable={false}
        />
        <DataTable
          caption="Spend needed, baseline and what-if"
          columns={[
            { key: 'figure', header: 'Figure', format: 'text' },
            { key: 'baseline', header: 'Baseline', format: 'cents' },
            { key: 'whatIf', header: 'What-if', format: 'cents' },
            { key: 'change', header: 'Change', format: 'cents' },
          ]}
          rows={[spendRow]}
          rowKey="figure"
          canExport={false}
          exportName="plan-what-if-spend"
          sortable={false}
        />
        {budget ? (
          <p data-testid="what-if-budget">
            The budget buys {budget.inquiriesPerWeek === null ? 'no inquiries (no source has a cost)' : `${round2(budget.inquiriesPerWeek)} inquiries a week`}
            {typeof budget.shortfallCents === 'number' ? (budget.shortfallCents === 0 ? ', enough to close the gap.' : ', not enough to close the gap.') : '.'}
          </p>
        ) : null}
      </Panel>

      <Panel id="weeks" title="Per ISO week" description="Inquiries, qualified leads and their wins by the week the inquiry is made; wins closing and onboarding starts by the week they happen.">
        <DataTable caption="The plan per ISO week" columns={weekColumns} rows={weekRows(plan.weeks, capacity)} rowKey="week" canExport={canExport} exportName="plan-weeks" sortable={false} dense />
      </Panel>

      <Panel id="sources" title="Marketing: inquiries by source" description="Rates, velocity and amounts from the window's inquiries of each source; n/a where a source has no win.">
        <DataTable caption="The plan by source" columns={sourceColumns} rows={sourceRows(plan.sources)} rowKey="source" canExport={canExport} exportName="plan-sources" dense />
      </Panel>

      <Panel id="make-targets" title="Make these KPI targets" description="One target per line for the period: inquiries (marketing), qualified leads and won deals (sales), onboarding starts (operations). An existing target of the line is updated; each department sets its own.">
        <div className={styles.tableTools} style={{ justifyContent: 'flex-start' }}>
          <button type="button" className={`${styles.button} ${styles.primary}`} onClick={makeTargets} disabled={!canMakeTargets || making || plan.outcome === 'cannot_close_in_time'}>
            {changed ? 'Make the what-if plan KPI targets' : 'Make these KPI targets'}
          </button>
          <span role="status" className={styles.muted} data-testid="make-targets-status">
            {canMakeTargets ? made : 'Your role may not set KPI targets.'}
          </span>
        </div>
      </Panel>
    </>
  );
}
