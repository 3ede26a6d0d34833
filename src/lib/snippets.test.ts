import { describe, expect, it } from 'vitest';
import { catalogue, departments, type EventType } from '~/server/ingest/catalogue';
import { curlSnippet, sampleEvents, segmentSnippet } from './snippets';

describe('getting-started snippets', () => {
  it('gives each department sample events of its own types that validate', () => {
    for (const department of departments) {
      const events = sampleEvents(department, '2026-01-01T00:00:00Z');
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) {
        const spec = catalogue[e.type as EventType];
        expect(spec.department).toBe(department);
        expect(spec.data.safeParse(e.data).success).toBe(true);
      }
    }
  });

  it('writes a curl command with the address, the key and the events as one quoted body', () => {
    const text = curlSnippet('http://localhost:3000', 'sales', "rf_k'ey", '2026-01-01T00:00:00Z');
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      "curl -sS 'http://localhost:3000/api/ingest/sales' \\",
      `  -H 'Authorization: Bearer rf_k'\\''ey' \\`,
      "  -H 'Content-Type: application/json' \\",
    ]);
    expect(lines[3]).toBe("  -d '{");
    expect(text.endsWith("}'")).toBe(true);
    const body = JSON.parse(text.slice(text.indexOf("-d '") + 4, -1)) as unknown;
    expect(body).toEqual({
      events: [{ id: 'first-opportunity-1', type: 'opportunity.created', occurredAt: '2026-01-01T00:00:00Z', data: { opportunityId: 'opp-1', accountId: 'acme', contactId: 'contact-1', amountCents: 1200000, dealType: 'new_business' } }],
    });
  });

  it('points analytics-node at this server with the key as write key', () => {
    const text = segmentSnippet('https://funnel.example.com', 'rf_key');
    expect(text).toContain('writeKey: "rf_key"');
    expect(text).toContain('host: "https://funnel.example.com"');
    expect(text).toContain("path: '/api/ingest/segment/v1/batch'");
  });
});
