// A tool's result, folded into one line ("FindEvents result · 7 events") that opens to show
// every field. A failed tool says so in the summary line. Flights found and an invoice made
// are shown open, as cards: airline, flight codes and price; the invoice's amount, reference
// and link.

import { displayText, isObject, toolNameOf } from '../conversation';
import { asAmount, fieldLabel, formatMoney, isHiddenField, valueText, withReadableDates } from '../readable';
import { safeHttpUrl } from '../linkify';
import { KeyValueList, ValueView } from './ValueView';

/** The short facts shown without expanding: list sizes, or a few short fields. */
export function resultFacts(result: Record<string, unknown>): string[] {
  const lists = Object.entries(result)
    .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]))
    // "1 event", not "1 events": list names are plurals.
    .map(([key, list]) => {
      const noun = fieldLabel(key).toLowerCase();
      return `${list.length} ${list.length === 1 ? noun.replace(/s$/, '') : noun}`;
    });
  if (lists.length > 0) return lists;
  return Object.entries(result)
    .filter(([key, value]) => key !== 'tool' && !isHiddenField(key) && (typeof value === 'string' || typeof value === 'number') && String(value).length <= 40)
    .slice(0, 2)
    .map(([key, value]) => `${fieldLabel(key)}: ${valueText(value)}`);
}

export interface Flight {
  airline: string;
  returnAirline: string | null;
  outbound: string | null;
  inbound: string | null;
  price: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);

/** The flights of a flight search's result (`results` with airlines), or null for any other. */
export function readFlights(result: Record<string, unknown>): Flight[] | null {
  const list = result.results;
  if (!Array.isArray(list) || list.length === 0) return null;
  if (!list.every((item) => isObject(item) && (text(item.operating_carrier) || text(item.outbound_flight_code)))) return null;
  const currency = text(result.currency) ?? 'USD';
  return (list as Record<string, unknown>[]).map((item) => {
    const airline = text(item.operating_carrier) ?? 'Airline not named';
    const back = text(item.return_operating_carrier);
    const amount = asAmount(item.price);
    return {
      airline,
      returnAirline: back && back !== airline ? back : null,
      outbound: text(item.outbound_flight_code),
      inbound: text(item.return_flight_code),
      price: amount === null ? null : formatMoney(amount, currency),
    };
  });
}

export interface Invoice {
  href: string;
  reference: string | null;
  amount: string | null;
  trip: string | null;
  status: string | null;
}

/** The invoice of an invoice tool's result (an http(s) `invoiceURL`), or null. */
export function readInvoice(result: Record<string, unknown>): Invoice | null {
  const url = safeHttpUrl(text(result.invoiceURL) ?? '');
  if (!url) return null;
  const amount = asAmount(result.amount);
  return {
    href: url.href,
    reference: text(result.reference),
    amount: amount === null ? null : formatMoney(amount, text(result.currency) ?? 'USD'),
    trip: withReadableDates(text(result.tripDetails) ?? '') || null,
    status: text(result.invoiceStatus),
  };
}

const card = 'rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900';

function FlightCards({ tool, flights, route }: { tool: string; flights: Flight[]; route: string | null }) {
  return (
    <section data-testid="tool-result" data-kind="flights" aria-label={`${tool} result`} className="rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm dark:border-slate-700 dark:bg-slate-800/60">
      <h3 className="font-medium text-slate-700 dark:text-slate-200">
        {tool} result · {flights.length} {flights.length === 1 ? 'flight' : 'flights'}
        {route ? <span className="text-slate-600 dark:text-slate-300"> · {route}</span> : null}
      </h3>
      <ul className="mt-2 grid gap-2 sm:grid-cols-2">
        {flights.map((flight, i) => (
          <li key={i} data-testid="flight-card" className={card}>
            <div className="flex items-baseline justify-between gap-2">
              <span className="font-semibold text-slate-900 dark:text-slate-100">{flight.airline}</span>
              {flight.price ? <span className="font-semibold tabular-nums text-teal-800 dark:text-teal-300">{flight.price}</span> : null}
            </div>
            <p className="mt-1 text-slate-600 dark:text-slate-300">
              {flight.outbound ? <>Out <span className="font-mono">{flight.outbound}</span></> : null}
              {flight.outbound && flight.inbound ? ' · ' : null}
              {flight.inbound ? <>Back <span className="font-mono">{flight.inbound}</span></> : null}
              {flight.returnAirline ? ` (${flight.returnAirline})` : null}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function InvoiceCard({ tool, invoice }: { tool: string; invoice: Invoice }) {
  return (
    <section data-testid="tool-result" data-kind="invoice" aria-label={`${tool} result`} className="rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm dark:border-slate-700 dark:bg-slate-800/60">
      <h3 className="font-medium text-slate-700 dark:text-slate-200">{tool} result</h3>
      <div data-testid="invoice-card" className={`mt-2 ${card}`}>
        <div className="flex items-baseline justify-between gap-2">
          <span className="font-semibold text-slate-900 dark:text-slate-100">Invoice{invoice.reference ? ` ${invoice.reference}` : ''}</span>
          {invoice.amount ? <span className="font-semibold tabular-nums text-teal-800 dark:text-teal-300">{invoice.amount}</span> : null}
        </div>
        {invoice.trip ? <p className="mt-1 text-slate-600 dark:text-slate-300">{invoice.trip}</p> : null}
        <a
          href={invoice.href}
          target="_blank"
          rel="noopener noreferrer"
          className="mt-2 inline-block font-medium text-teal-700 underline decoration-teal-700/40 underline-offset-2 hover:decoration-teal-700 dark:text-teal-300"
        >
          Open the invoice{invoice.reference ? ` ${invoice.reference}` : ''}
        </a>
      </div>
    </section>
  );
}

export function ToolResultView({ response }: { response: unknown }) {
  const tool = toolNameOf(response) ?? 'Tool';
  const body = isObject(response) ? Object.fromEntries(Object.entries(response).filter(([key]) => key !== 'tool')) : null;
  const error = body && body.error !== undefined && body.error !== null ? displayText(body.error) : null;
  const facts = body && !error ? resultFacts(body) : [];
  const flights = body && !error ? readFlights(body) : null;
  if (flights) {
    const from = text(body?.origin);
    const to = text(body?.destination);
    return <FlightCards tool={tool} flights={flights} route={from && to ? `${from} → ${to}` : null} />;
  }
  const invoice = body && !error ? readInvoice(body) : null;
  if (invoice) return <InvoiceCard tool={tool} invoice={invoice} />;

  return (
    <details
      data-testid="tool-result"
      className="group rounded-lg border border-slate-200 bg-slate-50 text-sm dark:border-slate-700 dark:bg-slate-800/60"
    >
      <summary className="cursor-pointer select-none list-none rounded-lg px-3 py-2 text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800">
        <span aria-hidden="true" className="mr-2 inline-block transition-transform group-open:rotate-90">
          ▸
        </span>
        <span className="font-medium">{error ? `${tool} failed` : `${tool} result`}</span>
        {error ? <span className="text-red-700 dark:text-red-300"> · {error}</span> : null}
        {facts.length > 0 ? <span className="text-slate-500 dark:text-slate-400"> · {facts.join(' · ')}</span> : null}
      </summary>
      <div className="border-t border-slate-200 px-3 py-2 dark:border-slate-700">
        {body ? <KeyValueList value={body} /> : <ValueView value={response} />}
      </div>
    </details>
  );
}
