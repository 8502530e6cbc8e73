// The home page: rendered to static HTML at build time, as a static Next.js page would be.
export default function Page() {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Dashboard</title></head>
  <body><main id="app"><h1>Dashboard</h1><p>Next.js on Vercel, data in Supabase, events in PostHog.</p></main></body>
</html>
`;
}
