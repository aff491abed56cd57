// End-to-end check of the list of past chats in a real browser (Debian's Chromium driven by
// playwright-core), against the api serving the built UI with the real worker and the bundled
// demo model behind it.
//
//   BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/sidebar.e2e.mjs
//
// Steps: start chat A by asking for Austin in December, then a new chat B from the header;
// both are in the list beside the chat, A under its first message; reopen A from the list and
// see A's messages (`sidebar.png`); then, on a 390×844 phone screen, the list is out of sight
// until the header's "Past chats" button opens it as a drawer; B is reopened from it, the
// drawer closes, and B's messages show (`sidebar-phone.png`).
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default ./e2e-output),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import path from 'node:path';
import { TRIP_GOAL, chooseAgent, sendFirstPrompt, startChat, waitForAgentReply } from './chat.mjs';
import { BASE_URL, SCREENSHOT_DIR, STEP_TIMEOUT, byTestId, check, log, runInBrowser, step } from './harness.mjs';

const A_PROMPT = "I'd like to go to Austin in December";
const B_PROMPT = 'What is on in Denver in March?';

const pastChat = (page, id) => page.locator(`${byTestId('past-chat')}[data-workflow-id="${id}"]`);

/** Waits until the page shows conversation `id` with the user's message `text` in it. */
async function waitForChat(page, id, text) {
  await page.waitForURL((url) => url.searchParams.get('c') === id, { timeout: STEP_TIMEOUT });
  await page.locator(byTestId('message-user'), { hasText: text }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
}

runInBrowser('sidebar', {}, async (session) => {
  const { page } = session;
  const a = await step('start chat A', async () => {
    const id = await startChat(page, A_PROMPT);
    await waitForAgentReply(page, 1);
    return id;
  });

  const b = await step('start chat B from the header', async () => {
    await page.locator(byTestId('header-new-chat')).click();
    await page.locator(byTestId('goal-picker')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await chooseAgent(page, TRIP_GOAL);
    const id = await sendFirstPrompt(page, B_PROMPT);
    check(id !== a, 'chat B got the id of chat A');
    await waitForAgentReply(page, 1);
    return id;
  });

  await step('both chats are in the list, A under its first message', async () => {
    await pastChat(page, a).filter({ hasText: 'Austin in December' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await pastChat(page, b).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check((await pastChat(page, b).getAttribute('aria-current')) === 'page', 'chat B is not marked as the one on show');
    const listed = await page.locator(byTestId('past-chat')).evaluateAll((links) => links.map((l) => l.textContent));
    log(`   list: ${listed.join(' | ')}`);
  });

  await step("reopen A from the list and see A's messages", async () => {
    await pastChat(page, a).click();
    await waitForChat(page, a, A_PROMPT);
    check((await page.locator(byTestId('message-user'), { hasText: B_PROMPT }).count()) === 0, "B's message shows in chat A");
    check((await pastChat(page, a).getAttribute('aria-current')) === 'page', 'chat A is not marked as the one on show');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'sidebar.png'), fullPage: true });
  });

  const phone = await session.context.newPage();
  session.page = phone;
  await step('on a phone screen the list is a drawer behind the "Past chats" button', async () => {
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${BASE_URL}/?c=${encodeURIComponent(a)}`);
    await phone.locator(byTestId('message-user'), { hasText: A_PROMPT }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check(!(await phone.locator(byTestId('sidebar')).isVisible()), 'the list shows beside the chat on a phone');
    const toggle = phone.getByRole('button', { name: 'Past chats', exact: true });
    await toggle.click();
    await phone.locator(byTestId('sidebar')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check((await toggle.getAttribute('aria-expanded')) === 'true', 'the "Past chats" button does not say the drawer is open');
    await pastChat(phone, b).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await phone.screenshot({ path: path.join(SCREENSHOT_DIR, 'sidebar-phone.png') });
  });

  await step("reopen B from the drawer: it closes and B's messages show", async () => {
    await pastChat(phone, b).click();
    await waitForChat(phone, b, B_PROMPT);
    await phone.locator(byTestId('sidebar')).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 390, `the page is ${width} px wide on a 390 px screen`);
  });
});
