// The conversation's tokens and cost, in the chat's header beside the agent's name
// ("1,234 tokens · $0.0021"); the tooltip breaks them down, or says why the cost is unknown.

import type { ConversationUsage } from '../types';
import { summarizeUsage } from '../usage';

export function UsageLine({ usage }: { usage: ConversationUsage }) {
  if (usage.calls === 0) return null;
  const { tokens, cost, unpriced, title } = summarizeUsage(usage);
  return (
    <p
      data-testid="conversation-usage"
      data-unpriced={unpriced ? 'true' : undefined}
      title={title}
      className="shrink-0 cursor-help text-xs whitespace-nowrap text-slate-500 tabular-nums dark:text-slate-400"
    >
      {tokens} · {cost}
    </p>
  );
}
