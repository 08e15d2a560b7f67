/**
 * pg tells Cloudflare Workers from Node by constructing a fetch Response when
 * `navigator` is missing, which on Node 18 and 20 loads undici: about 17 ms of
 * every agent action. Node 21+ defines navigator, which short-circuits that
 * probe; on Node 18 and 20 an equivalent one does the same. Imported before pg.
 */
const g = globalThis as { navigator?: { userAgent: string } };
g.navigator ??= { userAgent: `Node.js/${process.versions.node.split('.')[0]}` };

export {};
