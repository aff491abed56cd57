import { describe, expect, it } from 'vitest';
import { appendPage, parsePastChatsPage, relativeTime, statusLabel } from './pastChats';
import type { PastChat } from './types';

const NOW = Date.parse('2026-12-10T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('relativeTime', () => {
  it.each([
    [ago(20_000), 'just now'],
    [ago(5 * 60_000), '5 min ago'],
    [ago(3 * 3_600_000 + 60_000), '3 h ago'],
    [ago(30 * 3_600_000), 'yesterday'],
    [ago(4 * 86_400_000), '4 days ago'],
    ['2026-11-02T09:00:00Z', 'Nov 2, 2026'],
    [ago(-60_000), 'just now'],
    ['not a time', ''],
  ])('%s reads as %j', (iso, words) => {
    expect(relativeTime(iso, NOW)).toBe(words);
  });
});

describe('past chats', () => {
  const chat = (id: string): PastChat => ({
    workflow_id: id,
    title: null,
    status: 'running',
    goal: null,
    started_at: '',
    updated_at: '',
    tokens: null,
    cost_usd: null,
  });

  it('appends an older page without repeating a conversation that moved between pages', () => {
    expect(appendPage([chat('a'), chat('b')], [chat('b'), chat('c')]).map((c) => c.workflow_id)).toEqual(['a', 'b', 'c']);
  });

  it('names each status in a word', () => {
    expect(['running', 'completed', 'failed', 'canceled', 'terminated', 'timed_out', 'unknown'].map((s) => statusLabel(s as PastChat['status']))).toEqual([
      'Active',
      'Finished',
      'Failed',
      'Canceled',
      'Stopped',
      'Timed out',
      '',
    ]);
  });

  it('reads an answer that is not a page as an empty last page', () => {
    expect(parsePastChatsPage(null)).toEqual({ conversations: [], next_page_token: null });
    expect(parsePastChatsPage({ conversations: 'x', next_page_token: '' })).toEqual({ conversations: [], next_page_token: null });
  });
});
