import { useId, useState } from 'react';
import { ChartTooltip, XLabels, YGrid, margin } from './Axes.tsx';
import { areaPath, labelIndices, linePath, niceTicks, scaleLinear } from './chartScale.ts';
import { DataTable } from './DataTable.tsx';
import { useWidth } from './useWidth.ts';

export interface LineSeries {
  name: string;
  color: string;
  values: readonly number[];
  /** Fill the area under the line. */
  area?: boolean;
}

export interface LineChartProps {
  title: string;
  description: string;
  /** One x label per point, oldest first. */
  labels: readonly string[];
  series: readonly LineSeries[];
  height?: number;
}

/** Lines over days, sharing one y axis; hovering a day shows every series' value. */
export function LineChart({ title, description, labels, series, height = 220 }: LineChartProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const titleId = useId();
  const descId = useId();
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const { ticks, top } = niceTicks(max, 4);
  const y = scaleLinear([0, top], [height - margin.bottom, margin.top]);
  const last = Math.max(1, labels.length - 1);
  const x = scaleLinear([0, last], [margin.left + 4, width - margin.right - 4]);
  const plotWidth = Math.max(0, width - margin.left - margin.right);
  const xLabels = labelIndices(labels.length, Math.max(2, Math.floor(plotWidth / 56))).map((index) => ({
    index,
    label: labels[index] ?? '',
  }));

  function onMove(event: React.MouseEvent<SVGSVGElement>) {
    const box = event.currentTarget.getBoundingClientRect();
    const ratio = (event.clientX - box.left - margin.left) / Math.max(1, plotWidth);
    const index = Math.round(ratio * last);
    setHover(index >= 0 && index < labels.length ? index : null);
  }

  return (
    <div className="db-chart" ref={ref}>
      {width > 0 ? (
        <svg width={width} height={height} role="img" aria-labelledby={titleId} aria-describedby={descId} onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
          <title id={titleId}>{title}</title>
          <desc id={descId}>{description}</desc>
          <YGrid ticks={ticks} y={y} width={width} />
          {series.map((s) => {
            const points = s.values.map((v, i) => ({ x: x(i), y: y(v) }));
            return (
              <g key={s.name} className="db-line-series">
                {s.area ? <path d={areaPath(points, y(0))} fill={s.color} className="db-line-area" /> : null}
                <path d={linePath(points)} stroke={s.color} className="db-line-stroke" />
              </g>
            );
          })}
          {hover !== null ? (
            <g aria-hidden="true">
              <line className="db-line-guide" x1={x(hover)} x2={x(hover)} y1={margin.top} y2={height - margin.bottom} />
              {series.map((s) => (
                <circle key={s.name} cx={x(hover)} cy={y(s.values[hover] ?? 0)} r={4} fill="var(--surface)" stroke={s.color} strokeWidth={2} />
              ))}
            </g>
          ) : null}
          <XLabels items={xLabels} x={x} y={height - 6} />
        </svg>
      ) : (
        <div style={{ height }} />
      )}
      {hover !== null ? (
        <ChartTooltip
          left={x(hover)}
          title={labels[hover] ?? ''}
          lines={series.map((s) => ({ label: s.name, value: (s.values[hover] ?? 0).toLocaleString('en-US'), color: s.color }))}
        />
      ) : null}
      <DataTable caption={title} columns={['Day', ...series.map((s) => s.name)]} rows={labels.map((label, i) => [label, ...series.map((s) => s.values[i] ?? 0)])} />
    </div>
  );
}
