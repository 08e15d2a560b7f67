import { Command } from 'commander';
import { resolve } from 'node:path';
import { INSTALL_PATHS, NotBuilt, installPgha } from '../../packaging/install-files.js';
import { quoteValue } from '../../ocf/log.js';
import { CliError, EXIT } from '../errors.js';

/** The tree `pgha install` copies from: the directory holding dist/, bin/ and ocf/. */
export function packageRoot(): string {
  return resolve(__dirname, '..');
}

export function makeInstallCommand(): Command {
  return new Command('install')
    .description(`install the OCF agent (ocf:pgha:postgresql), the pgha CLI and the fence agents under ${INSTALL_PATHS.libDir}`)
    .option('--destdir <dir>', 'stage the files under this directory (package builds); links still point at the final paths')
    .action(async (options: { destdir?: string }) => {
      const destdir = options.destdir === undefined ? undefined : resolve(options.destdir);
      // The staged tree's paths end up in package scripts and file lists: plain characters only.
      if (destdir !== undefined && /[\x00-\x1f\x7f]/.test(destdir)) throw new CliError(`--destdir ${quoteValue(options.destdir!)}: must not contain control characters`, EXIT.USAGE);
      if (destdir === undefined && process.getuid?.() !== 0) throw new CliError('install must run as root', EXIT.PERMISSION);
      const installed = await installPgha(packageRoot(), INSTALL_PATHS, { destdir }).catch((error: unknown) => {
        throw error instanceof NotBuilt ? new CliError(error.message, EXIT.FAILED) : error;
      });
      for (const path of installed) process.stdout.write(`installed ${path}\n`);
    });
}
