// The trip chat: which conversation (from `?c=`), its live state, the agent it talks to and
// what its model calls have cost, and the banners for anything that went wrong. A new chat (the
// first visit without `?c=`, or "New chat") offers the choice of agent above the message box;
// nothing starts until the first message is sent. Beside the chat (in a drawer on phones), the
// list of past conversations reopens any of them.

import { useCallback, useEffect, useState } from 'react';
import { ChatWindow } from '../components/ChatWindow';
import { Composer } from '../components/Composer';
import { CurrentAgent } from '../components/CurrentAgent';
import { ErrorBanner } from '../components/ErrorBanner';
import { GoalPicker } from '../components/GoalPicker';
import { PastChats } from '../components/PastChats';
import { Sidebar, SidebarToggle } from '../components/Sidebar';
import { ghostButton, Header, type Shell } from '../components/Header';
import { UsageLine } from '../components/UsageLine';
import { useAgentChoice } from '../hooks/useAgentChoice';
import { useConversation } from '../hooks/useConversation';
import { useConversationId } from '../hooks/useConversationId';
import { isWellFormedId } from '../hooks/useIdInUrl';
import { useGoals } from '../hooks/useGoals';
import { useListFollows, usePastChats } from '../hooks/usePastChats';
import { useTransientError } from '../hooks/useTransientError';
import { useUsage } from '../hooks/useUsage';
import type { Json } from '../json';
import type { ChatStatus } from '../types';

function lastingProblem(status: ChatStatus, connectionProblem: string | null): string | null {
  if (status.state === 'worker_unavailable') {
    return "The agent's worker isn't running right now. Your conversation is safe and will pick up where it left off — retrying…";
  }
  if (connectionProblem) return `Can't reach the server (${connectionProblem}) — retrying…`;
  return null;
}

function endedReason(status: ChatStatus): string | null {
  if (status.state === 'failed') return 'This conversation stopped unexpectedly and cannot continue.';
  if (status.state === 'ended') return 'You ended this chat.';
  return null;
}

export function TripChat({ shell }: { shell: Shell }) {
  const transient = useTransientError();
  const conversationId = useConversationId();
  const { id: idInUrl, starting } = conversationId;
  // A link whose id cannot name a chat opens nothing (the server would only refuse it).
  const malformed = idInUrl !== null && !isWellFormedId(idInUrl);
  const id = malformed ? null : idInUrl;
  const chat = useConversation(id, transient.show, conversationId.opening);
  const usage = useUsage(id, chat.messages);
  const goals = useGoals();
  const { choosing, open: openChoice, cancel: cancelNewChat } = useAgentChoice(idInUrl);
  const [chosenGoal, setChosenGoal] = useState<string | null>(null);
  // The agent the first message goes to: the one chosen, or else the recommended one.
  const goalToStart = chosenGoal ?? (goals.catalog?.default_goal || null);
  const [focusKey, setFocusKey] = useState(0);
  const [confirmKey, setConfirmKey] = useState(0);
  const pastChats = usePastChats();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const startedHere = conversationId.opening !== null && conversationId.opening.id === chat.historyOf;
  useListFollows(chat.historyOf, chat.messages, chat.ended, startedHere, pastChats.changed);

  // The tab names the agent, never the conversation's id.
  const agentName = choosing ? null : (chat.goal?.name ?? null);
  useEffect(() => {
    document.title = agentName ? `${agentName} · Trip planner` : 'Trip planner';
  }, [agentName]);

  const refocus = useCallback(() => setFocusKey((key) => key + 1), []);

  const { confirm: runProposal, decline: declineProposal } = chat;
  const confirm = useCallback(
    async (proposalId: string | null, args?: Json) => {
      await runProposal(proposalId, args);
      refocus();
    },
    [runProposal, refocus],
  );
  const decline = useCallback(
    async (proposalId: string | null, reason: string) => {
      await declineProposal(proposalId, reason);
      refocus();
    },
    [declineProposal, refocus],
  );

  // A new chat is written to at once, to the recommended agent unless another is chosen.
  const newChat = useCallback(() => {
    setChosenGoal(null);
    openChoice();
    refocus();
  }, [openChoice, refocus]);

  const choose = useCallback(
    (goal: string) => {
      setChosenGoal(goal);
      refocus();
    },
    [refocus],
  );

  const { startWith, show } = conversationId;
  const { send: sendToChat } = chat;
  const { changed: pastChatsChanged } = pastChats;
  const send = useCallback(
    async (prompt: string) => {
      if (!choosing) return sendToChat(prompt);
      const started = await startWith(goalToStart ?? undefined, prompt);
      if (started) pastChatsChanged();
      return started;
    },
    [choosing, startWith, goalToStart, sendToChat, pastChatsChanged],
  );

  const closeDrawer = useCallback(() => setDrawerOpen(false), []);
  const reopen = useCallback(
    (pastId: string) => {
      setDrawerOpen(false);
      cancelNewChat();
      show(pastId);
    },
    [cancelNewChat, show],
  );

  const lasting = malformed ? null : lastingProblem(chat.status, chat.connectionProblem);
  // No chat behind the link: nothing to write to until a new one is started.
  const nothingToOpen = !choosing && (malformed || (chat.missing && chat.messages.length === 0 && chat.queued.length === 0));
  const cardWaits = !choosing && chat.pending?.forceConfirm === true && !chat.pending.answered && !chat.ended;
  const confirmCard = useCallback(() => setConfirmKey((key) => key + 1), []);

  return (
    <div className="flex h-dvh flex-col bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <Header
        shell={shell}
        title="Trip planner"
        subtitle={
          !choosing && (chat.goal || usage) ? (
            <div className="flex min-w-0 items-baseline gap-3">
              {chat.goal ? <CurrentAgent goal={chat.goal} /> : null}
              {usage ? <UsageLine usage={usage} /> : null}
            </div>
          ) : null
        }
        workflowId={choosing ? null : id}
        leading={<SidebarToggle open={drawerOpen} onOpen={() => setDrawerOpen(true)} />}
      >
        <button
          type="button"
          data-testid="end-chat-button"
          className={ghostButton}
          onClick={() => void chat.endChat()}
          disabled={choosing || chat.ended}
        >
          End chat
        </button>
        <button type="button" data-testid="header-new-chat" className={ghostButton} onClick={newChat} disabled={choosing || starting}>
          New chat
        </button>
      </Header>
      <div className="flex min-h-0 flex-1">
        <Sidebar open={drawerOpen} onClose={closeDrawer}>
          <PastChats
            chats={pastChats.chats}
            more={pastChats.more}
            loading={pastChats.loading}
            error={pastChats.error}
            currentId={choosing ? null : id}
            onOpen={reopen}
            onRetry={pastChats.refresh}
            onLoadMore={pastChats.loadMore}
          />
        </Sidebar>
        <main className="flex min-h-0 min-w-0 flex-1 flex-col">
          {choosing ? (
            <GoalPicker
              catalog={goals.catalog}
              error={goals.error}
              onRetry={goals.retry}
              busy={starting}
              chosen={goalToStart}
              onChoose={choose}
              onCancel={idInUrl === null ? undefined : cancelNewChat}
            />
          ) : (
            <ChatWindow
              messages={chat.messages}
              loading={chat.loading || starting}
              working={chat.working}
              live={chat.live}
              retrying={chat.retrying}
              pending={chat.pending}
              queued={chat.queued}
              ended={chat.ended}
              missing={chat.missing}
              malformed={malformed}
              confirmKey={confirmKey}
              endedReason={endedReason(chat.status)}
              starting={starting}
              onConfirm={confirm}
              onDecline={decline}
              onNewChat={newChat}
            />
          )}
          <div className="border-t border-slate-200 bg-white/90 dark:border-slate-800 dark:bg-slate-950/90">
            <div className="mx-auto flex max-w-3xl flex-col gap-2 px-4 py-3">
              {conversationId.error ? <ErrorBanner message={`Couldn't start a chat: ${conversationId.error}`} /> : null}
              {lasting ? <ErrorBanner lasting message={lasting} /> : null}
              {transient.error ? <ErrorBanner message={transient.error} onDismiss={transient.dismiss} /> : null}
              <Composer
                disabled={!choosing && (chat.ended || nothingToOpen)}
                closedText={nothingToOpen ? 'Start a new chat to write to an agent.' : undefined}
                onSend={send}
                focusKey={focusKey}
                placeholder={choosing ? 'Write your first message…' : undefined}
                onConfirmCard={cardWaits ? confirmCard : null}
                draftKey={choosing || id === null ? 'trip:new' : `trip:${id}`}
              />
            </div>
          </div>
        </main>
      </div>
    </div>
  );
}
