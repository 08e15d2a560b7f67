import { CommanderError } from 'commander';
import { cleanLines } from '../ocf/log.js';
import { CliError, EXIT } from './errors.js';
import { makeProgram } from './program.js';

async function main(): Promise<number> {
  const program = makeProgram();
  try {
    await program.parseAsync(process.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; a bad flag or argument is a usage error.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (error instanceof CliError) {
      process.stderr.write(`pgha: ${cleanLines(error.message)}\n`);
      return error.exitCode;
    }
    process.stderr.write(`pgha: unexpected error: ${cleanLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    return EXIT.FAILED;
  }
}

main().then((code) => process.exit(code));
