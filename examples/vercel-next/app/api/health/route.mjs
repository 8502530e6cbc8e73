// GET /api/health: the status of every provider the app depends on, as { status, providers: { name: ok|down|unset } }.
// It answers 200 either way, so a check reads which provider is down instead of a bare 503.
const TIMEOUT_MS = 2000;

// One provider's status: "unset" without its settings, "ok" when it answers 2xx in time, else "down".
async function probe(url, headers) {
  if (!url) return 'unset';
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    return res.ok ? 'ok' : 'down';
  } catch {
    return 'down';
  }
}

export async function GET() {
  const env = process.env;
  const [supabase, posthog] = await Promise.all([
    probe(env.NEXT_PUBLIC_SUPABASE_URL && `${env.NEXT_PUBLIC_SUPABASE_URL}/auth/v1/health`, { apikey: env.NEXT_PUBLIC_SUPABASE_ANON_KEY ?? '' }),
    probe(env.NEXT_PUBLIC_POSTHOG_HOST && `${env.NEXT_PUBLIC_POSTHOG_HOST}/_health`),
  ]);
  const providers = { supabase, posthog };
  const status = Object.values(providers).every((s) => s === 'ok') ? 'ok' : 'degraded';
  return Response.json({ status, providers });
}
