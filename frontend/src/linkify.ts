// Finds web links in plain text without ever treating the text as HTML. A link is only made
// from a candidate that the browser's own `URL` parser accepts with an http(s) scheme; every
// other character stays text, so `javascript:` or markup in an agent reply can do nothing.

export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/** Something that looks like the start of a web address, not glued to a preceding word. */
const CANDIDATE = /(?<![\w@/])https?:\/\/[^\s<>"'`]+/gi;

/** Punctuation that usually ends the sentence around a link rather than the link itself. */
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '*', '_', '~']);
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Parses `raw` and returns it only if it is an absolute http or https URL with a host. */
export function safeHttpUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.hostname ? url : null;
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

/** Drops sentence punctuation and unbalanced closing brackets from the end of a candidate. */
export function trimTrailing(candidate: string): string {
  let end = candidate.length;
  while (end > 0) {
    const ch = candidate.charAt(end - 1);
    const opener = CLOSERS[ch];
    if (TRAILING.has(ch)) {
      end -= 1;
    } else if (opener !== undefined && count(candidate.slice(0, end), ch) > count(candidate.slice(0, end), opener)) {
      end -= 1;
    } else {
      break;
    }
  }
  return candidate.slice(0, end);
}

/** Splits text into plain runs and http(s) links, preserving every character of the input. */
export function splitLinks(text: string): Segment[] {
  const segments: Segment[] = [];
  const pushText = (part: string) => {
    if (!part) return;
    const last = segments[segments.length - 1];
    if (last?.kind === 'text') last.text += part;
    else segments.push({ kind: 'text', text: part });
  };

  let cursor = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimTrailing(match[0]);
    const url = safeHttpUrl(candidate);
    if (!url) continue;
    pushText(text.slice(cursor, start));
    segments.push({ kind: 'link', text: candidate, href: url.href });
    cursor = start + candidate.length;
  }
  pushText(text.slice(cursor));
  return segments;
}

/** The Temporal Web UI page of one workflow, or null when the configured base is not http(s). */
export function temporalWorkflowUrl(base: string, namespace: string, workflowId: string): string | null {
  const url = safeHttpUrl(base);
  if (!url || !namespace || !workflowId) return null;
  const prefix = url.pathname.replace(/\/+$/, '');
  url.pathname = `${prefix}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  url.search = '';
  url.hash = '';
  return url.href;
}
