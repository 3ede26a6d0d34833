// One tile of a saved dashboard, fetched through the normal procedures with the caller's (the
// viewer's) session, so what the viewer may not see is masked here exactly as on the source page.
import { CategoryBars } from '~/components/charts/CategoryBars';
import { FunnelBars } from '~/components/charts/FunnelBars';
import { DataTable, type Row } from '~/components/DataTable';
import { Panel } from '~/components/Panel';
import { ErrorState } from '~/components/States';
import { formatValue } from '~/lib/format';
import { describeRange } from '~/lib/urlFilters';
import { tileKindLabels, tileRange, type DashboardTile } from '~/server/dashboards';
import type { serverCaller } from '~/trpc/server';
import { modelLabels } from '../attribution/labels';
import { outcomeText, round2, weekColumns, weekRows } from '../plan/planView';
import { periodContaining } from '~/server/metrics/runRate';
import { EmptyState } from '~/components/States';

type Api = Awaited<ReturnType<typeof serverCaller>>;

const stageLabel = (stage: string) => stage[0]!.toUpperCase() + stage.slice(1);

function describeFilters(tile: DashboardTile): string {
  const parts = Object.entries(tile.filters)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${String(v)}`);
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

async function tileBody(api: Api, tile: DashboardTile, index: number, canExport: boolean, now: Date) {
  const input = { range: tileRange(tile, now), filters: tile.filters };
  const name = `tile-${index + 1}-${tile.kind}`;
  switch (tile.kind) {
    case 'funnel': {
      const report = await api.funnel.report(input);
      const data: Row[] = report.stages.map((s) => ({ stage: s.stage, label: stageLabel(s.stage), journeys: s.journeys, conversionToNext: s.conversionToNext }));
      return (
        <>
          <FunnelBars ariaLabel="Journeys by stage" caption="Journeys that reached each stage" data={data} />
          <DataTable
            caption="Journeys by stage"
            columns={[
              { key: 'label', header: 'Stage', format: 'text' },
              { key: 'journeys', header: 'Journeys', format: 'count' },
              { key: 'conversionToNext', header: 'To next stage', format: 'percent' },
            ]}
            rows={data}
            rowKey="stage"
            canExport={canExport}
            exportName={name}
          />
        </>
      );
    }
    case 'sourcesBySource':
    case 'sourcesByCampaign': {
      const report = await api.sources.report(input);
      const bySource = tile.kind === 'sourcesBySource';
      const rows: Row[] = bySource
        ? report.bySource.map((r) => ({ key: r.source, label: r.source, leads: r.leads, qualified: r.qualified, won: r.won, winRate: r.winRate, revenue: r.wonRevenueCents, spend: r.spendCents, cac: r.cacCents, roi: r.roi }))
        : report.byCampaign.map((r) => ({
            key: r.campaignId ?? '(none)',
            label: r.campaignId === null ? 'No campaign' : (r.campaignName ?? r.campaignId),
            leads: r.leads,
            qualified: r.qualified,
            won: r.won,
            winRate: r.winRate,
            revenue: r.wonRevenueCents,
            spend: r.spendCents,
            cac: r.cacCents,
            roi: r.roi,
          }));
      return (
        <DataTable
          caption={bySource ? 'Lead-to-close by source' : 'Lead-to-close by campaign'}
          columns={[
            { key: 'label', header: bySource ? 'Source' : 'Campaign', format: 'text' },
            { key: 'leads', header: 'Leads', format: 'count' },
            { key: 'qualified', header: 'Qualified', format: 'count' },
            { key: 'won', header: 'Won', format: 'count' },
            { key: 'winRate', header: 'Win rate', format: 'percent' },
            { key: 'revenue', header: 'Won revenue', format: 'cents' },
            { key: 'spend', header: 'Spend', format: 'cents' },
            { key: 'cac', header: 'CAC', format: 'cents' },
            { key: 'roi', header: 'ROI', format: 'percent' },
          ]}
          rows={rows}
          rowKey="key"
          canExport={canExport}
          exportName={name}
        />
      );
    }
    case 'attributionByChannel':
    case 'attributionByCampaign': {
      const report = await api.attribution.report(input);
      const model = tile.model ?? 'linear';
      const byChannel = tile.kind === 'attributionByChannel';
      const rows: Row[] = (byChannel ? report.byChannel : report.byCampaign).map((r) => ({
        key: r.key ?? '(none)',
        label: r.key === null ? (byChannel ? '(none)' : 'No campaign') : (r.name ?? r.key),
        revenue: r.models[model].revenueCents,
        deals: r.models[model].influencedDeals,
      }));
      const caption = `Revenue credit by ${byChannel ? 'channel' : 'campaign'}, ${modelLabels[model]} model`;
      return (
        <>
          <CategoryBars ariaLabel={caption} caption={caption} data={rows} categoryKey="label" categoryLabel={byChannel ? 'Channel' : 'Campaign'} series={[{ key: 'revenue', label: 'Revenue credit' }]} valueFormat="cents" layout="horizontal" />
          <DataTable
            caption={caption}
            columns={[
              { key: 'label', header: byChannel ? 'Channel' : 'Campaign', format: 'text' },
              { key: 'revenue', header: 'Revenue credit', format: 'cents' },
              { key: 'deals', header: 'Influenced deals', format: 'count' },
            ]}
            rows={rows}
            rowKey="key"
            canExport={canExport}
            exportName={name}
          />
        </>
      );
    }
    case 'forecast': {
      const forecast = await api.forecast.onboarding({});
      const rows: Row[] = forecast.weeks.map((w) => ({
        week: w.week,
        expectedWins: Math.round(w.expectedWins * 100) / 100,
        expectedStarts: Math.round(w.expectedStarts * 100) / 100,
        capacity: w.capacity ?? 'not set',
      }));
      return (
        <DataTable
          caption="Expected onboarding per ISO week"
          columns={[
            { key: 'week', header: 'ISO week', format: 'text' },
            { key: 'expectedWins', header: 'Expected wins', format: 'text' },
            { key: 'expectedStarts', header: 'Expected starts', format: 'text' },
            { key: 'capacity', header: 'Capacity', format: 'count' },
          ]}
          rows={rows}
          rowKey="week"
          canExport={canExport}
          exportName={name}
        />
      );
    }
    case 'kpis': {
      const statuses = await api.kpis.list({});
      const rows: Row[] = statuses.map((s) => ({
        id: s.target.id,
        name: s.target.name,
        accountable: s.target.accountable,
        attainment: s.attainment,
        status: s.status.replace('_', ' '),
      }));
      return (
        <DataTable
          caption="KPI targets"
          columns={[
            { key: 'name', header: 'Target', format: 'text' },
            { key: 'accountable', header: 'Accountable', format: 'text' },
            { key: 'attainment', header: 'Attained', format: 'percent' },
            { key: 'status', header: 'Status', format: 'text' },
          ]}
          rows={rows}
          rowKey="id"
          canExport={canExport}
          exportName={name}
        />
      );
    }
    case 'customerRetention': {
      const quarters = await api.customers.retention(input);
      return (
        <DataTable
          caption="Revenue retention by quarter"
          columns={[
            { key: 'quarter', header: 'Quarter', format: 'text' },
            { key: 'accounts', header: 'Accounts', format: 'count' },
            { key: 'startingCents', header: 'Starting', format: 'cents' },
            { key: 'churnedCents', header: 'Churned', format: 'cents' },
            { key: 'netRevenueRetention', header: 'NRR', format: 'percent' },
            { key: 'grossRetention', header: 'Gross retention', format: 'percent' },
          ]}
          rows={quarters.map((q): Row => ({ ...q }))}
          rowKey="quarter"
          canExport={canExport}
          exportName={name}
        />
      );
    }
    case 'customerValueBySource': {
      const report = await api.customers.report(input);
      const rows: Row[] = report.valueBy.source.map((g) => ({
        key: g.key ?? '(none)',
        label: g.key ?? '(no journey)',
        customers: g.customers,
        retainedShare: g.retainedShare,
        lifetimeValueCents: g.lifetimeValueCents,
        averageLifetimeValueCents: g.averageLifetimeValueCents,
      }));
      return (
        <DataTable
          caption="Lifetime value by original source"
          columns={[
            { key: 'label', header: 'Source', format: 'text' },
            { key: 'customers', header: 'Customers', format: 'count' },
            { key: 'retainedShare', header: 'Still customers', format: 'percent' },
            { key: 'lifetimeValueCents', header: 'Lifetime value', format: 'cents' },
            { key: 'averageLifetimeValueCents', header: 'Average LTV', format: 'cents' },
          ]}
          rows={rows}
          rowKey="key"
          canExport={canExport}
          exportName={name}
        />
      );
    }
    case 'plan': {
      // The revenue target of the period under way (the first, as the Plan page picks it); filters
      // and range are the target's own.
      const targets = await api.plan.targets();
      const target = targets.find((t) => t.periodStart === periodContaining(t.periodKind, now).start.toISOString().slice(0, 10));
      if (!target) return <EmptyState>No revenue target runs this period.</EmptyState>;
      const { plan, lines, capacity } = await api.plan.get({ targetId: target.id });
      const lineRows: Row[] = lines.map((l) => ({ line: l.label, department: l.department, planFromNow: round2(l.planFromNow), status: l.status.replace('_', ' ') }));
      return (
        <>
          <p>
            {target.name}: {outcomeText[plan.outcome]}
          </p>
          <DataTable
            caption="Each department's line"
            columns={[
              { key: 'line', header: 'Line', format: 'text' },
              { key: 'department', header: 'Accountable', format: 'text' },
              { key: 'planFromNow', header: 'Plan from now', format: 'text' },
              { key: 'status', header: 'Status', format: 'text' },
            ]}
            rows={lineRows}
            rowKey="line"
            canExport={canExport}
            exportName={`${name}-lines`}
            sortable={false}
          />
          <DataTable caption="The plan per ISO week" columns={weekColumns} rows={weekRows(plan.weeks, capacity)} rowKey="week" canExport={canExport} exportName={name} sortable={false} dense />
        </>
      );
    }
    case 'handoffs': {
      const report = await api.handoffs.report({ ...input, blackHoleLimit: 1 });
      const rows: Row[] = report.handoffs.map((h) => ({
        handoff: h.handoff,
        department: h.department,
        sla: `${formatValue('count', h.slaHours)} h`,
        medianHours: h.medianHours === null ? null : Math.round(h.medianHours * 10) / 10,
        withinSla: h.withinSlaShare,
        openPastSla: h.openPastSla,
      }));
      return (
        <DataTable
          caption="Handoffs"
          columns={[
            { key: 'handoff', header: 'Handoff', format: 'text' },
            { key: 'department', header: 'Owner', format: 'text' },
            { key: 'sla', header: 'SLA', format: 'text' },
            { key: 'medianHours', header: 'Median hours', format: 'count' },
            { key: 'withinSla', header: 'Within SLA', format: 'percent' },
            { key: 'openPastSla', header: 'Open past SLA', format: 'count' },
          ]}
          rows={rows}
          rowKey="handoff"
          canExport={canExport}
          exportName={name}
        />
      );
    }
  }
}

export async function TileView({ api, tile, index, canExport, now }: { api: Api; tile: DashboardTile; index: number; canExport: boolean; now: Date }) {
  const timeless = tile.kind === 'forecast' || tile.kind === 'kpis' || tile.kind === 'plan';
  const description = timeless ? undefined : `${describeRange(tileRange(tile, now))} (UTC)${describeFilters(tile)}`;
  let body;
  try {
    body = await tileBody(api, tile, index, canExport, now);
  } catch (error) {
    body = <ErrorState message={error instanceof Error ? error.message : 'This tile could not be loaded.'} />;
  }
  return (
    <Panel id={`tile-${index + 1}`} title={tile.title || tileKindLabels[tile.kind]} description={description}>
      <div data-tile={tile.kind}>{body}</div>
    </Panel>
  );
}
