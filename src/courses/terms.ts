import { TERM_PATTERN } from '../requests/draft';

/**
 * Calendar of a term such as 2027_Spring: when its run starts and ends (the dates written into
 * a new course's policy and schedule). MIT's residential calendar, rounded to whole months:
 * agents adjust the exact dates in Studio's Schedule & Details if they matter.
 */
const SEASONS: Record<string, { start: [number, number]; end: [number, number] }> = {
  IAP: { start: [1, 5], end: [1, 31] },
  Winter: { start: [1, 5], end: [1, 31] },
  Spring: { start: [2, 1], end: [5, 31] },
  Summer: { start: [6, 1], end: [8, 31] },
  Fall: { start: [9, 1], end: [12, 31] },
};

export interface TermDates {
  /** ISO datetimes (UTC). */
  start: string;
  end: string;
}

const isoDay = (year: number, [month, day]: [number, number], time: string) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${time}Z`;

export function termDates(term: string): TermDates | undefined {
  const m = TERM_PATTERN.exec(term);
  if (!m) return undefined;
  const season = SEASONS[m[2]!]!;
  const year = Number(m[1]);
  return { start: isoDay(year, season.start, '00:00:00'), end: isoDay(year, season.end, '23:59:59') };
}
