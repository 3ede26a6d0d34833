// The structured log lines of ingestion and sign-in, as an operator reads them: one JSON object a
// line with the component, the outcome and its counts or ids, and never the e-mail address tried.
import type { CredentialsConfig } from 'next-auth/providers/credentials';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '~/env';
import { createTestUser } from '~/server/api/testing';
import { authOptions } from '~/server/auth/config';
import { hashPassword } from '~/server/auth/passwords';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ev } from '~/server/ingest/factories';
import { handleIngest } from '~/server/ingest/http';
import { runProjector } from '~/server/projector/projector';
import { captureLogs } from './log';

let handle: DbHandle;
let capture: ReturnType<typeof captureLogs> | undefined;

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());
afterEach(() => capture?.stop());

describe('LOG_LEVEL', () => {
  it('defaults to info and refuses a level pino does not know', () => {
    expect(parseEnv({}).LOG_LEVEL).toBe('info');
    expect(parseEnv({ LOG_LEVEL: 'silent' }).LOG_LEVEL).toBe('silent');
    expect(() => parseEnv({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent');
  });
});

describe('ingestion log', () => {
  it('writes one line a request: the key, department, counts and status', async () => {
    const key = await createApiKey(handle.db, { department: 'marketing', name: 'HubSpot' });
    capture = captureLogs('info');
    const post = (token: string | null, events: unknown[]) =>
      handleIngest(
        new Request('http://test/api/ingest/marketing', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ events }),
        }),
        'marketing',
        { db: async () => handle.db },
      );
    const good = ev('lead.created', 1, { contactId: 'log1', source: 'email', email: 'log1@example.com' }, 'log-good');
    const bad = { id: 'log-bad', type: 'touch', occurredAt: 'yesterday', data: { contactId: 'log1' } };
    expect((await post(key.key, [good, bad])).status).toBe(200);
    expect((await post(null, [good])).status).toBe(401);
    expect(capture.lines).toHaveLength(2);
    expect(capture.lines[0]).toMatchObject({
      level: 30,
      component: 'ingest',
      msg: 'batch received',
      path: '/api/ingest/marketing',
      apiKeyId: key.id,
      department: 'marketing',
      accepted: 1,
      duplicates: 0,
      rejected: 1,
      status: 200,
    });
    expect(capture.lines[1]).toMatchObject({ level: 40, component: 'ingest', msg: 'batch refused', status: 401 });
    expect(JSON.stringify(capture.lines)).not.toContain('log1@example.com');
  });
});

describe('sign-in log', () => {
  it('writes the outcome with the user id, and a refusal without the e-mail address tried', async () => {
    const user = await createTestUser(handle.db, { role: 'sales', email: 'logged@example.com', passwordHash: await hashPassword('right password') });
    const credentials = (await authOptions(handle.db, false)).providers.find((p) => p.id === 'credentials') as CredentialsConfig;
    const request = { headers: {} } as Parameters<CredentialsConfig['authorize']>[1];
    capture = captureLogs('info');
    await expect(credentials.options.authorize({ email: 'logged@example.com', password: 'wrong password' }, request)).rejects.toThrow('invalid');
    await credentials.options.authorize({ email: 'logged@example.com', password: 'right password' }, request);
    expect(capture.lines).toHaveLength(2);
    expect(capture.lines[0]).toMatchObject({ level: 40, component: 'auth', msg: 'sign-in refused', method: 'password', outcome: 'invalid' });
    expect(capture.lines[1]).toMatchObject({ level: 30, component: 'auth', msg: 'signed in', method: 'password', outcome: 'ok', userId: user.id, role: 'sales' });
    expect(JSON.stringify(capture.lines)).not.toContain('logged@example.com');
  });

  it('writes nothing below the level', async () => {
    capture = captureLogs('error');
    const credentials = (await authOptions(handle.db, false)).providers.find((p) => p.id === 'credentials') as CredentialsConfig;
    await expect(credentials.options.authorize({ email: 'nobody@example.com', password: 'x' }, { headers: {} } as Parameters<CredentialsConfig['authorize']>[1])).rejects.toThrow('invalid');
    expect(capture.lines).toEqual([]);
  });
});

describe('projector log', () => {
  it('writes its start, each applied chunk with its event count, and its stop', async () => {
    // Its own database: nothing else is waiting to be applied there.
    const own = await createTestDb();
    const key = await createApiKey(own.db, { department: 'marketing', name: 'Projector log' });
    // Stored, not applied: no projector runs and the request does not wait.
    const response = await handleIngest(
      new Request('http://test/api/ingest/marketing', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
        body: JSON.stringify({ events: [ev('lead.created', 2, { contactId: 'log2', source: 'email' }, 'log-p1'), ev('lead.created', 2, { contactId: 'log3', source: 'email' }, 'log-p2')] }),
      }),
      'marketing',
      { db: async () => own.db },
    );
    expect(response.status).toBe(200);
    capture = captureLogs('debug');
    const running = runProjector(async () => own.db, { idleMs: 20 });
    const deadline = Date.now() + 20_000;
    while (!capture.lines.some((l) => l.msg === 'chunk applied') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await running.stop();
    await own.close();
    expect(capture.lines.map((l) => [l.component, l.msg])).toEqual([
      ['projector', 'projector started'],
      ['projector', 'chunk applied'],
      ['projector', 'projector stopped'],
    ]);
    expect(capture.lines[1]).toMatchObject({ level: 20, events: 2, drained: true });
  }, 60_000);
});
