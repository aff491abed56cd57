// What the chat's browser scripts do on the chat page: choose the agent of a new chat and start
// it with a first message, send prompts, confirm tools, and wait for the agent's complete
// replies (a reply the model is still writing, `data-streaming`, does not count until its final
// message has landed).

import { BASE_URL, STEP_TIMEOUT, byTestId, check, log } from './harness.mjs';

export const TRIP_GOAL = 'goal_event_flight_invoice';

const goalOption = (goal) => `${byTestId('goal-option')}[data-goal-id="${goal}"]`;

export async function count(page, testId) {
  return page.locator(byTestId(testId)).count();
}

/** Opens `/` without a conversation: the agents to start a new chat with are offered. */
export async function openNewChat(page) {
  await page.goto(BASE_URL + '/');
  await page.locator(byTestId('goal-picker')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
}

/** The option that selects `goal` for a new chat. */
export function goalOptionOf(page, goal) {
  return page.locator(goalOption(goal));
}

/** Selects `goal` among the agents offered (the recommended one is selected from the start). */
export async function chooseAgent(page, goal) {
  const option = page.locator(goalOption(goal));
  await option.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  check(await option.isEnabled(), `the agent ${goal} is offered but disabled`);
  const recommended = (await option.getAttribute('data-recommended')) === 'true';
  if ((await option.getAttribute('aria-pressed')) !== 'true') await option.click();
  await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('aria-pressed') === 'true', goalOption(goal), {
    timeout: STEP_TIMEOUT,
  });
  log(`   agent: ${goal}${recommended ? ' (recommended)' : ''}`);
}

/**
 * Sends the first message of the new chat on show, which starts it; returns the conversation
 * id the URL then names. Nothing may have been started before.
 */
export async function sendFirstPrompt(page, text) {
  const shown = new URL(page.url()).searchParams.get('c');
  await waitForPromptFocus(page);
  const input = page.locator(byTestId('prompt-input'));
  await input.fill(text);
  await input.press('Enter');
  // The new conversation's id replaces the one shown before, if any.
  await page.waitForURL(
    (url) => {
      const id = url.searchParams.get('c');
      return id !== null && id !== shown;
    },
    { timeout: STEP_TIMEOUT },
  );
  const id = new URL(page.url()).searchParams.get('c');
  log(`   conversation: ${id}; you: ${text}`);
  return id;
}

/** Opens `/`, chooses `goal` and starts the chat with `firstPrompt`; returns its conversation id. */
export async function startChat(page, firstPrompt, goal = TRIP_GOAL) {
  await openNewChat(page);
  await chooseAgent(page, goal);
  return sendFirstPrompt(page, firstPrompt);
}

/** Waits until the prompt box is enabled and focused (focus management is part of the UI). */
export async function waitForPromptFocus(page) {
  await page.waitForFunction(
    () => {
      const input = document.querySelector('[data-testid="prompt-input"]');
      return input instanceof HTMLTextAreaElement && !input.disabled && document.activeElement === input;
    },
    undefined,
    { timeout: STEP_TIMEOUT },
  );
}

/**
 * Waits until there are more than `before` agent messages, none still being written, and the
 * agent has stopped working (nor is anything being retried); returns the last one's text.
 */
export async function waitForAgentReply(page, before) {
  await page.waitForFunction(
    (n) =>
      document.querySelectorAll('[data-testid="message-agent"]').length > n &&
      !document.querySelector('[data-testid="message-agent"][data-streaming]') &&
      !document.querySelector('[data-testid="agent-thinking"]') &&
      !document.querySelector('[data-testid="agent-retrying"]'),
    before,
    { timeout: STEP_TIMEOUT },
  );
  const text = await page.locator(byTestId('message-agent')).last().innerText();
  log(`   agent: ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
  return text;
}

export async function sendPrompt(page, text) {
  await waitForPromptFocus(page);
  const usersBefore = await count(page, 'message-user');
  const input = page.locator(byTestId('prompt-input'));
  await input.fill(text);
  await input.press('Enter');
  await page.waitForFunction(
    ({ n, expected }) => {
      const users = document.querySelectorAll('[data-testid="message-user"]');
      return users.length > n && users[users.length - 1].textContent.includes(expected);
    },
    { n: usersBefore, expected: text },
    { timeout: STEP_TIMEOUT },
  );
  log(`   you: ${text}`);
}

/** Waits for the confirm card and checks it proposes `tool`; returns the card. */
export async function waitForProposal(page, tool) {
  const card = page.locator(byTestId('confirm-card'));
  await card.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await page.waitForFunction(() => document.querySelector('[data-testid="confirm-card"]')?.getAttribute('data-state') === 'waiting', undefined, {
    timeout: STEP_TIMEOUT,
  });
  const proposed = (await card.locator('h3').first().innerText()).trim();
  check(proposed === tool, `expected the agent to propose ${tool}, but the confirm card shows ${proposed}`);
  log(`   card: ${(await card.innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
  return card;
}

/**
 * Waits for the confirm card, checks it proposes `tool`, and confirms. Returns the number of
 * agent messages before the click, for `waitForAgentReply`.
 */
export async function pressConfirm(page, tool) {
  await waitForProposal(page, tool);
  const agentsBefore = await count(page, 'message-agent');
  await page.locator(byTestId('confirm-button')).click();
  // Right after the click the button is locked (or the card is already gone).
  const locked = await page.evaluate(() => {
    const b = document.querySelector('[data-testid="confirm-button"]');
    return !b || b.disabled;
  });
  check(locked, 'the Confirm button stayed enabled after a click');
  return agentsBefore;
}

/** Waits until the tool `tool` shows as confirmed and its result is in the chat. */
export async function waitForToolResult(page, tool) {
  await page
    .locator(byTestId('message-confirmed'), { hasText: tool })
    .last()
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  const result = page.locator(byTestId('tool-result'), { hasText: tool }).last();
  await result.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  return result;
}

/** Confirms `tool` on its card, waits for its result and the agent's next reply. */
export async function confirmTool(page, tool) {
  const agentsBefore = await pressConfirm(page, tool);
  await waitForToolResult(page, tool);
  return waitForAgentReply(page, agentsBefore);
}
