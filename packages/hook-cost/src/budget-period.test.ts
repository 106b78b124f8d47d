import { describe, expect, it } from 'vitest';
import { BudgetCalendar } from './budget-period.js';

const at = (iso: string) => Date.parse(iso);

describe('BudgetCalendar', () => {
  it('gives UTC days that end at midnight', () => {
    const days = new BudgetCalendar('day');
    const before = days.at(at('2026-11-30T23:59:59.999Z'));
    const after = days.at(at('2026-12-01T00:00:00.000Z'));
    expect(before).toMatchObject({
      id: '2026-11-30',
      startMs: at('2026-11-30T00:00:00Z'),
      endMs: at('2026-12-01T00:00:00Z'),
    });
    expect(after).toMatchObject({ id: '2026-12-01', startMs: at('2026-12-01T00:00:00Z') });
  });

  it('gives calendar months, February and year ends included', () => {
    const months = new BudgetCalendar('month');
    expect(months.at(at('2028-02-29T12:00:00Z'))).toMatchObject({
      id: '2028-02',
      endMs: at('2028-03-01T00:00:00Z'),
    });
    expect(months.at(at('2026-12-31T23:59:59Z'))).toMatchObject({
      id: '2026-12',
      endMs: at('2027-01-01T00:00:00Z'),
    });
  });

  it('follows the wall clock of a time zone, DST days of 23 and 25 hours included', () => {
    const newYork = new BudgetCalendar('day', 'America/New_York');
    // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT.
    const spring = newYork.at(at('2026-03-08T12:00:00Z'));
    expect(spring).toMatchObject({
      id: '2026-03-08',
      startMs: at('2026-03-08T05:00:00Z'),
      endMs: at('2026-03-09T04:00:00Z'),
    });
    expect(spring.endMs - spring.startMs).toBe(23 * 3_600_000);
    const autumn = newYork.at(at('2026-11-01T12:00:00Z'));
    expect(autumn.endMs - autumn.startMs).toBe(25 * 3_600_000);
    // 03:30 UTC on 2026-11-30 is still the 29th in New York.
    expect(newYork.at(at('2026-11-30T03:30:00Z')).id).toBe('2026-11-29');
    const kolkata = new BudgetCalendar('day', 'Asia/Kolkata');
    expect(kolkata.at(at('2026-11-30T18:29:59Z')).id).toBe('2026-11-30');
    expect(kolkata.at(at('2026-11-30T18:30:00Z')).id).toBe('2026-12-01');
  });

  it('gives fixed windows aligned to the epoch, named by their start', () => {
    const windows = new BudgetCalendar({ windowMs: 3_600_000 });
    expect(windows.at(at('2026-11-30T10:59:59Z'))).toMatchObject({
      id: '2026-11-30T10:00:00.000Z',
      endMs: at('2026-11-30T11:00:00Z'),
    });
  });

  it('answers an instant of an earlier period correctly after a later one was cached', () => {
    const days = new BudgetCalendar('day');
    days.at(at('2026-12-01T00:00:01Z'));
    expect(days.at(at('2026-11-30T23:59:59Z')).id).toBe('2026-11-30');
    expect(days.at(at('2026-12-01T10:00:00Z')).id).toBe('2026-12-01');
  });

  it('keeps a period readable for two period lengths after it ends', () => {
    const day = new BudgetCalendar('day').at(at('2026-11-30T12:00:00Z'));
    expect(day.keepUntilMs).toBe(at('2026-12-03T00:00:00Z'));
  });

  it('refuses a time zone that does not exist', () => {
    expect(() => new BudgetCalendar('day', 'Mars/Olympus')).toThrow(RangeError);
  });
});
