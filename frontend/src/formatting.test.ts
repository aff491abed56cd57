import { describe, expect, it } from 'vitest';
import { parseBlocks, parseInline } from './formatting';

describe('parseInline', () => {
  it('reads bold runs and http(s) links, and keeps everything else as text', () => {
    expect(parseInline('Pay **$412.50** at [the invoice](https://pay.example.com/i/1).')).toEqual([
      { kind: 'text', text: 'Pay ' },
      { kind: 'bold', children: [{ kind: 'text', text: '$412.50' }] },
      { kind: 'text', text: ' at ' },
      { kind: 'link', text: 'the invoice', href: 'https://pay.example.com/i/1' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never makes a link of another scheme, and leaves markup literal', () => {
    expect(parseInline('[click](javascript:alert(1)) <img src=x onerror=alert(1)>')).toEqual([
      { kind: 'text', text: '[click](javascript:alert(1)) <img src=x onerror=alert(1)>' },
    ]);
    expect(parseInline('[x](data:text/html,hi)')).toEqual([{ kind: 'text', text: '[x](data:text/html,hi)' }]);
  });

  it('still finds bare links, inside bold too', () => {
    expect(parseInline('**see https://example.com/a**')).toEqual([
      { kind: 'bold', children: [{ kind: 'text', text: 'see ' }, { kind: 'link', text: 'https://example.com/a', href: 'https://example.com/a' }] },
    ]);
  });


  it('leaves a lone or unclosed ** as it is', () => {
    expect(parseInline('2 ** 3 and **open')).toEqual([{ kind: 'text', text: '2 ** 3 and **open' }]);
  });
});

describe('parseBlocks', () => {
  it('splits paragraphs and lists', () => {
    const blocks = parseBlocks('Here are the events:\n- Trail of Lights\n- **Fireworks**\n\n1. First\n2. Second\nWhich one?');
    expect(blocks.map((b) => b.kind)).toEqual(['paragraph', 'list', 'list', 'paragraph']);
    expect(blocks[1]).toMatchObject({ kind: 'list', ordered: false, items: [[{ kind: 'text', text: 'Trail of Lights' }], [{ kind: 'bold' }]] });
    expect(blocks[2]).toMatchObject({ kind: 'list', ordered: true, start: 1 });
  });

  it('reads a list marker on its own as an empty item, so a reply being written only grows', () => {
    expect(parseBlocks('Events:\n-')).toEqual([
      { kind: 'paragraph', lines: [[{ kind: 'text', text: 'Events:' }]] },
      { kind: 'list', ordered: false, start: 1, items: [[]] },
    ]);
    expect(parseBlocks('a-b\n---')[0]).toMatchObject({ kind: 'paragraph' });
  });

  it('keeps line breaks inside a paragraph', () => {
    expect(parseBlocks('one\ntwo')).toEqual([{ kind: 'paragraph', lines: [[{ kind: 'text', text: 'one' }], [{ kind: 'text', text: 'two' }]] }]);
  });
});
