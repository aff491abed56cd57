import { describe, expect, it } from 'vitest';
import { safeHttpUrl, splitLinks, temporalWorkflowUrl, trimTrailing } from './linkify';

describe('splitLinks', () => {
  it('finds an https link and keeps the text around it', () => {
    expect(splitLinks('Pay here: https://pay.example.com/invoices/INV-1 (reference INV-1).')).toEqual([
      { kind: 'text', text: 'Pay here: ' },
      { kind: 'link', text: 'https://pay.example.com/invoices/INV-1', href: 'https://pay.example.com/invoices/INV-1' },
      { kind: 'text', text: ' (reference INV-1).' },
    ]);
  });

  it('finds several links, http included', () => {
    const links = splitLinks('a http://one.test/x and https://two.test/y?q=1#z b').filter((s) => s.kind === 'link');
    expect(links.map((l) => l.text)).toEqual(['http://one.test/x', 'https://two.test/y?q=1#z']);
  });

  it.each([
    ['Go to https://example.com/a.', 'https://example.com/a', '.'],
    ['Go to https://example.com/a, then', 'https://example.com/a', ', then'],
    ['Really https://example.com/a?!', 'https://example.com/a', '?!'],
    ['(see https://example.com/a)', 'https://example.com/a', ')'],
    ['"https://example.com/a"', 'https://example.com/a', '"'],
  ])('leaves trailing punctuation out of the link in %j', (input, link, after) => {
    const segments = splitLinks(input);
    const index = segments.findIndex((s) => s.kind === 'link');
    expect(segments[index]).toMatchObject({ kind: 'link', text: link });
    expect(segments[index + 1]?.text.startsWith(after)).toBe(true);
    expect(segments.map((s) => s.text).join('')).toBe(input);
  });

  it('keeps balanced parentheses that belong to the URL', () => {
    const [link] = splitLinks('https://en.wikipedia.org/wiki/Austin_(Texas)');
    expect(link).toMatchObject({ kind: 'link', text: 'https://en.wikipedia.org/wiki/Austin_(Texas)' });
  });

  it.each([
    'javascript:alert(1)',
    'click javascript://example.com/%0aalert(1)',
    'data:text/html,<script>alert(1)</script>',
    'ftp://files.example.com/x',
    'https://',
    'https://.',
  ])('makes no link from %j', (input) => {
    const segments = splitLinks(input);
    expect(segments.every((s) => s.kind === 'text')).toBe(true);
    expect(segments.map((s) => s.text).join('')).toBe(input);
  });

  it('does not start a link in the middle of a word', () => {
    expect(splitLinks('xhttps://evil.test').every((s) => s.kind === 'text')).toBe(true);
  });

  it('ends a link at markup characters', () => {
    const segments = splitLinks('https://example.com/<img src=x onerror=alert(1)>');
    expect(segments[0]).toMatchObject({ kind: 'link', href: 'https://example.com/' });
    expect(segments[1]).toEqual({ kind: 'text', text: '<img src=x onerror=alert(1)>' });
  });

  it('uses the parsed URL as the href', () => {
    const [link] = splitLinks('HTTPS://Example.COM/a b');
    expect(link).toMatchObject({ kind: 'link', text: 'HTTPS://Example.COM/a', href: 'https://example.com/a' });
  });

  it('returns plain text untouched, line breaks included', () => {
    expect(splitLinks('line one\nline two')).toEqual([{ kind: 'text', text: 'line one\nline two' }]);
    expect(splitLinks('')).toEqual([]);
  });
});

describe('trimTrailing', () => {
  it('drops closers without an opener but keeps matched ones', () => {
    expect(trimTrailing('https://a.test/x)')).toBe('https://a.test/x');
    expect(trimTrailing('https://a.test/(x)')).toBe('https://a.test/(x)');
    expect(trimTrailing('https://a.test/[x]].')).toBe('https://a.test/[x]');
  });
});

describe('safeHttpUrl', () => {
  it('accepts http and https only', () => {
    expect(safeHttpUrl('https://a.test/')?.href).toBe('https://a.test/');
    expect(safeHttpUrl('http://a.test/')?.href).toBe('http://a.test/');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('mailto:a@b.test')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
  });
});

describe('temporalWorkflowUrl', () => {
  it('links to the workflow page of the namespace', () => {
    expect(temporalWorkflowUrl('http://localhost:8233', 'default', 'agent-workflow')).toBe(
      'http://localhost:8233/namespaces/default/workflows/agent-workflow',
    );
  });

  it('copes with a trailing slash and escapes odd ids', () => {
    expect(temporalWorkflowUrl('https://cloud.test/ui/', 'ns', 'a b/c')).toBe('https://cloud.test/ui/namespaces/ns/workflows/a%20b%2Fc');
  });

  it('refuses a non-http base', () => {
    expect(temporalWorkflowUrl('javascript:alert(1)', 'default', 'x')).toBeNull();
    expect(temporalWorkflowUrl('', 'default', 'x')).toBeNull();
  });
});
