/** The dashboard's stylesheet, served as /static/dashboard.css: light and dark, visible focus, no inline styles. */
export const DASHBOARD_STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --card: #f6f8fa;
  --ok: #1a7f37; --bad: #cf222e; --live: #0969da; --focus: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #30363d; --card: #161b22;
    --ok: #3fb950; --bad: #f85149; --live: #58a6ff; --focus: #58a6ff; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
a { color: var(--live); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; }
header { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; padding: 8px 16px; border-bottom: 1px solid var(--line); }
header nav a { margin-right: 12px; } header nav a[aria-current] { font-weight: 700; }
.who { margin-left: auto; display: flex; gap: 8px; align-items: center; color: var(--muted); }
main { padding: 16px; max-width: 1200px; }
table { border-collapse: collapse; width: 100%; margin: 12px 0; } caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.card h2 { margin: 4px 0; font-size: 1.1em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; } dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
.facts { margin: 12px 0; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; border: 1px solid currentColor; font-size: .85em; }
.badge.ok { color: var(--ok); } .badge.bad { color: var(--bad); } .badge.live { color: var(--live); } .badge.neutral { color: var(--muted); }
.muted { color: var(--muted); } .error { color: var(--bad); font-weight: 600; } .trigger { color: var(--bad); }
.log { background: var(--card); border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 480px; white-space: pre-wrap; word-break: break-word; }
.actions { display: flex; flex-wrap: wrap; gap: 12px; }
form.action { display: flex; flex-direction: column; gap: 4px; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 240px; }
form.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
input, select, button { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 4px 8px; }
button { cursor: pointer; font-weight: 600; }
.path { display: flex; flex-wrap: wrap; gap: 8px; padding-left: 20px; } .path li { margin-right: 24px; }
figure { margin: 8px 0; } figure img { max-width: 100%; background: #fff; }
#live-chart { width: 100%; height: 160px; background: var(--card); border: 1px solid var(--line); }
#live-chart .req { fill: var(--muted); opacity: .35; } #live-chart .err { fill: var(--bad); }
#live-chart path.p95 { fill: none; stroke: var(--live); stroke-width: 2; } #live-chart circle.p95 { fill: var(--live); }
`;
