// Cell values as people's spreadsheets write them: dates in the common formats read in a chosen
// time zone, and amounts with thousands separators and either decimal mark, into cents.

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Which comes first in a numeric date such as 03/04/2024: the day (dmy) or the month (mdy). */
export type DateOrder = 'dmy' | 'mdy';
export type DecimalMark = '.' | ',';

const months: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  // German and French spellings that differ in their first letters
  mär: 3, mrz: 3, mai: 5, okt: 10, dez: 12, janv: 1, févr: 2, fevr: 2, avr: 4, juin: 6, juil: 7, août: 8, aout: 8, déc: 12,
};

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `timeZone` is an IANA zone name this runtime knows (or UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timeZone, f);
  }
  return f;
}

const offsetCache = new Map<string, number>();

/** The zone's offset from UTC in ms at instant `utcMs` (positive east of Greenwich). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  // Offsets change on whole quarter hours at most, so one look-up per quarter hour is enough.
  const bucket = `${timeZone}|${Math.floor(utcMs / 900_000)}`;
  const cached = offsetCache.get(bucket);
  if (cached !== undefined) return cached;
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = asUtc - Math.floor(utcMs / 1000) * 1000;
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(bucket, offset);
  return offset;
}

/** The instant a wall-clock time in `timeZone` names; in a gap (spring forward) the later side. */
export function wallTimeToUtc(
  parts: { year: number; month: number; day: number; hour: number; minute: number; second: number; ms?: number },
  timeZone: string,
): Date {
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, parts.ms ?? 0);
  let utc = wall - zoneOffsetMs(timeZone, wall);
  const second = wall - zoneOffsetMs(timeZone, utc);
  if (second !== utc) utc = Math.max(utc, second);
  return new Date(utc);
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const timePart = String.raw`(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp]\.?[Mm]\.?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?`;
const isoLike = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${timePart}$`);
const numeric = new RegExp(String.raw`^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})${timePart}$`);
const dayMonthName = new RegExp(String.raw`^(\d{1,2})\.?[ -]([A-Za-zäéû]{3,5})\.?[ ,-]*(\d{4})${timePart}$`);
const monthNameDay = new RegExp(String.raw`^([A-Za-zäéû]{3,5})\.? (\d{1,2}),? (\d{4})${timePart}$`);

/**
 * Reads a date or date-time: 2024-03-05, 2024-03-05 14:30[:00], 2024-03-05T14:30:00Z (its own
 * offset wins), 05.03.2024, 05/03/2024 or 03/05/2024 (by `order`), 5 Mar 2024, Mar 5, 2024, each
 * with an optional time (24-hour or AM/PM). A time without an offset is read in `timeZone`.
 */
export function parseDate(input: string, options: { timeZone: string; order: DateOrder }): Parsed<Date> {
  const value = input.trim();
  if (value === '') return { ok: false, message: 'is empty' };
  let year: number;
  let month: number;
  let day: number;
  let rest: (string | undefined)[];
  let m: RegExpMatchArray | null;
  if ((m = isoLike.exec(value))) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    rest = m.slice(4);
  } else if ((m = numeric.exec(value))) {
    const [a, b] = [Number(m[1]), Number(m[3])];
    // A dotted date is day-first everywhere it is used.
    const dayFirst = m[2] === '.' || options.order === 'dmy';
    [day, month] = dayFirst ? [a, b] : [b, a];
    year = Number(m[4]);
    rest = m.slice(5);
  } else if ((m = dayMonthName.exec(value)) || (m = monthNameDay.exec(value))) {
    const named = /^\d/.test(m[1]!) ? { d: m[1]!, mo: m[2]! } : { d: m[2]!, mo: m[1]! };
    const mo = months[named.mo.toLowerCase()] ?? months[named.mo.toLowerCase().slice(0, 3)];
    if (mo === undefined) return { ok: false, message: `has an unknown month '${named.mo}'` };
    [year, month, day] = [Number(m[3]), mo, Number(named.d)];
    rest = m.slice(4);
  } else {
    return { ok: false, message: `is not a date in a known format (such as 2024-03-31 or 31.03.2024)` };
  }
  if (!validDay(year, month, day)) return { ok: false, message: `is not a valid date` };
  const [hh, mm, ss, frac, ampm, zone] = rest;
  let hour = hh === undefined ? 0 : Number(hh);
  const minute = mm === undefined ? 0 : Number(mm);
  const second = ss === undefined ? 0 : Number(ss);
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  if (ampm !== undefined) {
    if (hour < 1 || hour > 12) return { ok: false, message: 'has an hour outside 1-12 with AM/PM' };
    const pm = ampm.toLowerCase().startsWith('p');
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: 'has an invalid time of day' };
  if (zone !== undefined) {
    const offsetMinutes = /^(Z|UTC|GMT)$/i.test(zone)
      ? 0
      : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
    return { ok: true, value: new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000) };
  }
  return { ok: true, value: wallTimeToUtc({ year, month, day, hour, minute, second, ms }, options.timeZone) };
}

/** The calendar day (YYYY-MM-DD) an instant falls on in `timeZone`. */
export function calendarDay(at: Date, timeZone: string): string {
  const local = new Date(at.getTime() + zoneOffsetMs(timeZone, at.getTime()));
  return local.toISOString().slice(0, 10);
}

/**
 * Which order numeric dates in a column use, from sample values: day-first when some first part
 * is over 12, month-first when some second part is; else `fallback`.
 */
export function suggestDateOrder(samples: readonly string[], fallback: DateOrder = 'dmy'): DateOrder {
  for (const sample of samples) {
    const m = /^\s*(\d{1,2})[/-](\d{1,2})[/-]\d{4}/.exec(sample);
    if (!m) continue;
    if (Number(m[1]) > 12) return 'dmy';
    if (Number(m[2]) > 12) return 'mdy';
  }
  return fallback;
}

/**
 * An amount into whole cents: "1,234.56", "1.234,56", "1 234,5", "€ 12", "(50.00)", "-3".
 * Currency signs and codes and spaces are dropped. With a `decimalMark` the other mark is a
 * thousands separator; without one, the last of two different marks is the decimal one, a mark
 * that repeats separates thousands, and a single mark followed by exactly three digits separates
 * thousands too ("1,500" is 1500).
 */
export function parseAmountCents(input: string, decimalMark?: DecimalMark): Parsed<number> {
  let value = input.trim();
  if (value === '') return { ok: false, message: 'is empty' };
  let negative = false;
  if (/^\(.*\)$/.test(value)) {
    negative = true;
    value = value.slice(1, -1);
  }
  // currency codes and signs, spaces of every kind, and the apostrophe Swiss thousands use
  value = value.replace(/[A-Za-z$€£¥₹\s\u00a0\u202f']/g, '');
  if (value.startsWith('-')) {
    negative = !negative;
    value = value.slice(1);
  } else if (value.startsWith('+')) value = value.slice(1);
  if (!/^[\d.,]+$/.test(value) || !/\d/.test(value)) return { ok: false, message: 'is not an amount' };

  const mark = decimalMark ?? guessDecimalMark(value);
  const thousands = mark === '.' ? ',' : '.';
  const [whole = '', fraction = '', extra] = value.split(thousands).join('').split(mark);
  if (extra !== undefined) return { ok: false, message: `has more than one decimal mark '${mark}'` };
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(fraction)) return { ok: false, message: 'is not an amount' };
  const padded = `${fraction}000`;
  let cents = Number(whole || '0') * 100 + Number(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1;
  if (!Number.isSafeInteger(cents)) return { ok: false, message: 'is too large' };
  return { ok: true, value: negative && cents !== 0 ? -cents : cents };
}

function guessDecimalMark(value: string): DecimalMark {
  const lastDot = value.lastIndexOf('.');
  const lastComma = value.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) return lastDot > lastComma ? '.' : ',';
  const only = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : null;
  if (only === null) return '.';
  const other: DecimalMark = only === '.' ? ',' : '.';
  if (value.indexOf(only) !== value.lastIndexOf(only)) return other;
  const after = value.length - value.indexOf(only) - 1;
  const before = value.slice(0, value.indexOf(only));
  return after === 3 && before !== '' && before !== '0' ? other : only;
}

/** A whole number such as a CSAT score: "4", "4.0", " 5 ". */
export function parseWholeNumber(input: string): Parsed<number> {
  const value = input.trim();
  if (!/^[+-]?\d+(?:[.,]0+)?$/.test(value)) return { ok: false, message: 'is not a whole number' };
  return { ok: true, value: Number(value.replace(/[.,]0+$/, '')) };
}
