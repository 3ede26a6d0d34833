// Attribution: the seven models side by side by channel and by campaign, a chart of one model, and
// the touches behind one won deal with each model's credit. Filters, model and deal live in the URL.
import { CategoryBars } from '~/components/charts/CategoryBars';
import { DataTable, type Row } from '~/components/DataTable';
import { begin, Deferred, freshnessOf } from '~/components/Deferred';
import { FilterBar } from '~/components/FilterBar';
import { PageHeader, Panel, Stat } from '~/components/Panel';
import { ParamSelect } from '~/components/ParamSelect';
import { RefreshControl } from '~/components/RefreshControl';
import { Value } from '~/components/Value';
import { isMasked } from '~/lib/masked';
import { describeRange, parseFilters, readParam, toMetricInput } from '~/lib/urlFilters';
import { attributionModels, type AttributionModel } from '~/server/metrics/attributionWeights';
import type { RouterOutputs } from '~/trpc/react';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { modelLabels } from './labels';
import { WonDealsTable } from './WonDealsTable';
import { attributionRows, modelColumns } from '../reports/attribution';

type Deal = NonNullable<RouterOutputs['attribution']['deal']>;


const touchKindLabels = { touch: 'Touch', 'lead.created': 'Lead created', unattributed: 'Unattributed' } as const;

const dealsPerPage = 50;

/** One won deal's touches with what each model credits to each. */
function DealPath({ deal, canExport }: { deal: Deal; canExport: boolean }) {
  const pathRows: Row[] = deal.touches.map((t, index) => {
    const row: Record<string, Row[string]> = {
      step: index + 1,
      at: t.at === null ? null : `${t.at.slice(0, 16).replace('T', ' ')}`,
      kind: touchKindLabels[t.kind],
      channel: t.channel,
      campaign: t.campaignId,
    };
    for (const m of attributionModels) row[m] = isMasked(t.credits) ? t.credits : t.credits[m];
    return row;
  });
  return (
    <section aria-labelledby="deal-path-title" data-deal={deal.opportunityId}>
      <h3 id="deal-path-title">
        Path of {deal.opportunityId}: <Value kind="cents" value={deal.amountCents} /> won {deal.wonAt.slice(0, 10)}
      </h3>
      <DataTable
        caption={`Touches of ${deal.opportunityId} with each model's credit`}
        columns={[
          { key: 'step', header: '#', format: 'count' },
          { key: 'at', header: 'When (UTC)', format: 'text' },
          { key: 'kind', header: 'Kind', format: 'text' },
          { key: 'channel', header: 'Channel', format: 'text' },
          { key: 'campaign', header: 'Campaign', format: 'text' },
          ...attributionModels.map((m) => ({ key: m, header: modelLabels[m], format: 'cents' as const })),
        ]}
        rows={pathRows}
        rowKey="step"
        canExport={canExport}
        exportName={`attribution-deal-${deal.opportunityId}`}
        empty="No touches recorded for this deal."
      />
    </section>
  );
}

/** `dealsAfter` / `dealsBefore`: a won-deals cursor as the server hands it out; anything else is the first page. */
function parseDealCursor(value: string | undefined): string | undefined {
  return value && /^[A-Za-z0-9_-]{1,2000}$/.test(value) ? value : undefined;
}

function parseModel(value: string | undefined): AttributionModel {
  return (attributionModels as readonly string[]).includes(value ?? '') ? (value as AttributionModel) : 'linear';
}

export default async function AttributionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const params = await searchParams;
  const input = toMetricInput(parseFilters(params), new Date());
  const model = parseModel(readParam(params, 'model'));
  const dealId = readParam(params, 'deal');
  const after = parseDealCursor(readParam(params, 'dealsAfter'));
  const before = after ? undefined : parseDealCursor(readParam(params, 'dealsBefore'));
  const api = await serverCaller();
  // The report, the won deals and the one deal's path each stream into their own panels.
  const report = begin(api.attribution.report(input));
  const rows = begin(report.then((r) => ({ channel: attributionRows(r.byChannel, 'channel'), campaign: attributionRows(r.byCampaign, 'campaign') })));
  const wonDeals = begin(api.attribution.wonDeals({ ...input, pageSize: dealsPerPage, after, before }));
  const deal = dealId ? begin(api.attribution.deal({ opportunityId: dealId })) : null;
  const canExport = (await viewer())?.rights.includes('exportCsv') ?? false;

  return (
    <>
      <PageHeader title="Attribution" subtitle={`Deals won ${describeRange(input.range)} (UTC); which touches earned the revenue.`}>
        <RefreshControl freshness={freshnessOf(report)} />
      </PageHeader>
      <FilterBar />

      <Panel id="totals" title="Won deals in range">
        <Deferred value={report} label="Loading the won deals">
          {(r) => (
            <div style={{ display: 'flex', gap: '2rem', flexWrap: 'wrap' }}>
              <Stat label="Won deals" testId="deals">
                <span data-value={r.deals}>
                  <Value kind="count" value={r.deals} />
                </span>
              </Stat>
              <Stat label="Won revenue" testId="revenue" hint="Every model shares out exactly this amount">
                <Value kind="cents" value={r.revenueCents} />
              </Stat>
            </div>
          )}
        </Deferred>
      </Panel>

      <Panel
        id="chart"
        title={`Revenue credit by channel: ${modelLabels[model]}`}
        description="Pick the model the chart shows; the tables below show all seven side by side."
        actions={
          <ParamSelect id="attribution-model" label="Model" param="model" defaultValue="linear" options={attributionModels.map((m) => ({ value: m, label: modelLabels[m] }))} />
        }
      >
        <Deferred value={rows} label="Loading the chart">
          {({ channel }) => (
            <CategoryBars
              ariaLabel={`Revenue credit by channel under the ${modelLabels[model]} model`}
              caption={`Revenue credit by channel, ${modelLabels[model]} model`}
              data={channel}
              categoryKey="label"
              categoryLabel="Channel"
              series={[{ key: `${model}.revenue`, label: 'Revenue credit' }]}
              tableOnly={[{ key: `${model}.deals`, label: 'Influenced deals', format: 'count' }]}
              valueFormat="cents"
              layout="horizontal"
              showValues
            />
          )}
        </Deferred>
      </Panel>

      <Panel id="by-channel" title="By channel, every model" description="Revenue credit and influenced deals (won deals with any credit from the channel).">
        <Deferred value={rows} label="Loading the channels">
          {({ channel }) => (
            <DataTable
              caption="Attribution by channel"
              columns={[{ key: 'label', header: 'Channel', format: 'text' }, ...modelColumns]}
              rows={channel}
              rowKey="key"
              canExport={canExport}
              exportName="attribution-by-channel"
              empty="No deals won in this range."
            />
          )}
        </Deferred>
      </Panel>

      <Panel id="by-campaign" title="By campaign, every model">
        <Deferred value={rows} label="Loading the campaigns">
          {({ campaign }) => (
            <DataTable
              caption="Attribution by campaign"
              columns={[{ key: 'label', header: 'Campaign', format: 'text' }, { key: 'key', header: 'Campaign id', format: 'text' }, ...modelColumns]}
              rows={campaign}
              rowKey="key"
              canExport={canExport}
              exportName="attribution-by-campaign"
              empty="No deals won in this range."
            />
          )}
        </Deferred>
      </Panel>

      <Panel id="deals" title="The touches behind one deal" description="Open a won deal to see its path and what each model credits to every touch.">
        <Deferred value={wonDeals} label="Loading the won deals">
          {(page) => (
            <WonDealsTable
              rows={page.items.map((d) => ({ opportunityId: d.opportunityId, account: d.accountName ?? d.accountId ?? 'n/a', dealType: d.dealType, amountCents: d.amountCents, wonAt: d.wonAt }))}
              selected={dealId ?? null}
              canExport={canExport}
              perPage={dealsPerPage}
              paged={after !== undefined || before !== undefined}
              nextCursor={page.next}
              previousCursor={page.previous}
            />
          )}
        </Deferred>
        {deal ? (
          <Deferred value={deal} label="Loading the deal's path">
            {(d) => (d ? <DealPath deal={d} canExport={canExport} /> : <p role="alert">Deal {dealId} is not a won deal.</p>)}
          </Deferred>
        ) : null}
      </Panel>
    </>
  );
}
