// Alerts: rules (create, send a test, mute, delete), the alerts open now, the delivery log with
// status and last error, and the notes addressed to the user's department.
import { ReportHeader, TablePanel } from '~/components/ReportLayout';
import { requireUser, serverCaller } from '~/trpc/server';
import { MarkNotesRead, NewRuleForm, RuleActions } from './RuleControls';

function describeParams(kind: string, params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ') || (kind === 'notes' ? 'every note' : '');
}

export default async function AlertsPage() {
  const user = await requireUser();
  const api = await serverCaller();
  const [options, rules, open, deliveries, notes] = await Promise.all([
    api.alerts.options(),
    api.alerts.rules(),
    api.alerts.open(),
    api.alerts.deliveries({ limit: 100 }),
    api.notes.inbox(),
  ]);
  const department = user.department;

  return (
    <>
      <ReportHeader title="Alerts" subtitle="Who is told when a target slips, a handoff waits past its SLA, lead quality drops or a data feed goes quiet." />

      <TablePanel
        id="open-alerts"
        title="Open alerts"
        description="Alerting states now; each was sent once when it began, and a resolved message follows when it ends."
        caption="Open alerts"
        columns={[
          { key: 'name', header: 'Rule', format: 'text' },
          { key: 'department', header: 'Department', format: 'text' },
          { key: 'subject', header: 'About', format: 'text' },
          { key: 'state', header: 'State', format: 'text' },
          { key: 'since', header: 'Since', format: 'date' },
        ]}
        rows={open.map((o) => ({ ...o, id: `${o.rule_id}:${o.subject}` }))}
        rowKey="id"
        canExport={false}
        exportName="open-alerts"
        empty="Nothing is alerting."
      />

      <TablePanel
        id="rules"
        title="Rules"
        description={options.everyDepartment ? 'Every department’s rules.' : `Rules of ${department}.`}
        caption="Alert rules"
        columns={[
          { key: 'name', header: 'Rule', format: 'text' },
          { key: 'department', header: 'Department', format: 'text' },
          { key: 'kind', header: 'When', format: 'text' },
          { key: 'params', header: 'Settings', format: 'text' },
          { key: 'channels', header: 'Channels', format: 'text' },
          { key: 'muted', header: 'Muted', format: 'text' },
        ]}
        rows={rules.map((r) => ({
          id: r.id,
          name: r.name,
          department: r.department,
          kind: r.kind,
          params: describeParams(r.kind, r.params as Record<string, unknown>),
          channels: r.channels.map((c) => (c.type === 'webhook' ? `webhook (${c.format}) ${c.url}` : `email ${c.to.join(', ')}`)).join('; ') || 'none',
          muted: r.muted ? 'muted' : '',
        }))}
        rowKey="id"
        canExport={false}
        exportName="alert-rules"
        empty="No rules yet."
      >
        {options.canCreate && rules.length > 0 ? (
          <ul aria-label="Rule actions" style={{ listStyle: 'none', padding: 0 }}>
            {rules.map((r) => (
              <li key={r.id} style={{ marginBottom: '0.25rem' }}>
                <strong>{r.name}</strong> <RuleActions id={r.id} name={r.name} muted={r.muted} canManage={r.canManage} />
              </li>
            ))}
          </ul>
        ) : null}
        {options.canCreate ? (
          <NewRuleForm kinds={options.kinds} departments={options.departments} handoffKinds={[...options.handoffKinds]} targets={options.targets} />
        ) : (
          <p className="muted">Your role may not make alert rules.</p>
        )}
      </TablePanel>

      <TablePanel
        id="deliveries"
        title="Delivery log"
        description="Every message with its channel, attempts, status and last error; failed sends are retried with growing waits."
        caption="Deliveries"
        columns={[
          { key: 'createdAt', header: 'Queued', format: 'date' },
          { key: 'title', header: 'Message', format: 'text' },
          { key: 'ruleName', header: 'Rule', format: 'text' },
          { key: 'channel', header: 'Channel', format: 'text' },
          { key: 'status', header: 'Status', format: 'text' },
          { key: 'attempts', header: 'Attempts', format: 'count' },
          { key: 'lastError', header: 'Last error', format: 'text' },
        ]}
        rows={deliveries.map((d) => ({ ...d }))}
        rowKey="id"
        canExport={false}
        exportName="alert-deliveries"
        empty="Nothing sent yet."
      />

      <TablePanel
        id="notes"
        title={`Notes to ${department}`}
        description="What other departments wrote to yours, on the record."
        actions={<MarkNotesRead />}
        caption="Notes"
        columns={[
          { key: 'createdAt', header: 'When', format: 'date' },
          { key: 'from', header: 'From', format: 'text' },
          { key: 'about', header: 'About', format: 'text' },
          { key: 'body', header: 'Note', format: 'text' },
          { key: 'unread', header: '', format: 'text' },
        ]}
        rows={notes.map((n) => ({
          id: n.id,
          createdAt: n.createdAt.toISOString(),
          from: `${n.authorName} (${n.authorDepartment})`,
          about: `${n.subjectKind.replace('_', ' ')} ${n.subjectId}`,
          body: n.body,
          unread: n.unread ? 'new' : '',
        }))}
        rowKey="id"
        canExport={false}
        exportName="notes"
        empty="No notes yet."
      />
    </>
  );
}
