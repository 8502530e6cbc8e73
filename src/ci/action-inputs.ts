/**
 * The Runway action's inputs (action.yml: command, environment, config, args) turned into a Runway command line.
 * The composite action hands them over as INPUT_* variables, never through a shell, and `args` is split here
 * into words the way a shell splits quotes and backslashes, without expanding anything.
 */
import { ConfigError } from '../errors.js';

/** The commands the action runs. */
export const ACTION_COMMANDS = ['deploy', 'promote', 'rollback', 'rehearse', 'validate', 'plan'] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/** The inputs as action.yml names them. */
export interface ActionInputs {
  command: string;
  environment: string;
  config: string;
  args: string;
}

/** The inputs from the INPUT_* variables the composite action sets. */
export function actionInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const read = (name: string) => (env[`INPUT_${name}`] ?? '').trim();
  return { command: read('COMMAND') || 'deploy', environment: read('ENVIRONMENT'), config: read('CONFIG'), args: read('ARGS') };
}

/** Splits `text` into words: whitespace separates, '…' keeps everything, "…" and \ escape; nothing is expanded. */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ConfigError(`input args: unclosed ' in ${JSON.stringify(text)}`);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let part = '';
      for (; j < text.length && text[j] !== '"'; j++) part += text[j] === '\\' && /["\\$`]/.test(text[j + 1] ?? '') ? text[++j] : text[j];
      if (j >= text.length) throw new ConfigError(`input args: unclosed " in ${JSON.stringify(text)}`);
      word = (word ?? '') + part;
      i = j;
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** What the command line needs to know of the project: the environments another one requires, for promote. */
export type RequiresOf = (environment: string) => readonly string[] | undefined;

/**
 * The Runway command line (after `runway`) for the inputs. `environment` is the environment to deploy, plan,
 * roll back or rehearse; for promote the environment promoted to ("production", from the one it requires) or both
 * ("staging production"); empty with deploy means `--auto` (by branch).
 */
export function actionArgv(inputs: ActionInputs, requiresOf: RequiresOf, ci: { runUrl?: string; actor?: string } = {}): string[] {
  const command = inputs.command as ActionCommand;
  if (!ACTION_COMMANDS.includes(command)) {
    throw new ConfigError(`input command: "${inputs.command}" is not one the action runs (${ACTION_COMMANDS.join(', ')})`);
  }
  const global = inputs.config ? ['--config', inputs.config] : [];
  const extra = splitArgs(inputs.args);
  const names = inputs.environment.split(/[\s,]+/).filter(Boolean);
  const need = (what: string) => {
    if (names.length !== 1) throw new ConfigError(`input environment: ${command} needs one environment (${what}), got ${names.length ? JSON.stringify(inputs.environment) : 'none'}`);
    return names[0]!;
  };
  switch (command) {
    case 'validate': return [...global, 'validate', ...extra];
    case 'deploy':
      if (names.length > 1) throw new ConfigError(`input environment: deploy takes one environment, got ${JSON.stringify(inputs.environment)}`);
      return [...global, 'deploy', ...(names.length ? names : ['--auto']), ...extra];
    case 'promote': return [...global, 'promote', ...promoteNames(names, requiresOf), ...extra];
    case 'rollback': {
      const hasReason = extra.some((a) => a === '--reason' || a.startsWith('--reason='));
      const reason = hasReason ? [] : ['--reason', `GitHub Actions${ci.actor ? ` (${ci.actor})` : ''}${ci.runUrl ? `: ${ci.runUrl}` : ''}`];
      return [...global, 'rollback', need('the one to roll back'), ...reason, ...extra];
    }
    default: return [...global, command, need(`the one to ${command}`), ...extra];
  }
}

// promote's <from> <to>: both given, or <from> as the one environment <to> requires.
function promoteNames(names: string[], requiresOf: RequiresOf): string[] {
  if (names.length === 2) return names;
  if (names.length !== 1) throw new ConfigError('input environment: promote needs the environment to promote to ("production") or both ("staging production")');
  const to = names[0]!;
  const requires = requiresOf(to) ?? [];
  if (requires.length !== 1) {
    throw new ConfigError(`input environment: ${to} requires ${requires.length ? requires.join(', ') : 'no environment'}, so the one to promote from is not known: give both, e.g. "staging ${to}"`);
  }
  return [requires[0]!, to];
}
