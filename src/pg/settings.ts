import { run } from '../exec/run.js';
import { parseConninfo } from './conninfo.js';

/** Reads a GUC the way the server will see it at start (postgres -C), running or not. */
export async function readServerSetting(bindir: string, pgdata: string, startOptions: string, user: string, name: string): Promise<string> {
  const result = await run(`${bindir}/postgres`, ['-C', name, '-D', pgdata, ...splitOptions(startOptions)], { user, timeoutMs: 10_000 });
  if (result.exitCode !== 0) throw new Error(`postgres -C ${name} failed: ${result.stderr.split('\n')[0] ?? ''}`);
  return result.stdout.trim();
}

/** Splits pg_ctl -o style options into argv words (single and double quotes, backslash escapes). */
export function splitOptions(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

export interface ReplicationSettings {
  walLevel: string;
  hotStandby: string;
  primaryConninfo: string;
  recoveryTargetTimeline: string;
}

/** wal_level, hot_standby, primary_conninfo and recovery_target_timeline as the server will read them at start. */
export async function readReplicationSettings(bindir: string, pgdata: string, startOptions: string, user: string): Promise<ReplicationSettings> {
  const read = (name: string) => readServerSetting(bindir, pgdata, startOptions, user, name);
  // One postgres -C per setting: run together, they cost one start of the binary.
  const [walLevel, hotStandby, primaryConninfo, recoveryTargetTimeline] = await Promise.all([
    read('wal_level'),
    read('hot_standby'),
    read('primary_conninfo'),
    read('recovery_target_timeline'),
  ]);
  return { walLevel, hotStandby, primaryConninfo, recoveryTargetTimeline };
}

/** What stops an instance from working as a member of the cluster, each with its fix. */
export function replicationSettingProblems(s: ReplicationSettings, node: string): string[] {
  const problems: string[] = [];
  if (!['replica', 'logical', 'hot_standby', 'archive'].includes(s.walLevel) || s.walLevel === 'archive') {
    problems.push(`wal_level is "${s.walLevel}": set wal_level = replica (or logical)`);
  }
  if (s.hotStandby !== 'on') problems.push('hot_standby is off: set hot_standby = on (the agent monitors standbys over SQL)');
  if (s.primaryConninfo.trim() === '') {
    problems.push(`primary_conninfo is empty: set it to reach the primary (VIP) with application_name=${node}`);
  } else {
    const applicationName = parseConninfo(s.primaryConninfo).get('application_name');
    if (applicationName !== node) {
      problems.push(`primary_conninfo has application_name=${applicationName ?? '(none)'}: it must be the Pacemaker node name, ${node}`);
    }
  }
  if (s.recoveryTargetTimeline !== 'latest') {
    problems.push(`recovery_target_timeline is "${s.recoveryTargetTimeline}": set it to latest so standbys follow a new primary`);
  }
  return problems;
}
