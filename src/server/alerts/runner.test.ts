import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { createAlertRule } from './rules';
import { runAlerts, type RunningAlerts } from './runner';
import { startWebhookReceiver, type WebhookReceiver } from './testReceivers';

let handle: DbHandle;
let hook: WebhookReceiver;
let loop: RunningAlerts;

beforeAll(async () => {
  handle = await createTestDb();
  hook = await startWebhookReceiver();
  await createAlertRule(
    handle.db,
    {
      name: 'Any late follow-up',
      department: 'sales',
      kind: 'handoff_sla',
      params: { handoff: 'leadFollowUp', mode: 'count', threshold: 0 },
      channels: [{ type: 'webhook', url: hook.url, secret: 'a-shared-secret-of-32-characters' }],
    },
    null,
  );
  loop = runAlerts(async () => handle.db, { afterChunkMs: 20, evaluateEveryMs: 3_600_000, deliverEveryMs: 3_600_000, log: () => {} });
});

afterAll(async () => {
  loop.stop();
  await hook.close();
  await handle.close();
});

it('evaluates right after the projector applies a chunk, without waiting for the timer', async () => {
  await loop.tick();
  expect(hook.calls).toHaveLength(0);
  const key = await createApiKey(handle.db, { department: 'marketing', name: 'marketing' });
  // A lead two days old without a follow-up: past the 24 h SLA.
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
  await ingestAndApply(handle.db, { apiKeyId: key.id, department: 'marketing' }, [
    { id: 'e1', type: 'lead.created', occurredAt: twoDaysAgo, data: { contactId: 'late', source: 'webinar' } },
  ]);
  const deadline = Date.now() + 10_000;
  while (hook.calls.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(hook.calls).toHaveLength(1);
  expect(JSON.parse(hook.calls[0]!.body)).toMatchObject({ kind: 'handoff_sla', state: 'over', detail: { openPastSla: 1, threshold: 0 } });
});
