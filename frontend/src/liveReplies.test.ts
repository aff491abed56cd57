import { describe, expect, it } from 'vitest';
import { readAgentResponse } from './conversation';
import { applyDelta, asAgentMessage, parseDelta, replyToShow, withoutFinished, type Delta, type LiveReplies } from './liveReplies';

const none = new Set<string>();

function delta(reply: string, text: string, restart = false): Delta {
  return { reply, text, restart };
}

function play(deltas: Delta[], finished: ReadonlySet<string> = none, from: LiveReplies = []): LiveReplies {
  return deltas.reduce((replies, d) => applyDelta(replies, d, finished), from);
}

describe('parseDelta', () => {
  it('reads text, restart and done events', () => {
    expect(parseDelta({ reply: 'r1', text: 'Hel' })).toEqual({ reply: 'r1', text: 'Hel', restart: false });
    expect(parseDelta({ reply: 'r1', text: '', restart: true })).toEqual({ reply: 'r1', text: '', restart: true });
    expect(parseDelta({ reply: 'r1', text: '', done: true })).toEqual({ reply: 'r1', text: '', restart: false });
  });

  it.each([null, 'text', { text: 'no reply' }, { reply: '', text: 'x' }, { reply: 7, text: 'x' }])('drops %j', (data) => {
    expect(parseDelta(data)).toBeNull();
  });

  it('reads a missing or odd text as none', () => {
    expect(parseDelta({ reply: 'r1', text: 42 })?.text).toBe('');
  });
});

describe('applyDelta', () => {
  it('joins the deltas of each reply in order', () => {
    const replies = play([delta('r1', 'Hello'), delta('r1', ' there'), delta('r2', 'Next'), delta('r1', '!')]);
    expect(replies).toEqual([
      { id: 'r1', text: 'Hello there!' },
      { id: 'r2', text: 'Next' },
    ]);
  });

  it('starts a reply over on restart', () => {
    const replies = play([delta('r1', 'First try'), delta('r1', '', true), delta('r1', 'Second')]);
    expect(replies).toEqual([{ id: 'r1', text: 'Second' }]);
  });

  it('ignores the deltas of a reply whose message is in the history', () => {
    const empty: LiveReplies = [];
    expect(applyDelta(empty, delta('r1', 'Replayed'), new Set(['r1']))).toBe(empty);
  });

  it('ends the replies that started before one whose message is in the history', () => {
    const stale = play([delta('r0', 'Summarised away')]);
    const replies = play([delta('r1', 'Replayed'), delta('r2', 'Writing')], new Set(['r1']), stale);
    expect(replies).toEqual([{ id: 'r2', text: 'Writing' }]);
  });

  it('learns nothing from a done or restart of a reply it has no text for', () => {
    const before = play([delta('r1', 'Hi')]);
    expect(play([delta('r9', ''), delta('r9', '', true)], none, before)).toBe(before);
  });

  it('keeps only the newest replies', () => {
    const many = play(Array.from({ length: 40 }, (_, i) => delta(`r${i}`, 'x')));
    expect(many.length).toBeLessThan(40);
    expect(many[many.length - 1]?.id).toBe('r39');
  });
});

describe('withoutFinished', () => {
  it('drops the replies whose message has arrived and those before them, keeping identity when nothing changes', () => {
    const replies = play([delta('r0', 'Stale'), delta('r1', 'A'), delta('r2', 'B')]);
    expect(withoutFinished(replies, new Set(['r1']))).toEqual([{ id: 'r2', text: 'B' }]);
    expect(withoutFinished(replies, new Set(['r2']))).toEqual([]);
    expect(withoutFinished(replies, new Set(['other']))).toBe(replies);
  });
});

describe('replyToShow', () => {
  const replies = play([delta('r1', 'Old'), delta('r2', 'Writing')]);

  it('shows the newest reply while the agent works', () => {
    expect(replyToShow(replies, none, true)).toEqual({ id: 'r2', text: 'Writing' });
  });

  it('shows nothing while the agent is not working', () => {
    expect(replyToShow(replies, none, false)).toBeNull();
  });

  it('never shows a reply whose message is in the history, nor one older than it', () => {
    expect(replyToShow(replies, new Set(['r2']), true)).toBeNull();
  });

  it('shows nothing after a restart until the new attempt writes', () => {
    const restarted = play([delta('r2', '', true)], none, replies);
    expect(replyToShow(restarted, none, true)).toBeNull();
  });
});

describe('asAgentMessage', () => {
  it('reads as a plain agent message with the reply text', () => {
    const view = readAgentResponse(asAgentMessage({ id: 'r1', text: '<b>Hi</b>' }).response);
    expect(view).toMatchObject({ text: '<b>Hi</b>', next: 'question', tool: null, replyId: 'r1' });
  });
});
