import { useId } from 'react';
import { percent } from './chartScale.ts';
import { DataTable } from './DataTable.tsx';

export interface HBarDatum {
  key: string;
  label: string;
  value: number;
  color: string;
}

/** Horizontal bars against the largest value, each with its count and share of the total. */
export function HBarChart({ title, data, unit }: { title: string; data: readonly HBarDatum[]; unit: string }) {
  const titleId = useId();
  const total = data.reduce((sum, d) => sum + d.value, 0);
  const max = Math.max(1, ...data.map((d) => d.value));
  return (
    <figure className="db-hbars" aria-labelledby={titleId}>
      <figcaption id={titleId} className="ui-sr-only">
        {title}
      </figcaption>
      <ul aria-hidden="true">
        {data.map((d) => (
          <li key={d.key}>
            <span className="db-hbar-label">
              <i style={{ background: d.color }} />
              {d.label}
            </span>
            <span className="db-hbar-track">
              <svg width="100%" height="10" preserveAspectRatio="none" viewBox="0 0 100 10" focusable="false">
                <rect x="0" y="0" width="100" height="10" rx="0" className="db-hbar-bg" />
                <rect x="0" y="0" width={(d.value / max) * 100} height="10" fill={d.color} />
              </svg>
            </span>
            <span className="db-hbar-value">
              {d.value.toLocaleString('en-US')}
              <small>{total > 0 ? percent(d.value / total) : '—'}</small>
            </span>
          </li>
        ))}
      </ul>
      <DataTable caption={title} columns={['', unit, 'Share']} rows={data.map((d) => [d.label, d.value, total > 0 ? percent(d.value / total) : '0%'])} />
    </figure>
  );
}
