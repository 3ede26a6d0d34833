import { describe, expect, it } from 'vitest';
import { calendarDay, type DateOrder, parseAmountCents, parseDate, parseWholeNumber, suggestDateOrder, wallTimeToUtc } from './values';

const utc: { timeZone: string; order: DateOrder } = { timeZone: 'UTC', order: 'dmy' };
const berlin: { timeZone: string; order: DateOrder } = { timeZone: 'Europe/Berlin', order: 'dmy' };
const iso = (value: string, options = utc) => {
  const parsed = parseDate(value, options);
  return parsed.ok ? parsed.value.toISOString() : `error: ${parsed.message}`;
};

describe('parseDate', () => {
  it('reads ISO dates and date-times, an offset of their own winning over the zone', () => {
    expect(iso('2024-03-05')).toBe('2024-03-05T00:00:00.000Z');
    expect(iso('2024-03-05 14:30')).toBe('2024-03-05T14:30:00.000Z');
    expect(iso('2024-03-05T14:30:15.250Z', berlin)).toBe('2024-03-05T14:30:15.250Z');
    expect(iso('2024-03-05T14:30:00+02:00', berlin)).toBe('2024-03-05T12:30:00.000Z');
    expect(iso('2024/3/5')).toBe('2024-03-05T00:00:00.000Z');
  });

  it('reads wall times in the chosen zone, summer and winter time included', () => {
    // Berlin is UTC+1 in winter, UTC+2 from the last Sunday of March
    expect(iso('2024-01-15 09:00', berlin)).toBe('2024-01-15T08:00:00.000Z');
    expect(iso('2024-07-15 09:00', berlin)).toBe('2024-07-15T07:00:00.000Z');
    expect(iso('2024-03-05', berlin)).toBe('2024-03-04T23:00:00.000Z');
    expect(iso('2024-03-05', { timeZone: 'America/New_York', order: 'mdy' })).toBe('2024-03-05T05:00:00.000Z');
    // 02:30 does not exist on 2024-03-31 in Berlin: the later side of the gap
    expect(iso('2024-03-31 02:30', berlin)).toBe('2024-03-31T01:30:00.000Z');
  });

  it('reads day-first and month-first numeric dates by the chosen order; dotted dates are day-first', () => {
    expect(iso('05/03/2024')).toBe('2024-03-05T00:00:00.000Z');
    expect(iso('05/03/2024', { timeZone: 'UTC', order: 'mdy' })).toBe('2024-05-03T00:00:00.000Z');
    expect(iso('05.03.2024', { timeZone: 'UTC', order: 'mdy' })).toBe('2024-03-05T00:00:00.000Z');
    expect(iso('3/15/2024 2:05 PM', { timeZone: 'UTC', order: 'mdy' })).toBe('2024-03-15T14:05:00.000Z');
    expect(iso('3/15/2024 12:00 am', { timeZone: 'UTC', order: 'mdy' })).toBe('2024-03-15T00:00:00.000Z');
    expect(iso('31.12.2023 23:59:59', berlin)).toBe('2023-12-31T22:59:59.000Z');
  });

  it('reads month names', () => {
    expect(iso('5 Mar 2024')).toBe('2024-03-05T00:00:00.000Z');
    expect(iso('Mar 5, 2024')).toBe('2024-03-05T00:00:00.000Z');
    expect(iso('05-Okt-2024')).toBe('2024-10-05T00:00:00.000Z');
  });

  it('says why a value is not a date', () => {
    expect(iso('')).toBe('error: is empty');
    expect(iso('yesterday')).toMatch(/not a date in a known format/);
    expect(iso('2023-02-29')).toBe('error: is not a valid date');
    expect(iso('31/31/2024')).toBe('error: is not a valid date');
    expect(iso('2024-01-01 25:00')).toBe('error: has an invalid time of day');
    expect(iso('5 Foo 2024')).toMatch(/unknown month/);
  });

  it('finds the calendar day in a zone', () => {
    expect(calendarDay(new Date('2024-03-04T23:00:00Z'), 'Europe/Berlin')).toBe('2024-03-05');
    expect(calendarDay(new Date('2024-03-04T23:00:00Z'), 'UTC')).toBe('2024-03-04');
    expect(wallTimeToUtc({ year: 2024, month: 10, day: 27, hour: 12, minute: 0, second: 0 }, 'Europe/Berlin').toISOString()).toBe('2024-10-27T11:00:00.000Z');
  });

  it('suggests the order from values where a part is over 12', () => {
    expect(suggestDateOrder(['01/02/2024', '13/02/2024'])).toBe('dmy');
    expect(suggestDateOrder(['01/02/2024', '02/28/2024'])).toBe('mdy');
    expect(suggestDateOrder(['01/02/2024'], 'mdy')).toBe('mdy');
  });
});

describe('parseAmountCents', () => {
  const cents = (value: string, mark?: '.' | ',') => {
    const parsed = parseAmountCents(value, mark);
    return parsed.ok ? parsed.value : parsed.message;
  };

  it('reads either decimal mark with thousands separators', () => {
    expect(cents('1,234.56')).toBe(123456);
    expect(cents('1.234,56')).toBe(123456);
    expect(cents('1 234,5')).toBe(123450);
    expect(cents('1\u00a0234\u00a0567,89')).toBe(123456789);
    expect(cents("1'234.50")).toBe(123450);
    expect(cents('12,5')).toBe(1250);
    expect(cents('0.0')).toBe(0);
    expect(cents('150000.0')).toBe(15000000);
    expect(cents('1.234.567')).toBe(123456700);
  });

  it('takes a single mark before exactly three digits as a thousands separator unless told', () => {
    expect(cents('1,500')).toBe(150000);
    expect(cents('1.500')).toBe(150000);
    expect(cents('0,125')).toBe(13);
    expect(cents('1,500', ',')).toBe(150);
    expect(cents('1.500', '.')).toBe(150);
  });

  it('drops currency signs and codes, rounds half-cents up, keeps signs', () => {
    expect(cents('$1,000')).toBe(100000);
    expect(cents('€ 99,99')).toBe(9999);
    expect(cents('EUR 10.005')).toBe(1000500);
    expect(cents('10.005', '.')).toBe(1001);
    expect(cents('R$ 2.500,00')).toBe(250000);
    expect(cents('-3')).toBe(-300);
    expect(cents('(50.00)')).toBe(-5000);
  });

  it('says why a value is not an amount', () => {
    expect(cents('')).toBe('is empty');
    expect(cents('n/a')).toBe('is not an amount');
    expect(cents('1,2,3.4.5')).toBe("has more than one decimal mark '.'");
    expect(cents('99999999999999999999')).toBe('is too large');
  });
});

describe('parseWholeNumber', () => {
  it('reads whole numbers written with a zero fraction', () => {
    expect(parseWholeNumber(' 4 ')).toEqual({ ok: true, value: 4 });
    expect(parseWholeNumber('5,0')).toEqual({ ok: true, value: 5 });
    expect(parseWholeNumber('4.5')).toEqual({ ok: false, message: 'is not a whole number' });
  });
});
