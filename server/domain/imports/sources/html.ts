// HTML to plain text for message bodies. Hand-written rather than a dependency: helpdesk bodies
// are e-mail-ish HTML (paragraphs, breaks, lists, links, quotes, the odd table), and what the
// importer needs is small and fixed: keep the text and its line structure, keep where links point,
// drop scripts, styles and comments, decode every entity. It never executes or fetches anything.

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ',
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', minus: '−',
  lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', laquo: '«', raquo: '»',
  lsaquo: '‹', rsaquo: '›', bull: '•', middot: '·', deg: '°', plusmn: '±', times: '×', divide: '÷',
  euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', iexcl: '¡', iquest: '¿',
  shy: '', zwj: '\u200d', zwnj: '\u200c', lrm: '\u200e', rlm: '\u200f',
  agrave: 'à', aacute: 'á', acirc: 'â', atilde: 'ã', auml: 'ä', aring: 'å', aelig: 'æ', ccedil: 'ç',
  egrave: 'è', eacute: 'é', ecirc: 'ê', euml: 'ë', igrave: 'ì', iacute: 'í', icirc: 'î', iuml: 'ï',
  ntilde: 'ñ', ograve: 'ò', oacute: 'ó', ocirc: 'ô', otilde: 'õ', ouml: 'ö', oslash: 'ø',
  ugrave: 'ù', uacute: 'ú', ucirc: 'û', uuml: 'ü', yacute: 'ý', yuml: 'ÿ', szlig: 'ß',
  Agrave: 'À', Aacute: 'Á', Acirc: 'Â', Atilde: 'Ã', Auml: 'Ä', Aring: 'Å', AElig: 'Æ', Ccedil: 'Ç',
  Egrave: 'È', Eacute: 'É', Ecirc: 'Ê', Euml: 'Ë', Igrave: 'Ì', Iacute: 'Í', Icirc: 'Î', Iuml: 'Ï',
  Ntilde: 'Ñ', Ograve: 'Ò', Oacute: 'Ó', Ocirc: 'Ô', Otilde: 'Õ', Ouml: 'Ö', Oslash: 'Ø',
  Ugrave: 'Ù', Uacute: 'Ú', Ucirc: 'Û', Uuml: 'Ü', Yacute: 'Ý',
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', pi: 'π', mu: 'µ', micro: 'µ', larr: '←', rarr: '→',
  uarr: '↑', darr: '↓', harr: '↔', check: '✓', hearts: '♥', star: '☆',
};

/** Decodes named (common set), decimal and hex character references. Unknown names stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    const named = NAMED[ref];
    return named === undefined ? whole : named;
  });
}

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'details', 'dialog', 'dir', 'div', 'dl',
  'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'header', 'hr', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'thead',
  'tfoot', 'tr', 'ul', 'caption',
]);
const PARAGRAPH = new Set(['p', 'blockquote', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'dl', 'hr']);
/** Elements whose content is never text: skipped with everything inside them. */
const SKIP = new Set(['script', 'style', 'head', 'template', 'noscript', 'object', 'iframe', 'svg', 'title']);

const TAG = /<!--[\s\S]*?(?:-->|$)|<![^>]*>|<\?[^>]*>|<(\/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;

function attribute(attrs: string, name: string): string | null {
  const re = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'=<>\`]+))`, 'i');
  const m = re.exec(attrs);
  if (!m) return null;
  return decodeEntities(m[1] ?? m[2] ?? m[3] ?? '').trim();
}

/** Whether a link target is worth printing next to its text. */
function showHref(href: string | null, text: string): href is string {
  if (!href || href.startsWith('#')) return false;
  if (/^\s*(javascript|data|vbscript):/i.test(href)) return false;
  const plain = text.trim();
  if (plain === href || `mailto:${plain}` === href || `tel:${plain}` === href) return false;
  if (plain.replace(/^https?:\/\//, '').replace(/\/$/, '') === href.replace(/^https?:\/\//, '').replace(/\/$/, '')) return false;
  return true;
}

/**
 * Converts an HTML fragment or document to readable plain text: block elements and `<br>` become
 * line breaks, list items get "- " or "1. ", links keep their target as "text (url)", images keep
 * their alt text, scripts/styles/comments vanish, entities are decoded, whitespace is collapsed
 * except inside `<pre>`. Malformed HTML degrades to its text.
 */
export function htmlToText(html: string): string {
  let out = '';
  let pre = 0;
  const lists: { ordered: boolean; n: number }[] = [];
  const links: { href: string | null; start: number }[] = [];
  let cellInRow = 0;

  const endsWithBreak = () => out === '' || out.endsWith('\n');
  const line = () => {
    if (!endsWithBreak()) out += '\n';
  };
  const paragraph = () => {
    if (out === '') return;
    line();
    if (!out.endsWith('\n\n')) out += '\n';
  };
  const text = (raw: string) => {
    let s = decodeEntities(raw);
    if (pre > 0) {
      out += s.replace(/\r\n?/g, '\n');
      return;
    }
    s = s.replace(/[\s\u00a0]+/g, ' ');
    if (endsWithBreak() || out.endsWith(' ')) s = s.replace(/^ /, '');
    out += s;
  };

  let last = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    if (m.index > last) text(html.slice(last, m.index));
    last = TAG.lastIndex;
    const name = m[2]?.toLowerCase();
    if (!name) continue; // comment, doctype, processing instruction
    const closing = m[1] === '/';
    const attrs = m[3] ?? '';

    if (SKIP.has(name) && !closing && !attrs.trimEnd().endsWith('/')) {
      const end = new RegExp(`</${name}\\s*>`, 'ig');
      end.lastIndex = last;
      const found = end.exec(html);
      last = found ? end.lastIndex : html.length;
      TAG.lastIndex = last;
      continue;
    }

    switch (name) {
      case 'br':
        out += '\n';
        continue;
      case 'hr':
        paragraph();
        out += '---';
        paragraph();
        continue;
      case 'img': {
        const alt = attribute(attrs, 'alt');
        if (alt) text(`[${alt}]`);
        continue;
      }
      case 'a':
        if (!closing) links.push({ href: attribute(attrs, 'href'), start: out.length });
        else {
          const link = links.pop();
          if (link && showHref(link.href, out.slice(link.start))) out += ` (${link.href})`;
        }
        continue;
      case 'li':
        if (!closing) {
          line();
          const list = lists[lists.length - 1];
          const indent = '  '.repeat(Math.max(0, lists.length - 1));
          if (list?.ordered) {
            list.n += 1;
            out += `${indent}${list.n}. `;
          } else out += `${indent}- `;
        } else line();
        continue;
      case 'ul':
      case 'ol':
        if (!closing) {
          if (lists.length === 0) paragraph();
          else line();
          lists.push({ ordered: name === 'ol', n: 0 });
        } else {
          lists.pop();
          if (lists.length === 0) paragraph();
          else line();
        }
        continue;
      case 'td':
      case 'th':
        if (!closing) {
          if (cellInRow > 0) out += ' | ';
          cellInRow += 1;
        }
        continue;
      case 'tr':
        cellInRow = 0;
        line();
        continue;
      case 'pre':
        if (!closing) {
          paragraph();
          pre += 1;
        } else {
          pre = Math.max(0, pre - 1);
          paragraph();
        }
        continue;
      default:
        if (PARAGRAPH.has(name)) paragraph();
        else if (BLOCK.has(name)) line();
    }
  }
  if (last < html.length) text(html.slice(last));

  return out
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Whether a body looks like HTML rather than plain text (CSV cells and some APIs carry either). */
export function looksLikeHtml(text: string): boolean {
  return /<(p|div|br|span|a|b|i|strong|em|ul|ol|li|table|html|body|blockquote|pre|h[1-6])\b[^>]*>/i.test(text);
}
