// Which email the Email page shows: `?e=<id>` in the URL (see `useIdInUrl`). A fresh email is
// started with the browser's time zone, so "tomorrow 9am" means 9am where the user is.

import * as api from '../api';
import { browserTimeZone } from '../email';
import { useIdInUrl, type IdInUrl } from './useIdInUrl';

export const EMAIL_PARAM = 'e';

const startEmail = async () => (await api.startEmail(browserTimeZone())).workflow_id;

export function useEmailId(): IdInUrl {
  return useIdInUrl(EMAIL_PARAM, startEmail, "Couldn't start an email.");
}
