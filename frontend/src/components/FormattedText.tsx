// An agent's message with light formatting: paragraphs, lists, bold and links (see
// `formatting.ts`). Every piece is a React text node or an element built here; links are `<a>`
// elements from parsed http(s) URLs, opened in a new tab without access to this page.

import { Fragment, useMemo } from 'react';
import { parseBlocks, type Inline } from '../formatting';

const linkClass =
  'font-medium text-teal-700 underline decoration-teal-700/40 underline-offset-2 hover:decoration-teal-700 dark:text-teal-300 dark:decoration-teal-300/40';

function Pieces({ pieces }: { pieces: Inline[] }) {
  return (
    <>
      {pieces.map((piece, i) => {
        if (piece.kind === 'bold') {
          return (
            <strong key={i} className="font-semibold">
              <Pieces pieces={piece.children} />
            </strong>
          );
        }
        if (piece.kind === 'link') {
          return (
            <a key={i} href={piece.href} target="_blank" rel="noopener noreferrer" className={linkClass}>
              {piece.text}
            </a>
          );
        }
        return <Fragment key={i}>{piece.text}</Fragment>;
      })}
    </>
  );
}

export function FormattedText({ text }: { text: string }) {
  const blocks = useMemo(() => parseBlocks(text), [text]);
  return (
    <div data-testid="formatted-text" className="flex flex-col gap-2 break-words">
      {blocks.map((block, i) => {
        if (block.kind === 'paragraph') {
          return (
            <p key={i} className="whitespace-pre-wrap">
              {block.lines.map((line, j) => (
                <Fragment key={j}>
                  {j > 0 ? '\n' : null}
                  <Pieces pieces={line} />
                </Fragment>
              ))}
            </p>
          );
        }
        const items = block.items.map((item, j) => (
          <li key={j}>
            <Pieces pieces={item} />
          </li>
        ));
        return block.ordered ? (
          <ol key={i} start={block.start} className="list-decimal space-y-1 pl-5">
            {items}
          </ol>
        ) : (
          <ul key={i} className="list-disc space-y-1 pl-5">
            {items}
          </ul>
        );
      })}
    </div>
  );
}
