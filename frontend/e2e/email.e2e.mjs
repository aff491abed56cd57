// End-to-end check of the Email page in a real browser (Debian's Chromium driven by
// playwright-core), against the api serving the built UI with the real worker, the bundled
// demo model and the keyless outbox behind it.
//
//   BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/email.e2e.mjs
//
// Steps: open the Email page (a fresh email gets its id in the URL), type a draft, wait for it
// to be saved, reload, and find the draft back in the request box; send it, see the email
// scheduled with a live countdown, cancel, and see it canceled with nothing to cancel any
// more; then a second email scheduled a few seconds ahead is sent and shows its receipt (and
// the page is checked in dark mode). The
// browser runs in a time zone other than the machine's, and the send time must be shown in it.
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default ./e2e-output),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import path from 'node:path';
import { startChat } from './chat.mjs';
import {
  SCREENSHOT_DIR,
  STEP_TIMEOUT,
  byTestId,
  check,
  log,
  runInBrowser,
  step,
} from './harness.mjs';

const TIME_ZONE = 'Pacific/Auckland';

// Far enough ahead to see the countdown and cancel in time; near enough for the sent case.
const CANCELED_REQUEST = 'Write to ana@example.com saying lunch on Friday at noon and send it in 2 minutes';
const SENT_REQUEST = 'Write to bo@example.com saying the report is ready and send it in 5 seconds';

async function textOf(page, testId) {
  return (await page.locator(byTestId(testId)).innerText()).replace(/\s+/g, ' ').trim();
}

/** Waits until the email's status badge says `status`. */
async function waitForStatus(page, status) {
  await page.waitForFunction(
    (expected) => document.querySelector('[data-testid="email-status"]')?.getAttribute('data-status') === expected,
    status,
    { timeout: STEP_TIMEOUT },
  );
}

async function emailIdOf(page) {
  const id = new URL(page.url()).searchParams.get('e');
  check(id, `no email id in the URL ${page.url()}`);
  return id;
}

async function openEmailPage(page) {
  const conversation = await startChat(page, 'Hello');
  await page.locator(byTestId('nav-email')).click();
  await page.waitForURL(/[?&]e=/, { timeout: STEP_TIMEOUT });
  const url = new URL(page.url());
  check(url.searchParams.get('view') === 'email', `the Email page is not named in the URL: ${page.url()}`);
  check(url.searchParams.get('c') === conversation, `the chat's ?c= was lost on the way to the Email page: ${page.url()}`);
  await waitForStatus(page, 'waiting');
  const id = await emailIdOf(page);
  log(`   email: ${id} (chat ${conversation} kept in the URL)`);
  return id;
}

async function draftSurvivesReload(page, emailId) {
  const draft = 'Write to ana@example.com — a draft typed before a reload';
  await step('type a draft and wait for the autosave', async () => {
    const input = page.locator(byTestId('email-request-input'));
    await input.click();
    await input.pressSequentially(draft, { delay: 5 });
    // No blur: the 5 s timer alone has to save it.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="draft-status"]')?.getAttribute('data-state') === 'saved',
      undefined,
      { timeout: 20_000 },
    );
    check(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'email-request-input'), 'the box lost focus');
    log(`   draft status: ${await textOf(page, 'draft-status')}`);
  });

  await step('reload and find the draft back', async () => {
    await page.reload();
    check((await emailIdOf(page)) === emailId, `the reload opened another email: ${page.url()}`);
    await waitForStatus(page, 'waiting');
    const input = page.locator(byTestId('email-request-input'));
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid="email-request-input"]')?.value === expected,
      draft,
      { timeout: STEP_TIMEOUT },
    );
    check(!(await input.isDisabled()), 'the request box is disabled after the reload');
    log(`   restored: ${await input.inputValue()}`);
  });

  await step('save a change on blur and find it after another reload', async () => {
    const input = page.locator(byTestId('email-request-input'));
    await input.fill(`${draft}, changed`);
    await page.locator(byTestId('email-card')).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="draft-status"]')?.getAttribute('data-state') === 'saved',
      undefined,
      { timeout: 4000 },
    );
    await page.reload();
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid="email-request-input"]')?.value === expected,
      `${draft}, changed`,
      { timeout: STEP_TIMEOUT },
    );
  });
}

async function sendRequest(page, text) {
  const input = page.locator(byTestId('email-request-input'));
  await input.fill(text);
  await page.locator(byTestId('email-send-button')).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="email-request-input"]')?.value === '', undefined, {
    timeout: STEP_TIMEOUT,
  });
  log(`   you: ${text}`);
}

async function scheduleAndCancel(page) {
  await step('send a request and see the email scheduled with a countdown', async () => {
    await sendRequest(page, CANCELED_REQUEST);
    await waitForStatus(page, 'scheduled');
    const countdown = page.locator(byTestId('email-countdown'));
    await countdown.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const first = await countdown.innerText();
    check(/^Sends in (1 min \d\d s|2 min 00 s|\d+ s)$/.test(first), `unexpected countdown: ${first}`);
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid="email-countdown"]')?.textContent !== before,
      first,
      { timeout: 5000 },
    );
    log(`   countdown: ${first} → ${await countdown.innerText()}`);
    check((await textOf(page, 'email-recipient')) === 'ana@example.com', `recipient: ${await textOf(page, 'email-recipient')}`);
    check((await textOf(page, 'email-body')).toLowerCase().includes('lunch'), `body: ${await textOf(page, 'email-body')}`);
    const schedule = await textOf(page, 'email-schedule');
    check(schedule.includes(`(${TIME_ZONE})`), `the send time is not in the browser's zone ${TIME_ZONE}: ${schedule}`);
    log(`   schedule: ${schedule}`);
    log(`   reply: ${await textOf(page, 'email-reply')}`);
    const draft = await page.locator(byTestId('email-request-input')).inputValue();
    check(draft === '', `the request box was not emptied: ${draft}`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'email-scheduled.png'), fullPage: true });
  });

  await step('cancel and see the email canceled', async () => {
    await page.getByRole('button', { name: 'Cancel email' }).click();
    await waitForStatus(page, 'canceled');
    await page.locator(byTestId('email-canceled')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check((await page.locator(byTestId('email-cancel')).count()) === 0, 'Cancel is still offered');
    check((await page.locator(byTestId('email-countdown')).count()) === 0, 'the countdown still runs');
    check(await page.locator(byTestId('email-request-input')).isDisabled(), 'the request box still takes text');
    log(`   status: ${await textOf(page, 'email-status')}`);
  });

  await step('reload: the email is still canceled', async () => {
    await page.reload();
    await waitForStatus(page, 'canceled');
  });
}

async function scheduleAndSend(page, canceledId) {
  const id = await step('start a new email', async () => {
    await page.locator(byTestId('new-email-cta')).click();
    await page.waitForFunction((old) => new URL(location.href).searchParams.get('e') !== old, canceledId, { timeout: STEP_TIMEOUT });
    await waitForStatus(page, 'waiting');
    const fresh = await emailIdOf(page);
    check((await page.locator(byTestId('email-request-input')).inputValue()) === '', 'a new email starts with text in the box');
    log(`   email: ${fresh}`);
    return fresh;
  });

  await step('schedule it 5 s ahead and see it sent with a receipt', async () => {
    await sendRequest(page, SENT_REQUEST);
    await waitForStatus(page, 'sent');
    const receipt = await textOf(page, 'email-receipt');
    check(receipt.includes('Delivered to the outbox on'), `the receipt does not say where and when it went: ${receipt}`);
    check(!/\.eml|Message-ID|\//.test(receipt), `the receipt shows a file path or Message-ID: ${receipt}`);
    log(`   receipt: ${receipt}`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'email-sent.png'), fullPage: true });
  });

  await step('switch to dark mode and back', async () => {
    const isDark = () => page.evaluate(() => document.documentElement.classList.contains('dark'));
    check(!(await isDark()), 'the page started dark');
    await page.locator(byTestId('theme-toggle')).click();
    check(await isDark(), 'the toggle did not switch the Email page to dark mode');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'email-dark.png'), fullPage: true });
    await page.locator(byTestId('theme-toggle')).click();
    check(!(await isDark()), 'the toggle did not switch back to light mode');
  });
  return id;
}

// Not the machine's zone: send times must be read and shown in the browser's.
runInBrowser('email', { timezoneId: TIME_ZONE }, async ({ page }) => {
  const canceled = await step('open the Email page from the trip chat', () => openEmailPage(page));
  await draftSurvivesReload(page, canceled);
  await scheduleAndCancel(page);
  const sent = await scheduleAndSend(page, canceled);
  // The Rust test reads these to check the outbox.
  log(`RESULT canceled=${canceled} sent=${sent}`);
});
