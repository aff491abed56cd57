// End-to-end check of live reply text in a real browser (Debian's Chromium driven by
// playwright-core), against the api serving the built UI with the real worker, NATS carrying
// the replies' text, and the bundled demo model writing slowly (a token every few tens of ms).
//
//   BASE_URL=http://127.0.0.1:8000 SCREENSHOT_DIR=/tmp/shots node e2e/live.e2e.mjs
//
// Steps: start a trip chat by asking for Austin in December and watch the greeting's bubble
// grow, sample after sample, in place of the thinking indicator, until its final message takes
// it over (`live.png` mid-reply); wait for the answer, confirm FindEvents, and reload the page
// while the agent is writing the list of events: after the reload the bubble shows that reply from its start and grows on to
// exactly the final message, shown once.
// Exit code 0 when every step passed, 1 otherwise (with failure.png and the page's text).
//
// Env: BASE_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default ./e2e-output),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_STEP_TIMEOUT_MS (default 90000).

import path from 'node:path';
import { pressConfirm, startChat, waitForAgentReply } from './chat.mjs';
import { SCREENSHOT_DIR, STEP_TIMEOUT, StepError, check, log, runInBrowser, step } from './harness.mjs';

/** How often the agent's bubble is read while it grows. */
const SAMPLE_MS = 20;

/**
 * The `index`-th agent bubble: its text (without the screen-reader prefix), whether the
 * model is still writing it, and whether the thinking indicator shows beside it.
 */
function readBubble(page, index) {
  return page.evaluate((i) => {
    const bubble = document.querySelectorAll('[data-testid="message-agent"]')[i];
    if (!bubble) return null;
    return {
      text: (bubble.textContent ?? '').replace(/^Agent: /, ''),
      streaming: bubble.hasAttribute('data-streaming'),
      thinking: document.querySelector('[data-testid="agent-thinking"]') !== null,
    };
  }, index);
}

/**
 * Reads the `index`-th agent bubble until its final message has landed (or, with `stopAt`,
 * until the growing text is that long). Returns every distinct text seen while it was being
 * written, and the final text (null when stopped early).
 */
async function followReply(page, index, { stopAt = Infinity, onSample = async () => {} } = {}) {
  const samples = [];
  const deadline = Date.now() + STEP_TIMEOUT;
  while (Date.now() < deadline) {
    const bubble = await readBubble(page, index);
    if (bubble?.streaming) {
      check(!bubble.thinking, 'the thinking indicator shows next to the reply being written');
      if (bubble.text !== samples[samples.length - 1]) {
        samples.push(bubble.text);
        await onSample(samples);
      }
      if (bubble.text.length >= stopAt) return { samples, final: null };
    } else if (bubble) {
      return { samples, final: bubble.text };
    }
    await page.waitForTimeout(SAMPLE_MS);
  }
  throw new StepError(`agent bubble ${index} did not get its final message in ${STEP_TIMEOUT} ms`);
}

function short(text) {
  return JSON.stringify(text.replace(/\s+/g, ' ').slice(0, 60));
}

/** Every sample is a prefix of the next and of `final`: the text only ever grew towards it. */
function checkGrowsInto(samples, final, what) {
  samples.forEach((sample, i) => {
    check(final.startsWith(sample), `${what}: ${short(sample)} (sample ${i}) is not the start of the final message ${short(final)}`);
    const next = samples[i + 1];
    if (next !== undefined) check(next.length > sample.length, `${what}: the text shrank from ${short(sample)} to ${short(next)}`);
  });
}

/** The final message shows once: one bubble holds it, and its opening is not repeated. */
async function checkShownOnce(page, final) {
  const opening = final.slice(0, 30);
  const holders = await page.evaluate(
    (start) => [...document.querySelectorAll('[data-testid="message-agent"]')].filter((b) => b.textContent?.includes(start)).length,
    opening,
  );
  check(holders === 1, `${holders} agent bubbles show ${short(opening)}`);
  check(final.indexOf(opening, 1) < 0, `the reply repeats its opening: ${short(final)}`);
}

async function greetingGrows(page) {
  await step('start a trip chat by asking for Austin in December', () => startChat(page, "I'd like to go to Austin in December"));

  await step('watch the greeting grow until its final message lands', async () => {
    let shot = false;
    const { samples, final } = await followReply(page, 0, {
      onSample: async (seen) => {
        if (shot || seen.length < 4) return;
        shot = true;
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'live.png'), fullPage: true });
      },
    });
    log(`   ${samples.length} growing texts, lengths ${samples.map((s) => s.length).join(' ')}; final: ${short(final)}`);
    check(samples.length >= 3, `the greeting grew only ${samples.length} times before its message landed`);
    checkGrowsInto(samples, final, 'greeting');
    check(samples[samples.length - 1].length > samples[0].length, 'the greeting never grew');
    await checkShownOnce(page, final);
  });
}

async function reloadMidReply(page) {
  await step('the agent answers the question it was started with', () => waitForAgentReply(page, 1));

  const index = await step('confirm FindEvents', () => pressConfirm(page, 'FindEvents'));

  const before = await step('wait until the list of events is being written', async () => {
    const { samples } = await followReply(page, index, { stopAt: 12 });
    const seen = samples[samples.length - 1];
    log(`   written so far: ${short(seen)}`);
    return seen;
  });

  const { samples, final } = await step('reload, and see the same reply from its start grow to its end', async () => {
    await page.reload();
    const after = await followReply(page, index);
    log(`   after the reload: ${after.samples.length} growing texts, from ${short(after.samples[0] ?? '')}; final: ${short(after.final)}`);
    return after;
  });

  await step('the reply continued after the reload and ended as the final message, once', async () => {
    check(samples.length >= 1, 'after the reload the reply was already complete: nothing was seen being written');
    check(final.startsWith(before), `the text before the reload ${short(before)} is not the start of the final message`);
    checkGrowsInto(samples, final, 'after the reload');
    check(final.length > samples[0].length, 'the reply did not grow after the reload');
    await checkShownOnce(page, final);
    check(final.includes('Trail of Lights'), `the final message does not list the events: ${short(final)}`);
  });
}

runInBrowser('live', {}, async (session) => {
  await greetingGrows(session.page);
  await reloadMidReply(session.page);
});
