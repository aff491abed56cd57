import { describe, expect, it } from 'vitest';
import { usageReport } from './test/fixtures';
import type { ConversationUsage } from './types';
import { formatCost, parseUsage, summarizeUsage } from './usage';

const priced: ConversationUsage = { calls: 3, prompt_tokens: 1100, completion_tokens: 134, cost_usd: 0.0021, models: ['openai/gpt-4o-mini'] };

describe('parseUsage', () => {
  it('reads the totals, the cost and the models of a usage report', () => {
    expect(parseUsage(usageReport)).toEqual(priced);
  });

  it('keeps a null cost as unknown, and reads odd fields as nothing', () => {
    expect(parseUsage({ calls: 2, prompt_tokens: 10, completion_tokens: 5, cost_usd: null, models: ['acme/house-model'] })?.cost_usd).toBeNull();
    expect(parseUsage({ calls: '2', prompt_tokens: -1, cost_usd: 'free', models: [7, '', 'a/b'] })).toEqual({
      calls: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      cost_usd: null,
      models: ['a/b'],
    });
    expect(parseUsage([])).toBeNull();
    expect(parseUsage(null)).toBeNull();
  });
});

describe('formatCost', () => {
  it('shows fractions of a cent below a dollar, and cents above', () => {
    expect(formatCost(0.0021)).toBe('$0.0021');
    expect(formatCost(0.12345)).toBe('$0.1235');
    expect(formatCost(0.5)).toBe('$0.50');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(1234.567)).toBe('$1,234.57');
  });

  it('does not round a tiny cost down to nothing', () => {
    expect(formatCost(0.00002)).toBe('< $0.0001');
  });
});

describe('summarizeUsage', () => {
  it('says the tokens in all and the cost, and breaks them down in the tooltip', () => {
    expect(summarizeUsage(priced)).toEqual({
      tokens: '1,234 tokens',
      cost: '$0.0021',
      unpriced: false,
      title: '1,100 prompt + 134 completion tokens in 3 model calls, about $0.0021.',
    });
    expect(summarizeUsage({ ...priced, calls: 1, prompt_tokens: 1, completion_tokens: 0 }).tokens).toBe('1 token');
  });

  it('says the cost is unknown for a model with no price, and why', () => {
    const summary = summarizeUsage({ ...priced, cost_usd: null, models: ['acme/house-model'] });
    expect(summary.tokens).toBe('1,234 tokens');
    expect(summary.cost).toBe('cost unknown');
    expect(summary.unpriced).toBe(true);
    expect(summary.title).toMatch(/^The model acme\/house-model has no price, so the cost is unknown/);
    expect(summarizeUsage({ ...priced, cost_usd: null, models: [] }).title).toMatch(/^The model has no price/);
    expect(summarizeUsage({ ...priced, cost_usd: null, models: ['openai/gpt-4o', 'acme/x'] }).title).toMatch(
      /^A model used \(openai\/gpt-4o, acme\/x\) has no price/,
    );
  });
});
