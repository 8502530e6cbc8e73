/**
 * A loopback stand-in of GitHub's REST API for the real `gh`: the workflow runs of a commit and its check runs,
 * paged the way GitHub pages them (`per_page`, `page`, a `Link: rel="next"` header). The real gh reaches it with
 * GH_HOST=github.localhost — gh's development host, which it speaks plain http to (http://api.github.localhost/,
 * ghinstance.RESTPrefix in cli/cli) and reads GH_TOKEN for — and HTTP_PROXY pointing here, so no name has to
 * resolve and nothing leaves the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandIn, type RecordedRequest, type StandIn } from '../stand-in.js';

/** A workflow run or check run as the stand-in serves it. */
export interface FakeRun {
  name: string;
  status: string;
  conclusion: string | null;
}

/** A running GitHub stand-in with the CI state of each commit, and the environment that points gh at it. */
export interface GithubApi {
  standIn: StandIn;
  /** Workflow runs and check runs by commit SHA; change them between calls. */
  runs: Map<string, FakeRun[]>;
  checks: Map<string, FakeRun[]>;
  /** Variables for gh: host, proxy, token, an empty config directory. */
  env: Record<string, string>;
  /** The requests gh made for CI state (method, path, query, authorization header). */
  requests(): RecordedRequest[];
  close(): Promise<void>;
}

/** One page of `list`: GitHub's `per_page` and `page`, with a Link header when more follow. */
function page<T>(list: T[], req: RecordedRequest, base: string): { items: T[]; headers: Record<string, string> } {
  const perPage = Number(req.query.get('per_page') ?? 30);
  const number = Number(req.query.get('page') ?? 1);
  const items = list.slice((number - 1) * perPage, number * perPage);
  if (number * perPage >= list.length) return { items, headers: {} };
  const next = new URLSearchParams(req.query);
  next.set('page', String(number + 1));
  return { items, headers: { link: `<http://api.github.localhost${base}?${next}>; rel="next"` } };
}

/** Starts the stand-in; `token` is the only one it accepts. */
export async function startGithubApi(token = 'gh-test-token-4f2c1e9a'): Promise<GithubApi> {
  const standIn = await startStandIn();
  const runs = new Map<string, FakeRun[]>();
  const checks = new Map<string, FakeRun[]>();
  const authorized = (req: RecordedRequest) => req.headers.authorization === `token ${token}`;
  const unauthorized = { status: 401, json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
  standIn.on('GET', '/repos/:owner/:repo/actions/runs', (req, params) => {
    if (!authorized(req)) return unauthorized;
    const sha = req.query.get('head_sha') ?? '';
    const all = (runs.get(sha) ?? []).map((run, i) => ({ id: 1000 + i, ...run, head_sha: sha, html_url: `https://github.com/${params.owner}/${params.repo}/actions/runs/${1000 + i}` }));
    const { items, headers } = page(all, req, `/repos/${params.owner}/${params.repo}/actions/runs`);
    return { json: { total_count: all.length, workflow_runs: items }, headers };
  });
  standIn.on('GET', '/repos/:owner/:repo/commits/:sha/check-runs', (req, params) => {
    if (!authorized(req)) return unauthorized;
    const all = (checks.get(params.sha!) ?? []).map((run, i) => ({ id: 2000 + i, ...run, head_sha: params.sha, html_url: `https://github.com/${params.owner}/${params.repo}/runs/${2000 + i}` }));
    const { items, headers } = page(all, req, `/repos/${params.owner}/${params.repo}/commits/${params.sha}/check-runs`);
    return { json: { total_count: all.length, check_runs: items }, headers };
  });
  const configDir = mkdtempSync(join(tmpdir(), 'runway-gh-config-'));
  const env = {
    GH_HOST: 'github.localhost', HTTP_PROXY: standIn.url, http_proxy: standIn.url, GH_TOKEN: token,
    GH_CONFIG_DIR: configDir, GH_PROMPT_DISABLED: '1', GH_NO_UPDATE_NOTIFIER: '1', NO_PROXY: '', no_proxy: '',
  };
  return {
    standIn, runs, checks, env,
    requests: () => standIn.requests.filter((r) => r.path.startsWith('/repos/')),
    close: async () => {
      await standIn.close();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}
