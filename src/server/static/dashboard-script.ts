/**
 * The dashboard's one script, served as /static/dashboard.js (the CSP allows scripts from the server itself and
 * nothing inline). It follows a live run or action over Server-Sent Events and draws the monitor windows as an
 * SVG chart. Text from the server is only ever set as textContent, never as markup.
 */
export const DASHBOARD_SCRIPT = String.raw`'use strict';
(function () {
  var SVG = 'http://www.w3.org/2000/svg';
  function el(name, attrs, ns) {
    var node = ns ? document.createElementNS(SVG, name) : document.createElement(name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    return node;
  }
  function data(event) {
    try { return JSON.parse(event.data); } catch (e) { return {}; }
  }

  // The live monitor chart: requests per window (bars), errors (red bars over them) and p95 (line with dots).
  var points = [];
  function drawChart() {
    var svg = document.getElementById('live-chart');
    var caption = document.getElementById('live-caption');
    if (!svg || !points.length) return;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var w = 600, h = 160, n = points.length, step = w / Math.max(n, 12);
    var maxReq = Math.max.apply(null, points.map(function (p) { return p.requests; }).concat([1]));
    var maxP95 = Math.max.apply(null, points.map(function (p) { return p.p95Ms || 0; }).concat([1]));
    var path = [];
    points.forEach(function (p, i) {
      var x = i * step + 1, bw = Math.max(step - 2, 1);
      var rh = (p.requests / maxReq) * (h - 20);
      svg.appendChild(el('rect', { x: String(x), y: String(h - rh), width: String(bw), height: String(rh), 'class': 'req' }, true));
      var eh = rh * (p.errorRate || 0);
      if (eh > 0) svg.appendChild(el('rect', { x: String(x), y: String(h - eh), width: String(bw), height: String(eh), 'class': 'err' }, true));
      if (p.p95Ms !== null) {
        var cx = x + bw / 2, cy = h - 10 - (p.p95Ms / maxP95) * (h - 30);
        path.push((path.length ? 'L' : 'M') + cx.toFixed(1) + ' ' + cy.toFixed(1));
        svg.appendChild(el('circle', { cx: cx.toFixed(1), cy: cy.toFixed(1), r: '3', 'class': 'p95' }, true));
      }
    });
    if (path.length > 1) svg.appendChild(el('path', { d: path.join(' '), 'class': 'p95' }, true));
    var last = points[points.length - 1];
    caption.textContent = n + ' windows (bars: requests, red: errors, line: p95 up to ' + maxP95 + 'ms) · last: ' + last.requests +
      ' requests, errors ' + (last.errorRate === null ? '-' : (last.errorRate * 100).toFixed(2) + '%') + ', p95 ' + (last.p95Ms === null ? '-' : last.p95Ms + 'ms');
  }

  function followRun(root) {
    var source = new EventSource(root.getAttribute('data-live'));
    var logs = document.getElementById('live-logs');
    var byFile = {};
    var chart = document.querySelector('.live-chart');
    source.addEventListener('run', function (e) {
      var run = data(e);
      var outcome = document.getElementById('outcome');
      if (outcome && run.outcome) outcome.textContent = run.outcome.replace('_', ' ');
    });
    source.addEventListener('log', function (e) {
      var log = data(e);
      var pre = byFile[log.file];
      if (!pre) {
        var box = el('details', { open: '' });
        var summary = el('summary', {});
        summary.textContent = log.file + ' (live)';
        pre = el('pre', { 'class': 'log' });
        box.appendChild(summary);
        box.appendChild(pre);
        logs.appendChild(box);
        byFile[log.file] = pre;
      }
      pre.textContent += log.text;
    });
    source.addEventListener('monitor', function (e) {
      if (chart) chart.hidden = false;
      points = points.concat(data(e).points || []);
      drawChart();
    });
    source.addEventListener('end', function () {
      source.close();
      setTimeout(function () { window.location.reload(); }, 500);
    });
  }

  function followJob(root) {
    var source = new EventSource(root.getAttribute('data-live'));
    var lines = document.getElementById('job-lines');
    source.addEventListener('line', function (e) {
      lines.textContent += (lines.textContent ? '\n' : '') + data(e).line;
    });
    source.addEventListener('run', function (e) {
      var run = data(e);
      var cell = document.getElementById('job-run');
      var a = el('a', { href: '/runs/' + encodeURIComponent(run.runId) });
      a.textContent = run.runId + ' (follow it live)';
      cell.textContent = '';
      cell.appendChild(a);
    });
    source.addEventListener('end', function (e) {
      source.close();
      var job = data(e);
      document.getElementById('job-result').textContent = 'exit code ' + job.code + (job.code === 0 ? ' (ok)' : '');
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var run = document.querySelector('#run[data-live]');
    if (run) followRun(run);
    var job = document.querySelector('#job[data-live]');
    if (job) followJob(job);
  });
})();
`;
