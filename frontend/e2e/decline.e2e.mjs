// End-to-end check of declining a proposed tool in a real browser (Debian's Chromium driven by
// playwright-core), against the api serving the built UI with the real worker and the bundled
// demo model behind it.
//
//   BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/decline.e2e.mjs
//
// Steps: start a trip chat by asking for Austin in December; on the FindEvents card press
// Decline, give a reason and decline; the chat shows the decline with its reason, the agent
// answers, and FindEvents never ran (no confirmation, no result; `declined.png`).
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default ./e2e-output),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import path from 'node:path';
import { count, startChat, waitForAgentReply, waitForProposal } from './chat.mjs';
import { SCREENSHOT_DIR, STEP_TIMEOUT, byTestId, check, log, runInBrowser, step } from './harness.mjs';

const REASON = 'Too expensive for us';

runInBrowser('decline', {}, async ({ page }) => {
  await step('start a trip chat by asking for Austin in December', () => startChat(page, "I'd like to go to Austin in December"));
  await step('the agent proposes FindEvents', () => waitForProposal(page, 'FindEvents'));

  const agentsBefore = await step('decline it, saying why', async () => {
    const before = await count(page, 'message-agent');
    await page.locator(byTestId('decline-button')).click();
    const reason = page.getByLabel(/Why not\?/);
    await reason.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await reason.fill(REASON);
    await page.locator(byTestId('decline-submit')).click();
    const locked = await page.evaluate(() => {
      const button = document.querySelector('[data-testid="decline-submit"]');
      return !button || button.disabled;
    });
    check(locked, 'the Decline button stayed enabled after a click');
    return before;
  });

  await step('the chat shows the decline and its reason, and the card is gone', async () => {
    const declined = page.locator(byTestId('message-declined'));
    await declined.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const text = (await declined.innerText()).trim();
    log(`   ${text}`);
    check(text.includes('You declined FindEvents') && text.includes(REASON), `the decline reads ${JSON.stringify(text)}`);
    await page.locator(byTestId('confirm-card')).waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
  });

  await step('the agent answers, and FindEvents never ran', async () => {
    await waitForAgentReply(page, agentsBefore);
    check((await count(page, 'message-confirmed')) === 0, 'a tool shows as confirmed after the decline');
    check((await count(page, 'tool-result')) === 0, 'a tool result shows after the decline');
    check((await count(page, 'confirm-problem')) === 0, 'the card reported a problem');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'declined.png'), fullPage: true });
  });
});
