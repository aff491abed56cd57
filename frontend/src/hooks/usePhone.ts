// Whether the page is on a phone (a touch screen, or a window as narrow as one), where there is
// no Shift key to speak of: keyboard hints are left out there.

import { useEffect, useState } from 'react';

export const PHONE_QUERY = '(pointer: coarse), (max-width: 639px)';

function matches(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(PHONE_QUERY).matches;
}

export function usePhone(): boolean {
  const [phone, setPhone] = useState(matches);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return undefined;
    const query = window.matchMedia(PHONE_QUERY);
    const onChange = () => setPhone(query.matches);
    query.addEventListener?.('change', onChange);
    return () => query.removeEventListener?.('change', onChange);
  }, []);
  return phone;
}
