import { cleanOutput } from '../ocf/log.js';

/**
 * What pgha prints for people on stdout: values from the cluster (node names, exit reasons,
 * PostgreSQL's messages) pass through cleanOutput. JSON goes out as JSON.stringify wrote it,
 * which escapes control characters itself.
 */
export const printText = (text: string): void => {
  process.stdout.write(cleanOutput(text));
};
