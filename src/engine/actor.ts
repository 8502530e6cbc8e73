/** Who is running Runway: RUNWAY_ACTOR, else the git user, else the OS user. Recorded in runs and audit. */
import { execFileSync } from 'node:child_process';
import { hostname, userInfo } from 'node:os';

/** The actor for runs started from `dir`. */
export function resolveActor(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUNWAY_ACTOR) return env.RUNWAY_ACTOR;
  try {
    const email = execFileSync('git', ['config', 'user.email'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    if (email) return email;
  } catch {
    // no git identity: fall back to the OS user
  }
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // containers may have no passwd entry
  }
  return `${user}@${hostname()}`;
}
