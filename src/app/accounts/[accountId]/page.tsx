// One account's timeline: everything every department recorded about it, in time order, so sales
// sees the service tickets of its accounts. What the role may not see is shown masked.
import { TRPCError } from '@trpc/server';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable, type Row } from '~/components/DataTable';
import { PageHeader, Panel, Stat } from '~/components/Panel';
import { RefreshControl } from '~/components/RefreshControl';
import { Value } from '~/components/Value';
import { requireUser, serverCaller, viewer } from '~/trpc/server';

export default async function AccountPage({ params }: { params: Promise<{ accountId: string }> }) {
  await requireUser();
  const accountId = decodeURIComponent((await params).accountId);
  const api = await serverCaller();
  const me = await viewer();
  let account;
  try {
    account = await api.accounts.get({ accountId });
  } catch (error) {
    if (error instanceof TRPCError && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
  const [timeline, notes] = await Promise.all([api.accounts.timeline({ accountId, limit: 1000 }), api.notes.account({ accountId })]);
  const canExport = me?.rights.includes('exportCsv') ?? false;

  const rows: Row[] = timeline.items.map((item, index) => ({
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
  }));

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
      <Panel id="timeline" title="Timeline" description={timeline.total > rows.length ? `The first ${rows.length} of ${timeline.total} events.` : `${timeline.total} events.`}>
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
          rows={rows}
          rowKey="n"
          canExport={canExport}
          exportName={`timeline-${account.accountId}`}
          empty="Nothing recorded yet."
        />
      </Panel>
      <Panel id="account-notes" title="Notes" description="What departments wrote each other about this account and its items, on the record.">
        <DataTable
          caption={`Notes on ${account.accountId}`}
          columns={[
            { key: 'createdAt', header: 'When', format: 'date' },
            { key: 'from', header: 'From', format: 'text' },
            { key: 'to', header: 'To', format: 'text' },
            { key: 'about', header: 'About', format: 'text' },
            { key: 'body', header: 'Note', format: 'text' },
          ]}
          rows={notes.map((n) => ({
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
      </Panel>
    </>
  );
}
