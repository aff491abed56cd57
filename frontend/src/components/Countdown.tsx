// A live countdown to the send time, redrawn every second from the browser's clock. Past the
// time it says the email is going out (the workflow's timer decides, not this display).

import { useEffect, useState } from 'react';
import { formatCountdown } from '../email';

export function useNow(tickMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);
  return now;
}

export function Countdown({ at }: { at: number }) {
  const now = useNow();
  const left = formatCountdown(at * 1000, now);
  return (
    <span data-testid="email-countdown" className="font-mono tabular-nums">
      {left ? `Sends in ${left}` : 'Sending any moment now…'}
    </span>
  );
}
