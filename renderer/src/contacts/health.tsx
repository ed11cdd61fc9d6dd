import type { Contact } from '../api/types.ts';

export type HealthTier = Contact['healthTier'];

export const healthMeta: Record<HealthTier, { label: string; why: string }> = {
  healthy: { label: 'Healthy', why: 'Active recently, nothing alarming open.' },
  'at-risk': {
    label: 'At risk',
    why: 'An urgent or SLA-breached open ticket, 3+ tickets in 30 days, or quiet for over 30 days.',
  },
  churned: { label: 'Churned', why: 'No activity for more than 90 days.' },
};

export function HealthBadge({ tier }: { tier: HealthTier }) {
  return (
    <span className={`badge ct-health ${tier}`} title={healthMeta[tier].why}>
      {healthMeta[tier].label}
    </span>
  );
}

/** Ticket status as a small coloured badge. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ct-status-${status}`}>{status}</span>;
}
