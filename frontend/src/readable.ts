// Words for what tools take and return, so a person reads "Depart: Sat 7 Mar 2026" rather than
// `dateDepart: 2026-03-07`. Field names become labels (a known few by hand, the rest split into
// words), internal fields such as `userConfirmation` are hidden, ISO dates share one format
// everywhere ("Sat 7 Mar 2026"), and prices read as money.

/** Labels for the field names the bundled tools use; any other name is split into words. */
const LABELS: Record<string, string> = {
  origin: 'From',
  destination: 'To',
  dateDepart: 'Depart',
  dateReturn: 'Return',
  date_depart: 'Depart',
  date_return: 'Return',
  dateFrom: 'Starts',
  dateTo: 'Ends',
  eventName: 'Event',
  operating_carrier: 'Airline',
  return_operating_carrier: 'Return airline',
  outbound_flight_code: 'Outbound flight',
  return_flight_code: 'Return flight',
  tripDetails: 'Trip',
  invoiceURL: 'Invoice',
  invoiceStatus: 'Invoice status',
  daysUntilDue: 'Days until due',
};

/** Fields the agent fills in for the workflow's sake; a person has nothing to read in them. */
const HIDDEN = new Set(['userConfirmation', 'user_confirmation']);

export function isHiddenField(name: string): boolean {
  return HIDDEN.has(name);
}

/** An object's fields, without those a person does not need to see. */
export function visibleFields(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([key]) => !isHiddenField(key));
}

/** "dateDepart" → "Depart", "days_until_due" → "Days until due", "invoiceURL" → "Invoice". */
export function fieldLabel(name: string): string {
  const known = LABELS[name];
  if (known) return known;
  const words = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    // Acronyms (URL, ID) stay as they are; other words are lower case after the first.
    .map((word, i) => (/^[A-Z0-9]{2,}$/.test(word) ? word : i === 0 ? word.charAt(0).toUpperCase() + word.slice(1).toLowerCase() : word.toLowerCase()));
  return words.length > 0 ? words.join(' ') : name;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-03-07" → "Sat 7 Mar 2026"; null when `text` is not a real calendar date. */
export function formatIsoDate(text: string): string | null {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${WEEKDAYS[date.getUTCDay()]} ${day} ${MONTHS[month - 1]} ${year}`;
}

/** `text` with every ISO date in it ("2026-12-09") written the one way ("Wed 9 Dec 2026"). */
export function withReadableDates(text: string): string {
  return text.replace(/(?<![\w/.-])(\d{4}-\d{2}-\d{2})(?![\w/-])/g, (iso) => formatIsoDate(iso) ?? iso);
}

/** A moment in the browser's time zone, in the same format: "Sat 7 Mar 2026, 09:00". */
export function formatMoment(date: Date, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}, ${part('hour')}:${part('minute')}`;
}

/** 412.5 → "$412.50" (any ISO currency; US dollars unless told). */
export function formatMoney(amount: number, currency = 'USD'): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** A number or a numeric string ("150.00") as a number, else null. */
export function asAmount(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** A field's value in words, for the short summaries: dates formatted, the rest as text. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return formatIsoDate(value) ?? value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/**
 * What the api's size limit (8 KiB of UTF-8) means to a person: a round number of characters
 * that fits in it for ordinary text.
 */
export const LIMIT_IN_WORDS = 'under 8,000 characters';

/** Why Send is off for `text`, which is over the limit. */
export function tooLongText(what: 'message' | 'request', text: string): string {
  const characters = [...text].length;
  if (characters > 8000) return `That ${what} is too long (${characters.toLocaleString('en-US')} characters); please keep it ${LIMIT_IN_WORDS}.`;
  // Under 8,000 characters yet over the limit: many of them take more room than plain letters.
  return `That ${what} is too long; please shorten it (accented letters, emoji and symbols take more room than plain letters).`;
}
