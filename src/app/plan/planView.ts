// The plan's tables, shared by the Plan page and its dashboard tile: one view per report, so both
// show the same columns, formats and masking.
import type { Column, Row } from '~/components/DataTable';
import type { CellValue } from '~/lib/format';
import type { MaybeMasked } from '~/lib/masked';
import type { Masked } from '~/server/api/masking';
import type { PlanFacts } from '~/server/metrics/planMath';
import { isMasked } from '~/lib/masked';

/** Figures are real-valued; a week's plan is read to two decimals. */
export const round2 = (value: MaybeMasked<number | null>): CellValue => (value === null || isMasked(value) ? value : Math.round(value * 100) / 100);

export const outcomeText = {
  met: 'Target already met: nothing more is needed.',
  pipeline_covers: 'The open pipeline is expected to close the gap: the plan asks for nothing new.',
  needs_inquiries: 'New inquiries are needed to close the gap.',
  cannot_close_in_time: 'New inquiries cannot close in time: the gap has to come from the pipeline or not at all.',
} as const;

export const weekColumns: Column[] = [
  { key: 'week', header: 'ISO week', format: 'text' },
  { key: 'inquiries', header: 'Inquiries', format: 'text', help: 'New inquiries asked of the week (marketing)' },
  { key: 'qualified', header: 'Qualified', format: 'text', help: 'Of them, qualified by sales' },
  { key: 'wins', header: 'Wins from them', format: 'text', help: 'Wins by the period end of the week’s inquiries' },
  { key: 'revenueCents', header: 'Their revenue', format: 'cents' },
  { key: 'closing', header: 'Wins closing', format: 'text', help: 'Pipeline and new wins expected to close in the week' },
  { key: 'pipelineCents', header: 'Pipeline revenue', format: 'cents' },
  { key: 'onboardingStarts', header: 'Onboarding starts', format: 'text', help: 'Wins shifted by the median won -> onboarding lag (operations)' },
  { key: 'capacity', header: 'Capacity', format: 'count', help: 'Onboarding slots set for the week' },
];

export const sourceColumns: Column[] = [
  { key: 'source', header: 'Source', format: 'text' },
  { key: 'sample', header: 'Sample', format: 'text', help: 'Inquiries in the window behind the rates; fewer than 30 is a small sample' },
  { key: 'mix', header: 'Mix', format: 'percent' },
  { key: 'qualificationRate', header: 'Qualification rate', format: 'percent' },
  { key: 'winRate', header: 'Win rate', format: 'percent' },
  { key: 'medianDaysToWin', header: 'Median days to win', format: 'days' },
  { key: 'meanWonCents', header: 'Mean won amount', format: 'cents' },
  { key: 'planInquiries', header: 'Inquiries needed', format: 'text' },
  { key: 'planQualified', header: 'Qualified needed', format: 'text' },
  { key: 'planWins', header: 'Wins', format: 'text' },
  { key: 'costPerInquiryCents', header: 'Cost per inquiry', format: 'cents' },
  { key: 'planSpendCents', header: 'Spend needed', format: 'cents' },
];

interface WeekLike {
  week: string;
  inquiries: number | null;
  qualified: number | null;
  wins: number | null;
  revenueCents: MaybeMasked<number | null>;
  newWinsClosing: number | null;
  pipelineWins: number;
  pipelineCents: MaybeMasked<number>;
  onboardingStarts: number | null;
}

export function weekRows(weeks: readonly WeekLike[], capacity: Readonly<Record<string, number>>): Row[] {
  return weeks.map((w) => ({
    week: w.week,
    inquiries: round2(w.inquiries),
    qualified: round2(w.qualified),
    wins: round2(w.wins),
    revenueCents: round2(w.revenueCents),
    closing: w.newWinsClosing === null ? round2(w.pipelineWins) : round2(w.newWinsClosing + w.pipelineWins),
    pipelineCents: round2(w.pipelineCents),
    onboardingStarts: round2(w.onboardingStarts),
    capacity: Object.hasOwn(capacity, w.week) ? capacity[w.week]! : null,
  }));
}

interface SourceLike {
  source: string;
  inquiries: number;
  smallSample: boolean;
  mix: number;
  qualificationRate: number | null;
  winRate: number | null;
  medianDaysToWin: number | null;
  meanWonCents: MaybeMasked<number | null>;
  planInquiries: number | null;
  planQualified: number | null;
  planWins: number | null;
  costPerInquiryCents: MaybeMasked<number | null>;
  planSpendCents: MaybeMasked<number | null>;
}

export function sourceRows(sources: readonly SourceLike[]): Row[] {
  return sources.map((s) => ({
    source: s.source,
    sample: s.smallSample ? `${s.inquiries} (small sample)` : String(s.inquiries),
    mix: s.mix,
    qualificationRate: s.qualificationRate,
    winRate: s.winRate,
    medianDaysToWin: s.medianDaysToWin,
    meanWonCents: s.meanWonCents,
    planInquiries: round2(s.planInquiries),
    planQualified: round2(s.planQualified),
    planWins: round2(s.planWins),
    costPerInquiryCents: round2(s.costPerInquiryCents),
    planSpendCents: round2(s.planSpendCents),
  }));
}

/**
 * The facts as the browser recomputes from them. They reach only roles that see money; a value
 * still masked there is spend the role may not see, which the what-if treats as none.
 */
export function browserFacts(facts: Masked<PlanFacts> | null): PlanFacts | null {
  if (facts === null) return null;
  const amount = (value: MaybeMasked<number>) => (typeof value === 'number' ? value : 0);
  return {
    ...facts,
    targetCents: amount(facts.targetCents),
    wonSoFarCents: amount(facts.wonSoFarCents),
    sources: facts.sources.map((s) => ({ ...s, wonCents: amount(s.wonCents), spendCents: amount(s.spendCents) })),
    pipeline: facts.pipeline.map((w) => ({ ...w })),
  };
}
