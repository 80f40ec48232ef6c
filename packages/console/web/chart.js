// A small line chart in SVG, drawn with DOM calls: deliveries and failures over time, one
// line per series. A table with the same numbers follows it for screen readers.
import { h, s, uid } from './dom.js';

const COLOURS = ['#0b5cad', '#a4161a', '#1a6b35', '#7a4b00', '#6a1b9a', '#00695c'];
const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

/**
 * Draws `lines` (`[{label, points:[{at, value}]}]`) over a shared time axis.
 * @returns a figure holding the SVG (role=img, titled) and its legend.
 */
export function lineChart(title, lines) {
  const points = lines.flatMap((line) => line.points);
  const times = points.map((point) => new Date(point.at).getTime()).filter((time) => !Number.isNaN(time));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const top = Math.max(1, ...points.map((point) => point.value));
  const x = (time) => PAD.left + (t1 === t0 ? 0.5 : (time - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right);
  const y = (value) => HEIGHT - PAD.bottom - (value / top) * (HEIGHT - PAD.top - PAD.bottom);
  const titleId = uid('chart-title');
  const svg = s(
    'svg',
    { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': titleId },
    s('title', { id: titleId }, title),
  );
  for (const fraction of [0, 0.5, 1]) {
    const value = Math.round(top * fraction);
    svg.append(
      s('line', { class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value) }),
      s('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, String(value)),
    );
  }
  svg.append(
    s('line', { class: 'axis', x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: HEIGHT - PAD.bottom }),
    s('line', { class: 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: HEIGHT - PAD.bottom, y2: HEIGHT - PAD.bottom }),
  );
  if (times.length > 0) {
    const label = (time) => new Date(time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    svg.append(
      s('text', { x: PAD.left, y: HEIGHT - 8, 'text-anchor': 'start' }, label(t0)),
      s('text', { x: WIDTH - PAD.right, y: HEIGHT - 8, 'text-anchor': 'end' }, label(t1)),
    );
  }
  const legend = h('ul', { class: 'legend' });
  lines.forEach((line, index) => {
    const colour = COLOURS[index % COLOURS.length];
    const sorted = [...line.points].sort((a, b) => new Date(a.at) - new Date(b.at));
    const path = sorted.map(
      (point, at) => `${at === 0 ? 'M' : 'L'}${x(new Date(point.at).getTime()).toFixed(1)},${y(point.value).toFixed(1)}`,
    );
    if (path.length > 0) {
      svg.append(
        s('path', {
          d: path.join(' '),
          fill: 'none',
          stroke: colour,
          'stroke-width': 2,
          'stroke-dasharray': index % 2 ? '5 3' : undefined,
        }),
      );
      for (const point of sorted)
        svg.append(s('circle', { cx: x(new Date(point.at).getTime()), cy: y(point.value), r: 2.5, fill: colour }));
    }
    const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.background = colour;
    legend.append(h('li', {}, swatch, line.label));
  });
  return h('figure', { class: 'figure' }, svg, h('figcaption', {}, legend));
}
