'use client';
// Write a note on the record about a KPI target, a handoff item or an account, addressed to a
// department; it lands in that department's bell and channels.
import { useState, type FormEvent } from 'react';
import { FormActions } from '~/components/FormAction';
import { useMutationAction } from '~/components/useMutationAction';
import styles from '~/components/ui.module.css';
import { useTRPCClient, type RouterInputs } from '~/trpc/react';

type NoteInput = RouterInputs['notes']['create'];

export function NoteForm({ targets, departments }: { targets: { id: number; name: string }[]; departments: NoteInput['toDepartment'][] }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [kind, setKind] = useState<NoteInput['subjectKind']>(targets.length > 0 ? 'kpi_target' : 'handoff_item');
  const [sent, setSent] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const note = await run(() =>
      client.notes.create.mutate({
        subjectKind: kind,
        subjectId: kind === 'kpi_target' ? text('targetId') : text('subjectId'),
        accountId: text('accountId') || null,
        toDepartment: text('toDepartment') as NoteInput['toDepartment'],
        body: text('body'),
      }),
    );
    if (note) {
      setSent(`Note sent to ${note.toDepartment}.`);
      form.reset();
    }
  }

  return (
    <form onSubmit={submit} aria-label="New note" className={styles.filterBar} style={{ marginTop: '0.75rem' }}>
      <div className={styles.field}>
        <label htmlFor="note-kind">About</label>
        <select id="note-kind" value={kind} onChange={(e) => setKind(e.target.value as NoteInput['subjectKind'])}>
          <option value="kpi_target">a KPI target</option>
          <option value="handoff_item">a black-hole item</option>
          <option value="account">an account</option>
        </select>
      </div>
      {kind === 'kpi_target' ? (
        <div className={styles.field}>
          <label htmlFor="note-target">Target</label>
          <select id="note-target" name="targetId">
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <div className={styles.field}>
          <label htmlFor="note-subject">{kind === 'account' ? 'Account id' : 'Item id'}</label>
          <input id="note-subject" name="subjectId" required />
        </div>
      )}
      {kind === 'handoff_item' ? (
        <div className={styles.field}>
          <label htmlFor="note-account">Account id (optional)</label>
          <input id="note-account" name="accountId" />
        </div>
      ) : null}
      <div className={styles.field}>
        <label htmlFor="note-to">To</label>
        <select id="note-to" name="toDepartment">
          {departments.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </div>
      <div className={styles.field} style={{ flex: '1 1 20rem' }}>
        <label htmlFor="note-body">Note</label>
        <input id="note-body" name="body" required maxLength={4000} placeholder="Why did these 12 leads wait 3 days?" />
      </div>
      <FormActions label="Send note" pending={pending} primary wrapClassName={styles.filterActions} error={error} done={sent} doneClassName={styles.muted} />
    </form>
  );
}
