import { useId } from 'react';
import { percent, ringDash } from './chartScale.ts';

/** A ring filled to `ratio`, with the percentage in the middle. */
export function Gauge({ ratio, label, color, size = 168 }: { ratio: number; label: string; color: string; size?: number }) {
  const titleId = useId();
  const stroke = 14;
  const radius = (size - stroke) / 2;
  const { dash } = ringDash(ratio, radius);
  return (
    <svg className="db-gauge" width={size} height={size} viewBox={`0 0 ${size} ${size}`} role="img" aria-labelledby={titleId}>
      <title id={titleId}>{`${label}: ${percent(ratio)}`}</title>
      <circle cx={size / 2} cy={size / 2} r={radius} className="db-gauge-track" strokeWidth={stroke} fill="none" />
      <circle
        cx={size / 2}
        cy={size / 2}
        r={radius}
        fill="none"
        stroke={color}
        strokeWidth={stroke}
        strokeDasharray={dash}
        strokeLinecap={ratio > 0 && ratio < 1 ? 'round' : 'butt'}
        transform={`rotate(-90 ${size / 2} ${size / 2})`}
        className="db-gauge-value"
      />
      <text x="50%" y="48%" textAnchor="middle" dominantBaseline="middle" className="db-gauge-number">
        {percent(ratio)}
      </text>
      <text x="50%" y="64%" textAnchor="middle" dominantBaseline="middle" className="db-gauge-caption">
        {label}
      </text>
    </svg>
  );
}

/** Green when healthy, amber when slipping, red when failing. */
export function complianceColor(ratio: number): string {
  if (ratio >= 0.9) return 'var(--success)';
  if (ratio >= 0.7) return 'var(--warning)';
  return 'var(--danger)';
}
