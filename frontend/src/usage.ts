// What a conversation's model calls have used and cost, for the chat's header: read
// defensively from `GET /get-conversation-usage` and put in words ("1,234 tokens · $0.0021").
// A model with no known price has its tokens counted but no cost (`cost_usd` null): the header
// says the cost is unknown rather than guessing.

import { isObject } from './conversation';
import type { ConversationUsage } from './types';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** The usage report, or null when the answer is not one. */
export function parseUsage(data: unknown): ConversationUsage | null {
  if (!isObject(data)) return null;
  const cost = data.cost_usd;
  return {
    calls: count(data.calls),
    prompt_tokens: count(data.prompt_tokens),
    completion_tokens: count(data.completion_tokens),
    cost_usd: typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : null,
    models: Array.isArray(data.models) ? data.models.filter((m): m is string => typeof m === 'string' && m !== '') : [],
  };
}

const whole = new Intl.NumberFormat('en-US');

/** Dollars with cents, and up to four decimals below a dollar, where model calls cost fractions of a cent. */
export function formatCost(usd: number): string {
  if (usd > 0 && usd < 0.0001) return '< $0.0001';
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: usd < 1 ? 4 : 2,
  }).format(usd);
}

function plural(n: number, one: string, many: string): string {
  return `${whole.format(n)} ${n === 1 ? one : many}`;
}

/** The header's line for `usage`, and the tooltip that says where it comes from. */
export interface UsageSummary {
  tokens: string;
  cost: string;
  /** True when a model used has no price, so `cost` says it is unknown. */
  unpriced: boolean;
  title: string;
}

function unpricedModel(models: readonly string[]): string {
  if (models.length === 1) return `The model ${models[0]}`;
  if (models.length > 1) return `A model used (${models.join(', ')})`;
  return 'The model';
}

export function summarizeUsage(usage: ConversationUsage): UsageSummary {
  const tokens = plural(usage.prompt_tokens + usage.completion_tokens, 'token', 'tokens');
  const breakdown = `${whole.format(usage.prompt_tokens)} prompt + ${whole.format(usage.completion_tokens)} completion tokens in ${plural(usage.calls, 'model call', 'model calls')}`;
  if (usage.cost_usd === null) {
    return { tokens, cost: 'cost unknown', unpriced: true, title: `${unpricedModel(usage.models)} has no price, so the cost is unknown (LLM_PRICES sets one). ${breakdown}.` };
  }
  return { tokens, cost: formatCost(usage.cost_usd), unpriced: false, title: `${breakdown}, about ${formatCost(usage.cost_usd)}.` };
}
