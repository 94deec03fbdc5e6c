import { TZDate } from '@date-fns/tz';

/**
 * Ticket dates (start date, desired completion) are calendar days with no time: they mean a
 * day where the course team is (ORC_TIMEZONE), not in UTC, or a Boston start date would start
 * the work at 7 pm the evening before.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `name` is a time zone this runtime knows (IANA names such as America/New_York, or UTC). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The first instant (epoch ms) of a YYYY-MM-DD day in `timeZone`, `days` later; null when not a day. */
function midnight(date: string, timeZone: string, days: number): number | null {
  const m = DAY.exec(date);
  if (!m) return null;
  const ms = new TZDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days, timeZone).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** When a YYYY-MM-DD day begins in `timeZone` (epoch ms), or null when `date` is not a day. */
export const startOfDay = (date: string, timeZone: string): number | null => midnight(date, timeZone, 0);

/** The last millisecond of a YYYY-MM-DD day in `timeZone`, or null when `date` is not a day. */
export function endOfDay(date: string, timeZone: string): number | null {
  const next = midnight(date, timeZone, 1);
  return next === null ? null : next - 1;
}

/** An instant as people in `timeZone` read it, e.g. "Monday, February 1, 2027 at 12:00 AM EST". */
export function formatInZone(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone }).format(ms);
}
