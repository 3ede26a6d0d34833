import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';
import { masked } from './masked';

describe('toCsv', () => {
  const columns = [
    { key: 'source', header: 'Source', format: 'text' },
    { key: 'leads', header: 'Leads', format: 'count' },
    { key: 'revenue', header: 'Won revenue', format: 'cents' },
  ] as const;

  it('writes a header and one line per row, masked cells as masked and null as empty', () => {
    const csv = toCsv(columns, [
      { source: 'email', leads: 1200, revenue: 250000 },
      { source: 'paid_search', leads: 3, revenue: masked },
      { source: 'unknown', leads: 0, revenue: null },
    ]);
    expect(csv).toBe('Source,Leads,Won revenue\r\nemail,1200,2500.00\r\npaid_search,3,masked\r\nunknown,0,\r\n');
  });

  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    const csv = toCsv([{ key: 'name', header: 'Name, full', format: 'text' }], [{ name: 'a "b"' }, { name: '=SUM(A1)' }, { name: '-12' }]);
    expect(csv).toBe('"Name, full"\r\n"a ""b"""\r\n\'=SUM(A1)\r\n-12\r\n');
  });

  it('writes only the header for no rows', () => {
    expect(toCsv(columns, [])).toBe('Source,Leads,Won revenue\r\n');
  });

  it('leaves out the soft hyphens that let a header break on screen', () => {
    expect(toCsv([{ key: 'p', header: 'Projec\u00ADtion', format: 'count' }], [{ p: 3 }])).toBe('Projection\r\n3\r\n');
  });
});
