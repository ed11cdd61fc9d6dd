import type { ComponentType } from 'react';
import { Link } from 'wouter';
import { Icon, type IconName } from '../components/Icon.tsx';
import { EmptyState, PageHeader } from '../components/States.tsx';
import { ApiKeysSection } from '../settings/ApiKeysSection.tsx';
import { ImportSection } from '../settings/ImportSection.tsx';
import { LanSection } from '../settings/LanSection.tsx';
import { MailboxesSection } from '../settings/MailboxesSection.tsx';
import { MacrosSection } from '../settings/MacrosSection.tsx';
import { ProjectsSection } from '../settings/ProjectsSection.tsx';
import { SlaSection } from '../settings/SlaSection.tsx';
import { TagsSection } from '../settings/TagsSection.tsx';
import { UsersSection } from '../settings/UsersSection.tsx';
import { TeamSection } from '../settings/TeamSection.tsx';
import { WebhooksSection } from '../settings/WebhooksSection.tsx';
import { PreferencesSection } from '../settings/PreferencesSection.tsx';
import { WorkflowsSection } from '../settings/WorkflowsSection.tsx';
import '../settings/settings.css';

const sections: readonly { slug: string; label: string; icon: IconName; component: ComponentType }[] = [
  { slug: 'api-keys', label: 'API keys', icon: 'key', component: ApiKeysSection },
  { slug: 'team', label: 'Team', icon: 'users', component: TeamSection },
  { slug: 'users', label: 'Users', icon: 'users', component: UsersSection },
  { slug: 'projects', label: 'Projects', icon: 'folder', component: ProjectsSection },
  { slug: 'tags', label: 'Tags', icon: 'tag', component: TagsSection },
  { slug: 'macros', label: 'Macros', icon: 'zap', component: MacrosSection },
  { slug: 'sla-policies', label: 'SLA policies', icon: 'clock', component: SlaSection },
  { slug: 'workflows', label: 'Workflows', icon: 'zap', component: WorkflowsSection },
  { slug: 'webhooks', label: 'Webhooks', icon: 'webhook', component: WebhooksSection },
  { slug: 'mailboxes', label: 'Mailboxes', icon: 'mail', component: MailboxesSection },
  { slug: 'lan', label: 'LAN access', icon: 'wifi', component: LanSection },
  { slug: 'import', label: 'Import', icon: 'archive', component: ImportSection },
  { slug: 'preferences', label: 'Preferences', icon: 'eye', component: PreferencesSection },
];

/** Team and configuration, one section at a time, chosen in the sub-navigation. */
export function Settings({ section }: { section?: string }) {
  const current = sections.find((s) => s.slug === (section ?? 'api-keys'));
  const Section = current?.component;
  return (
    <div className="ld-page st-page">
      <PageHeader title="Settings" subtitle="Your team, access to the API and how the desk behaves." />
      <div className="st-layout">
        <nav className="st-nav" aria-label="Settings">
          <ul>
            {sections.map((s) => (
              <li key={s.slug}>
                <Link href={`/settings/${s.slug}`} className={s === current ? 'active' : undefined} aria-current={s === current ? 'page' : undefined}>
                  <Icon name={s.icon} />
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="st-body">
          {Section ? (
            <Section />
          ) : (
            <div className="card">
              <EmptyState icon="warning" title="No such settings section">
                <Link href="/settings/api-keys">Go to API keys</Link>
              </EmptyState>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
