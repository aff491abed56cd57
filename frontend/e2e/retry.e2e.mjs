// End-to-end check of a retried model call in a real browser (Debian's Chromium driven by
// playwright-core), against the api serving the built UI with the real worker and the bundled
// demo model behind it. The conversation is started and greeted beforehand, and the model is
// set to fail the next three plannings (HTTP 500) with two seconds between attempts
// (`crates/e2e/tests/browser.rs` does both).
//
//   CONVERSATION=<id> BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/retry.e2e.mjs
//
// Steps: open the conversation, send a prompt, and see the chat say the model is busy and
// which attempt is next (attempts 2 and 3 at least), in place of the thinking indicator
// (`retry.png`); then the agent's reply, with no retry note left.
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: CONVERSATION (required), BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR
// (default ./e2e-output), CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS
// (default 90000).

import path from 'node:path';
import { pressConfirm, sendPrompt, waitForAgentReply } from './chat.mjs';
import { BASE_URL, SCREENSHOT_DIR, STEP_TIMEOUT, byTestId, check, log, runInBrowser, step } from './harness.mjs';

const CONVERSATION = process.env.CONVERSATION;

/**
 * Keeps, in the page, every change of what the chat shows below the messages while the agent
 * works: the retry note's text (null when there is none) and whether the thinking indicator
 * shows. Sampled every 50 ms, so no retry state (two seconds each) goes unseen.
 */
function recordWorkingStates(page) {
  return page.evaluate(() => {
    window.__workingStates = [];
    setInterval(() => {
      const retry = document.querySelector('[data-testid="agent-retrying"]')?.textContent ?? null;
      const thinking = document.querySelector('[data-testid="agent-thinking"]') !== null;
      const last = window.__workingStates[window.__workingStates.length - 1];
      if (!last || last.retry !== retry || last.thinking !== thinking) window.__workingStates.push({ retry, thinking });
    }, 50);
  });
}

const statesSeen = (page) => page.evaluate(() => window.__workingStates);

/** Waits until the chat has shown the retry note for `attempt`; returns its text. */
async function waitForAttempt(page, attempt) {
  const handle = await page.waitForFunction(
    (n) => window.__workingStates.find((s) => s.retry?.includes(`retrying (attempt ${n})`))?.retry,
    attempt,
    { timeout: STEP_TIMEOUT },
  );
  const text = await handle.jsonValue();
  log(`   retry note: ${text}`);
  return text;
}

runInBrowser('retry', {}, async (session) => {
  const { page } = session;
  check(CONVERSATION, 'CONVERSATION names no conversation to open');

  await step(`open the greeted conversation ${CONVERSATION}`, async () => {
    await page.goto(`${BASE_URL}/?c=${encodeURIComponent(CONVERSATION)}`);
    await waitForAgentReply(page, 0);
    await recordWorkingStates(page);
  });

  await step('ask for Austin in December', () => sendPrompt(page, "I'd like to go to Austin in December"));

  await step('the chat says the model is busy, retrying (attempt 2)', async () => {
    const text = await waitForAttempt(page, 2);
    check(text.startsWith('The model is busy, retrying (attempt 2)'), `the retry note reads ${JSON.stringify(text)}`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'retry.png'), fullPage: true });
  });

  await step('... then attempt 3', () => waitForAttempt(page, 3));

  await step("the agent's reply arrives and the retry note is gone", async () => {
    const reply = await waitForAgentReply(page, 1);
    check(reply.length > 0, 'the reply is empty');
    check((await page.locator(byTestId('agent-retrying')).count()) === 0, 'the retry note is still shown after the reply');
    const text = await page.evaluate(() => document.body.innerText);
    check(!text.includes('retrying'), 'the page still says it is retrying');
    await page.locator(byTestId('confirm-card')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  });

  await step('the retry note showed in place of the thinking indicator, never beside it', async () => {
    const states = await statesSeen(page);
    log(`   seen: ${states.map((s) => s.retry ?? (s.thinking ? 'thinking' : '-')).join(' | ')}`);
    check(!states.some((s) => s.retry !== null && s.thinking), 'the retry note and the thinking indicator showed together');
    const attempts = states.map((s) => /attempt (\d+)/.exec(s.retry ?? '')?.[1]).filter(Boolean);
    check(attempts.includes('2') && attempts.includes('3'), `attempts seen: ${attempts.join(', ')}`);
  });

  // The conversation goes on as usual after the retries.
  await step('confirm FindEvents', async () => {
    const before = await pressConfirm(page, 'FindEvents');
    await waitForAgentReply(page, before);
  });
});
