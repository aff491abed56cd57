// Any JSON value as something a person can scan: objects as indented `Label: value` lines
// (field names in words, internal fields hidden), arrays as numbered items, ISO dates as
// "Sat 7 Mar 2026", prices as money, strings with clickable links, null as "not set". Used
// for tool arguments and tool results alike.

import { isObject } from '../conversation';
import { asAmount, fieldLabel, formatIsoDate, formatMoney, visibleFields } from '../readable';
import { LinkifiedText } from './LinkifiedText';

/** Fields holding an amount of money (in the object's `currency`, US dollars without one). */
const MONEY = new Set(['price', 'amount', 'total']);

/** Deeper than this, a value is shown as compact JSON instead of more indentation. */
const MAX_DEPTH = 6;

function Muted({ children }: { children: string }) {
  return <span className="italic text-slate-500 dark:text-slate-400">{children}</span>;
}

export function ValueView({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || value === undefined) return <Muted>not set</Muted>;
  if (typeof value === 'string') {
    if (value === '') return <Muted>empty</Muted>;
    const date = formatIsoDate(value);
    return date ? <time dateTime={value}>{date}</time> : <LinkifiedText text={value} />;
  }
  if (typeof value === 'boolean') return <span>{value ? 'yes' : 'no'}</span>;
  if (typeof value === 'number' || typeof value === 'bigint') return <span className="tabular-nums">{String(value)}</span>;
  if (depth >= MAX_DEPTH) return <code className="break-all text-xs">{JSON.stringify(value)}</code>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <Muted>none</Muted>;
    return (
      <ol className="mt-1 list-decimal space-y-1 pl-5">
        {value.map((item, i) => (
          <li key={i}>
            <ValueView value={item} depth={depth + 1} />
          </li>
        ))}
      </ol>
    );
  }
  if (isObject(value)) return <KeyValueList value={value} depth={depth + 1} />;
  return <span>{String(value)}</span>;
}

export function KeyValueList({ value, depth = 0 }: { value: Record<string, unknown>; depth?: number }) {
  const entries = visibleFields(value);
  if (entries.length === 0) return <Muted>nothing</Muted>;
  const currency = typeof value.currency === 'string' ? value.currency : 'USD';
  return (
    <dl className={depth > 1 ? 'mt-1 space-y-1 border-l-2 border-slate-200 pl-3 dark:border-slate-700' : 'space-y-1'}>
      {entries.map(([key, item]) => (
        <div key={key} className="leading-snug">
          <dt className="inline font-medium text-slate-600 dark:text-slate-300">{fieldLabel(key)}: </dt>
          <dd className="inline">
            {MONEY.has(key) && asAmount(item) !== null ? (
              <span className="tabular-nums">{formatMoney(asAmount(item) ?? 0, currency)}</span>
            ) : (
              <ValueView value={item} depth={depth} />
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
