/**
 * A tiny, safe Markdown subset for idea texts: paragraphs, line breaks,
 * **bold**, *italic*, bulleted and numbered lists, and [links](https://…)
 * with the schemes http:, https: and mailto: only.
 *
 * The parser produces a tree of plain data (no HTML strings). Markdown.svelte
 * renders it with Svelte's escaping text nodes and an `href` only ever taken
 * from `safeHref`; anything else, including raw HTML and links with other
 * schemes (javascript:, data:, vbscript:, relative paths), stays literal text.
 * `toHtml` renders the same tree as an escaped string for tests.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'br' };

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] };

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The href to use for a link target, or null when it is not allowed. The
 * target must spell out an allowed scheme itself (no relative links) and the
 * URL parser must agree, which catches tricks with tabs, newlines and
 * control characters that browsers strip ("java\nscript:").
 */
export function safeHref(target: string): string | null {
  const raw = target.trim();
  // Whitespace and control characters anywhere make it text, whatever the scheme.
  // eslint-disable-next-line no-control-regex
  if (raw === '' || /[\s\u0000-\u001f\u007f-\u009f]/.test(raw)) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (!scheme || !SAFE_PROTOCOLS.has(`${scheme}:`)) return null;
  // Web links must name a host ("https://…"), not lean on the base URL ("https:x").
  if (scheme !== 'mailto' && !/^https?:\/\/[^/]/i.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return null;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname === '') return null;
  return url.href;
}

const LINK = /^\[([^\]\n]*)\]\(([^()\s]*)\)/;

function pushText(out: Inline[], text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last?.type === 'text') last.text += text;
  else out.push({ type: 'text', text });
}

/** Parses one line (or one list item) of inline markup. */
export function parseInline(text: string, inLink = false): Inline[] {
  const out: Inline[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    if (!inLink && rest.startsWith('[')) {
      const m = LINK.exec(rest);
      if (m) {
        const href = safeHref(m[2] ?? '');
        const label = m[1] ?? '';
        if (href && label.trim() !== '') out.push({ type: 'link', href, children: parseInline(label, true) });
        else pushText(out, m[0]);
        i += m[0].length;
        continue;
      }
    }
    if (rest.startsWith('**')) {
      let end = rest.indexOf('**', 2);
      // In "***" the last two close the bold, the first one an inner italic.
      while (end > 0 && rest[end + 2] === '*') end += 1;
      if (end > 2 && rest[2] !== ' ') {
        out.push({ type: 'strong', children: parseInline(rest.slice(2, end), inLink) });
        i += end + 2;
        continue;
      }
      pushText(out, '**');
      i += 2;
      continue;
    }
    if (rest.startsWith('*')) {
      const end = rest.indexOf('*', 1);
      if (end > 1 && rest[1] !== ' ' && rest[end - 1] !== ' ') {
        out.push({ type: 'em', children: parseInline(rest.slice(1, end), inLink) });
        i += end + 1;
        continue;
      }
      pushText(out, '*');
      i += 1;
      continue;
    }
    // Plain text up to the next character that may start markup.
    const next = rest.slice(1).search(/[[*]/);
    const len = next < 0 ? rest.length : next + 1;
    pushText(out, rest.slice(0, len));
    i += len;
  }
  return out;
}

const BULLET = /^\s{0,3}[-*+]\s+(\S.*)$/;
const NUMBERED = /^\s{0,3}\d{1,9}[.)]\s+(\S.*)$/;

/** Parses a whole text into blocks. */
export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;

  const flushParagraph = () => {
    if (paragraph.length === 0) return;
    const children: Inline[] = [];
    paragraph.forEach((line, n) => {
      if (n > 0) children.push({ type: 'br' });
      children.push(...parseInline(line));
    });
    blocks.push({ type: 'paragraph', children });
    paragraph = [];
  };
  const flushList = () => {
    if (!list) return;
    blocks.push({ type: 'list', ordered: list.ordered, items: list.items.map((item) => parseInline(item)) });
    list = null;
  };

  for (const line of lines) {
    if (line.trim() === '') {
      flushParagraph();
      flushList();
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      const ordered = numbered !== null;
      flushParagraph();
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push(item[1] ?? '');
      continue;
    }
    if (list && /^\s/.test(line) && list.items.length > 0) {
      // An indented line continues the last list item.
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    flushList();
    paragraph.push(line.trim());
  }
  flushParagraph();
  flushList();
  return blocks;
}

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function inlineHtml(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case 'text':
          return escapeHtml(n.text);
        case 'br':
          return '<br>';
        case 'strong':
          return `<strong>${inlineHtml(n.children)}</strong>`;
        case 'em':
          return `<em>${inlineHtml(n.children)}</em>`;
        case 'link':
          return `<a href="${escapeHtml(n.href)}">${inlineHtml(n.children)}</a>`;
      }
    })
    .join('');
}

/** The tree as an HTML string with everything escaped; for tests and debugging, not for rendering. */
export function toHtml(blocks: Block[]): string {
  return blocks
    .map((b) => {
      if (b.type === 'paragraph') return `<p>${inlineHtml(b.children)}</p>`;
      const tag = b.ordered ? 'ol' : 'ul';
      return `<${tag}>${b.items.map((item) => `<li>${inlineHtml(item)}</li>`).join('')}</${tag}>`;
    })
    .join('\n');
}

/** Plain text of an idea body, e.g. for a teaser: markup removed, links reduced to their labels. */
export function plainText(source: string): string {
  const text = (nodes: Inline[]): string =>
    nodes.map((n) => (n.type === 'text' ? n.text : n.type === 'br' ? ' ' : text(n.children))).join('');
  return parseMarkdown(source)
    .map((b) => (b.type === 'paragraph' ? text(b.children) : b.items.map(text).join(' · ')))
    .join(' ');
}
