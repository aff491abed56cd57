// What a person sees on the Email page, on a desktop and on a 390×844 phone, in a real
// browser (Debian's Chromium driven by playwright-core) against the api serving the built UI,
// the worker on the demo model, and the keyless outbox.
//
//   BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/email_polish.e2e.mjs
//
// Steps: a fresh email offers no Cancel, names no id in its tab, and passes axe (no serious or
// critical violation); a request typed and reloaded at once (before any save to the server)
// is back in the box; sent, the assistant's reply shows once, in view; the scheduled email
// passes axe (`email-polish.png`); canceled, "Write a new email" is in view without scrolling,
// and the page passes axe in dark mode too.
// On a phone, the same email passes axe with "Write a new email" in view
// (`email-polish-phone.png`), and a fresh one passes axe too (`email-new-phone.png`).
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).

import path from 'node:path';
import { BASE_URL, PHONE, SCREENSHOT_DIR, STEP_TIMEOUT, byTestId, check, checkAccessibility, log, runInBrowser, step } from './harness.mjs';

const REQUEST = 'Write to ana@example.com saying lunch on Friday at noon and send it in 2 minutes';

async function waitForStatus(page, status) {
  await page.waitForFunction(
    (expected) => document.querySelector('[data-testid="email-status"]')?.getAttribute('data-status') === expected,
    status,
    { timeout: STEP_TIMEOUT },
  );
}

/** Whether the element `testId` is wholly on screen, without scrolling. */
async function inView(page, testId) {
  return page.evaluate((selector) => {
    const rect = document.querySelector(selector)?.getBoundingClientRect();
    return rect !== undefined && rect.top >= 0 && rect.bottom <= window.innerHeight && rect.height > 0;
  }, byTestId(testId));
}

async function desktop(page) {
  const id = await step('a fresh email offers no Cancel, names no id in its tab, and passes axe', async () => {
    await page.goto(`${BASE_URL}/?view=email`);
    await page.waitForURL(/[?&]e=/, { timeout: STEP_TIMEOUT });
    await waitForStatus(page, 'waiting');
    const email = new URL(page.url()).searchParams.get('e');
    check((await page.locator(byTestId('email-cancel')).count()) === 0, 'Cancel is offered on an empty email');
    const title = await page.title();
    check(!title.includes(email), `the tab title names the id: ${title}`);
    await checkAccessibility(page, 'fresh email, desktop');
    return email;
  });

  await step('a request typed and reloaded at once is back in the box', async () => {
    const input = page.locator(byTestId('email-request-input'));
    await input.fill(REQUEST);
    // No blur, no 5 s wait: only this browser has it.
    await page.reload();
    await waitForStatus(page, 'waiting');
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid="email-request-input"]')?.value === expected,
      REQUEST,
      { timeout: STEP_TIMEOUT },
    );
  });

  await step("sent, the assistant's reply shows once and in view", async () => {
    await page.locator(byTestId('email-send-button')).click();
    await waitForStatus(page, 'scheduled');
    const reply = page.locator(byTestId('email-reply'));
    await reply.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check((await reply.count()) === 1, 'more than one reply is marked');
    const said = (await reply.innerText()).replace(/^Assistant:\s*/, '').trim();
    const page_text = await page.evaluate(() => document.body.innerText);
    check(page_text.split(said).length - 1 === 1, `the reply shows ${page_text.split(said).length - 1} times: ${said}`);
    await page.waitForFunction((selector) => {
      const rect = document.querySelector(selector)?.getBoundingClientRect();
      return rect !== undefined && rect.bottom <= window.innerHeight && rect.top >= 0;
    }, byTestId('email-reply'), { timeout: 5000 });
    const receiptless = await page.evaluate(() => document.body.innerText);
    check(!/\.eml|Message-ID/.test(receiptless), 'a file path or Message-ID shows');
    const title = await page.title();
    check(!title.includes(id) && title.endsWith('Email assistant'), `the tab title: ${title}`);
    log(`   title: ${title}; reply: ${said}`);
    await checkAccessibility(page, 'scheduled email, desktop');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'email-polish.png'), fullPage: true });
  });

  await step('canceled, "Write a new email" is in view without scrolling', async () => {
    await page.locator(byTestId('email-cancel')).click();
    await waitForStatus(page, 'canceled');
    await page.locator(byTestId('new-email-cta')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check(await inView(page, 'new-email-cta'), '"Write a new email" is out of view');
    await checkAccessibility(page, 'canceled email, desktop');
  });

  await step('in dark mode the email passes axe too', async () => {
    await page.locator(byTestId('theme-toggle')).click();
    await page.waitForFunction(() => document.documentElement.classList.contains('dark'), undefined, { timeout: STEP_TIMEOUT });
    await checkAccessibility(page, 'canceled email, dark');
    await page.locator(byTestId('theme-toggle')).click();
  });
  return id;
}

async function phone(page, id) {
  await page.setViewportSize(PHONE);
  await step('on a phone: the canceled email passes axe, "Write a new email" in view', async () => {
    await page.goto(`${BASE_URL}/?view=email&e=${encodeURIComponent(id)}`);
    await waitForStatus(page, 'canceled');
    await page.locator(byTestId('new-email-cta')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check(await inView(page, 'new-email-cta'), '"Write a new email" is out of view on a phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= PHONE.width, `the page is ${width} px wide on a ${PHONE.width} px screen`);
    await checkAccessibility(page, 'canceled email, phone');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'email-polish-phone.png') });
  });

  await step('on a phone: a fresh email passes axe', async () => {
    await page.locator(byTestId('new-email-cta')).click();
    await page.waitForFunction((old) => new URL(location.href).searchParams.get('e') !== old, id, { timeout: STEP_TIMEOUT });
    await waitForStatus(page, 'waiting');
    await checkAccessibility(page, 'fresh email, phone');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'email-new-phone.png') });
  });
}

runInBrowser('email-polish', {}, async (session) => {
  const id = await desktop(session.page);
  session.page = await session.context.newPage();
  await phone(session.page, id);
  log(`RESULT canceled=${id}`);
});
