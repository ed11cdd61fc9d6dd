// Gridlines with y tick labels, and x labels under a chart: shared by the bar and line charts.

export const margin = { top: 12, right: 12, bottom: 26, left: 36 };

export function YGrid({ ticks, y, width, format = (v) => v.toLocaleString('en-US') }: { ticks: readonly number[]; y: (v: number) => number; width: number; format?: (v: number) => string }) {
  return (
    <g className="db-chart-grid" aria-hidden="true">
      {ticks.map((tick) => (
        <g key={tick} transform={`translate(0 ${y(tick)})`}>
          <line x1={margin.left} x2={width - margin.right} className={tick === 0 ? 'baseline' : undefined} />
          <text x={margin.left - 8} dy="0.32em" textAnchor="end">
            {format(tick)}
          </text>
        </g>
      ))}
    </g>
  );
}

export function XLabels({ items, x, y }: { items: readonly { index: number; label: string }[]; x: (index: number) => number; y: number }) {
  return (
    <g className="db-chart-xlabels" aria-hidden="true">
      {items.map(({ index, label }) => (
        <text key={index} x={x(index)} y={y} textAnchor="middle">
          {label}
        </text>
      ))}
    </g>
  );
}

/** The floating value box over a hovered bar or day. */
export function ChartTooltip({ left, top = 0, title, lines }: { left: number; top?: number; title: string; lines: readonly { label: string; value: string; color?: string }[] }) {
  return (
    <div className="db-chart-tooltip" style={{ left, top }} aria-hidden="true">
      <strong>{title}</strong>
      {lines.map((line) => (
        <span key={line.label}>
          {line.color ? <i style={{ background: line.color }} /> : null}
          {line.label} <b>{line.value}</b>
        </span>
      ))}
    </div>
  );
}
