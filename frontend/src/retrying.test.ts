import { describe, expect, it } from 'vitest';
import { nextTryIn, retryingFrom } from './retrying';
import type { ChatStatus } from './types';

const NOW = Date.parse('2026-12-07T01:00:00Z');

function retryStatus(overrides: Partial<ChatStatus> = {}): ChatStatus {
  return {
    state: 'running',
    detail: 'The model is busy, retrying (attempt 3)…',
    activity: { name: 'agent_toolPlanner', attempt: 3, last_failure: 'HTTP 500', next_attempt_at: '2026-12-07T01:00:02Z' },
    ...overrides,
  };
}

describe('retryingFrom', () => {
  it("says the status's own words and when the next attempt starts", () => {
    expect(retryingFrom(retryStatus())).toEqual({ text: 'The model is busy, retrying (attempt 3)…', nextAttemptAt: NOW + 2000 });
  });

  it('is null while nothing is being retried, or the conversation is not running', () => {
    expect(retryingFrom({ state: 'running', detail: '' })).toBeNull();
    expect(retryingFrom({ state: 'running', detail: '', activity: null })).toBeNull();
    expect(retryingFrom(retryStatus({ state: 'ended' }))).toBeNull();
  });

  it('names the activity and the attempt when the status has no words for it', () => {
    const status = retryStatus({ detail: ' ', activity: { name: 'FindEvents', attempt: 2, next_attempt_at: 'soon' } });
    expect(retryingFrom(status)).toEqual({ text: 'FindEvents failed, retrying (attempt 2)…', nextAttemptAt: null });
  });
});

describe('nextTryIn', () => {
  it('counts the whole seconds left until the next attempt', () => {
    expect(nextTryIn(NOW + 2000, NOW)).toBe('next try in 2s');
    expect(nextTryIn(NOW + 1200, NOW)).toBe('next try in 2s');
    expect(nextTryIn(NOW + 1000, NOW)).toBe('next try in 1s');
  });

  it('says nothing once the attempt is due, or when its time is unknown', () => {
    expect(nextTryIn(NOW, NOW)).toBeNull();
    expect(nextTryIn(NOW - 5000, NOW)).toBeNull();
    expect(nextTryIn(null, NOW)).toBeNull();
  });
});
