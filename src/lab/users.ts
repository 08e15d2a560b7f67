import { readFile } from 'node:fs/promises';

/** uid/gid of a local user, read from /etc/passwd (no subprocess). */
export interface UserIds {
  uid: number;
  gid: number;
}

export function parsePasswd(text: string, user: string): UserIds | undefined {
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === user && fields.length >= 4) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  return undefined;
}

export async function userInfo(user: string): Promise<UserIds> {
  const ids = parsePasswd(await readFile('/etc/passwd', 'utf8'), user);
  if (!ids) throw new Error(`no user ${user} in /etc/passwd`);
  return ids;
}

export async function groupId(group: string): Promise<number> {
  for (const line of (await readFile('/etc/group', 'utf8')).split('\n')) {
    const fields = line.split(':');
    if (fields[0] === group && fields.length >= 3) return Number(fields[2]);
  }
  throw new Error(`no group ${group} in /etc/group`);
}
