import { useId, useState } from 'react';
import { ChartTooltip, XLabels, YGrid, margin } from './Axes.tsx';
import { bandLayout, labelIndices, niceTicks, roundedTopBar, scaleLinear } from './chartScale.ts';
import { DataTable } from './DataTable.tsx';
import { useWidth } from './useWidth.ts';

export interface BarDatum {
  key: string;
  /** Short x label, e.g. "Mar 2". */
  label: string;
  value: number;
}

export interface BarChartProps {
  title: string;
  description: string;
  data: readonly BarDatum[];
  /** Unit for tooltips and the table, e.g. "tickets". */
  unit: string;
  height?: number;
  color?: string;
}

/** Vertical bars, one per datum, left to right as given (the caller puts newest last). */
export function BarChart({ title, description, data, unit, height = 240, color = 'var(--accent)' }: BarChartProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const titleId = useId();
  const descId = useId();
  const max = Math.max(0, ...data.map((d) => d.value));
  const { ticks, top } = niceTicks(max, 4);
  const plotWidth = Math.max(0, width - margin.left - margin.right);
  const y = scaleLinear([0, top], [height - margin.bottom, margin.top]);
  const bands = bandLayout(data.length, plotWidth, data.length > 60 ? 0.15 : 0.28);
  const center = (i: number) => margin.left + bands.x(i) + bands.band / 2;
  const labels = labelIndices(data.length, Math.max(2, Math.floor(plotWidth / 56))).map((index) => ({
    index,
    label: data[index]?.label ?? '',
  }));
  const hovered = hover === null ? null : data[hover];

  function onMove(event: React.MouseEvent<SVGSVGElement>) {
    const box = event.currentTarget.getBoundingClientRect();
    const index = Math.floor((event.clientX - box.left - margin.left) / bands.step);
    setHover(index >= 0 && index < data.length ? index : null);
  }

  return (
    <div className="db-chart" ref={ref}>
      {width > 0 ? (
        <svg
          width={width}
          height={height}
          role="img"
          aria-labelledby={titleId}
          aria-describedby={descId}
          onMouseMove={onMove}
          onMouseLeave={() => setHover(null)}
        >
          <title id={titleId}>{title}</title>
          <desc id={descId}>{description}</desc>
          <YGrid ticks={ticks} y={y} width={width} />
          <g>
            {data.map((d, i) => {
              const barTop = y(d.value);
              const x = margin.left + bands.x(i);
              return (
                <g key={d.key} className={hover !== null && hover !== i ? 'db-bar dim' : 'db-bar'}>
                  <rect className="db-bar-hit" x={margin.left + i * bands.step} y={margin.top} width={bands.step} height={height - margin.top - margin.bottom} />
                  {d.value > 0 ? (
                    <path d={roundedTopBar(x, barTop, bands.band, y(0) - barTop, 4)} fill={color}>
                      <title>{`${d.label}: ${d.value} ${unit}`}</title>
                    </path>
                  ) : (
                    <rect x={x} y={y(0) - 1} width={bands.band} height={1} className="db-bar-zero" />
                  )}
                </g>
              );
            })}
          </g>
          <XLabels items={labels} x={center} y={height - 6} />
        </svg>
      ) : (
        <div style={{ height }} />
      )}
      {hovered && hover !== null ? (
        <ChartTooltip left={center(hover)} top={Math.max(0, y(hovered.value) - 58)} title={hovered.label} lines={[{ label: unit, value: hovered.value.toLocaleString('en-US'), color }]} />
      ) : null}
      <DataTable caption={title} columns={['Day', unit]} rows={data.map((d) => [d.label, d.value])} />
    </div>
  );
}
