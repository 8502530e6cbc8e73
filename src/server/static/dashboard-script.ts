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

  // The live monitor chart: error rate (bars) and p95 (line), one mark per window.
  var points = [];
  function drawChart() {
    var svg = document.getElementById('live-chart');
    var caption = document.getElementById('live-caption');
    if (!svg || !points.length) return;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var w = 600, h = 160, n = points.length, step = w / Math.max(n, 1);
    var maxP95 = Math.max.apply(null, points.map(function (p) { return p.p95Ms || 0; }).concat([1]));
    var maxRate = Math.max.apply(null, points.map(function (p) { return p.errorRate || 0; }).concat([0.01]));
    points.forEach(function (p, i) {
      var bh = ((p.errorRate || 0) / maxRate) * (h - 10);
      svg.appendChild(el('rect', { x: String(i * step + 1), y: String(h - bh), width: String(Math.max(step - 2, 1)), height: String(bh), 'class': 'err' }, true));
    });
    var d = points.map(function (p, i) {
      return (i ? 'L' : 'M') + (i * step + step / 2).toFixed(1) + ' ' + (h - ((p.p95Ms || 0) / maxP95) * (h - 10)).toFixed(1);
    }).join(' ');
    svg.appendChild(el('path', { d: d, 'class': 'p95' }, true));
    var last = points[points.length - 1];
    caption.textContent = n + ' windows · last: ' + last.requests + ' requests, errors ' +
      (last.errorRate === null ? '-' : (last.errorRate * 100).toFixed(2) + '%') + ', p95 ' + (last.p95Ms === null ? '-' : last.p95Ms + 'ms');
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
