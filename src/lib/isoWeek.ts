// ISO 8601 weeks (Monday first; week 1 holds the year's first Thursday), in UTC.

const DAY = 86_400_000;
const pattern = /^(\d{4})-W(\d{2})$/;

/** Monday of ISO week 1 of a year. */
function week1Monday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday = 0
  return jan4 - weekday * DAY;
}

export function weeksInYear(year: number): number {
  return (week1Monday(year + 1) - week1Monday(year)) / (7 * DAY);
}

export function isValidIsoWeek(value: string): boolean {
  const match = pattern.exec(value);
  if (!match) return false;
  const week = Number(match[2]);
  return week >= 1 && week <= weeksInYear(Number(match[1]));
}

/** The Monday (UTC midnight) an ISO week starts on. */
export function isoWeekStart(value: string): Date {
  const match = pattern.exec(value);
  if (!match || !isValidIsoWeek(value)) throw new RangeError(`not an ISO week: ${value}`);
  return new Date(week1Monday(Number(match[1])) + (Number(match[2]) - 1) * 7 * DAY);
}

/** The ISO week a moment falls in. */
export function isoWeekOf(moment: Date): string {
  const day = Date.UTC(moment.getUTCFullYear(), moment.getUTCMonth(), moment.getUTCDate());
  const thursday = day + (3 - ((new Date(day).getUTCDay() + 6) % 7)) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - week1Monday(year)) / (7 * DAY));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function addWeeks(value: string, weeks: number): string {
  return isoWeekOf(new Date(isoWeekStart(value).getTime() + weeks * 7 * DAY));
}
