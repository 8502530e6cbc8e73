/** The shared target contract, run by the real vercel CLI against the loopback stand-in of the Vercel API. */
import { describe } from 'vitest';
import { targetContract } from '../../../src/targets/contract.case.js';
import { createVercelTarget } from '../../../src/targets/vercel/index.js';
import { builtRelease, cliTools, missingCli, SECRETS, vercelContext } from './harness.js';
import { startVercelStandIn } from './stand-in.js';

const missing = missingCli();

describe.skipIf(missing)('vercel (real CLI, stand-in API)', () => {
  targetContract('vercel', async () => {
    const standIn = await startVercelStandIn();
    const tools = cliTools();
    return {
      target: createVercelTarget(),
      context: (environment, signal) => vercelContext(standIn, tools, environment, signal),
      release: (label) => builtRelease(label),
      serving: async (ctx) => standIn.servingRelease(`prj_${ctx.environment}`),
      faults: {
        fail: async () => { standIn.stall(false); standIn.failNextDeployment('Build failed: stand-in rejected the deployment'); return builtRelease('fail'); },
        // The API stops answering every request until the next fault is armed.
        hang: async () => { standIn.stall(true); return builtRelease('hang'); },
        // The API answers a deployment without a URL: the CLI prints `"url": "https://undefined"`, which Runway refuses.
        'bad-output': async () => {
          standIn.stall(false);
          standIn.fault('POST', '/v13/deployments', { kind: 'status', status: 200, json: { id: 'dpl_bad', readyState: 'READY', aliasAssigned: 1, target: 'production' } });
          return builtRelease('bad');
        },
      },
      secrets: [SECRETS.VERCEL_TOKEN],
      cleanup: () => standIn.close(),
    };
  });
});
