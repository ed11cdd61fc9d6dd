import type { ReactNode } from 'react';
import { Icon, type IconName } from '../components/Icon.tsx';

/** One headline number with its label and a line of context. */
export function Kpi({ icon, label, value, note, tone = 'accent' }: { icon: IconName; label: string; value: ReactNode; note: ReactNode; tone?: 'accent' | 'success' | 'warning' | 'danger' }) {
  return (
    <section className="card db-kpi" aria-label={label}>
      <span className={`db-kpi-icon ${tone}`}>
        <Icon name={icon} size={18} />
      </span>
      <div>
        <h3>{label}</h3>
        <p className="db-kpi-value">{value}</p>
        <p className="db-kpi-note muted">{note}</p>
      </div>
    </section>
  );
}

/** A dashboard card with a title, an optional aside (legend, note) and the chart. */
export function ChartCard({ title, aside, children, className }: { title: string; aside?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card db-chart-card ${className ?? ''}`} aria-label={title}>
      <header>
        <h2>{title}</h2>
        {aside ? <div className="db-chart-aside">{aside}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function Legend({ items }: { items: readonly { label: string; color: string }[] }) {
  return (
    <ul className="db-legend">
      {items.map((item) => (
        <li key={item.label}>
          <i style={{ background: item.color }} />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
