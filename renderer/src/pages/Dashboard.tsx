import { useSearchParams } from 'wouter';
import { useAnalytics } from '../api/queries/analytics.ts';
import type { AnalyticsSummary } from '../api/types.ts';
import { usePermissions } from '../app/permissions.ts';
import { formatMinutes } from '../components/duration.ts';
import { plural } from '../components/format.ts';
import { Segmented } from '../components/Segmented.tsx';
import { EmptyState, ErrorState, PageHeader } from '../components/States.tsx';
import { BarChart } from '../dashboard/BarChart.tsx';
import { chronological, dayLabel, percent } from '../dashboard/chartScale.ts';
import { Gauge, complianceColor } from '../dashboard/Gauge.tsx';
import { HBarChart } from '../dashboard/HBarChart.tsx';
import { ChartCard, Kpi, Legend } from '../dashboard/Kpi.tsx';
import { LineChart } from '../dashboard/LineChart.tsx';
import '../dashboard/dashboard.css';

const windows = ['7', '30', '90'] as const;
type Window = (typeof windows)[number];

const statusColors = { open: 'var(--accent)', pending: 'var(--warning)', resolved: 'var(--success)', closed: 'var(--low)' } as const;
const priorityColors = { urgent: 'var(--urgent)', high: 'var(--high)', medium: 'var(--medium)', low: 'var(--low)' } as const;

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function Dashboard() {
  const { can, why } = usePermissions();
  const [params, setParams] = useSearchParams();
  const raw = params.get('days') ?? '30';
  const days: Window = (windows as readonly string[]).includes(raw) ? (raw as Window) : '30';
  const query = useAnalytics(Number(days), can('analytics:read'));
  const summary = query.data;
  const rollups = summary ? chronological(summary.rollups) : [];
  const range = rollups.length > 0 ? `${dayLabel(rollups[0]!.day)} – ${dayLabel(rollups[rollups.length - 1]!.day)}` : '';

  return (
    <div className="ld-page db-page">
      <PageHeader
        title="Dashboard"
        subtitle={range ? `Tickets created ${range} (UTC days)` : 'How the desk is doing'}
        actions={
          <Segmented
            label="Time window"
            options={windows.map((w) => ({ value: w, label: `${w} days` }))}
            value={days}
            onChange={(value) => setParams({ days: value }, { replace: true })}
          />
        }
      />
      {!can('analytics:read') ? (
        <div className="card">
          <EmptyState icon="shield" title="No access to analytics">
            {why('analytics:read')}
          </EmptyState>
        </div>
      ) : query.isError && !summary ? (
        <div className="card">
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </div>
      ) : !summary ? (
        <DashboardSkeleton />
      ) : (
        <Summary summary={summary} rollups={rollups} stale={query.isPlaceholderData} />
      )}
    </div>
  );
}

function Summary({ summary, rollups, stale }: { summary: AnalyticsSummary; rollups: AnalyticsSummary['rollups']; stale: boolean }) {
  const labels = rollups.map((r) => dayLabel(r.day));
  const peak = rollups.reduce<(typeof rollups)[number] | null>((best, r) => (best === null || r.total > best.total ? r : best), null);
  const stillOpen = summary.byStatus.open + summary.byStatus.pending;
  const met = summary.slaTotal - summary.slaBreached;
  const color = complianceColor(summary.slaComplianceRatio);
  return (
    <div className={stale ? 'db-grid stale' : 'db-grid'} aria-busy={stale}>
      <div className="db-kpis">
        <Kpi icon="ticket" label="Tickets created" value={summary.tickets.toLocaleString('en-US')} note={`${(summary.tickets / summary.days).toFixed(1)} a day on average`} />
        <Kpi icon="inbox" label="Still open" value={stillOpen.toLocaleString('en-US')} note={`${summary.byStatus.open} open · ${summary.byStatus.pending} pending`} tone="warning" />
        <Kpi
          icon="clock"
          label="Median first response"
          value={summary.medianFirstResponseMinutes === null ? '—' : formatMinutes(summary.medianFirstResponseMinutes, 2)}
          note={summary.medianFirstResponseMinutes === null ? 'No replies in this window yet' : 'from ticket created to first agent reply'}
          tone="success"
        />
        <Kpi icon="warning" label="SLA breached" value={summary.slaBreached.toLocaleString('en-US')} note={`of ${plural(summary.slaTotal, 'ticket')} with an SLA`} tone="danger" />
      </div>

      <ChartCard
        title="Tickets per day"
        className="db-span-3"
        aside={peak && peak.total > 0 ? <span className="muted small">Busiest: {plural(peak.total, 'ticket')} on {dayLabel(peak.day)}</span> : null}
      >
        <BarChart
          title={`Tickets created per day, last ${summary.days} days`}
          description={`${summary.tickets} tickets in total, oldest day on the left, today on the right.`}
          data={rollups.map((r, i) => ({ key: r.day, label: labels[i] ?? r.day, value: r.total }))}
          unit="tickets"
        />
      </ChartCard>

      <ChartCard title="SLA compliance" className="db-span-1 db-sla-card">
        <Gauge ratio={summary.slaComplianceRatio} label="within target" color={color} />
        <dl className="db-sla-split">
          <div>
            <dt>
              <i style={{ background: 'var(--success)' }} /> Met
            </dt>
            <dd>{met.toLocaleString('en-US')}</dd>
          </div>
          <div>
            <dt>
              <i style={{ background: 'var(--danger)' }} /> Breached
            </dt>
            <dd>{summary.slaBreached.toLocaleString('en-US')}</dd>
          </div>
        </dl>
      </ChartCard>

      <ChartCard
        title="SLA breaches per day"
        className="db-span-2"
        aside={<Legend items={[{ label: 'Tickets with an SLA', color: 'var(--accent)' }, { label: 'Breached', color: 'var(--danger)' }]} />}
      >
        <LineChart
          title={`SLA breached and total per day, last ${summary.days} days`}
          description={`${summary.slaBreached} of ${summary.slaTotal} tickets breached their SLA (${percent(summary.slaComplianceRatio)} compliance).`}
          labels={labels}
          series={[
            { name: 'With an SLA', color: 'var(--accent)', values: rollups.map((r) => r.slaTotal), area: true },
            { name: 'Breached', color: 'var(--danger)', values: rollups.map((r) => r.slaBreached) },
          ]}
        />
      </ChartCard>

      <ChartCard title="By status" className="db-span-1">
        <HBarChart
          title="Tickets by current status"
          unit="tickets"
          data={(['open', 'pending', 'resolved', 'closed'] as const).map((s) => ({ key: s, label: capitalize(s), value: summary.byStatus[s], color: statusColors[s] }))}
        />
        <p className="db-chart-foot muted small">Where this window’s tickets stand now.</p>
      </ChartCard>

      <ChartCard title="By priority" className="db-span-1">
        <HBarChart
          title="Tickets by current priority"
          unit="tickets"
          data={(['urgent', 'high', 'medium', 'low'] as const).map((p) => ({ key: p, label: capitalize(p), value: summary.byPriority[p], color: priorityColors[p] }))}
        />
        <p className="db-chart-foot muted small">
          {summary.byPriority.urgent + summary.byPriority.high} of {plural(summary.tickets, 'ticket')} high or urgent.
        </p>
      </ChartCard>
    </div>
  );
}

function DashboardSkeleton() {
  return (
    <div className="db-grid" aria-busy="true" aria-label="Loading the dashboard">
      <div className="db-kpis">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="card db-kpi">
            <span className="skeleton" style={{ width: 36, height: 36, borderRadius: 10 }} />
            <div style={{ flex: 1, display: 'grid', gap: 8 }}>
              <span className="skeleton" style={{ width: '50%' }} />
              <span className="skeleton" style={{ width: '35%', height: 24 }} />
            </div>
          </div>
        ))}
      </div>
      <div className="card db-span-3 db-skeleton-chart">
        <span className="skeleton" />
      </div>
      <div className="card db-span-1 db-skeleton-chart">
        <span className="skeleton" />
      </div>
    </div>
  );
}
