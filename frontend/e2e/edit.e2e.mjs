// End-to-end check of editing a proposed tool's arguments in a real browser (Debian's Chromium
// driven by playwright-core), against the api serving the built UI with the real worker and the
// bundled demo model behind it.
//
//   BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/edit.e2e.mjs
//
// Steps: start a trip chat by asking for Austin in December; on the FindEvents card press
// Edit, change the city to Denver and the month to March in the labelled inputs, and run with
// these; FindEvents runs once, and its result is Denver's events around March, not Austin's
// (`edited.png`); the agent answers.
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default ./e2e-output),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import path from 'node:path';
import { count, startChat, waitForAgentReply, waitForProposal, waitForToolResult } from './chat.mjs';
import { SCREENSHOT_DIR, STEP_TIMEOUT, byTestId, check, log, runInBrowser, step } from './harness.mjs';

runInBrowser('edit', {}, async ({ page }) => {
  await step('start a trip chat by asking for Austin in December', () => startChat(page, "I'd like to go to Austin in December"));
  await step('the agent proposes FindEvents', () => waitForProposal(page, 'FindEvents'));

  const agentsBefore = await step('edit the city and the month, and run with these', async () => {
    const before = await count(page, 'message-agent');
    await page.locator(byTestId('edit-button')).click();
    const city = page.getByLabel('City', { exact: true });
    const month = page.getByLabel('Month', { exact: true });
    await city.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check((await city.inputValue()) === 'Austin', `the city field starts with ${await city.inputValue()}`);
    await city.fill('Denver');
    await month.fill('March');
    await page.getByRole('button', { name: 'Run with these' }).click();
    return before;
  });

  await step("FindEvents runs with the edited arguments: Denver's events around March", async () => {
    const result = await waitForToolResult(page, 'FindEvents');
    await result.locator('summary').click();
    const shown = (await result.innerText()).replace(/\s+/g, ' ');
    log(`   result: ${shown.slice(0, 240)}`);
    check(shown.includes('Denver'), `the result is not about Denver: ${shown.slice(0, 240)}`);
    check(!shown.includes('Austin'), `the result is still about Austin: ${shown.slice(0, 240)}`);
    check(/March/.test(shown), `the result is not around March: ${shown.slice(0, 240)}`);
    check((await count(page, 'tool-result')) === 1, 'FindEvents ran more than once');
    check((await count(page, 'confirm-problem')) === 0, 'the card reported a problem');
  });

  await step('the agent answers', async () => {
    await waitForAgentReply(page, agentsBefore);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'edited.png'), fullPage: true });
  });
});
