import type { Dashboard } from '../schemas';

const W = 320;
const H = 120;
const PAD = { top: 16, bottom: 22, left: 4, right: 4 };

/** Bars of requests completed per week; the numbers are in the bars' titles and a text summary. */
export function CompletionChart({ weeks }: { weeks: Dashboard['completedPerWeek'] }) {
  const max = Math.max(1, ...weeks.map((w) => w.count));
  const slot = (W - PAD.left - PAD.right) / Math.max(1, weeks.length);
  const plotH = H - PAD.top - PAD.bottom;
  const total = weeks.reduce((n, w) => n + w.count, 0);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Requests completed per week over the last ${weeks.length} weeks: ${total} in all`}>
        {weeks.map((w, i) => {
          const h = (w.count / max) * plotH;
          const x = PAD.left + i * slot + slot * 0.15;
          const y = PAD.top + plotH - h;
          return (
            <g key={w.weekStart}>
              <title>{`Week of ${w.weekStart}: ${w.count} completed`}</title>
              <rect x={x} y={y} width={slot * 0.7} height={Math.max(h, 1)} rx={2} class={w.count > 0 ? 'chart__bar' : 'chart__bar chart__bar--empty'} />
              {w.count > 0 && (
                <text x={x + slot * 0.35} y={y - 4} text-anchor="middle" class="chart__value">
                  {w.count}
                </text>
              )}
              <text x={x + slot * 0.35} y={H - 6} text-anchor="middle" class="chart__label">
                {w.weekStart.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">Completed per week (week starting Monday)</figcaption>
    </figure>
  );
}
