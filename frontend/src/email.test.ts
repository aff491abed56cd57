import { describe, expect, it } from 'vitest';
import {
  browserTimeZone,
  canCancel,
  formatCountdown,
  isFinal,
  parseEmailFeedStatus,
  parseEmailView,
  STATUS_LABELS,
  takesRequests,
  whyNoRequests,
} from './email';
import { emailView, scheduledView } from './test/emailFixtures';
import type { EmailStatus } from './types';

const ALL: EmailStatus[] = ['initialized', 'waiting', 'processing', 'scheduled', 'sending', 'sent', 'canceled', 'failed'];

describe('parseEmailView', () => {
  it('reads a whole view, with the thread in its stored shape', () => {
    const view = parseEmailView(scheduledView(1_800_000_000, { receipt: null }));
    expect(view).toMatchObject({
      workflow_id: 'email-1',
      status: 'scheduled',
      recipient: 'ana@example.com',
      subject: 'Lunch on Friday',
      scheduled_at: 1_800_000_000,
      scheduled_at_text: 'Fri 13 Nov 2026, 12:01 (Europe/Berlin)',
      time_zone: 'Europe/Berlin',
      reply: 'I wrote a draft.',
      setup: { channel: 'outbox', detail: '.data/outbox' },
    });
    expect(view?.messages).toEqual([
      { actor: 'user', text: 'Write to ana@example.com saying lunch on Friday and send it in 90 seconds' },
      { actor: 'agent', text: 'I wrote a draft.' },
    ]);
  });

  it('takes the thread as a bare list too and drops entries it cannot show', () => {
    const view = parseEmailView(
      emailView({ messages: [{ actor: 'agent', response: 'Hi' }, 'junk', { actor: 'tool_result', response: {} }, { actor: 'user', response: 7 }] }),
    );
    expect(view?.messages).toEqual([
      { actor: 'agent', text: 'Hi' },
      { actor: 'user', text: '7' },
    ]);
  });

  it('reads odd fields as missing instead of failing', () => {
    const view = parseEmailView({
      workflow_id: 'e',
      status: 'exploded',
      draft: 42,
      recipient: '  ',
      scheduled_at: 'soon',
      receipt: { channel: 'outbox', location: '/tmp/o/x.eml', delivered_at: 'yesterday' },
    });
    expect(view).toMatchObject({
      status: 'initialized',
      draft: '',
      recipient: null,
      scheduled_at: null,
      messages: [],
      setup: null,
      receipt: { channel: 'outbox', message_id: '', location: '/tmp/o/x.eml', delivered_at: null },
      failure: null,
    });
    expect(parseEmailView(null)).toBeNull();
    expect(parseEmailView({ status: 'sent' })).toBeNull();
  });

  it('keeps a draft exactly as typed', () => {
    expect(parseEmailView(emailView({ draft: '  two\nlines ' }))?.draft).toBe('  two\nlines ');
  });
});

describe('status questions', () => {
  it('knows which statuses are final, take requests and can be canceled', () => {
    expect(ALL.filter(isFinal)).toEqual(['sent', 'canceled', 'failed']);
    expect(ALL.filter(takesRequests)).toEqual(['initialized', 'waiting', 'scheduled']);
    expect(ALL.filter(canCancel)).toEqual(['initialized', 'waiting', 'processing', 'scheduled']);
  });

  it('has a label for every status and says why Send is off', () => {
    for (const status of ALL) expect(STATUS_LABELS[status]).toBeTruthy();
    expect(whyNoRequests('initialized')).toBeNull();
    expect(whyNoRequests('waiting')).toBeNull();
    expect(whyNoRequests('scheduled')).toBeNull();
    expect(whyNoRequests('processing')).toMatch(/reading your request/);
    expect(whyNoRequests('sent')).toMatch(/new one/);
  });

  it('reads the stream status', () => {
    expect(parseEmailFeedStatus({ state: 'worker_unavailable', detail: 'no poller' })).toEqual({
      state: 'worker_unavailable',
      detail: 'no poller',
    });
    expect(parseEmailFeedStatus({ state: 'finished' })).toEqual({ state: 'finished', detail: '' });
    expect(parseEmailFeedStatus({ state: 'not_found', detail: 'no such email' }).state).toBe('not_found');
    expect(parseEmailFeedStatus({ state: 'running' }).state).toBe('running');
    expect(parseEmailFeedStatus({ state: 'weird' }).state).toBe('unknown');
    expect(parseEmailFeedStatus('x').state).toBe('unknown');
  });
});

describe('formatCountdown', () => {
  const now = 1_000_000_000_000;
  const after = (seconds: number) => formatCountdown(now + seconds * 1000, now);

  it('says the two largest units', () => {
    expect(after(9)).toBe('9 s');
    expect(after(59)).toBe('59 s');
    expect(after(60)).toBe('1 min 00 s');
    expect(after(249)).toBe('4 min 09 s');
    expect(after(3600)).toBe('1 h 00 min');
    expect(after(3900 + 59)).toBe('1 h 05 min');
    expect(after(2 * 86400 + 3 * 3600 + 59)).toBe('2 d 03 h');
  });

  it('rounds a part second up, so it never says 0 s before the time', () => {
    expect(formatCountdown(now + 200, now)).toBe('1 s');
    expect(formatCountdown(now + 1001, now)).toBe('2 s');
  });

  it('is null once the time has come', () => {
    expect(after(0)).toBeNull();
    expect(after(-30)).toBeNull();
    expect(formatCountdown(Number.NaN, now)).toBeNull();
  });
});

describe('browserTimeZone', () => {
  it("names the browser's IANA zone", () => {
    expect(browserTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
