/**
 * Per-node values of a resource parameter, as Pacemaker rules on
 * instance_attributes (pcs has no command for this): one attribute set per
 * node, chosen by #uname, outranking the resource's default set. Pure XML text
 * edit of an offline CIB file.
 */
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function perNodeParameterXml(primitiveId: string, name: string, valuesByNode: Readonly<Record<string, string>>): string {
  return Object.entries(valuesByNode)
    .map(([node, value]) => {
      const id = `${primitiveId}-${name}-${node}`;
      return [
        `<instance_attributes id="${escapeXml(id)}" score="10">`,
        `<rule id="${escapeXml(id)}-rule" boolean-op="and">`,
        `<expression id="${escapeXml(id)}-expr" attribute="#uname" operation="eq" value="${escapeXml(node)}"/>`,
        '</rule>',
        `<nvpair id="${escapeXml(id)}-value" name="${escapeXml(name)}" value="${escapeXml(value)}"/>`,
        '</instance_attributes>',
      ].join('');
    })
    .join('');
}

/** Inserts the per-node sets into the primitive `primitiveId` of a CIB document. */
export function withPerNodeParameter(cib: string, primitiveId: string, name: string, valuesByNode: Readonly<Record<string, string>>): string {
  const open = new RegExp(`<primitive\\b[^>]*\\bid="${primitiveId}"[^>]*>`).exec(cib);
  if (!open) throw new Error(`no primitive ${primitiveId} in the CIB`);
  const close = cib.indexOf('</primitive>', open.index);
  if (close < 0) throw new Error(`primitive ${primitiveId} is not closed`);
  return cib.slice(0, close) + perNodeParameterXml(primitiveId, name, valuesByNode) + cib.slice(close);
}
