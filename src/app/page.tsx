// The first page: how many journeys reached each of the seven stages of the buyer journey.
import { stageCounts, type Stage } from '~/server/metrics/funnel';
import { getDb } from '~/server/db/client';
import { ratio } from '~/lib/stats';
import { requireUser } from '~/trpc/server';

export const dynamic = 'force-dynamic';

const stageLabels: Record<Stage, string> = {
  awareness: 'Awareness',
  inquiry: 'Inquiry',
  qualification: 'Qualification',
  conversion: 'Conversion',
  retention: 'Retention',
  expansion: 'Expansion',
  advocacy: 'Advocacy',
};

const count = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

function formatShare(value: number | null): string {
  return value === null ? 'n/a' : percent.format(value);
}

export default async function HomePage() {
  // Every role may see the aggregated funnel; a signed-in, active account is all it takes.
  await requireUser();
  const counts = await stageCounts(await getDb());
  const top = counts[0]?.journeys ?? 0;

  return (
    <section aria-labelledby="funnel-title">
      <h1 id="funnel-title">Buyer journey</h1>
      <p className="lead">Journeys (one per lead) that reached at least each stage, over all data received.</p>
      <table className="funnel">
        <caption>Journeys by stage</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Stage</th>
            <th scope="col" className="num">
              Journeys
            </th>
            <th scope="col" className="num">
              From previous stage
            </th>
            <th scope="col" className="bar-col">
              <span className="visually-hidden">Share of awareness</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {counts.map(({ stage, journeys }, index) => {
            const previous = index > 0 ? counts[index - 1]!.journeys : null;
            const width = top > 0 ? Math.max(0.5, (journeys / top) * 100) : 0;
            return (
              <tr key={stage} data-stage={stage}>
                <td className="step">{index + 1}</td>
                <th scope="row">{stageLabels[stage]}</th>
                <td className="num" data-journeys={journeys}>
                  {count.format(journeys)}
                </td>
                <td className="num muted">{previous === null ? '' : formatShare(ratio(journeys, previous))}</td>
                <td className="bar-col" aria-hidden="true">
                  <div className="bar" style={{ width: `${width}%` }} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
