import { describe, expect, it } from 'vitest';
import { asAmount, fieldLabel, formatIsoDate, formatMoment, formatMoney, tooLongText, valueText, visibleFields, withReadableDates } from './readable';

describe('fieldLabel', () => {
  it.each([
    ['dateFrom', 'Starts'],
    ['dateDepart', 'Depart'],
    ['operating_carrier', 'Airline'],
    ['outbound_flight_code', 'Outbound flight'],
    ['invoiceURL', 'Invoice'],
    ['eventName', 'Event'],
    ['city', 'City'],
    ['days_until_due', 'Days until due'],
    ['customerEmailAddress', 'Customer email address'],
    ['maxPriceUSD', 'Max price USD'],
    ['hotel-id', 'Hotel id'],
  ])('%s reads as %s', (name, label) => {
    expect(fieldLabel(name)).toBe(label);
  });

  it('hides the workflow’s own confirmation flag', () => {
    expect(visibleFields({ city: 'Austin', userConfirmation: true })).toEqual([['city', 'Austin']]);
  });
});

describe('tooLongText', () => {
  it('speaks of characters, never bytes', () => {
    expect(tooLongText('message', 'a'.repeat(9000))).toBe('That message is too long (9,000 characters); please keep it under 8,000 characters.');
    expect(tooLongText('request', 'é'.repeat(4097))).toMatch(/^That request is too long; please shorten it/);
  });
});

describe('dates and money', () => {
  it('writes an ISO date one way everywhere', () => {
    expect(formatIsoDate('2026-03-07')).toBe('Sat 7 Mar 2026');
    expect(formatIsoDate('2026-12-31')).toBe('Thu 31 Dec 2026');
    expect(formatIsoDate('2026-02-30')).toBeNull();
    expect(formatIsoDate('March 7')).toBeNull();
    expect(valueText('2026-03-07')).toBe('Sat 7 Mar 2026');
    expect(valueText('Austin')).toBe('Austin');
    expect(withReadableDates('Chicago to Austin, 2026-12-09 to 2026-12-24.')).toBe('Chicago to Austin, Wed 9 Dec 2026 to Thu 24 Dec 2026.');
    expect(withReadableDates('ref 2026-12-09x, /a/2026-12-09, 2026-13-40')).toBe('ref 2026-12-09x, /a/2026-12-09, 2026-13-40');
  });

  it('writes a moment in the given zone in the same format, with the time', () => {
    const moment = new Date(Date.UTC(2026, 2, 6, 20, 0));
    expect(formatMoment(moment, 'Pacific/Auckland')).toBe('Sat 7 Mar 2026, 09:00');
    expect(formatMoment(moment, 'UTC')).toBe('Fri 6 Mar 2026, 20:00');
  });

  it('writes prices as money', () => {
    expect(formatMoney(412.5)).toBe('$412.50');
    expect(formatMoney(1234)).toBe('$1,234.00');
    expect(formatMoney(10, 'EUR')).toBe('€10.00');
    expect(asAmount('150.00')).toBe(150);
    expect(asAmount('lots')).toBeNull();
  });
});
