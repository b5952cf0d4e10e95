/**
 * Java Properties XML (Properties.loadFromXML / storeToXML): the DTD header storeToXML writes, then
 * <properties><comment/>?<entry key="k">v</entry>*</properties>, built with fast-xml-parser, which
 * escapes &, <, >, " and ' as entities. XML 1.0 cannot carry most control characters, and a parser
 * normalizes CR and attribute whitespace, so values with control characters are refused. Characters
 * beyond the BMP are written as storeToXML writes them: one &#x...; per UTF-16 surrogate.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { KtoolError } from '../../model/errors';
import type { Setting } from '../../ops/jdbc/model';

export const PROPERTIES_XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE properties SYSTEM "http://java.sun.com/dtd/properties.dtd">\n';

function checkXmlText(s: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\ufffe\uffff]/.test(s)) throw new KtoolError('USAGE', `${what}: control characters cannot be written to Properties XML`);
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) throw new KtoolError('USAGE', `${what}: not valid Unicode`);
}

export function renderPropertiesXml(settings: readonly Setting[], comment?: string): string {
  for (const s of settings) {
    checkXmlText(s.key, `property name ${JSON.stringify(s.key)}`);
    checkXmlText(s.value, `the value of ${s.key}`);
  }
  if (comment !== undefined) checkXmlText(comment, 'comment');
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: false, processEntities: true });
  const body: Record<string, unknown> = {};
  if (comment !== undefined) body.comment = comment;
  body.entry = settings.map((s) => ({ '@_key': s.key, '#text': s.value }));
  const xml = String(builder.build({ properties: body })).trimEnd();
  // The JDK's own XML reader (jdk.internal.util.xml, behind loadFromXML) fails on 4-byte UTF-8 and, on
  // JDK 17, on &#x1D11E;-style references; storeToXML writes each surrogate as its own reference, which
  // both JDK 17 and 25 read back, so do the same.
  return PROPERTIES_XML_HEADER + xml.replace(/[\ud800-\udbff][\udc00-\udfff]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};&#x${c.charCodeAt(1).toString(16)};`) + '\n';
}
