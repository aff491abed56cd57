// Any JSON value as something a person can scan: objects as indented `key: value` lines,
// arrays as numbered items, strings with clickable links, null as "not set". Used for tool
// arguments and tool results alike.

import { isObject } from '../conversation';
import { LinkifiedText } from './LinkifiedText';

/** Deeper than this, a value is shown as compact JSON instead of more indentation. */
const MAX_DEPTH = 6;

function Muted({ children }: { children: string }) {
  return <span className="italic text-slate-500 dark:text-slate-400">{children}</span>;
}

export function ValueView({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || value === undefined) return <Muted>not set</Muted>;
  if (typeof value === 'string') return value === '' ? <Muted>empty</Muted> : <LinkifiedText text={value} />;
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
  const entries = Object.entries(value);
  if (entries.length === 0) return <Muted>nothing</Muted>;
  return (
    <dl className={depth > 1 ? 'mt-1 space-y-1 border-l-2 border-slate-200 pl-3 dark:border-slate-700' : 'space-y-1'}>
      {entries.map(([key, item]) => (
        <div key={key} className="leading-snug">
          <dt className="inline font-medium text-slate-600 dark:text-slate-300">{key}: </dt>
          <dd className="inline">
            <ValueView value={item} depth={depth} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
