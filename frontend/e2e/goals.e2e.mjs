// End-to-end check of choosing the agent of a new chat in a real browser (Debian's Chromium
// driven by playwright-core), against the api serving the built UI with the real worker, the
// bundled demo model, and the bundled MCP server (`mcp-tools`, named `travel` in the worker's
// MCP_CONFIG) behind the Travel Desk.
//
//   BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/goals.e2e.mjs
//
// Steps: open `/` and check the agents offered (the trip agent recommended and selected, an
// agent the demo model cannot run disabled with the reason; `goals.png`); choose the Travel
// Desk and start the chat by asking for a currency conversion, which the agent runs without
// asking, and see its name in the header; save a trip note, which waits for Confirm, each with
// the MCP tool's result in the chat (`travel-desk.png`); then start a new chat with the agent
// picker and let it hand the conversation to the Travel Desk, the header following.
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default ./e2e-output),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import path from 'node:path';
import {
  TRIP_GOAL,
  chooseAgent,
  confirmTool,
  count,
  goalOptionOf,
  openNewChat,
  sendFirstPrompt,
  sendPrompt,
  waitForAgentReply,
  waitForToolResult,
} from './chat.mjs';
import { SCREENSHOT_DIR, STEP_TIMEOUT, byTestId, check, log, runInBrowser, step } from './harness.mjs';

const DESK = 'goal_travel_helper';
const PICKER = 'choose-agent';
const QUOTE = 'goal_flight_quote';

/** Waits until the header names `name` as the agent the chat talks to. */
async function waitForAgentName(page, name) {
  await page.waitForFunction(
    (expected) => document.querySelector('[data-testid="current-agent"]')?.textContent?.includes(expected),
    name,
    { timeout: STEP_TIMEOUT },
  );
  log(`   header: ${(await page.locator(byTestId('current-agent')).innerText()).trim()}`);
}

async function agentsOffered(page) {
  await step('open a new chat and check the agents offered', async () => {
    await openNewChat(page);
    const offered = await page.locator(byTestId('goal-option')).evaluateAll((options) => options.map((o) => o.dataset.goalId));
    log(`   offered: ${offered.join(', ')}`);
    for (const goal of [PICKER, TRIP_GOAL, DESK]) {
      check(offered.includes(goal), `${goal} is not offered`);
      check(await goalOptionOf(page, goal).isEnabled(), `${goal} is offered but disabled`);
    }
    check(offered[0] === PICKER, `the agent picker is not offered first (${offered[0]})`);
    check((await goalOptionOf(page, TRIP_GOAL).getAttribute('data-recommended')) === 'true', 'the trip agent is not the recommended one');
    check((await goalOptionOf(page, TRIP_GOAL).getAttribute('aria-pressed')) === 'true', 'the recommended agent is not selected');
    const quote = goalOptionOf(page, QUOTE);
    check(await quote.isDisabled(), 'the flight quote agent is enabled although the demo model cannot run it');
    const note = (await quote.locator(byTestId('goal-note')).innerText()).trim();
    check(/demo model/i.test(note), `the disabled agent does not say why: ${note}`);
    log(`   ${QUOTE}: disabled, "${note}"`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'goals.png'), fullPage: true });
  });
}

async function travelDesk(page) {
  await step('choose the Travel Desk', () => chooseAgent(page, DESK));

  await step('start the chat by converting a price: the MCP tool runs without asking', async () => {
    await sendFirstPrompt(page, 'How much is 150 US dollars in euros?');
    await waitForAgentName(page, 'Travel Desk');
    const result = await waitForToolResult(page, 'travel/convert_currency');
    log(`   result: ${(await result.innerText()).replace(/\s+/g, ' ').slice(0, 160)}`);
    check((await count(page, 'confirm-card')) === 0, 'a read-only MCP tool asked for confirmation');
    // The greeting, the agent choosing the tool, and its answer.
    const reply = await waitForAgentReply(page, 2);
    check(/EUR|euro/i.test(reply), `the agent's answer does not give the euros: ${reply}`);
  });

  await step('save a trip note: the MCP tool waits for Confirm, then its result shows', async () => {
    await sendPrompt(page, 'Note that our hotel check-in is at 3pm');
    const reply = await confirmTool(page, 'travel/save_trip_note');
    const result = page.locator(byTestId('tool-result'), { hasText: 'travel/save_trip_note' }).last();
    await result.locator('summary').click();
    const shown = (await result.innerText()).replace(/\s+/g, ' ');
    log(`   result: ${shown.slice(0, 200)}`);
    check(/hotel check-in/i.test(shown), `the note's result does not show the note: ${shown}`);
    check(/saved your note/i.test(reply), `the agent did not say the note was saved: ${reply}`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'travel-desk.png'), fullPage: true });
  });
}

async function pickerHandsOver(page) {
  await step('start a new chat from the header with the agent picker', async () => {
    await page.locator(byTestId('header-new-chat')).click();
    await page.locator(byTestId('goal-picker')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await chooseAgent(page, PICKER);
    await sendFirstPrompt(page, 'Hello');
    await waitForAgentName(page, 'Agent picker');
  });

  await step('ask for the Travel Desk and confirm the hand-over', async () => {
    // The picker lists the agents first (a tool it runs on its own), then asks.
    await page.locator(byTestId('tool-result'), { hasText: 'ListAgents' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await page.waitForFunction(() => /Which one would you like\?/.test(document.querySelector('[data-testid="message-list"]')?.textContent ?? ''), undefined, {
      timeout: STEP_TIMEOUT,
    });
    await waitForAgentReply(page, 1);
    await sendPrompt(page, 'The travel desk, please');
    await confirmTool(page, 'SwitchAgent');
  });

  await step('the header follows the conversation to the Travel Desk', () => waitForAgentName(page, 'Travel Desk'));
}

runInBrowser('goals', {}, async (session) => {
  await agentsOffered(session.page);
  await travelDesk(session.page);
  await pickerHandsOver(session.page);
});
