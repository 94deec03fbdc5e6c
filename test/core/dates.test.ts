import { describe, expect, it } from 'vitest';
import { endOfDay, formatInZone, isTimeZone, startOfDay } from '../../src/requests/dates';
import { isOverdue } from '../../src/requests/views';

describe('ticket dates are days in ORC_TIMEZONE', () => {
  it('starts a day at its midnight in the zone, across daylight saving time', () => {
    expect(new Date(startOfDay('2027-02-01', 'America/New_York')!).toISOString()).toBe('2027-02-01T05:00:00.000Z');
    expect(new Date(startOfDay('2027-07-01', 'America/New_York')!).toISOString()).toBe('2027-07-01T04:00:00.000Z');
    // The day daylight saving time starts in the US still begins on standard time.
    expect(new Date(startOfDay('2027-03-14', 'America/New_York')!).toISOString()).toBe('2027-03-14T05:00:00.000Z');
    expect(new Date(startOfDay('2027-02-01', 'UTC')!).toISOString()).toBe('2027-02-01T00:00:00.000Z');
    expect(new Date(startOfDay('2027-02-01', 'Asia/Kolkata')!).toISOString()).toBe('2027-01-31T18:30:00.000Z');
    expect(startOfDay('next tuesday', 'UTC')).toBeNull();
    expect(startOfDay('2027-02-01T09:00:00Z', 'UTC')).toBeNull();
  });

  it('ends a day at its last millisecond there: a 23-hour day is 23 hours long', () => {
    expect(new Date(endOfDay('2027-02-01', 'America/New_York')!).toISOString()).toBe('2027-02-02T04:59:59.999Z');
    expect(endOfDay('2027-03-14', 'America/New_York')! + 1 - startOfDay('2027-03-14', 'America/New_York')!).toBe(23 * 3600_000);
  });

  it('is overdue only once the desired completion day is over where the course team is', () => {
    const request = { desiredCompletion: '2027-02-01', status: 'in_progress' as const };
    const lateEveningInBoston = Date.parse('2027-02-02T03:00:00Z');
    expect(isOverdue(request, lateEveningInBoston, 'UTC')).toBe(true);
    expect(isOverdue(request, lateEveningInBoston, 'America/New_York')).toBe(false);
    expect(isOverdue(request, Date.parse('2027-02-02T05:00:00Z'), 'America/New_York')).toBe(true);
    expect(isOverdue({ ...request, status: 'completed' }, Date.parse('2030-01-01'), 'UTC')).toBe(false);
  });

  it('tells the time as people there read it, with the zone', () => {
    expect(formatInZone(Date.parse('2027-02-01T05:00:00Z'), 'America/New_York')).toBe('Monday, February 1, 2027 at 12:00 AM EST');
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Boston')).toBe(false);
  });
});
