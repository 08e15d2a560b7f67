// A copy-on-write view of this machine for package tests: /usr, /etc and /var are
// overlayfs mounts (lower: the host's directories, upper: a scratch directory) in a
// private mount namespace. apt-get and dpkg run for real against the host's package
// database and files, but every write lands in the scratch directory, so the host,
// and the lab cluster that runs the working tree's agent from /usr/lib/pgha, never
// see the package being installed or removed. Each run() starts a new namespace
// over the same upper directories, so the state carries over from one run to the next.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const OVERLAID = ['/usr', '/etc', '/var'] as const;

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class Sandbox {
  readonly base: string;
  readonly home: string;

  constructor() {
    this.base = mkdtempSync(join(tmpdir(), 'pgha-deb-sandbox-'));
    this.home = join(this.base, 'home');
    mkdirSync(this.home);
    for (const dir of OVERLAID) {
      mkdirSync(this.upper(dir), { recursive: true });
      mkdirSync(join(this.base, 'work', dir), { recursive: true });
    }
  }

  upper(dir: (typeof OVERLAID)[number]): string {
    return join(this.base, 'upper', dir);
  }

  /** Runs a bash script (set -euo pipefail) in a fresh private mount namespace over the overlays. */
  run(script: string, timeoutMs = 300_000): RunResult {
    const mounts = OVERLAID.map(
      (dir) => `mount -t overlay pgha-deb-test -o lowerdir=${dir},upperdir=${this.upper(dir)},workdir=${join(this.base, 'work', dir)} ${dir}`,
    ).join('\n');
    const result = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'bash', '-euo', 'pipefail', '-c', `${mounts}\n${script}`], {
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { ...process.env, HOME: this.home, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C.UTF-8', MANWIDTH: '80' },
      maxBuffer: 64 << 20,
    });
    return { status: result.status, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
  }

  /** Like run(), but throws with the output when the script fails. */
  check(script: string, timeoutMs?: number): string {
    const result = this.run(script, timeoutMs);
    if (result.status !== 0) throw new Error(`sandbox script failed (${result.status}):\n${script}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    return result.stdout;
  }

  /**
   * Paths written in the sandbox and still there (whiteouts, which record
   * deletions of host files, are left out): what a run left behind.
   */
  leftovers(): string[] {
    const found: string[] = [];
    for (const dir of OVERLAID) {
      const upper = this.upper(dir);
      const walk = (path: string) => {
        for (const name of readdirSync(path)) {
          const full = join(path, name);
          const info = lstatSync(full);
          if (info.isCharacterDevice() && info.rdev === 0) continue;
          found.push(join(dir, relative(upper, full)));
          if (info.isDirectory()) walk(full);
        }
      };
      if (existsSync(upper)) walk(upper);
    }
    return found;
  }

  remove(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}
