// Light formatting for the agent's messages, read from the few Markdown habits models have:
// paragraphs, `-`/`*`/`1.` lists, **bold**, [text](url) links and bare web links. The words
// are the model's own (its dates too): a reply being written only ever grows, and so does
// its text here, a list marker on its own already being an (empty) item. This only
// splits the text into pieces; the component renders each as React text or elements, so no
// markup in a message is ever interpreted. Links are made only from URLs the browser's parser
// accepts as http(s) (see `linkify.ts`); anything else stays literal text.

import { safeHttpUrl, splitLinks } from './linkify';

export type Inline = { kind: 'text'; text: string } | { kind: 'bold'; children: Inline[] } | { kind: 'link'; text: string; href: string };

export type Block =
  | { kind: 'paragraph'; lines: Inline[][] }
  | { kind: 'list'; ordered: boolean; start: number; items: Inline[][] };

/** **bold** (not across lines) or [label](http-url). */
const MARKUP = /\*\*(?=\S)([^*\n]+?)\*\*|\[([^\]\n]+)\]\(([^()\s]+)\)/g;

function plain(text: string): Inline[] {
  return splitLinks(text).map((segment) =>
    segment.kind === 'link' ? { kind: 'link', text: segment.text, href: segment.href } : { kind: 'text', text: segment.text },
  );
}

/** One line's bold runs and links; every other character as text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let cursor = 0;
  for (const match of text.matchAll(MARKUP)) {
    const [whole, bold, label, target] = match;
    let piece: Inline | null = null;
    if (bold !== undefined) {
      piece = { kind: 'bold', children: plain(bold) };
    } else if (label !== undefined && target !== undefined) {
      const url = safeHttpUrl(target);
      if (url) piece = { kind: 'link', text: label, href: url.href };
    }
    if (!piece) continue;
    out.push(...plain(text.slice(cursor, match.index)), piece);
    cursor = match.index + whole.length;
  }
  out.push(...plain(text.slice(cursor)));
  return out.filter((piece) => piece.kind !== 'text' || piece.text !== '');
}

const BULLET = /^\s*[-*•](?:\s+(.*))?$/;
const NUMBERED = /^\s*(\d{1,3})[.)](?:\s+(.*))?$/;

/** Paragraphs (blank-line separated, lines kept) and lists, in order. */
export function parseBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: Inline[][] | null = null;
  let list: Extract<Block, { kind: 'list' }> | null = null;
  const close = () => {
    if (paragraph) blocks.push({ kind: 'paragraph', lines: paragraph });
    if (list) blocks.push(list);
    paragraph = null;
    list = null;
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      const ordered = numbered !== null;
      const content = bullet ? bullet[1] : numbered?.[2];
      if (!list || list.ordered !== ordered) {
        close();
        list = { kind: 'list', ordered, start: numbered ? Number(numbered[1]) : 1, items: [] };
      }
      list.items.push(parseInline(content ?? ''));
    } else if (line.trim() === '') {
      close();
    } else {
      if (list) close();
      paragraph ??= [];
      paragraph.push(parseInline(line));
    }
  }
  close();
  return blocks;
}
