// The imports router: who may import which kinds, the upload-inspect-preview-start flow, the
// history each role sees, and the invalid rows as CSV.
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { handleInvalidRows } from '~/server/import/http';
import { saveUpload, uploadPath } from '~/server/import/uploads';
import { callerAs, createTestUser } from '../testing';

const fixture = (name: string) => path.join(process.cwd(), 'src/server/import/fixtures', name);
const uploadOf = (name: string) => saveUpload(Readable.toWeb(createReadStream(fixture(name))) as ReadableStream<Uint8Array>);

let handle: DbHandle;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rf-uploads-test-'));
  process.env.IMPORT_UPLOAD_DIR = dir;
  handle = await createTestDb();
});
afterAll(async () => {
  await handle.close();
  await rm(dir, { recursive: true, force: true });
  delete process.env.IMPORT_UPLOAD_DIR;
});

async function waitFor(done: () => boolean) {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function finished(api: ReturnType<typeof callerAs>, id: number) {
  for (;;) {
    const view = await api.imports.status({ id });
    if (view.status === 'done' || view.status === 'failed' || view.status === 'cancelled') return view;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('imports router', () => {
  it('offers an admin every kind, a department its own, a viewer none', async () => {
    const kindsOf = async (role: 'admin' | 'sales' | 'service' | 'viewer') =>
      (await callerAs(handle.db, await createTestUser(handle.db, { role })).imports.options()).kinds.map((k) => k.name);
    expect(await kindsOf('admin')).toEqual(['leads', 'touches', 'opportunities', 'outcomes', 'onboarding', 'tickets', 'spend', 'accountChanges']);
    expect(await kindsOf('sales')).toEqual(['opportunities', 'outcomes']);
    expect(await kindsOf('service')).toEqual(['tickets']);
    expect(await kindsOf('viewer')).toEqual([]);
  });

  it('inspects, previews and imports an upload; a department cannot import another department\'s kind', async () => {
    const sales = await createTestUser(handle.db, { role: 'sales' });
    const api = callerAs(handle.db, sales);
    const { uploadId } = await uploadOf('hubspot-deals.csv');

    const inspected = await api.imports.inspect({ uploadId, kind: 'outcomes' });
    expect(inspected).toMatchObject({ encoding: 'utf-8', delimiter: ',', preset: 'hubspot', dateOrder: 'mdy' });
    expect(inspected.fields.outcome).toEqual({ columns: ['Deal Stage'] });
    await expect(api.imports.inspect({ uploadId, kind: 'leads' })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const mapping = { fields: inspected.fields, timeZone: 'UTC' };
    const preview = await api.imports.preview({ uploadId, kind: 'outcomes', mapping });
    expect(preview.rows.map((r) => [r.row, r.events.map((e) => e.type), r.skipped, r.errors.length])).toEqual([
      [2, ['opportunity.won'], false, 0],
      [3, ['opportunity.lost'], false, 0],
      [4, [], true, 0],
      [5, [], false, 1],
    ]);
    await expect(api.imports.preview({ uploadId, kind: 'outcomes', mapping: { fields: { opportunityId: 'Nope' } } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining("fields.opportunityId: names the column 'Nope'"),
    });

    const { id } = await api.imports.start({ uploadId, fileName: 'deals.csv', kind: 'outcomes', mapping });
    // the job runs behind the request, in this process
    const view = await finished(api, id);
    expect(view).toMatchObject({ status: 'done', who: sales.email, fileName: 'deals.csv', rowsDone: 4, accepted: 2, invalidRows: 1, skippedRows: 1, resumable: false });

    // the finished upload is removed
    await waitFor(() => !existsSync(uploadPath(uploadId)));
    await expect(api.imports.inspect({ uploadId, kind: 'outcomes' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // marketing sees none of sales' imports; an admin sees them all
    const marketing = callerAs(handle.db, await createTestUser(handle.db, { role: 'marketing' }));
    expect(await marketing.imports.list()).toEqual([]);
    await expect(marketing.imports.status({ id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin' }));
    expect((await admin.imports.list()).map((h) => h.id)).toContain(id);
  });

  it('serves the invalid rows as CSV', async () => {
    const admin = await createTestUser(handle.db, { role: 'admin' });
    const api = callerAs(handle.db, admin);
    const { uploadId } = await uploadOf('salesforce-opportunities.csv');
    const { id } = await api.imports.start({
      uploadId,
      fileName: 'sf.csv',
      kind: 'opportunities',
      mapping: { fields: { opportunityId: 'Opportunity ID', createdAt: 'Created Date', accountId: 'Account ID', amount: 'Amount', dealType: 'Type' } },
    });
    await finished(api, id);
    const { encode } = await import('next-auth/jwt');
    const { getAuthSecret } = await import('~/server/auth/secret');
    const token = await encode({ token: { sub: String(admin.id) }, secret: await getAuthSecret(handle.db) });
    const response = await handleInvalidRows(handle.db, new Request('http://x/', { headers: { cookie: `next-auth.session-token=${token}` } }), id);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('row,column,value,reason\r\n6,Account ID,,is empty\r\n6,Created Date,31.02.2024,is not a valid date\r\n');
    const signedOut = await handleInvalidRows(handle.db, new Request('http://x/'), id);
    expect(signedOut.status).toBe(401);
  });
});
