import { parseStringPromise } from 'xml2js';

/** An element as xml2js gives it with explicitArray: attributes under `$`, children as arrays. */
export interface XmlElement {
  $?: Record<string, string>;
  [child: string]: unknown;
}

export async function parseXml(xml: string): Promise<Record<string, XmlElement>> {
  return (await parseStringPromise(xml, { explicitArray: true, explicitRoot: true })) as Record<string, XmlElement>;
}

export const children = (element: XmlElement | undefined, name: string): XmlElement[] => {
  const value = element?.[name];
  return Array.isArray(value) ? (value.filter((v) => typeof v === 'object' && v !== null) as XmlElement[]) : [];
};

export const child = (element: XmlElement | undefined, name: string): XmlElement | undefined => children(element, name)[0];

export const attr = (element: XmlElement | undefined, name: string): string | undefined => element?.$?.[name];

const ENTITIES: Record<string, string> = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' };

/**
 * crm_mon (Pacemaker 2.1) escapes an exit reason itself and the XML writer
 * escapes it again, so after parsing a quote still reads `&quot;`: this
 * undoes that second level.
 */
export const unescapeCrmMonText = (text: string): string => text.replace(/&(quot|apos|lt|gt|amp);/g, (_, name: string) => ENTITIES[name]!);

export const boolAttr = (element: XmlElement | undefined, name: string): boolean => attr(element, name) === 'true';

/** Every element named `name` below `element`, depth first. */
export function descendants(element: XmlElement | undefined, name: string): XmlElement[] {
  if (!element) return [];
  const found: XmlElement[] = [];
  for (const [key, value] of Object.entries(element)) {
    if (key === '$' || !Array.isArray(value)) continue;
    for (const item of value) {
      if (typeof item !== 'object' || item === null) continue;
      if (key === name) found.push(item as XmlElement);
      found.push(...descendants(item as XmlElement, name));
    }
  }
  return found;
}

/** nvpairs of every `setName` block directly under `element`, later blocks winning. */
export function nvpairs(element: XmlElement | undefined, setName: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const set of children(element, setName)) {
    for (const pair of children(set, 'nvpair')) {
      const name = attr(pair, 'name');
      const value = attr(pair, 'value');
      if (name !== undefined && value !== undefined) values[name] = value;
    }
  }
  return values;
}
