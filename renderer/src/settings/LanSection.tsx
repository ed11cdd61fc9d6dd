import { useEffect, useState } from 'react';
import { usePermissions } from '../app/permissions.ts';
import { desktopBridge } from '../bridge.ts';
import { CopyButton } from '../components/CopyButton.tsx';
import { Icon } from '../components/Icon.tsx';
import { DevicesPanel } from './DevicesPanel.tsx';
import { isLoopback } from './lan.ts';
import { SectionHeader } from './Section.tsx';

type Lan = { kind: 'loading' } | { kind: 'shared'; url: string; desktop: boolean } | { kind: 'local'; desktop: boolean };

/**
 * LAN access: the address teammates use, or how to open the desk to the network; for admins,
 * pairing other installs (team sync) and the devices paired.
 */
export function LanSection() {
  const [lan, setLan] = useState<Lan>({ kind: 'loading' });
  const isAdmin = usePermissions().can('admin');
  useEffect(() => {
    const bridge = desktopBridge();
    if (bridge) {
      bridge
        .getLanUrl()
        .then((url) => setLan(url ? { kind: 'shared', url, desktop: true } : { kind: 'local', desktop: true }))
        .catch(() => setLan({ kind: 'local', desktop: true }));
    } else if (isLoopback(window.location.hostname)) {
      setLan({ kind: 'local', desktop: false });
    } else {
      setLan({ kind: 'shared', url: window.location.origin, desktop: false });
    }
  }, []);

  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader title="LAN access" description="Teammates on your network can use this desk from their own browser, each signed in as themselves." />
      {lan.kind === 'loading' ? (
        <div className="card st-lan-card" aria-busy="true">
          <span className="skeleton" style={{ width: '40%', height: 22 }} />
        </div>
      ) : lan.kind === 'shared' ? (
        <div className="card st-lan-card">
          <div className="st-lan-status on">
            <Icon name="wifi" size={20} />
            <div>
              <h3>Shared on your network</h3>
              <p className="muted">Teammates open this address and sign in with the account you invite them to.</p>
            </div>
          </div>
          <div className="st-lan-url">
            <code className="ui-mono">{lan.url}</code>
            <CopyButton text={lan.url} label="Copy address" />
          </div>
          <p className="muted small">
            {lan.desktop ? 'Turn sharing off in the desktop app to make the desk private again.' : 'Invite each teammate under Settings → Team; the invitation link uses this address.'}
          </p>
        </div>
      ) : (
        <div className="card st-lan-card">
          <div className="st-lan-status">
            <Icon name="shield" size={20} />
            <div>
              <h3>Only this computer</h3>
              <p className="muted">The server is bound to this machine (loopback), so nobody else on the network can reach it. That is the safe default.</p>
            </div>
          </div>
          <h4>To share it with your team</h4>
          {lan.desktop ? (
            <p>Turn on <strong>Share on LAN</strong> in the desktop app. Its address appears here once sharing is on.</p>
          ) : (
            <ol className="st-lan-steps">
              <li>
                Restart the server bound to your network:
                <div className="st-lan-url">
                  <code className="ui-mono">localdesk serve --host 0.0.0.0</code>
                  <CopyButton text="localdesk serve --host 0.0.0.0" />
                </div>
              </li>
              <li>
                Or, in the desktop app, turn on <strong>Share on LAN</strong>.
              </li>
              <li>Invite each teammate under Settings → Team, and send them the link it makes.</li>
            </ol>
          )}
        </div>
      )}
      {isAdmin && lan.kind !== 'loading' ? (
        <DevicesPanel teamUrl={lan.kind === 'shared' ? lan.url : window.location.origin} shared={lan.kind === 'shared'} />
      ) : null}
    </section>
  );
}
