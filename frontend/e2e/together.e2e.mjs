// End-to-end check of tools proposed together, and of a goodbye, in a real browser (Debian's
// Chromium driven by playwright-core), against the api serving the built UI with the real
// worker and the bundled demo model behind it.
//
//   BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/together.e2e.mjs
//
// Steps: start a trip chat by asking for events in Austin and Denver in March; one card lists
// both FindEvents calls, with one Confirm and one Decline and no Edit; one Confirm runs both
// and both results show; then "bye" ends the chat (`together.png`).
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default ./e2e-output),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import path from 'node:path';
import { count, pressConfirm, sendPrompt, startChat, waitForAgentReply, waitForProposal } from './chat.mjs';
import { SCREENSHOT_DIR, STEP_TIMEOUT, byTestId, check, log, runInBrowser, step } from './harness.mjs';

runInBrowser('together', {}, async ({ page }) => {
  await step('start a trip chat by asking for two cities at once', () => startChat(page, 'Events in Austin and Denver in March, please'));

  await step('one card lists both calls, with one Confirm and one Decline and no Edit', async () => {
    const card = await waitForProposal(page, 'FindEvents');
    const calls = await card.locator(byTestId('proposed-call')).allInnerTexts();
    log(`   calls: ${calls.map((c) => c.replace(/\s+/g, ' ')).join(' | ')}`);
    check(calls.length === 2, `the card lists ${calls.length} calls`);
    check(calls.some((c) => c.includes('Austin')) && calls.some((c) => c.includes('Denver')), 'the card does not list both cities');
    check((await count(page, 'confirm-button')) === 1 && (await count(page, 'decline-button')) === 1, 'not one Confirm and one Decline');
    check((await count(page, 'edit-button')) === 0, 'Edit is offered for tools proposed together');
  });

  await step('one Confirm runs both', async () => {
    const before = await pressConfirm(page, 'FindEvents');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="tool-result"]').length >= 2, undefined, { timeout: STEP_TIMEOUT });
    const results = await page.locator(byTestId('tool-result')).allInnerTexts();
    log(`   results: ${results.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`);
    check(results.length === 2, `${results.length} results show`);
    const confirmed = await page.locator(byTestId('message-confirmed')).allInnerTexts();
    log(`   ${confirmed.join(' | ')}`);
    await waitForAgentReply(page, before);
  });

  await step('"bye" ends the chat', async () => {
    const before = await count(page, 'message-agent');
    await sendPrompt(page, 'bye');
    await waitForAgentReply(page, before);
    await page.locator(byTestId('chat-ended')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check(await page.locator(byTestId('prompt-input')).isDisabled(), 'the prompt box is still enabled after the goodbye');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'together.png'), fullPage: true });
  });
});
