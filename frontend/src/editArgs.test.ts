import { describe, expect, it } from 'vitest';
import { argFields, argLabel, argsFromForm } from './editArgs';

describe('argLabel', () => {
  it.each([
    ['city', 'City'],
    ['dateDepart', 'Depart'],
    ['date_return', 'Return'],
    ['days-until-due', 'Days until due'],
    ['operating_carrier', 'Airline'],
    ['invoiceURL', 'Invoice'],
    ['maxPriceUSD', 'Max price USD'],
  ])('%s reads as %s', (name, label) => {
    expect(argLabel(name)).toBe(label);
  });
});

describe('argFields and argsFromForm', () => {
  const args = { city: 'Austin', amount: 150.5, userConfirmation: true, passengers: { adults: 2 }, dateReturn: null };

  it('gives each argument a field of its kind, started with its value', () => {
    expect(argFields(args)).toEqual([
      { name: 'city', label: 'City', kind: 'text', initial: 'Austin' },
      { name: 'amount', label: 'Amount', kind: 'number', initial: '150.5' },
      { name: 'passengers', label: 'Passengers', kind: 'json', initial: '{\n  "adults": 2\n}' },
      { name: 'dateReturn', label: 'Return', kind: 'text', initial: '' },
    ]);
  });

  it('reads the values back with the types proposed', () => {
    const fields = argFields(args);
    const values = { city: 'Denver', amount: '99', passengers: '{"adults": 3}', dateReturn: '' };
    // `userConfirmation` has no field: it goes back as the agent proposed it.
    expect(argsFromForm(fields, values, args)).toEqual({
      ok: true,
      args: { city: 'Denver', amount: 99, userConfirmation: true, passengers: { adults: 3 }, dateReturn: null },
    });
    expect(argsFromForm(fields, { ...values, dateReturn: '2026-12-20' }, args)).toMatchObject({ args: { dateReturn: '2026-12-20' } });
  });

  it('says which value does not read as its type', () => {
    const fields = argFields(args);
    expect(argsFromForm(fields, { amount: 'lots' }, args)).toEqual({ ok: false, error: 'Amount must be a number.' });
    expect(argsFromForm(fields, { passengers: '{adults' }, args)).toEqual({ ok: false, error: 'Passengers is not valid JSON.' });
  });
});
