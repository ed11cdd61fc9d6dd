// The HTML of incoming mail, made safe on the server before it is stored or served: what is
// left is formatting, links and images we hold ourselves. No scripts, event handlers, frames,
// forms, objects, meta refreshes, `javascript:` or other active URLs, no CSS that can fetch
// (only a few colour and text properties survive), and no remote images: a remote image is a
// tracking pixel as often as it is content, so it becomes its alt text (LocalDesk does not load
// it, now or later). `cid:` images (inline parts of the same mail) are pointed at the stored
// attachment by `resolveCid`, or dropped to their alt text when there is none.
import sanitizeHtml from 'sanitize-html';

const allowedTags = [
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'center', 'code', 'col', 'colgroup', 'dd', 'del', 'div',
  'dl', 'dt', 'em', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark',
  'ol', 'p', 'pre', 'q', 's', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td',
  'tfoot', 'th', 'thead', 'tr', 'tt', 'u', 'ul',
];

// Values that cannot load anything: colours, keywords, lengths. Never url(), expression(), etc.
const colour = /^(#[0-9a-f]{3,8}|[a-z]+|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\))$/i;
const keyword = /^[a-z-]+( [a-z-]+)*$/i;
const lengths = /^(-?[\d.]+(px|em|ex|pt|%)?\s*){1,4}$/i;
const border = /^[\d.]+(px|pt|em)? (solid|dashed|dotted|double) (#[0-9a-f]{3,8}|[a-z]+|rgba?\([\d\s.,%]+\))$/i;
const allowedStyles = {
  '*': {
    color: [colour],
    'background-color': [colour],
    'font-weight': [/^(normal|bold|bolder|lighter|\d{3})$/i],
    'font-style': [/^(normal|italic|oblique)$/i],
    'text-decoration': [keyword],
    'text-align': [/^(left|right|center|justify|start|end)$/i],
    // Quoted replies are drawn with these (Gmail's grey bar).
    margin: [lengths],
    'margin-left': [lengths],
    padding: [lengths],
    'padding-left': [lengths],
    'border-left': [border],
  },
};

export interface SanitizeOptions {
  /** The URL an inline part (by Content-ID, without brackets) is served at, or null. */
  resolveCid?: (cid: string) => string | null;
}

const imageDataUrl = /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;

export function sanitizeMailHtml(html: string, options: SanitizeOptions = {}): string {
  return sanitizeHtml(html, {
    allowedTags,
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'title', 'width', 'height', 'data-attachment-id'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['align', 'border', 'cellpadding', 'cellspacing', 'width'],
      font: ['color'],
      blockquote: ['type'],
      '*': ['style', 'dir', 'lang', 'title'],
    },
    allowedStyles,
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['data'] },
    allowProtocolRelative: false,
    // Content of these is dropped with the tag, never shown as text.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'iframe', 'object', 'embed', 'svg', 'math', 'template'],
    transformTags: {
      // Links open outside the app and tell the target nothing about where they came from.
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        const alt = attribs.alt ?? '';
        if (/^cid:/i.test(src)) {
          const url = options.resolveCid?.(decodeURIComponent(src.slice(4)).replace(/^<|>$/g, '')) ?? null;
          if (url) {
            const id = /\/attachments\/(att_[0-9A-Z]+)\//.exec(url)?.[1];
            return { tagName, attribs: { ...attribs, src: url, ...(id ? { 'data-attachment-id': id } : {}) } };
          }
        } else if (imageDataUrl.test(src)) {
          return { tagName, attribs };
        }
        // A remote (or unresolvable) image: its alt text stands in, nothing is fetched.
        return { tagName: 'span', attribs: { title: 'image not loaded' }, text: alt ? `[${alt}]` : '' };
      },
    },
  });
}
