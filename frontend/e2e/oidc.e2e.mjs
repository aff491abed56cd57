// End-to-end check of signing in through an OpenID Connect issuer in a real browser (Debian's
// Chromium driven by playwright-core), against the api run with API_AUTH=jwt and OIDC_*
// pointing at an issuer whose authorize page signs the user in at once, with the real worker
// and the bundled demo model behind it.
//
//   BASE_URL=http://127.0.0.1:8000 node e2e/oidc.e2e.mjs
//
// Steps: opening a chat link goes to the issuer's authorize page (authorization code with
// PKCE, S256) and straight back with a code; the UI trades it for a token, puts the link back
// and opens a new chat; the first message gets the agent's greeting and reply over the event
// stream opened with a ticket (`oidc-chat.png`); a reload keeps the chat without signing in
// again.
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default ./e2e-output),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import path from 'node:path';
import { chooseAgent, count, sendFirstPrompt, TRIP_GOAL, waitForAgentReply } from './chat.mjs';
import { BASE_URL, SCREENSHOT_DIR, STEP_TIMEOUT, byTestId, check, log, runInBrowser, step } from './harness.mjs';

const PROMPT = "I'd like to go to Austin in December";

runInBrowser('oidc', {}, async (session) => {
  const { page } = session;
  const base = new URL(BASE_URL);
  // The pages the tab went to (each hop of a redirect), the trades of a code for a token, and
  // the event streams opened.
  const visits = [];
  const trades = [];
  const streams = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) visits.push(request.url());
    else if (request.method() === 'POST' && url.origin !== base.origin) trades.push({ url: url.toString(), body: request.postData() ?? '' });
    else if (url.origin === base.origin && url.pathname === '/events') streams.push(url.search);
  });

  await step('opening the UI signs in at the issuer and comes back', async () => {
    await page.goto(`${BASE_URL}/?view=chat`);
    await page.locator(byTestId('goal-picker')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const authorize = visits.map((v) => new URL(v)).find((url) => url.origin !== base.origin);
    check(authorize !== undefined, `the tab never went to the issuer: ${visits.join(' → ')}`);
    log(`   issuer: ${authorize.origin}${authorize.pathname}`);
    const params = authorize.searchParams;
    check(params.get('response_type') === 'code', `response_type=${params.get('response_type')}`);
    check(params.get('code_challenge_method') === 'S256', `code_challenge_method=${params.get('code_challenge_method')}`);
    check((params.get('code_challenge') ?? '').length === 43, 'no S256 code challenge');
    check(params.get('redirect_uri') === `${base.origin}/`, `redirect_uri=${params.get('redirect_uri')}`);
    check(trades.length === 1, `expected one trade of the code, saw ${trades.length}`);
    const form = new URLSearchParams(trades[0].body);
    check(form.get('grant_type') === 'authorization_code' && form.get('code_verifier'), `the trade sent ${trades[0].body}`);
    const now = new URL(page.url());
    check(!now.searchParams.has('code') && !now.searchParams.has('state'), `the issuer's answer stayed in the URL: ${page.url()}`);
    check(now.searchParams.get('view') === 'chat', `the link was not put back: ${page.url()}`);
  });

  const id = await step('a new chat works: the agent answers the first message', async () => {
    await chooseAgent(page, TRIP_GOAL);
    const chat = await sendFirstPrompt(page, PROMPT);
    const reply = await waitForAgentReply(page, 1);
    check(reply.trim() !== '', 'the agent answered with nothing');
    check(streams.length > 0 && streams.every((s) => new URLSearchParams(s).get('ticket')), `streams: ${streams.join(' ')}`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'oidc-chat.png') });
    return chat;
  });

  await step('a reload keeps the chat without signing in again', async () => {
    const before = visits.length;
    await page.reload();
    await page.locator(byTestId('message-user'), { hasText: PROMPT }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check(new URL(page.url()).searchParams.get('c') === id, `the reload lost the chat: ${page.url()}`);
    const away = visits.slice(before).filter((v) => new URL(v).origin !== base.origin);
    check(away.length === 0, `the reload went to the issuer again: ${away.join(' ')}`);
    check((await count(page, 'sign-in')) === 0, 'the sign-in page showed after a reload');
  });
});
