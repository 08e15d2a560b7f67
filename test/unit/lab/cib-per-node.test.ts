import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withPerNodeParameter } from '../../../src/lab/cib-per-node.ts';

const CIB = '<cib><configuration><resources><clone id="c"><primitive id="pgsqld" class="ocf" type="x"><instance_attributes id="pgsqld-instance_attributes"><nvpair id="a" name="pgdata" value="/d"/></instance_attributes><operations/></primitive></clone><primitive id="other"/></resources></configuration></cib>';

describe('per-node resource parameters', () => {
  it('adds one #uname rule set per node inside the primitive, outranking the default set', () => {
    const out = withPerNodeParameter(CIB, 'pgsqld', 'pgdata', { node1: '/v/node1', node2: '/v/node2' });
    const primitive = out.slice(out.indexOf('<primitive id="pgsqld"'), out.indexOf('</primitive>') + 12);
    assert.equal(primitive.match(/<instance_attributes id="pgsqld-pgdata-node\d" score="10">/g)?.length, 2);
    assert.match(primitive, /<expression id="pgsqld-pgdata-node2-expr" attribute="#uname" operation="eq" value="node2"\/><\/rule><nvpair id="pgsqld-pgdata-node2-value" name="pgdata" value="\/v\/node2"\/>/);
    assert.ok(out.includes('<primitive id="other"/>'), 'other resources untouched');
  });

  it('escapes values and refuses a missing primitive', () => {
    assert.match(withPerNodeParameter(CIB, 'pgsqld', 'p', { n: 'a"<b' }), /value="a&quot;&lt;b"/);
    assert.throws(() => withPerNodeParameter(CIB, 'nope', 'p', {}), /no primitive nope/);
  });
});
