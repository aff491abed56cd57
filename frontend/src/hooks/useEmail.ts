// The live state of one email: the view the workflow describes (from the feed), what keeps us
// from it, and the user's actions (request, cancel, save the draft). Action failures go to
// `onError`; the worker being down or the server being unreachable are reported as state,
// because they last until the feed sees things recover.

import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from '../api';
import { openEmailFeed } from '../feed';
import type { EmailFeedStatus, EmailView } from '../types';

const UNKNOWN: EmailFeedStatus = { state: 'unknown', detail: '' };

export interface Email {
  view: EmailView | null;
  feedStatus: EmailFeedStatus;
  /** What keeps us from the server (or from this email) right now, if anything. */
  connectionProblem: string | null;
  /** True until the first view arrives. */
  loading: boolean;
  /** Sends a request in words; false (and `onError`) when it was not taken. */
  send: (text: string) => Promise<boolean>;
  cancel: () => Promise<void>;
  /** Saves the request box's text; throws an `ApiError` when it was not saved. */
  saveDraft: (text: string) => Promise<void>;
}

function describe(error: unknown): string {
  return error instanceof api.ApiError ? error.detail : 'Something went wrong.';
}

/** The feed resends the whole view; an unchanged one keeps its identity (no re-render). */
function sameView(a: EmailView | null, b: EmailView): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}

export function useEmail(workflowId: string | null, onError: (text: string) => void): Email {
  const [view, setView] = useState<EmailView | null>(null);
  const [feedStatus, setFeedStatus] = useState<EmailFeedStatus>(UNKNOWN);
  const [connectionProblem, setConnectionProblem] = useState<string | null>(null);
  // Counts views from the feed: an action's answer is applied only if none came after the
  // action started, so an older answer never replaces a newer view.
  const heard = useRef(0);

  const accept = useCallback((next: EmailView) => {
    setView((previous) => (sameView(previous, next) ? previous : next));
  }, []);

  useEffect(() => {
    setView(null);
    setFeedStatus(UNKNOWN);
    setConnectionProblem(null);
    heard.current = 0;
    if (!workflowId) return undefined;

    let active = true;
    let feedSpoke = false;
    api.describeEmail(workflowId).then(
      (first) => {
        if (active && !feedSpoke) accept(first);
      },
      (error: unknown) => {
        if (active && !feedSpoke) setConnectionProblem(describe(error));
      },
    );
    const close = openEmailFeed(
      workflowId,
      {
        onSnapshot: (next) => {
          if (!active) return;
          feedSpoke = true;
          heard.current += 1;
          accept(next);
          setConnectionProblem(null);
          // A fresh view means a worker answered, about an email that exists.
          setFeedStatus((current) =>
            current.state === 'worker_unavailable' || current.state === 'not_found' ? { state: 'running', detail: '' } : current,
          );
        },
        onStatus: (next) => {
          if (!active) return;
          feedSpoke = true;
          setFeedStatus(next);
        },
        onConnection: (problem) => {
          if (!active) return;
          feedSpoke = true;
          setConnectionProblem(problem);
        },
      },
      {
        describe: api.describeEmail,
        createEventSource: typeof EventSource === 'function' ? (url) => new EventSource(url) : null,
      },
    );
    return () => {
      active = false;
      close();
    };
  }, [workflowId, accept]);

  const send = useCallback(
    async (text: string) => {
      if (!workflowId || !text.trim()) return false;
      const before = heard.current;
      try {
        const next = await api.sendEmailRequest(workflowId, text);
        if (heard.current === before) accept(next);
        return true;
      } catch (error) {
        onError(`Your request wasn't sent: ${describe(error)}`);
        return false;
      }
    },
    [workflowId, onError, accept],
  );

  const cancel = useCallback(async () => {
    if (!workflowId) return;
    const before = heard.current;
    try {
      const next = await api.cancelEmail(workflowId);
      if (heard.current === before) accept(next);
    } catch (error) {
      onError(`Couldn't cancel the email: ${describe(error)}`);
    }
  }, [workflowId, onError, accept]);

  const saveDraft = useCallback(
    async (text: string) => {
      if (!workflowId) return;
      await api.saveEmailDraft(workflowId, text);
    },
    [workflowId],
  );

  return { view, feedStatus, connectionProblem, loading: view === null, send, cancel, saveDraft };
}
