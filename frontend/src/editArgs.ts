// The arguments of a proposed tool as a form the user can change before it runs: one field
// per argument a person decides on, labelled in words ("dateDepart" → "Depart"; internal ones
// such as `userConfirmation` kept as proposed, without a field), and back to arguments of the
// types the tool was proposed with. Text stays text; a number or a yes/no stays one; a list or
// an object is edited as JSON. The api checks the names (400 for an unknown or missing one).

import { isObject, type Json } from './json';
import { fieldLabel, visibleFields } from './readable';

export type FieldKind = 'text' | 'number' | 'boolean' | 'json';

export interface ArgField {
  name: string;
  label: string;
  kind: FieldKind;
  /** What the input starts with ("true"/"false" for a yes/no). */
  initial: string;
}

/** `dateDepart` → `Depart`, `days_until_due` → `Days until due` (see `readable.ts`). */
export function argLabel(name: string): string {
  return fieldLabel(name);
}

function kindOf(value: unknown): FieldKind {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value) || isObject(value)) return 'json';
  return 'text';
}

function initialText(value: unknown, kind: FieldKind): string {
  if (value === null || value === undefined) return '';
  if (kind === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

/** One field per argument a person decides on, in the order the agent gave them. */
export function argFields(args: Json): ArgField[] {
  return visibleFields(args).map(([name, value]) => {
    const kind = kindOf(value);
    return { name, label: argLabel(name), kind, initial: initialText(value, kind) };
  });
}

export type EditedArgs = { ok: true; args: Json } | { ok: false; error: string };

/** The arguments the form's `values` (by argument name) say, or what is wrong with them. */
export function argsFromForm(fields: readonly ArgField[], values: Readonly<Record<string, string>>, original: Json): EditedArgs {
  // Arguments without a field (such as `userConfirmation`) go back as the agent gave them.
  const args: Json = { ...original };
  for (const field of fields) {
    const value = values[field.name] ?? field.initial;
    switch (field.kind) {
      case 'number': {
        const number = value.trim() === '' ? NaN : Number(value);
        if (!Number.isFinite(number)) return { ok: false, error: `${field.label} must be a number.` };
        args[field.name] = number;
        break;
      }
      case 'boolean':
        args[field.name] = value === 'true';
        break;
      case 'json':
        try {
          args[field.name] = JSON.parse(value) as unknown;
        } catch {
          return { ok: false, error: `${field.label} is not valid JSON.` };
        }
        break;
      case 'text':
        // An argument the agent left unset stays unset when the user leaves it empty.
        args[field.name] = value === '' && original[field.name] === null ? null : value;
        break;
    }
  }
  return { ok: true, args };
}
