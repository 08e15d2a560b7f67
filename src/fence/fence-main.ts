import { systemClock } from './driver.js';
import { runFenceAgent, type FenceAgent } from './fence-agent.js';
import type { OptionRegistry } from './options/option-spec.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** The entry point of an agent binary: the one place that reads the real process and exits. */
export function fenceAgentMain<R extends OptionRegistry>(agent: FenceAgent<R>): void {
  const argv = process.argv.slice(2);
  runFenceAgent(agent, {
    argv,
    env: process.env,
    readStdin: () => {
      if (process.stdin.isTTY) process.stderr.write(`${agent.docs.name}: reading key=value options on stdin (end with Ctrl-D); see --help\n`);
      return readAll(process.stdin);
    },
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    clock: systemClock,
  }).then((code) => {
    // Exit once stdout is flushed: a pipe may still hold the metadata.
    process.stdout.write('', () => process.exit(code));
  });
}
