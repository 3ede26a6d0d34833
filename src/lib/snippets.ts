// What a new install shows to get the first events in: a curl command for the department's
// endpoint and a Segment (analytics-node) set-up, both with this server's address and the key.
import type { Department } from '~/server/ingest/catalogue';

/** One valid event of each department, dated `at`. */
export function sampleEvents(department: Department, at: string): { id: string; type: string; occurredAt: string; data: Record<string, unknown> }[] {
  switch (department) {
    case 'marketing':
      return [
        { id: 'first-touch-1', type: 'touch', occurredAt: at, data: { anonymousId: 'anon-1', channel: 'paid_search', touchType: 'ad_click', campaignId: 'first-campaign' } },
        { id: 'first-lead-1', type: 'lead.created', occurredAt: at, data: { contactId: 'contact-1', anonymousId: 'anon-1', email: 'ada@example.com', company: 'Acme' } },
      ];
    case 'sales':
      return [{ id: 'first-opportunity-1', type: 'opportunity.created', occurredAt: at, data: { opportunityId: 'opp-1', accountId: 'acme', contactId: 'contact-1', amountCents: 1200000, dealType: 'new_business' } }];
    case 'operations':
      return [{ id: 'first-expansion-1', type: 'account.expanded', occurredAt: at, data: { accountId: 'acme', amountCents: 300000 } }];
    case 'service':
      return [{ id: 'first-ticket-1', type: 'ticket.opened', occurredAt: at, data: { ticketId: 'ticket-1', accountId: 'acme', priority: 'high' } }];
  }
}

/** A single-quoted shell word. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** `curl` posting the department's sample events to this server. */
export function curlSnippet(baseUrl: string, department: Department, key: string, at: string): string {
  const body = JSON.stringify({ events: sampleEvents(department, at) }, null, 2);
  return [
    `curl -sS ${shellQuote(`${baseUrl}/api/ingest/${department}`)} \\`,
    `  -H ${shellQuote(`Authorization: Bearer ${key}`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
  ].join('\n');
}

/** @segment/analytics-node pointed at this server: the key is the write key. */
export function segmentSnippet(baseUrl: string, key: string): string {
  return [
    `import { Analytics } from '@segment/analytics-node';`,
    ``,
    `const analytics = new Analytics({`,
    `  writeKey: ${JSON.stringify(key)},`,
    `  host: ${JSON.stringify(baseUrl)},`,
    `  path: '/api/ingest/segment/v1/batch',`,
    `});`,
    ``,
    `// A visit, then the lead it became (a marketing key).`,
    `analytics.page({ anonymousId: 'anon-1', properties: { url: 'https://example.com/pricing', channel: 'organic_search' } });`,
    `analytics.identify({ userId: 'contact-1', anonymousId: 'anon-1', traits: { email: 'ada@example.com', company: 'Acme' } });`,
  ].join('\n');
}
