// Notes on the record between departments: about a KPI target, a handoff item or an account,
// addressed to a department, with who wrote it and when. The addressed department sees them in
// its bell (unread count per user) and gets them on the channels of its 'notes' rules. Every note
// is also written to the audit trail.
import { and, desc, eq, gt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '~/server/auth/audit';
import type { SessionUser } from '~/server/auth/users';
import { one, type Db } from '~/server/db/client';
import { keyArray } from '~/server/db/params';
import { noteReads, notes } from '~/server/db/schema';
import { enqueueForChannels, type AlertMessage } from './outbox';
import { listAlertRules } from './rules';

export const noteSubjectKinds = ['kpi_target', 'handoff_item', 'account'] as const;
export type NoteSubjectKind = (typeof noteSubjectKinds)[number];

export const noteInput = z.object({
  subjectKind: z.enum(noteSubjectKinds),
  /** the target id, the item id (contact, opportunity or ticket id) or the account id */
  subjectId: z.string().trim().min(1, 'must not be empty').max(200),
  /** the account the subject belongs to, so the note shows on its timeline */
  accountId: z.string().trim().min(1).max(200).nullable().default(null),
  toDepartment: z.string().trim().min(1, 'name a department').max(100),
  body: z.string().trim().min(1, 'must not be empty').max(4000, 'at most 4,000 characters'),
});
export type NoteInput = z.input<typeof noteInput>;

export type Note = typeof notes.$inferSelect;

const subjectLabels: Record<NoteSubjectKind, string> = { kpi_target: 'KPI target', handoff_item: 'handoff item', account: 'account' };

/** Stores the note, audits it and queues it to the addressed department's 'notes' channels. */
export async function createNote(db: Db, author: SessionUser, input: NoteInput, subjectName?: string): Promise<{ note: Note; queued: number }> {
  const values = noteInput.parse(input);
  const accountId = values.subjectKind === 'account' ? values.subjectId : values.accountId;
  return db.transaction(async (tx) => {
    const [note] = await tx
      .insert(notes)
      .values({ ...values, accountId, authorId: author.id, authorName: author.name, authorDepartment: author.department })
      .returning();
    if (!note) throw new Error('note was not created');
    await audit(tx, { id: author.id, email: author.email }, 'note.create', {
      noteId: note.id,
      subjectKind: note.subjectKind,
      subjectId: note.subjectId,
      toDepartment: note.toDepartment,
    });
    const about = `${subjectLabels[values.subjectKind]} ${subjectName ?? values.subjectId}`;
    const message: AlertMessage = {
      title: `Note from ${author.department} on ${about}`,
      text: `${author.name} (${author.department}) wrote to ${note.toDepartment}: ${note.body}`,
      ruleId: null,
      ruleName: null,
      kind: 'note',
      subject: `${note.subjectKind}:${note.subjectId}`,
      state: 'note',
      previousState: null,
      alerting: false,
      department: note.toDepartment,
      at: note.createdAt.toISOString(),
      detail: { noteId: note.id, subjectKind: note.subjectKind, subjectId: note.subjectId, accountId: note.accountId, author: author.name },
    };
    let queued = 0;
    for (const rule of await listAlertRules(tx, { department: note.toDepartment })) {
      if (rule.kind !== 'notes' || rule.muted) continue;
      queued += await enqueueForChannels(tx, rule.channels, `note:${note.id}:rule:${rule.id}`, {
        ruleId: rule.id,
        department: note.toDepartment,
        message: { ...message, ruleId: rule.id, ruleName: rule.name },
      });
    }
    return { note, queued };
  });
}

/** Notes about one subject, newest first. */
export async function notesAbout(db: Db, subjectKind: NoteSubjectKind, subjectId: string): Promise<Note[]> {
  return db
    .select()
    .from(notes)
    .where(and(eq(notes.subjectKind, subjectKind), eq(notes.subjectId, subjectId)))
    .orderBy(desc(notes.id))
    .limit(200);
}

/** Notes about several subjects of a kind (the Accountability page's targets), newest first. */
export async function notesAboutAny(db: Db, subjectKind: NoteSubjectKind, subjectIds: readonly string[]): Promise<Note[]> {
  if (subjectIds.length === 0) return [];
  return db
    .select()
    .from(notes)
    .where(and(eq(notes.subjectKind, subjectKind), sql`${notes.subjectId} = any(${keyArray(subjectIds)})`))
    .orderBy(desc(notes.id))
    .limit(500);
}

/** Notes on an account's timeline: about the account or about an item of it. */
export async function notesOfAccount(db: Db, accountId: string): Promise<Note[]> {
  return db
    .select()
    .from(notes)
    .where(or(eq(notes.accountId, accountId), and(eq(notes.subjectKind, 'account'), eq(notes.subjectId, accountId))))
    .orderBy(desc(notes.id))
    .limit(200);
}

/** Notes addressed to a department, newest first. */
export async function notesTo(db: Db, department: string, limit = 50): Promise<Note[]> {
  return db.select().from(notes).where(eq(notes.toDepartment, department)).orderBy(desc(notes.id)).limit(limit);
}

async function readUntil(db: Db, userId: number): Promise<number> {
  const [row] = await db.select({ id: noteReads.readUntilId }).from(noteReads).where(eq(noteReads.userId, userId));
  return row?.id ?? 0;
}

/** The bell: notes addressed to the user's department they have not marked read. */
export async function unreadNotes(db: Db, user: { id: number; department: string }): Promise<number> {
  const until = await readUntil(db, user.id);
  const row = await one<{ unread: number }>(
    db,
    sql`select count(*)::int as unread from notes where to_department = ${user.department} and id > ${until}`,
  );
  return Number(row.unread);
}

/** The user's inbox with each note's read flag. */
export async function inbox(db: Db, user: { id: number; department: string }, limit = 50): Promise<(Note & { unread: boolean })[]> {
  const until = await readUntil(db, user.id);
  const found = await notesTo(db, user.department, limit);
  return found.map((note) => ({ ...note, unread: note.id > until }));
}

/** Marks every note addressed to the user's department so far as read. */
export async function markNotesRead(db: Db, user: { id: number; department: string }): Promise<void> {
  const [latest] = await db
    .select({ id: notes.id })
    .from(notes)
    .where(and(eq(notes.toDepartment, user.department), gt(notes.id, 0)))
    .orderBy(desc(notes.id))
    .limit(1);
  if (!latest) return;
  await db
    .insert(noteReads)
    .values({ userId: user.id, readUntilId: latest.id })
    .onConflictDoUpdate({ target: noteReads.userId, set: { readUntilId: sql`greatest(${noteReads.readUntilId}, excluded.read_until_id)` } });
}
