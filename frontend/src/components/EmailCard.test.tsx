import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEmailView, STATUS_LABELS } from '../email';
import { emailView, scheduledView } from '../test/emailFixtures';
import type { EmailStatus, EmailView } from '../types';
import { formatMoment } from '../readable';
import { EmailCard } from './EmailCard';

const view = (data: Record<string, unknown>) => parseEmailView(data) as EmailView;
const NOW = Date.UTC(2026, 10, 13, 11, 0, 0);

afterEach(() => {
  vi.useRealTimers();
});

describe('EmailCard', () => {
  it.each<EmailStatus>(['initialized', 'waiting', 'processing', 'scheduled', 'sending', 'sent', 'canceled', 'failed'])(
    'shows the %s status as a labelled badge',
    (status) => {
      render(<EmailCard view={view(emailView({ status }))} onCancel={async () => {}} />);
      const badge = screen.getByTestId('email-status');
      expect(badge).toHaveAttribute('data-status', status);
      expect(badge).toHaveTextContent(STATUS_LABELS[status]);
      expect(badge).toHaveAccessibleName(`Status: ${STATUS_LABELS[status]}`);
    },
  );

  it('says what is still missing from an empty email', () => {
    render(<EmailCard view={view(emailView())} onCancel={async () => {}} />);
    expect(screen.getByTestId('email-recipient')).toHaveTextContent('No recipient yet');
    expect(screen.getByTestId('email-body')).toHaveTextContent('Nothing written yet');
    expect(screen.getByTestId('email-schedule')).toHaveTextContent('No send time yet');
    expect(screen.queryByTestId('email-countdown')).toBeNull();
  });

  it('shows the email and counts down to the send time every second', () => {
    vi.useFakeTimers({ now: NOW });
    render(<EmailCard view={view(scheduledView(NOW / 1000 + 65))} onCancel={async () => {}} />);
    expect(screen.getByTestId('email-recipient')).toHaveTextContent('ana@example.com');
    expect(screen.getByTestId('email-subject')).toHaveTextContent('Lunch on Friday');
    expect(screen.getByTestId('email-body')).toHaveTextContent('Lunch on Friday?');
    expect(screen.getByTestId('email-schedule')).toHaveTextContent('Fri 13 Nov 2026, 12:01 (Europe/Berlin)');
    expect(screen.getByRole('time')).toHaveAttribute('datetime', '2026-11-13T11:01:05.000Z');
    expect(screen.getByTestId('email-countdown')).toHaveTextContent('Sends in 1 min 05 s');
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByTestId('email-countdown')).toHaveTextContent('Sends in 1 min 04 s');
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getByTestId('email-countdown')).toHaveTextContent('Sends in 4 s');
    act(() => vi.advanceTimersByTime(5000));
    expect(screen.getByTestId('email-countdown')).toHaveTextContent('Sending any moment now');
  });

  it('cancels while the email is not final', async () => {
    const user = userEvent.setup();
    const onCancel = vi.fn(async () => {});
    render(<EmailCard view={view(scheduledView(NOW / 1000 + 60))} onCancel={onCancel} />);
    await user.click(screen.getByRole('button', { name: 'Cancel email' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it.each<EmailStatus>(['sending', 'sent', 'canceled', 'failed'])('offers no Cancel once %s', (status) => {
    render(<EmailCard view={view(scheduledView(NOW / 1000, { status }))} onCancel={async () => {}} />);
    expect(screen.queryByTestId('email-cancel')).toBeNull();
    expect(screen.queryByTestId('email-countdown')).toBeNull();
  });

  it('shows the receipt of a sent email', () => {
    const receipt = { channel: 'outbox', message_id: '<k@example.com>', location: '/data/outbox/k.eml', delivered_at: NOW / 1000 };
    render(<EmailCard view={view(scheduledView(NOW / 1000, { status: 'sent', receipt }))} onCancel={async () => {}} />);
    expect(screen.getByTestId('email-receipt')).toHaveTextContent(`Delivered to the outbox on ${formatMoment(new Date(NOW))}.`);
    expect(screen.getByTestId('email-receipt').textContent).not.toMatch(/k\.eml|outbox\/|Message-ID|k@example/);
    expect(screen.getByTestId('email-schedule')).toHaveTextContent('Scheduled for');
  });

  it('shows why an email failed, and that a canceled one was not sent', () => {
    const { rerender } = render(
      <EmailCard view={view(emailView({ status: 'failed', failure: 'No way to send email: SMTP_FROM is not set' }))} onCancel={async () => {}} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Not sent: No way to send email: SMTP_FROM is not set');
    rerender(<EmailCard view={view(scheduledView(NOW / 1000, { status: 'canceled' }))} onCancel={async () => {}} />);
    expect(screen.getByTestId('email-canceled')).toHaveTextContent('nothing was sent');
    expect(screen.getByTestId('email-schedule')).toHaveTextContent('Was due');
  });

  it('renders markup in the email as text', () => {
    render(<EmailCard view={view(scheduledView(NOW / 1000, { body: '<img src=x onerror=alert(1)>' }))} onCancel={async () => {}} />);
    expect(screen.getByTestId('email-body')).toHaveTextContent('<img src=x onerror=alert(1)>');
    expect(document.querySelector('img')).toBeNull();
  });
});
