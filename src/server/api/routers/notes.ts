// Notes between departments: every signed-in user may write one on a KPI target, a handoff item or an
// account, addressed to a department; everyone who views the dashboards reads them; the addressed
// department's users have a bell with their unread count.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createNote, inbox, markNotesRead, noteInput, notesAbout, notesAboutAny, notesOfAccount, noteSubjectKinds, unreadNotes } from '~/server/alerts/notes';
import { departments } from '~/server/ingest/catalogue';
import { getKpiTarget } from '~/server/kpiTargets';
import { authedProcedure, createTRPCRouter } from '../trpc';

const view = authedProcedure.need('viewDashboards');

/** Departments a note may be addressed to. */
export const noteDepartments = [...departments, 'executive'] as const;

export const notesRouter = createTRPCRouter({
  create: view
    .input(noteInput.safeExtend({ toDepartment: z.enum(noteDepartments, { error: `must be one of ${noteDepartments.join(', ')}` }) }))
    .mutation(async ({ ctx, input }) => {
      let subjectName: string | undefined;
      if (input.subjectKind === 'kpi_target') {
        const target = /^\d+$/.test(input.subjectId) ? await getKpiTarget(ctx.db, Number(input.subjectId)) : null;
        if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such KPI target.' });
        subjectName = `"${target.name}"`;
      }
      const { note } = await createNote(ctx.db, ctx.user, input, subjectName);
      return note;
    }),

  about: view
    .input(z.object({ subjectKind: z.enum(noteSubjectKinds), subjectIds: z.array(z.string().min(1).max(200)).min(1).max(200) }))
    .query(({ ctx, input }) =>
      input.subjectIds.length === 1 ? notesAbout(ctx.db, input.subjectKind, input.subjectIds[0]!) : notesAboutAny(ctx.db, input.subjectKind, input.subjectIds),
    ),

  account: view.input(z.object({ accountId: z.string().min(1).max(200) })).query(({ ctx, input }) => notesOfAccount(ctx.db, input.accountId)),

  inbox: view.query(({ ctx }) => inbox(ctx.db, ctx.user)),

  unread: view.query(async ({ ctx }) => ({ unread: await unreadNotes(ctx.db, ctx.user) })),

  markRead: view.mutation(async ({ ctx }) => {
    await markNotesRead(ctx.db, ctx.user);
    return { unread: 0 };
  }),
});
