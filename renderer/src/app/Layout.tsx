import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession } from './context.tsx';

const nav = [
  { href: '/inbox', label: 'Inbox' },
  { href: '/conversations', label: 'Conversations' },
  { href: '/contacts', label: 'Contacts' },
  { href: '/dashboard', label: 'Dashboard' },
  { href: '/settings', label: 'Settings' },
];

/** The frame around every page: navigation, live status and the signed-in user. */
export function Layout({ children }: { children: ReactNode }) {
  const { me, signOut, live } = useSession();
  const [location] = useLocation();
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">LocalDesk</div>
        <ul>
          {nav.map((item) => (
            <li key={item.href}>
              <Link
                href={item.href}
                className={location.startsWith(item.href) ? 'nav-link active' : 'nav-link'}
                aria-current={location.startsWith(item.href) ? 'page' : undefined}
              >
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <span className={`live-dot ${live}`} title={`Live updates: ${live}`} aria-label={`Live updates ${live}`} />
          <span className="who" title={me.email}>
            {me.name}
          </span>
          <button type="button" className="link" onClick={signOut}>
            Sign out
          </button>
        </div>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
