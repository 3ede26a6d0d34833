// One account's timeline: everything every department recorded about it, in time order, so sales
// sees the service tickets of its accounts. What the role may not see is shown masked.
import { TRPCError } from '@trpc/server';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable, type Row } from '~/components/DataTable';
import { begin, Deferred } from '~/components/Deferred';
import { PageHeader, Panel, Stat } from '~/components/Panel';
import { RefreshControl } from '~/components/RefreshControl';
import { Value } from '~/components/Value';
import { requireUser, serverCaller, viewer } from '~/trpc/server';

export default async function AccountPage({ params }: { params: Promise<{ accountId: string }> }) {
  await requireUser();
  const accountId = decodeURIComponent((await params).accountId);
  const api = await serverCaller();
  // All at once: the account's heading and summary wait for its own answer only; the timeline and
  // the notes stream into their panels.
  const timeline = begin(api.accounts.timeline({ accountId, limit: 1000 }));
  const notes = begin(api.notes.account({ accountId }));
  const [me, account] = await Promise.all([
    viewer(),
    api.accounts.get({ accountId }).catch((error: unknown) => {
      if (error instanceof TRPCError && error.code === 'NOT_FOUND') notFound();
      throw error;
    }),
  ]);
  const canExport = me?.rights.includes('exportCsv') ?? false;
  const rows = begin(
    timeline.then((answer) =>
      answer.items.map((item, index): Row => ({
        n: index + 1,
        eventId: item.eventId,
        at: `${item.at.slice(0, 16).replace('T', ' ')}`,
        department: item.department,
        type: item.type,
        summary: item.summary,
        contactId: item.contactId,
        contactName: item.contactName,
        contactEmail: item.contactEmail,
        amountCents: item.amountCents,
      })),
    ),
  );

  return (
    <>
      <p>
        <Link href="/accounts">← All accounts</Link>
      </p>
      <PageHeader title={account.name ? `${account.name} (${account.accountId})` : account.accountId} subtitle="Everything every department recorded about this account, oldest first.">
        <RefreshControl />
      </PageHeader>
      <Panel id="account-summary" title="Now">
        <div style={{ display: 'flex', gap: '2rem', flexWrap: 'wrap' }}>
          <Stat label="Furthest stage" testId="stage">
            {account.stageReached ?? 'n/a'}
          </Stat>
          <Stat label="Open deals" testId="openDeals" hint={`${account.openRenewals} renewals`}>
            <Value kind="count" value={account.openDeals} />
          </Stat>
          <Stat label="Open tickets" testId="openTickets">
            <Value kind="count" value={account.openTickets} />
          </Stat>
          <Stat label="Lifetime value" testId="ltv">
            <Value kind="cents" value={account.lifetimeValueCents} />
          </Stat>
          <Stat label="Churned" testId="churned">
            {account.churned ? 'yes' : 'no'}
          </Stat>
        </div>
      </Panel>
      <Panel
        id="timeline"
        title="Timeline"
        description={
          <Deferred value={timeline} fallback={null}>
            {(answer) => (answer.total > answer.items.length ? `The first ${answer.items.length} of ${answer.total} events.` : `${answer.total} events.`)}
          </Deferred>
        }
      >
        <Deferred value={rows} label="Loading the timeline">
          {(timelineRows) => (
            <DataTable
              caption={`Timeline of ${account.accountId}`}
              columns={[
                { key: 'at', header: 'When (UTC)', format: 'text' },
                { key: 'department', header: 'Department', format: 'text' },
                { key: 'type', header: 'Event', format: 'text' },
                { key: 'summary', header: 'What happened', format: 'text' },
                { key: 'contactId', header: 'Contact id', format: 'text' },
                { key: 'contactName', header: 'Contact', format: 'text' },
                { key: 'contactEmail', header: 'Email', format: 'text' },
                { key: 'amountCents', header: 'Amount', format: 'cents' },
              ]}
              rows={timelineRows}
              rowKey="n"
              canExport={canExport}
              exportName={`timeline-${account.accountId}`}
              empty="Nothing recorded yet."
            />
          )}
        </Deferred>
      </Panel>
      <Panel id="account-notes" title="Notes" description="What departments wrote each other about this account and its items, on the record.">
        <Deferred value={notes} label="Loading the notes">
          {(written) => (
            <DataTable
              caption={`Notes on ${account.accountId}`}
              columns={[
                { key: 'createdAt', header: 'When', format: 'date' },
                { key: 'from', header: 'From', format: 'text' },
                { key: 'to', header: 'To', format: 'text' },
                { key: 'about', header: 'About', format: 'text' },
                { key: 'body', header: 'Note', format: 'text' },
              ]}
              rows={written.map((n) => ({
                id: n.id,
                createdAt: n.createdAt.toISOString(),
                from: `${n.authorName} (${n.authorDepartment})`,
                to: n.toDepartment,
                about: `${n.subjectKind.replace('_', ' ')} ${n.subjectId}`,
                body: n.body,
              }))}
              rowKey="id"
              canExport={false}
              exportName={`notes-${account.accountId}`}
              empty="No notes yet."
            />
          )}
        </Deferred>
      </Panel>
    </>
  );
}
