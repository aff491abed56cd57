// End-to-end check of signing in with an access token in a real browser (Debian's Chromium
// driven by playwright-core), against the api run with API_AUTH=tokens serving the built UI,
// with the real worker and the bundled demo model behind it.
//
//   AUTH_TOKEN=<a token the api accepts> BASE_URL=http://127.0.0.1:8000 node e2e/auth.e2e.mjs
//
// Steps: the token prompt shows before the UI calls anything but `/ui-config` (axe-core finds
// nothing serious on it, `auth-prompt.png`); a wrong token brings it back saying it was not
// accepted; the right one opens a new chat; the first message gets the agent's greeting and
// reply, which arrive over the event stream opened with a ticket (`auth-chat.png`); a reload
// keeps the chat without asking again; Sign out asks for the token again.
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: AUTH_TOKEN (required), BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default
// ./e2e-output), CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import path from 'node:path';
import { count, startChat, waitForAgentReply } from './chat.mjs';
import { BASE_URL, SCREENSHOT_DIR, STEP_TIMEOUT, byTestId, check, checkAccessibility, log, runInBrowser, step } from './harness.mjs';

const TOKEN = process.env.AUTH_TOKEN ?? '';
const PROMPT = "I'd like to go to Austin in December";

/** Paths the UI may call without a token. */
const PUBLIC = new Set(['/ui-config', '/health', '/openapi.json', '/metrics', '/']);

async function submitToken(page, token) {
  const input = page.locator(byTestId('token-input'));
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await input.fill(token);
  await page.locator(byTestId('token-submit')).click();
}

runInBrowser('auth', {}, async (session) => {
  check(TOKEN !== '', 'AUTH_TOKEN is not set');
  const { page } = session;
  // Every call to the api: its path, whether it carried the token, what the api answered.
  const calls = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.origin !== new URL(BASE_URL).origin || url.pathname.startsWith('/assets/')) return;
    const bearer = response.request().headers().authorization ?? '';
    calls.push({ path: url.pathname, search: url.search, status: response.status(), bearer });
  });
  // The UI's own files (`/favicon.svg`, `/assets/…`) are not api calls.
  const apiCalls = () => calls.filter((c) => !PUBLIC.has(c.path) && !/\.[a-z0-9]+$/i.test(c.path));

  await step('the token prompt shows before the UI calls the api', async () => {
    await page.goto(BASE_URL + '/');
    await page.locator(byTestId('token-prompt')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const input = page.locator(byTestId('token-input'));
    check((await input.getAttribute('type')) === 'password', 'the token is typed into a plain text box');
    check(await input.evaluate((el) => el === document.activeElement), 'the token box does not have the focus');
    await page.waitForTimeout(500);
    check(apiCalls().length === 0, `the UI called the api before it had a token: ${JSON.stringify(apiCalls())}`);
    await checkAccessibility(page, 'token prompt');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'auth-prompt.png') });
  });

  await step('a wrong token is not accepted', async () => {
    await submitToken(page, 'not-the-token');
    const note = page.locator(byTestId('token-refused'));
    await note.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    log(`   note: ${await note.innerText()}`);
    check(calls.some((c) => c.status === 401), 'the api refused nothing');
    check((await page.locator(byTestId('token-input')).inputValue()) === '', 'the refused token is still in the box');
    const refused = apiCalls().length;
    await page.waitForTimeout(1500);
    check(apiCalls().length === refused, 'the UI kept calling the api while the prompt was up');
  });

  const id = await step('the right token opens a new chat, and the agent answers the first message', async () => {
    await submitToken(page, TOKEN);
    const chat = await startChat(page, PROMPT);
    const reply = await waitForAgentReply(page, 1);
    check(reply.trim() !== '', 'the agent answered with nothing');
    const streams = calls.filter((c) => c.path === '/events');
    check(streams.length > 0, 'no event stream was opened');
    check(
      streams.every((c) => new URLSearchParams(c.search).get('ticket')),
      `an event stream was opened without a ticket: ${JSON.stringify(streams)}`,
    );
    check(calls.some((c) => c.path === '/events/ticket' && c.status === 200), 'no ticket was issued');
    const sent = apiCalls().filter((c) => c.path !== '/events' && c.status !== 401);
    check(
      sent.every((c) => c.bearer === `Bearer ${TOKEN}`),
      `a call went without the token: ${JSON.stringify(sent.filter((c) => c.bearer !== `Bearer ${TOKEN}`))}`,
    );
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'auth-chat.png') });
    return chat;
  });

  await step('a reload keeps the chat and asks for nothing', async () => {
    const agents = await count(page, 'message-agent');
    await page.reload();
    await page.locator(byTestId('message-user'), { hasText: PROMPT }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="message-agent"]').length >= n, agents, {
      timeout: STEP_TIMEOUT,
    });
    check(new URL(page.url()).searchParams.get('c') === id, `the reload lost the chat: ${page.url()}`);
    check((await count(page, 'token-prompt')) === 0, 'the token prompt came back after a reload');
  });

  await step('Sign out asks for the token again', async () => {
    await page.locator(byTestId('sign-out')).click();
    await page.locator(byTestId('token-prompt')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check((await count(page, 'token-refused')) === 0, 'signing out says the token was refused');
    const kept = await page.evaluate(() => window.sessionStorage.getItem('agent.apiToken'));
    check(kept === null, 'the token is still kept after signing out');
  });
});
