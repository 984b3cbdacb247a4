import { describe, expect, it } from 'vitest';
import { parseMarkdown, plainText, safeHref, toHtml, type Block, type Inline } from './markdown';

const html = (source: string) => toHtml(parseMarkdown(source));

/** Every link target in a tree. */
function hrefs(blocks: Block[]): string[] {
  const out: string[] = [];
  const walk = (nodes: Inline[]) => {
    for (const n of nodes) {
      if (n.type === 'link') out.push(n.href);
      if (n.type === 'link' || n.type === 'strong' || n.type === 'em') walk(n.children);
    }
  };
  for (const b of blocks) {
    if (b.type === 'paragraph') walk(b.children);
    else b.items.forEach(walk);
  }
  return out;
}

/** The only tags the renderer may ever produce. */
const ALLOWED_TAG = /^<\/?(p|br|strong|em|ul|ol|li|a)(\s|>)/;

function expectOnlySafeMarkup(out: string): void {
  for (const tag of out.match(/<[^>]*>/g) ?? []) {
    expect(tag, out).toMatch(ALLOWED_TAG);
    if (tag.startsWith('<a ')) expect(tag, out).toMatch(/^<a href="(https?:|mailto:)[^"]*">$/);
  }
}

describe('parseMarkdown', () => {
  it('makes paragraphs and line breaks', () => {
    expect(html('Erste Zeile\nzweite Zeile\n\nNeuer Absatz')).toBe(
      '<p>Erste Zeile<br>zweite Zeile</p>\n<p>Neuer Absatz</p>',
    );
    expect(html('a\r\nb')).toBe('<p>a<br>b</p>');
    expect(parseMarkdown('')).toEqual([]);
    expect(parseMarkdown('\n \n')).toEqual([]);
  });

  it('renders bold and italic, also nested', () => {
    expect(html('**fett** und *kursiv* und **fett *kursiv***')).toBe(
      '<p><strong>fett</strong> und <em>kursiv</em> und <strong>fett <em>kursiv</em></strong></p>',
    );
  });

  it('leaves unmatched or spaced asterisks as text', () => {
    expect(html('2 * 3 = 6 und **offen')).toBe('<p>2 * 3 = 6 und **offen</p>');
    expect(html('* ')).toBe('<p>*</p>');
  });

  it('renders bulleted and numbered lists', () => {
    expect(html('Vorschlag:\n- eins\n- **zwei**\n  weiter\n\n1. a\n2) b')).toBe(
      '<p>Vorschlag:</p>\n<ul><li>eins</li><li><strong>zwei</strong> weiter</li></ul>\n<ol><li>a</li><li>b</li></ol>',
    );
  });

  it('renders links with http, https and mailto', () => {
    expect(html('[Portal](https://example.org/a?b=1&c=2) [Mail](mailto:amt@example.org) [alt](http://example.org)')).toBe(
      '<p><a href="https://example.org/a?b=1&amp;c=2">Portal</a> <a href="mailto:amt@example.org">Mail</a> <a href="http://example.org/">alt</a></p>',
    );
  });

  it('does not nest links', () => {
    const blocks = parseMarkdown('[[a](https://a.example)](https://b.example)');
    expect(hrefs(blocks)).toEqual(['https://a.example/']);
    expect(toHtml(blocks)).toBe('<p><a href="https://a.example/">[a</a>](https://b.example)</p>');
  });
});

describe('safety', () => {
  const attacks = [
    '<script>window.__xss=1</script>',
    '<img src=x onerror="window.__xss=1">',
    '<a href="javascript:alert(1)">x</a>',
    '[klick](javascript:window.__xss=2)',
    '[klick](JAVASCRIPT:alert(1))',
    '[klick](JavaScript:alert(1))',
    '[klick](java\nscript:alert(1))',
    '[klick](java\tscript:alert(1))',
    '[klick]( javascript:alert(1))',
    '[klick](%6Aavascript:alert(1))',
    '[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[klick](DATA:text/html,<script>alert(1)</script>)',
    '[klick](vbscript:msgbox(1))',
    '[klick](//evil.example)',
    '[klick](/relative)',
    '[klick](https:evil)',
    '[x"><script>alert(1)</script>](https://example.org)',
    '[klick](https://example.org/"onmouseover="alert(1))',
    '**<b>fett</b>** *<i onclick="x">kursiv</i>*',
    '- <svg onload=alert(1)>\n1. <iframe src="javascript:alert(1)">',
  ];

  for (const attack of attacks) {
    it(`never produces markup or unsafe links: ${JSON.stringify(attack)}`, () => {
      const blocks = parseMarkdown(attack);
      const out = toHtml(blocks);
      expectOnlySafeMarkup(out);
      expect(out).not.toMatch(/<(script|img|svg|iframe|b|i)[\s>]/i);
      for (const href of hrefs(blocks)) expect(href).toMatch(/^(https?:\/\/[^/\s]+|mailto:)/);
      expect(out.toLowerCase()).not.toContain('href="javascript');
      expect(out.toLowerCase()).not.toContain('href="data');
    });
  }

  it('keeps script tags as visible text', () => {
    expect(html('<script>window.__xss=1</script>')).toBe('<p>&lt;script&gt;window.__xss=1&lt;/script&gt;</p>');
    expect(html('<img src=x onerror=alert(1)>')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
  });

  it('turns javascript: links into plain text, whatever the spelling', () => {
    for (const source of ['[klick](javascript:window.__xss=2)', '[klick](JAVASCRIPT:alert(1))', '[k](java\nscript:alert(1))']) {
      const blocks = parseMarkdown(source);
      expect(hrefs(blocks)).toEqual([]);
      expect(toHtml(blocks)).not.toContain('<a');
    }
    expect(html('[klick](javascript:window.__xss=2)')).toBe('<p>[klick](javascript:window.__xss=2)</p>');
  });

  it('safeHref accepts only absolute http(s) and mailto URLs', () => {
    expect(safeHref('https://example.org')).toBe('https://example.org/');
    expect(safeHref('HTTPS://Example.org/x')).toBe('https://example.org/x');
    expect(safeHref('mailto:a@example.org')).toBe('mailto:a@example.org');
    for (const bad of ['', 'javascript:x', 'JAVASCRIPT:x', ' javascript:x', 'java\nscript:x', 'java\u0000script:x',
      'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', '/x', '//example.org', 'example.org', 'https://', 'http:x']) {
      expect(safeHref(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe('plainText', () => {
  it('drops markup and keeps link labels', () => {
    expect(plainText('**Mehr** [Grün](https://example.org)\n- a\n- b')).toBe('Mehr Grün a · b');
  });
});
