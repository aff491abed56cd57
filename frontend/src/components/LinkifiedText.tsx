// Text with its web links made clickable. Every piece is rendered as a React text node or an
// <a> built from a parsed http(s) URL, so markup inside the text shows up literally.

import { Fragment, useMemo } from 'react';
import { splitLinks } from '../linkify';

export function LinkifiedText({ text, className = '' }: { text: string; className?: string }) {
  const segments = useMemo(() => splitLinks(text), [text]);
  return (
    <span className={`whitespace-pre-wrap break-words ${className}`}>
      {segments.map((segment, i) =>
        segment.kind === 'link' ? (
          <a
            key={i}
            href={segment.href}
            target="_blank"
            rel="noopener noreferrer"
            className="font-medium text-teal-700 underline decoration-teal-700/40 underline-offset-2 hover:decoration-teal-700 dark:text-teal-300 dark:decoration-teal-300/40"
          >
            {segment.text}
          </a>
        ) : (
          <Fragment key={i}>{segment.text}</Fragment>
        ),
      )}
    </span>
  );
}
