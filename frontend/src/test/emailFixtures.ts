// Email views shaped like the api's `EmailView`, for tests.

export function emailView(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    workflow_id: 'email-1',
    status: 'waiting',
    request: null,
    draft: '',
    recipient: null,
    subject: null,
    body: null,
    scheduled_at: null,
    scheduled_at_text: null,
    time_zone: 'Europe/Berlin',
    reply: null,
    messages: { messages: [] },
    setup: { channel: 'outbox', detail: '.data/outbox', send_window_secs: 60, draft_saves_per_run: 500 },
    receipt: null,
    failure: null,
    ...overrides,
  };
}

/** Written and scheduled for `at` (Unix seconds). */
export function scheduledView(at: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return emailView({
    status: 'scheduled',
    request: 'Write to ana@example.com saying lunch on Friday and send it in 90 seconds',
    recipient: 'ana@example.com',
    subject: 'Lunch on Friday',
    body: 'Hi Ana,\n\nLunch on Friday?\n\nBest regards',
    scheduled_at: at,
    scheduled_at_text: 'Fri 13 Nov 2026, 12:01 (Europe/Berlin)',
    reply: 'I wrote a draft.',
    messages: {
      messages: [
        { actor: 'user', response: 'Write to ana@example.com saying lunch on Friday and send it in 90 seconds' },
        { actor: 'agent', response: 'I wrote a draft.' },
      ],
    },
    ...overrides,
  });
}
