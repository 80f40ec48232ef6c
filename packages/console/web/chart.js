// A small bar chart in SVG, drawn with DOM calls: deliveries and failures per minute, one bar
// per series in each minute. The dashboard puts the totals in tables next to it for screen readers.
import { h, s, uid } from './dom.js';

const COLOURS = ['#0b5cad', '#a4161a', '#1a6b35', '#7a4b00', '#6a1b9a', '#00695c'];
const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };
/** Most minutes drawn (the newest). */
const MOST = 60;

const minute = (at) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * Draws `series` (`[{label, points:[{at, value}]}]`) as grouped bars over the minutes they share.
 * @returns a figure holding the SVG (role=img, titled) and its legend.
 */
export function barChart(title, series) {
  const all = series.flatMap((line) => line.points.map((point) => new Date(point.at).getTime())).filter((time) => !Number.isNaN(time));
  // A fixed axis: the MOST minutes up to the newest point, one slot each, newest on the right.
  const newest = Math.max(...all);
  const first = newest - (MOST - 1) * 60_000;
  const slotOf = (time) => Math.round((time - first) / 60_000);
  const top = Math.max(
    1,
    ...series.flatMap((line) => line.points.filter((point) => slotOf(new Date(point.at).getTime()) >= 0).map((point) => point.value)),
  );
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / MOST;
  const bar = (slot * 0.8) / Math.max(series.length, 1);
  const y = (value) => HEIGHT - PAD.bottom - (value / top) * plotHeight;
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
  const legend = h('ul', { class: 'legend' });
  series.forEach((line, index) => {
    const colour = COLOURS[index % COLOURS.length];
    const values = new Map(line.points.map((point) => [new Date(point.at).getTime(), point.value]));
    for (const [time, value] of values) {
      const slotIndex = slotOf(time);
      if (value === 0 || slotIndex < 0 || slotIndex >= MOST) continue;
      const x = PAD.left + slotIndex * slot + slot * 0.1 + index * bar;
      svg.append(
        s(
          'rect',
          {
            class: 'bar',
            x: x.toFixed(1),
            y: y(value).toFixed(1),
            width: bar.toFixed(1),
            height: (HEIGHT - PAD.bottom - y(value)).toFixed(1),
            fill: colour,
          },
          s('title', {}, `${line.label}, ${minute(time)}: ${value}`),
        ),
      );
    }
    const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.background = colour;
    legend.append(h('li', {}, swatch, line.label));
  });
  svg.append(s('line', { class: 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: HEIGHT - PAD.bottom, y2: HEIGHT - PAD.bottom }));
  if (all.length > 0) {
    svg.append(
      s('text', { x: PAD.left, y: HEIGHT - 8, 'text-anchor': 'start' }, minute(first)),
      s('text', { x: WIDTH - PAD.right, y: HEIGHT - 8, 'text-anchor': 'end' }, minute(newest)),
    );
  }
  return h('figure', { class: 'figure' }, svg, h('figcaption', {}, legend));
}
