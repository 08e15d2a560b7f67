import { chmod, cp, mkdir, rm, symlink, writeFile, access } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Where `pgha install` puts things; the Debian package uses the same paths. */
export const INSTALL_PATHS = {
  libDir: '/usr/lib/pgha',
  ocfAgent: '/usr/lib/ocf/resource.d/pgha/postgresql',
  cli: '/usr/sbin/pgha',
  fenceAgentsDir: '/usr/sbin',
} as const;

export const FENCE_AGENTS = ['fence_pgha_lab'] as const;

export interface InstallOptions {
  /**
   * Stage the files under this directory instead of /, as a package build does
   * (DESTDIR): files land in destdir + path while the links and the fence
   * agents' launchers still point at the final paths.
   */
  destdir?: string;
}

/** The tree to install from has not been built (dist/, ocf/ and bin/ bundles missing). */
export class NotBuilt extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotBuilt';
  }
}

export async function installPgha(root: string, paths: typeof INSTALL_PATHS = INSTALL_PATHS, options: InstallOptions = {}): Promise<string[]> {
  const staged = (path: string) => (options.destdir ? join(options.destdir, path) : path);
  for (const needed of ['dist/agent.cjs', 'dist/pgha.cjs', 'ocf/postgresql.cjs', 'bin/pgha.cjs']) {
    try {
      await access(join(root, needed));
    } catch {
      throw new NotBuilt(`${join(root, needed)} is missing: run "npm run build" first`);
    }
  }
  const done: string[] = [];
  await rm(staged(paths.libDir), { recursive: true, force: true });
  for (const dir of ['dist', 'ocf', 'bin']) {
    await cp(join(root, dir), join(staged(paths.libDir), dir), { recursive: true, filter: (src) => keep(root, src) });
  }
  done.push(staged(paths.libDir));
  await replaceWithSymlink(join(paths.libDir, 'ocf', 'postgresql.cjs'), staged(paths.ocfAgent));
  done.push(staged(paths.ocfAgent));
  await replaceWithSymlink(join(paths.libDir, 'bin', 'pgha.cjs'), staged(paths.cli));
  done.push(staged(paths.cli));
  for (const agent of FENCE_AGENTS) {
    // pacemaker-fenced only lists regular files named fence_* in /usr/sbin, not symlinks.
    const target = staged(join(paths.fenceAgentsDir, agent));
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { force: true });
    await writeFile(target, `#!/usr/bin/env node\n'use strict';\nrequire(${JSON.stringify(join(paths.libDir, 'bin', `${agent}.cjs`))});\n`);
    await chmod(target, 0o755);
    done.push(target);
  }
  return done;
}

/**
 * From dist/ only the bundles (dist/*.cjs): not source maps, not the V8 code
 * caches the launchers write beside them, not build outputs such as dist/man.
 */
function keep(root: string, src: string): boolean {
  const dist = join(root, 'dist');
  if (dirname(src) === dist) return src.endsWith('.cjs');
  return !src.endsWith('.map') && !src.endsWith('.v8cache');
}

async function replaceWithSymlink(target: string, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await rm(path, { force: true });
  await symlink(target, path);
}
