// Fault injection for Runway's monitoring demo and benchmarks. Off unless configured, so a normal build behaves
// exactly as before. SHOP_FAULT (or "fault" in package.json, which the build copies into dist/build.json) is
// "errors=5%" (that share of /api/orders answers 500, spread evenly) or "latency=200ms" (every /api/orders answer
// that much later), or both, comma-separated. A fault only bites under load, while the app serves at least
// SHOP_FAULT_MIN_RATE requests per second (default 10), and SHOP_FAULT_AFTER ms after the start (default 0),
// so a release carrying one passes its smoke checks. While it bites, answers carry `x-shop-fault`.

/** Parses the fault settings; returns undefined when there is no fault. */
export function parseFault(text, env = process.env) {
  if (!text) return undefined;
  const fault = { errors: 0, latencyMs: 0, afterMs: Number(env.SHOP_FAULT_AFTER ?? 0), minRate: Number(env.SHOP_FAULT_MIN_RATE ?? 10) };
  for (const part of String(text).split(',')) {
    const [key, value = ''] = part.split('=').map((s) => s.trim());
    if (key === 'errors') fault.errors = Number(value.replace('%', '')) / 100;
    else if (key === 'latency') fault.latencyMs = value.endsWith('ms') ? Number(value.slice(0, -2)) : Number(value.replace(/s$/, '')) * 1000;
    else throw new Error(`SHOP_FAULT: unknown fault "${part}" (use errors=5% or latency=200ms)`);
  }
  return fault;
}

/** Tracks the request rate and decides, request by request, what the fault does to an /api/orders answer. */
export function faultInjector(fault, startedAt = Date.now()) {
  let second = 0;
  let thisSecond = 0;
  let lastSecond = 0;
  let owed = 0;
  return {
    /** Counts one request; returns undefined, or { error, delayMs } while the fault bites. */
    next(now = Date.now()) {
      const s = Math.floor(now / 1000);
      if (s !== second) {
        lastSecond = s === second + 1 ? thisSecond : 0;
        second = s;
        thisSecond = 0;
      }
      thisSecond++;
      if (!fault || now - startedAt < fault.afterMs || Math.max(lastSecond, thisSecond) < fault.minRate) return undefined;
      owed += fault.errors;
      const error = owed >= 1;
      if (error) owed -= 1;
      return { error, delayMs: fault.latencyMs };
    },
  };
}
