// A tool's result, folded into one line ("FindEvents result · 7 events") that opens to show
// every field. A failed tool says so in the summary line.

import { displayText, isObject, toolNameOf } from '../conversation';
import { KeyValueList, ValueView } from './ValueView';

/** The short facts shown without expanding: list sizes, or a few short fields. */
export function resultFacts(result: Record<string, unknown>): string[] {
  const lists = Object.entries(result)
    .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]))
    // "1 event", not "1 events": list names are plurals.
    .map(([key, list]) => `${list.length} ${list.length === 1 ? key.replace(/s$/, '') : key}`);
  if (lists.length > 0) return lists;
  return Object.entries(result)
    .filter(([key, value]) => key !== 'tool' && (typeof value === 'string' || typeof value === 'number') && String(value).length <= 40)
    .slice(0, 2)
    .map(([key, value]) => `${key}: ${String(value)}`);
}

export function ToolResultView({ response }: { response: unknown }) {
  const tool = toolNameOf(response) ?? 'Tool';
  const body = isObject(response) ? Object.fromEntries(Object.entries(response).filter(([key]) => key !== 'tool')) : null;
  const error = body && body.error !== undefined && body.error !== null ? displayText(body.error) : null;
  const facts = body && !error ? resultFacts(body) : [];

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
