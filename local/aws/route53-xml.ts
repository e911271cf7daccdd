/**
 * Just enough XML for the local Route 53: parse the small request documents the SDK sends
 * (`CreateHostedZoneRequest`, `ChangeResourceRecordSetsRequest`, …) and render responses. No attributes are needed
 * beyond the root's `xmlns`, no mixed content, no CDATA: Route 53 request bodies have none of these.
 */

export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

/** The `xmlns` of every Route 53 request and response body. */
export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Parses an XML document into its root element; throws `SyntaxError` on malformed input. */
export function parseXml(source: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)([^>]*?)(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|([^<]+)/g;
  let consumed = 0;
  for (let match = tag.exec(source); match; match = tag.exec(source)) {
    if (match.index !== consumed) throw new SyntaxError(`Unexpected XML at offset ${consumed}`);
    consumed = tag.lastIndex;
    const [whole, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      const top = stack.at(-1);
      if (top) top.text += decodeEntities(text);
      else if (text.trim() !== '') throw new SyntaxError('Text outside the root element');
      continue;
    }
    if (name === undefined || whole.startsWith('<?') || whole.startsWith('<!--')) continue;
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new SyntaxError(`Mismatched </${name}>`);
      continue;
    }
    const element: XmlElement = { name, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) throw new SyntaxError('More than one root element');
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (consumed !== source.length) throw new SyntaxError(`Unexpected XML at offset ${consumed}`);
  if (!root || stack.length > 0) throw new SyntaxError('Unterminated XML document');
  return root;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

export function childElement(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  return parent?.children.find((child) => child.name === name);
}

export function childElements(parent: XmlElement | undefined, name: string): XmlElement[] {
  return parent?.children.filter((child) => child.name === name) ?? [];
}

/** Text of a direct child element, `undefined` when the element is absent. */
export function childText(parent: XmlElement | undefined, name: string): string | undefined {
  return childElement(parent, name)?.text;
}

/** A rendered XML fragment. Build with {@link el}; plain strings given to `el` are escaped. */
export interface XmlFragment {
  readonly xml: string;
}

type XmlContent = XmlFragment | string | number | boolean | undefined | null | readonly XmlContent[];

/** Renders `<name>content</name>`; `undefined`/`null` content (or an `undefined` child) renders nothing. */
export function el(name: string, ...content: XmlContent[]): XmlFragment {
  return { xml: `<${name}>${content.map(render).join('')}</${name}>` };
}

/** Renders the element only when `value` is defined. */
export function optionalEl(name: string, value: XmlContent): XmlFragment | undefined {
  return value === undefined || value === null ? undefined : el(name, value);
}

/** A whole Route 53 document: declaration plus root element carrying the namespace. */
export function route53Document(root: string, ...content: XmlContent[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${ROUTE53_NAMESPACE}">${content.map(render).join('')}</${root}>`;
}

function render(content: XmlContent): string {
  if (content === undefined || content === null) return '';
  if (Array.isArray(content)) return content.map(render).join('');
  if (typeof content === 'object') return (content as XmlFragment).xml;
  return escapeXml(String(content));
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&${Object.entries(ENTITIES).find(([, value]) => value === char)?.[0]};`);
}
