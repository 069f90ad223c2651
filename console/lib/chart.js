import { h, table } from './dom.js';

// Written by hand rather than taken from a chart library: the console needs a few bar charts, drawn
// as SVG (readable by screen readers, styled from the stylesheet, nothing inline that the CSP would
// refuse) in a couple of kilobytes; uPlot and Chart.js draw to a canvas and weigh 50-200 KB.

/**
 * A bar chart with its numbers also as a table (hidden behind a disclosure), so no figure is only a picture.
 * @param {{title: string, points: {label: string, value: number}[], valueLabel: string, labelHeader: string, format?: (n: number) => string, className?: string}} spec
 */
export function barChart({ title, points, valueLabel, labelHeader, format = String, className = '' }) {
  const width = 600;
  const height = 160;
  const pad = { top: 10, right: 8, bottom: 22, left: 44 };
  const max = Math.max(1, ...points.map((p) => p.value));
  const slot = (width - pad.left - pad.right) / Math.max(1, points.length);
  const y = (/** @type {number} */ v) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const every = Math.max(1, Math.ceil(points.length / 8));
  const bars = points.map((p, i) =>
    h(
      'rect',
      {
        class: 'bar',
        x: (pad.left + i * slot + slot * 0.15).toFixed(1),
        y: y(p.value).toFixed(1),
        width: (slot * 0.7).toFixed(1),
        height: (height - pad.bottom - y(p.value)).toFixed(1),
      },
      h('title', null, `${p.label}: ${format(p.value)} ${valueLabel}`),
    ),
  );
  const labels = points.map((p, i) =>
    i % every === 0
      ? h('text', { class: 'axis', x: (pad.left + i * slot + slot / 2).toFixed(1), y: height - 6 }, p.label)
      : null,
  );
  const total = points.reduce((n, p) => n + p.value, 0);
  return h(
    'figure',
    { class: `chart ${className}` },
    h('figcaption', null, title),
    h(
      'svg',
      {
        viewBox: `0 0 ${width} ${height}`,
        role: 'img',
        'aria-label': `${title}: ${points.length} × ${valueLabel}, max ${format(max)}, ${format(total)}`,
        preserveAspectRatio: 'none',
      },
      h('line', { class: 'baseline', x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0) }),
      h('text', { class: 'axis', x: 4, y: pad.top + 8 }, format(max)),
      h('text', { class: 'axis', x: 4, y: y(0) }, '0'),
      bars,
      labels,
    ),
    h(
      'details',
      null,
      h('summary', null, title),
      table({
        caption: title,
        columns: [labelHeader, valueLabel],
        rows: points.map((p) => [p.label, format(p.value)]),
      }),
    ),
  );
}
