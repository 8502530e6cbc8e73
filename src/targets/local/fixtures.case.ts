/**
 * Test fixtures of the local target: a tiny app (/health, /slow?ms=, /env?name=, /headers, /echo, /crash, /sse and a
 * WebSocket echo), release directories holding it, an agent entry transpiled from the sources into a temp dir, and
 * a sweep that kills any process group a test left behind, and the set-up of a test file whose projects each run
 * their own agent.
 */
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll } from 'vitest';
import type { Release } from '../../types.js';
import { stopAgent } from './agent-client.js';

const SRC = fileURLToPath(new URL('../../', import.meta.url));
const REPO = resolve(SRC, '..');

/** The test app. Its version is the release id (version.txt); mode.txt = ok | unhealthy | exit. */
export const APP_SOURCE = `import http from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
const read = (name, fallback) => existsSync(name) ? readFileSync(name, 'utf8').trim() : fallback;
const version = read('version.txt', 'unknown');
const mode = read('mode.txt', 'ok');
if (mode === 'exit') { console.error(version + ': cannot connect to the database'); process.exit(3); }
if (mode === 'unhealthy') console.log(version + ': waiting for the database');
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://app');
  if (url.pathname === '/health') { res.writeHead(mode === 'unhealthy' ? 503 : 200); return res.end(mode); }
  if (url.pathname === '/slow') { const ms = Number(url.searchParams.get('ms') || 1000); return void setTimeout(() => res.end(version + ' slow ' + ms), ms); }
  if (url.pathname === '/env') return res.end(process.env[url.searchParams.get('name')] ?? '');
  if (url.pathname === '/headers') { res.setHeader('content-type', 'application/json'); return res.end(JSON.stringify(req.headers)); }
  if (url.pathname === '/echo') { res.setHeader('x-app-echo', 'yes'); return void req.pipe(res); }
  if (url.pathname === '/crash') { res.end('bye'); return void setTimeout(() => process.exit(1), 5); }
  if (url.pathname === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    let i = 0;
    const send = () => res.write('data: ' + version + ' ' + i++ + '\\n\\n');
    const timer = setInterval(send, 50);
    send();
    return void res.on('close', () => clearInterval(timer));
  }
  res.end('hello from ' + version + '\\n');
});
// WebSocket echo (RFC 6455 text frames under 64 KiB): every message comes back as <version>:<message>.
const frame = (op, payload) => Buffer.concat([payload.length < 126 ? Buffer.from([0x80 | op, payload.length])
  : Buffer.from([0x80 | op, 126, payload.length >> 8, payload.length & 255]), payload]);
server.on('upgrade', (req, socket) => {
  const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n');
  let buf = Buffer.alloc(0);
  socket.on('error', () => {});
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      if (buf.length < 2) return;
      let len = buf[1] & 127, off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      const mask = buf.subarray(off, off + 4); off += 4;
      if (buf.length < off + len) return;
      const payload = Buffer.from(buf.subarray(off, off + len));
      for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
      const op = buf[0] & 15;
      buf = buf.subarray(off + len);
      if (op === 8) return void socket.end(frame(8, payload));
      if (op === 1) socket.write(frame(1, Buffer.from(version + ':' + payload)));
    }
  });
});
if (process.env.APP_KEEPALIVE_MS) server.keepAliveTimeout = Number(process.env.APP_KEEPALIVE_MS);
server.listen(Number(process.env.PORT), '127.0.0.1');
`;

/** A temp directory removed by `cleanup`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `runway-${prefix}-`));
}

/** Writes a release directory with the test app; `mode` makes it fail on purpose. */
export function writeRelease(root: string, id: string, mode: 'ok' | 'unhealthy' | 'exit' = 'ok'): Release {
  const dir = join(root, 'releases', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.mjs'), APP_SOURCE);
  writeFileSync(join(dir, 'version.txt'), id);
  writeFileSync(join(dir, 'mode.txt'), mode);
  return { id, sha: id.padEnd(40, '0'), artifactDigest: `sha256:${id}`, configDigest: `sha256:${id}`, dirty: false, dir,
    createdAt: new Date().toISOString() };
}

/**
 * Transpiles agent-main.ts and everything it imports into a temp dir (with node_modules linked) and returns the
 * entry script, so tests run the agent from the current sources without a full build.
 */
export function buildAgent(): { entry: string; dir: string } {
  const out = tempDir('agent-build');
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(REPO, 'node_modules'), join(out, 'node_modules'), 'dir');
  const pending = ['targets/local/agent-main.ts'];
  const seen = new Set<string>();
  while (pending.length) {
    const rel = pending.pop()!;
    if (seen.has(rel)) continue;
    seen.add(rel);
    const js = ts.transpileModule(readFileSync(join(SRC, rel), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: rel,
    }).outputText;
    const target = join(out, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
    for (const m of js.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      pending.push(join(dirname(rel), `${m[1]}.ts`));
    }
  }
  return { entry: join(out, 'targets/local/agent-main.js'), dir: out };
}

/** Kills every process (and its group) whose working directory is inside `root`; returns how many. */
export function killStrays(root: string): number {
  if (process.platform !== 'linux') return 0;
  const ownGroup = processGroup(process.pid);
  let killed = 0;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    if (cwd !== root && !cwd.startsWith(`${root}/`)) continue;
    const group = processGroup(pid);
    try {
      if (group && group !== ownGroup) process.kill(-group, 'SIGKILL');
      else process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  return killed;
}

// Process group id of `pid` (field 5 of /proc/<pid>/stat).
function processGroup(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/** Removes temp dirs. */
export function removeDirs(...dirs: (string | undefined)[]): void {
  for (const dir of dirs) if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * Projects that each run their own agent, for one test file: the agent is built from the current sources before
 * the file's tests; after them every project's agent is stopped, stray processes are killed and the directories
 * are removed. `root` is the file's temp directory; `projectDir(name)` makes a project directory in it.
 */
export function useAgentProjects(prefix: string): { root: string; readonly entry: string; projectDir(name: string): string } {
  const root = tempDir(prefix);
  const projects: string[] = [];
  let agent: { entry: string; dir: string } | undefined;
  beforeAll(() => {
    agent = buildAgent();
  });
  afterAll(async () => {
    await Promise.all(projects.map((dir) => stopAgent(join(dir, '.runway')).catch(() => undefined)));
    killStrays(root);
    removeDirs(root, agent?.dir);
  });
  return {
    root,
    get entry() {
      if (!agent) throw new Error('useAgentProjects(): the agent is built in beforeAll; use it inside a test');
      return agent.entry;
    },
    projectDir(name) {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      projects.push(dir);
      return dir;
    },
  };
}

/**
 * Runs the agents this test file starts from the current sources: RUNWAY_AGENT_ENTRY names an agent built before
 * the tests, and is put back (the build removed) after them and after the file's own later afterAll hooks.
 */
export function useAgentEntry(): void {
  const saved = process.env.RUNWAY_AGENT_ENTRY;
  let agent: { entry: string; dir: string } | undefined;
  beforeAll(() => {
    agent = buildAgent();
    process.env.RUNWAY_AGENT_ENTRY = agent.entry;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.RUNWAY_AGENT_ENTRY;
    else process.env.RUNWAY_AGENT_ENTRY = saved;
    removeDirs(agent?.dir);
  });
}

/** Stops the agent of the project in `dir`, kills what it left running there and removes the directory. */
export async function removeAgentProject(dir: string | undefined): Promise<void> {
  if (!dir) return;
  await stopAgent(join(dir, '.runway')).catch(() => undefined);
  killStrays(dir);
  removeDirs(dir);
}
