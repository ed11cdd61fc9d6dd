import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { AppProviders, useAppKeyboard } from '../keyboard/AppKeyboard.tsx';
import { Keys } from '../keyboard/Keys.tsx';
import { PageBoundary } from '../keyboard/PageBoundary.tsx';
import { Toaster } from '../components/toast.tsx';
import { useSession } from './context.tsx';
import { Bell } from '../notifications/Bell.tsx';
import { usePresenceFeed } from '../presence/usePresence.ts';
import { SyncPill } from './SyncPill.tsx';

const nav = [
  { href: '/inbox', label: 'Inbox', keys: 'g i' },
  { href: '/conversations', label: 'Conversations', keys: 'g c' },
  { href: '/contacts', label: 'Contacts', keys: 'g o' },
  { href: '/dashboard', label: 'Dashboard', keys: 'g d' },
  { href: '/settings', label: 'Settings', keys: 'g s' },
];

/** The frame around every page: navigation, live status and the signed-in user. */
export function Layout({ children }: { children: ReactNode }) {
  return (
    <AppProviders>
      <Shell>{children}</Shell>
    </AppProviders>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const { me, signOut, live } = useSession();
  const [location] = useLocation();
  usePresenceFeed();
  const keyboard = useAppKeyboard();
  // A ticket is opened from the inbox: keep "Inbox" lit while one is open.
  const section = location.startsWith('/tickets/') ? '/inbox' : location;
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">LocalDesk</div>
        <SyncPill />
        <button type="button" className="palette-trigger" onClick={keyboard.openPalette}>
          <span>Jump to…</span>
          <Keys keys="mod+k" />
        </button>
        <ul>
          {nav.map((item) => (
            <li key={item.href}>
              <Link
                href={item.href}
                className={section.startsWith(item.href) ? 'nav-link active' : 'nav-link'}
                aria-current={section.startsWith(item.href) ? 'page' : undefined}
                title={`${item.label} (${item.keys})`}
              >
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
        <button type="button" className="link shortcuts-link" onClick={keyboard.openHelp}>
          Keyboard shortcuts <Keys keys="?" />
        </button>
        <div className="sidebar-foot">
          <span className={`live-dot ${live}`} role="img" title={`Live updates: ${live}`} aria-label={`Live updates ${live}`} />
          <Bell />
          <Link href="/profile" className="who" title={`${me.email}: your profile`}>
            {me.name}
          </Link>
          <button type="button" className="link" onClick={signOut}>
            Sign out
          </button>
        </div>
      </nav>
      <main className="content">
        <PageBoundary resetKey={location}>{children}</PageBoundary>
      </main>
      {keyboard.overlays}
      <Toaster />
    </div>
  );
}
