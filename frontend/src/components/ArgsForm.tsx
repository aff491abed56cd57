// The proposed tool's arguments as inputs, one per argument with a label in words, for the
// user to change before the tool runs ("Run with these"). Values keep the type the agent
// proposed them with (see `editArgs.ts`); a value that does not read as its type is
// reported here and nothing is sent.

import { useState, type FormEvent } from 'react';
import { argFields, argsFromForm } from '../editArgs';
import type { Json } from '../json';
import type { ToolCall } from '../types';
import { primaryButton, secondaryButton } from './buttons';

export interface ArgsFormProps {
  call: ToolCall;
  /** Sending, or the proposal no longer waits: nothing can be changed. */
  disabled: boolean;
  /** Set while the edited arguments are being run. */
  running: boolean;
  onRun: (args: Json) => void;
  onCancel: () => void;
}

const input =
  'w-full rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-900 focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30 disabled:opacity-60 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100';

export function ArgsForm({ call, disabled, running, onRun, onCancel }: ArgsFormProps) {
  const [fields] = useState(() => argFields(call.args));
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, f.initial])));
  const [invalid, setInvalid] = useState<string | null>(null);
  const set = (name: string, value: string) => setValues((current) => ({ ...current, [name]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (disabled) return;
    const edited = argsFromForm(fields, values, call.args);
    if (!edited.ok) {
      setInvalid(edited.error);
      return;
    }
    setInvalid(null);
    onRun(edited.args);
  }

  return (
    <form data-testid="edit-form" aria-label={`Arguments of ${call.tool}`} onSubmit={submit} className="mt-2 flex flex-col gap-3">
      <h3 className="font-mono text-base font-semibold text-slate-900 dark:text-slate-100">{call.tool}</h3>
      {fields.length === 0 ? <p className="text-sm italic text-slate-500 dark:text-slate-400">No arguments.</p> : null}
      {fields.map((field, i) => {
        const id = `edit-arg-${field.name}`;
        return field.kind === 'boolean' ? (
          <label key={field.name} htmlFor={id} className="flex items-center gap-2 text-sm text-slate-800 dark:text-slate-200">
            <input
              id={id}
              type="checkbox"
              data-arg={field.name}
              checked={values[field.name] === 'true'}
              disabled={disabled}
              autoFocus={i === 0}
              onChange={(event) => set(field.name, String(event.target.checked))}
            />
            {field.label}
          </label>
        ) : (
          <div key={field.name} className="flex flex-col gap-1">
            <label htmlFor={id} className="text-sm font-medium text-slate-700 dark:text-slate-200">
              {field.label}
            </label>
            {field.kind === 'json' ? (
              <textarea
                id={id}
                data-arg={field.name}
                rows={4}
                value={values[field.name]}
                disabled={disabled}
                autoFocus={i === 0}
                onChange={(event) => set(field.name, event.target.value)}
                className={`${input} font-mono`}
              />
            ) : (
              <input
                id={id}
                data-arg={field.name}
                type={field.kind === 'number' ? 'number' : 'text'}
                step={field.kind === 'number' ? 'any' : undefined}
                value={values[field.name]}
                disabled={disabled}
                autoFocus={i === 0}
                onChange={(event) => set(field.name, event.target.value)}
                className={input}
              />
            )}
          </div>
        );
      })}
      {invalid ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {invalid}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <button type="submit" data-testid="edit-run-button" disabled={disabled} aria-busy={running} className={primaryButton}>
          {running ? `Running ${call.tool}…` : 'Run with these'}
        </button>
        <button type="button" data-testid="edit-cancel-button" disabled={disabled} onClick={onCancel} className={secondaryButton}>
          Cancel
        </button>
      </div>
    </form>
  );
}
