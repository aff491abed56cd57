// What a person sees in the trip chat, on a desktop and on a 390×844 phone, in a real browser
// (Debian's Chromium driven by playwright-core) against the api serving the built UI with the
// real worker and the bundled demo model behind it.
//
//   BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/polish.e2e.mjs
//
// Steps: a new chat passes axe (no serious or critical violation) and its tab is named without
// an id; the FindEvents card reads in words (no field names, no `userConfirmation`); Tab goes
// through the page in reading order (the card's Confirm before the message box); a message
// half typed survives a reload; Enter in the empty message box confirms the card, and so on
// through SearchFlights (flights as cards, prices as money) and CreateInvoice (the invoice as
// a card with its link); the whole chat passes axe, in light and dark mode (`polish-chat.png`).
// On a phone: no Shift+Enter hint, and the new chat and the finished trip pass axe (`polish-chat-phone.png`,
// `polish-new-chat-phone.png`). A malformed `?c=` says so once and offers a new chat; an
// unknown one offers a new chat instead of starting one under that id.
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).

import path from 'node:path';
import { TRIP_GOAL, chooseAgent, count, sendPrompt, startChat, waitForAgentReply, waitForPromptFocus, waitForProposal, waitForToolResult } from './chat.mjs';
import { BASE_URL, PHONE, SCREENSHOT_DIR, STEP_TIMEOUT, byTestId, check, checkAccessibility, log, runInBrowser, step } from './harness.mjs';

/** Field names as the code spells them: camelCase or snake_case words. */
const CODE_NAME = /\b(userConfirmation|[a-z]+[A-Z][a-zA-Z]*|[a-z]+_[a-z_]+)\b/;
const DATE = /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b/;

async function cardText(page) {
  return (await page.locator(byTestId('confirm-card')).innerText()).replace(/\s+/g, ' ');
}

/** Enter in the empty, focused message box confirms the card proposing `tool`. */
async function confirmWithEnter(page, tool) {
  await waitForProposal(page, tool);
  await waitForPromptFocus(page);
  const input = page.locator(byTestId('prompt-input'));
  check((await input.inputValue()) === '', 'the message box is not empty');
  check((await input.getAttribute('placeholder')).includes('Enter on an empty box confirms'), 'the box does not say Enter confirms');
  const before = await count(page, 'message-agent');
  await input.press('Enter');
  await waitForToolResult(page, tool);
  await waitForAgentReply(page, before);
  await waitForPromptFocus(page);
}

async function desktop(page) {
  await step('a new chat passes axe and names no id in its tab', async () => {
    await page.goto(`${BASE_URL}/`);
    await chooseAgent(page, TRIP_GOAL);
    await checkAccessibility(page, 'new chat, desktop');
  });

  const id = await step('the FindEvents card reads in words', async () => {
    const conversation = await startChat(page, "I'd like to go to Austin in December");
    await waitForProposal(page, 'FindEvents');
    const text = await cardText(page);
    check(!CODE_NAME.test(text.replace('FindEvents', '')), `the card shows a field name: ${text}`);
    const title = await page.title();
    check(!title.includes(conversation) && title.endsWith('Trip planner'), `the tab title: ${title}`);
    log(`   title: ${title}`);
    return conversation;
  });

  await step('Tab moves through the page in reading order', async () => {
    // Start from the top of the page.
    await page.evaluate(() => {
      document.body.tabIndex = -1;
      document.body.focus();
      document.body.removeAttribute('tabindex');
    });
    const order = [];
    for (let i = 0; i < 40; i += 1) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        // The element's position among all elements, in document order.
        const index = [...document.querySelectorAll('*')].indexOf(el);
        return { index, name: `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}` };
      });
      if (stop === null || (order.length > 0 && stop.index <= order[order.length - 1].index)) break;
      order.push(stop);
    }
    const names = order.map((stop) => stop.name);
    log(`   tab order: ${names.join(' → ')}`);
    const confirm = names.indexOf('button[confirm-button]');
    const prompt = names.indexOf('textarea[prompt-input]');
    check(confirm >= 0 && prompt > confirm, `Tab does not reach Confirm, then the message box: ${names.join(' → ')}`);
  });

  await step('a message half typed survives a reload', async () => {
    const input = page.locator(byTestId('prompt-input'));
    await input.fill('Half a thought, not sent');
    await page.reload();
    await page.locator(byTestId('confirm-card')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const back = await page.locator(byTestId('prompt-input')).inputValue();
    check(back === 'Half a thought, not sent', `after the reload the box holds: ${JSON.stringify(back)}`);
    await page.locator(byTestId('prompt-input')).fill('');
  });

  await step('Enter in the empty box confirms FindEvents', () => confirmWithEnter(page, 'FindEvents'));

  await step('the SearchFlights card reads in words, with dates as "Sat 7 Mar 2026"', async () => {
    await sendPrompt(page, "I'm flying from Chicago");
    await waitForProposal(page, 'SearchFlights');
    const text = await cardText(page);
    check(!CODE_NAME.test(text.replace('SearchFlights', '')), `the card shows a field name: ${text}`);
    check(text.includes('From:') && text.includes('Depart:'), `the card lacks its labels: ${text}`);
    check(DATE.test(text), `the card's dates are not written out: ${text}`);
  });

  await step('flights found show as cards with prices as money', async () => {
    await confirmWithEnter(page, 'SearchFlights');
    const flights = await page.locator(byTestId('flight-card')).allInnerTexts();
    check(flights.length > 0, 'no flight cards');
    for (const flight of flights) check(/\$\d{1,3}(,\d{3})*\.\d{2}/.test(flight), `a flight without a price as money: ${flight}`);
    log(`   flights: ${flights.map((f) => f.replace(/\s+/g, ' ')).join(' | ')}`);
  });

  await step('the invoice shows as a card with its link', async () => {
    await sendPrompt(page, 'Yes, invoice the cheapest flight');
    await waitForProposal(page, 'CreateInvoice');
    const text = await cardText(page);
    check(!/userConfirmation|User confirmation/.test(text), `the card shows userConfirmation: ${text}`);
    await confirmWithEnter(page, 'CreateInvoice').catch(async (error) => {
      // The last reply ends the chat: the box is disabled then, so it cannot take focus.
      if ((await count(page, 'chat-ended')) === 0) throw error;
    });
    const card = page.locator(byTestId('invoice-card'));
    await card.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const link = card.locator('a');
    check(/^https?:\/\//.test((await link.getAttribute('href')) ?? ''), 'the invoice link is not http(s)');
    check((await link.getAttribute('rel')) === 'noopener noreferrer', 'the invoice link lacks rel="noopener noreferrer"');
    log(`   invoice: ${(await card.innerText()).replace(/\s+/g, ' ')}`);
  });

  await step('the whole chat passes axe', async () => {
    await page.locator(byTestId('chat-ended')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const shown = await page.evaluate(() => document.body.innerText);
    check(!/\b(dateFrom|dateTo|operating_carrier|userConfirmation|invoiceURL)\b/.test(shown), 'a field name shows in the chat');
    await checkAccessibility(page, 'finished trip, desktop');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'polish-chat.png'), fullPage: true });
  });

  await step('in dark mode the whole chat passes axe too', async () => {
    await page.locator(byTestId('theme-toggle')).click();
    await page.waitForFunction(() => document.documentElement.classList.contains('dark'), undefined, { timeout: STEP_TIMEOUT });
    await checkAccessibility(page, 'finished trip, dark');
    await page.locator(byTestId('theme-toggle')).click();
  });
  return id;
}

async function phone(page, id) {
  await page.setViewportSize(PHONE);
  await step('on a phone: no Shift+Enter hint, and a new chat passes axe', async () => {
    await page.goto(`${BASE_URL}/`);
    await chooseAgent(page, TRIP_GOAL);
    const left = await page.locator(byTestId('prompt-input')).inputValue();
    check(left === '', `a new chat's box holds a message already sent: ${JSON.stringify(left)}`);
    const hint = await page.locator(byTestId('prompt-input')).getAttribute('placeholder');
    check(!hint.includes('Shift'), `the phone's message box names Shift: ${hint}`);
    await checkAccessibility(page, 'new chat, phone');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'polish-new-chat-phone.png') });
  });

  await step('on a phone: the finished trip passes axe', async () => {
    await page.goto(`${BASE_URL}/?c=${encodeURIComponent(id)}`);
    await page.locator(byTestId('invoice-card')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= PHONE.width, `the page is ${width} px wide on a ${PHONE.width} px screen`);
    await checkAccessibility(page, 'finished trip, phone');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'polish-chat-phone.png'), fullPage: true });
  });
}

async function brokenLinks(page) {
  await step('a malformed ?c= says so once and offers a new chat', async () => {
    await page.goto(`${BASE_URL}/?c=${encodeURIComponent('not an id!')}`);
    const missing = page.locator(byTestId('chat-missing'));
    await missing.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check((await missing.getAttribute('data-reason')) === 'malformed', 'the page does not say the id is malformed');
    await page.waitForTimeout(3000);
    const text = await page.evaluate(() => document.body.innerText);
    check(!/retrying|Can't reach/i.test(text), `the page retries a malformed id: ${text}`);
    check(await page.locator(byTestId('prompt-input')).isDisabled(), 'the message box takes text for a malformed id');
    await page.locator(byTestId('missing-new-chat')).click();
    await page.locator(byTestId('goal-picker')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  });

  await step('an unknown ?c= offers a new chat and starts nothing under that id', async () => {
    await page.goto(`${BASE_URL}/?c=chat-no-such-chat-here`);
    const missing = page.locator(byTestId('chat-missing'));
    await missing.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    check((await missing.getAttribute('data-reason')) === 'missing', 'the page does not say there is no such chat');
    check(await page.locator(byTestId('prompt-input')).isDisabled(), 'the message box takes text for an unknown id');
    await checkAccessibility(page, 'unknown chat, desktop');
    await page.locator(byTestId('missing-new-chat')).click();
    await page.locator(byTestId('goal-picker')).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  });
}

runInBrowser('polish', {}, async (session) => {
  const id = await desktop(session.page);
  await brokenLinks(session.page);
  session.page = await session.context.newPage();
  await phone(session.page, id);
  log(`RESULT conversation=${id}`);
});
