import { Command } from 'commander';
import { makeInstallCommand } from './install/install.js';
import { makeLabCommand } from './lab/lab.js';
import { makeConfigureCommand } from './configure/configure.js';
import { makeStatusCommand } from './status/status.js';
import { makeSwitchoverCommand } from './switchover/switchover.js';
import { makeFenceCommand } from './fence/fence.js';
import { makeRejoinCommands } from './rejoin/rejoin.js';
import { PGHA_VERSION } from '../common/version.js';
import { cleanLines } from '../ocf/log.js';

/** The pgha command tree: one factory per command group, each in its own module. */
export function makeProgram(): Command {
  const program = new Command('pgha')
    .description('PostgreSQL high availability on Pacemaker/Corosync: status, switchover, rejoin, fencing, lab')
    .version(PGHA_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true });
  program.addCommand(makeInstallCommand());
  program.addCommand(makeLabCommand());
  program.addCommand(makeConfigureCommand());
  program.addCommand(makeStatusCommand());
  program.addCommand(makeSwitchoverCommand());
  program.addCommand(makeFenceCommand());
  for (const command of makeRejoinCommands()) program.addCommand(command);
  // Commands attached with addCommand do not inherit settings: every one gets the same error handling.
  // Commander quotes a bad value back: cleaned like every other message, so it cannot drive the terminal.
  forEachCommand(program, (command) =>
    command
      .exitOverride()
      .showHelpAfterError('(run with --help for usage)')
      .configureOutput({ writeErr: (text) => process.stderr.write(cleanLines(text)) }),
  );
  return program;
}

function forEachCommand(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const sub of command.commands) forEachCommand(sub, apply);
}

