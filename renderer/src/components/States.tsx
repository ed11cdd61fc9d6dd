import type { ReactNode } from 'react';
import { messageOf } from './formErrors.ts';
import { Icon, type IconName } from './Icon.tsx';
import './components.css';

/** A friendly "nothing here" with an icon, a line of explanation and maybe an action. */
export function EmptyState({ icon, title, children, action }: { icon: IconName; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="ui-empty">
      <span className="ui-empty-icon">
        <Icon name={icon} size={22} />
      </span>
      <h3>{title}</h3>
      {children ? <p className="muted">{children}</p> : null}
      {action}
    </div>
  );
}

/** A failed load, with the API's message and a retry. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="ui-empty" role="alert">
      <span className="ui-empty-icon danger">
        <Icon name="warning" size={22} />
      </span>
      <h3>Could not load this</h3>
      <p className="muted">{messageOf(error)}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** Grey placeholder rows while a list loads. */
export function SkeletonRows({ rows = 6, height = 44 }: { rows?: number; height?: number }) {
  return (
    <div className="ui-skeleton-rows" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="ui-skeleton-row" style={{ height }}>
          <span className="skeleton" style={{ width: 28, height: 28, borderRadius: '50%' }} />
          <span className="ui-skeleton-lines">
            <span className="skeleton" style={{ width: `${55 + ((i * 17) % 35)}%` }} />
            <span className="skeleton" style={{ width: `${30 + ((i * 23) % 30)}%` }} />
          </span>
        </div>
      ))}
    </div>
  );
}

/** A page title with a subtitle and actions on the right. */
export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="ui-page-head">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="muted">{subtitle}</p> : null}
      </div>
      {actions ? <div className="ui-page-actions">{actions}</div> : null}
    </header>
  );
}
