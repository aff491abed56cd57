// End-to-end check of the chat UI in a real browser (Debian's Chromium driven by
// playwright-core), against the api serving the built UI with the real worker and the bundled
// demo model behind it.
//
//   BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/trip.e2e.mjs
//
// Steps: start a new chat with the recommended trip agent by asking for Austin in December, book
// a trip from greeting to invoice (confirming FindEvents, SearchFlights and CreateInvoice) while
// the header's token count grows,
// check the invoice link and the chat-ended marker, screenshot it; open a
// fresh conversation and check dark mode; then, on a conversation whose history is served
// from a canned response, check that markup in an agent message is shown as text.
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default ./e2e-output),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import path from 'node:path';
import { confirmTool, sendPrompt, startChat, waitForAgentReply } from './chat.mjs';
import {
  BASE_URL,
  SCREENSHOT_DIR,
  STEP_TIMEOUT,
  byTestId,
  check,
  log,
  runInBrowser,
  step,
} from './harness.mjs';

const XSS_CONVERSATION = 'xss-check';

/**
 * Waits until the header shows the conversation's usage with more than `above` tokens;
 * returns the count.
 */
async function waitForTokensAbove(page, above) {
  const handle = await page.waitForFunction(
    (n) => {
      const text = document.querySelector('[data-testid="conversation-usage"]')?.textContent ?? '';
      const match = /^([\d,]+) tokens? · /.exec(text);
      const tokens = match ? Number(match[1].replaceAll(',', '')) : 0;
      return tokens > n ? { tokens, text } : null;
    },
    above,
    { timeout: STEP_TIMEOUT },
  );
  const { tokens, text } = await handle.jsonValue();
  log(`   usage: ${text}`);
  return tokens;
}

async function tripConversation(page) {
  const conversation = await step('open the UI and ask the recommended trip agent for Austin in December', () =>
    startChat(page, "I'd like to go to Austin in December"),
  );

  await step('the agent greets, then answers', () => waitForAgentReply(page, 1));

  await step('check the header (Temporal link, demo label)', async () => {
    const link = page.locator(byTestId('temporal-link'));
    await link.waitFor({ state: 'attached', timeout: STEP_TIMEOUT });
    const href = await link.getAttribute('href');
    check(href && /^https?:\/\//.test(href), `Temporal link is not http(s): ${href}`);
    check(href.endsWith(`/workflows/${encodeURIComponent(conversation)}`), `Temporal link ${href} does not name ${conversation}`);
    const demo = page.locator(byTestId('demo-label'));
    await demo.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    log(`   demo label: ${await demo.innerText()}`);
  });

  const firstTokens = await step("the header shows the first replies' tokens", () => waitForTokensAbove(page, 0));

  await step('confirm FindEvents', () => confirmTool(page, 'FindEvents'));
  await step('the header counts the tokens of the replies since', () => waitForTokensAbove(page, firstTokens));
  await step('say where we fly from', () => sendPrompt(page, "I'm flying from Chicago"));
  await step('confirm SearchFlights', () => confirmTool(page, 'SearchFlights'));
  await step('ask for the invoice', () => sendPrompt(page, 'Yes, invoice the cheapest flight'));
  const finalText = await step('confirm CreateInvoice', () => confirmTool(page, 'CreateInvoice'));

  await step('check the invoice link and the end of the chat', async () => {
    const last = page.locator(byTestId('message-agent')).last();
    const link = last.locator('a[href^="http"]').first();
    await link.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const href = await link.getAttribute('href');
    check(finalText.includes(await link.innerText()), 'the invoice link text is not part of the final message');
    check((await link.getAttribute('rel'))?.includes('noopener'), 'the invoice link lacks rel=noopener');
    log(`   invoice link: ${href}`);
    await page.locator(byTestId('chat-ended')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await page.locator(byTestId('new-chat-button')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check(await page.locator(byTestId('prompt-input')).isDisabled(), 'the prompt box is still enabled after the chat ended');
  });

  await step('screenshot trip.png', () => page.screenshot({ path: path.join(SCREENSHOT_DIR, 'trip.png'), fullPage: true }));
  return conversation;
}

async function isDark(page) {
  return page.evaluate(() => document.documentElement.classList.contains('dark'));
}

async function backgroundOf(page) {
  return page.evaluate(() => getComputedStyle(document.querySelector('#root > div')).backgroundColor);
}

async function darkModeCheck(page, firstConversation) {
  await step('open a second page with a fresh conversation', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    const id = await startChat(page, 'Hello');
    check(id !== firstConversation, `the second page did not get a fresh conversation (${id})`);
    await waitForAgentReply(page, 0);
  });

  await step('follow the system colour scheme', async () => {
    await page.evaluate(() => window.localStorage.clear());
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.locator(byTestId('theme-toggle')).waitFor({ timeout: STEP_TIMEOUT });
    check(await isDark(page), 'a dark system preference did not give dark mode');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => !document.documentElement.classList.contains('dark'), undefined, { timeout: 5000 });
  });

  await step('toggle dark mode and keep it across a reload', async () => {
    const lightBackground = await backgroundOf(page);
    await page.locator(byTestId('theme-toggle')).click();
    check(await isDark(page), 'the toggle did not switch to dark mode');
    const darkBackground = await backgroundOf(page);
    check(darkBackground !== lightBackground, `the background did not change (${lightBackground})`);
    await page.reload();
    await page.locator(byTestId('theme-toggle')).waitFor({ timeout: STEP_TIMEOUT });
    check(await isDark(page), 'dark mode was not remembered across a reload');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'dark.png'), fullPage: true });
    await page.locator(byTestId('theme-toggle')).click();
    check(!(await isDark(page)), 'the toggle did not switch back to light mode');
  });
}

const IMG = `<img src=x onerror="window.__xssFired='img';alert('img')">`;
const SCRIPT = `<script>window.__xssFired='script';alert('script')</script>`;

function cannedHistory() {
  return {
    messages: [
      { actor: 'user', response: `### ${IMG}` },
      {
        actor: 'agent',
        response: {
          next: 'question',
          tool: null,
          args: {},
          response: `Here is some markup: ${IMG} and ${SCRIPT}\nA bad link javascript:alert('link') and a good one https://example.com/ok.`,
          force_confirm: true,
        },
      },
      { actor: 'tool_result', response: { tool: 'FindEvents', note: IMG, events: [] } },
    ],
  };
}

async function xssCheck(page) {
  const dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  await step(`serve a canned history with markup for ?c=${XSS_CONVERSATION}`, async () => {
    const isXss = (url, pathname) => url.pathname === pathname && url.searchParams.get('workflow_id') === XSS_CONVERSATION;
    const history = cannedHistory();
    // Nothing else about this conversation may reach the server. (Playwright tries the routes
    // registered last first, so this catch-all goes in before the two specific ones.)
    await page.route(
      (url) => url.searchParams.get('workflow_id') === XSS_CONVERSATION,
      (route) => route.fulfill({ status: 418, contentType: 'application/json', body: '{"detail":"not part of this check"}' }),
    );
    await page.route(
      (url) => isXss(url, '/get-conversation-history'),
      (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(history) }),
    );
    await page.route(
      (url) => isXss(url, '/events'),
      (route) =>
        route.fulfill({
          status: 200,
          headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
          body:
            `event: status\ndata: ${JSON.stringify({ state: 'running', detail: '' })}\n\n` +
            `event: history\ndata: ${JSON.stringify(history)}\n\n`,
        }),
    );
  });

  await step('markup in an agent message renders as text', async () => {
    await page.goto(`${BASE_URL}/?c=${XSS_CONVERSATION}`);
    const agent = page.locator(byTestId('message-agent')).first();
    await agent.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const text = await agent.innerText();
    check(text.includes(IMG), `the agent message does not show the <img> markup as text: ${text}`);
    check(text.includes(SCRIPT), `the agent message does not show the <script> markup as text: ${text}`);
    check((await page.locator(byTestId('message-user')).first().innerText()).includes(`### ${IMG}`), 'the ### user message is not shown as typed');
    // Give any handler that could fire (a failing image load, a script) time to do so.
    await page.waitForTimeout(1000);
    check((await page.locator('img').count()) === 0, 'an <img> element was created from message text');
    check((await page.locator(`${byTestId('message-list')} script`).count()) === 0, 'a <script> element was created from message text');
    check((await page.locator('a[href^="javascript:"]').count()) === 0, 'a javascript: link was created');
    check((await agent.locator('a[href="https://example.com/ok"]').count()) === 1, 'the good link next to the markup was not linked');
    check((await page.evaluate(() => window.__xssFired)) === undefined, 'markup in a message ran code');
    check(dialogs.length === 0, `a dialog opened: ${dialogs.join(', ')}`);
    log('   markup stayed text; no img/script element, no dialog');
  });
}

runInBrowser('trip', {}, async (session) => {
  const first = await tripConversation(session.page);
  session.page = await session.context.newPage();
  await darkModeCheck(session.page, first);
  session.page = await session.context.newPage();
  await xssCheck(session.page);
});
