import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { optimisticList, patchById } from '../api/collection.ts';
import { createPairingCode, useDevices } from '../api/queries/devices.ts';
import { useUserMap } from '../api/queries/users.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { Device, PairingCode } from '../api/types.ts';
import { useTeamApi } from '../app/useTeamApi.ts';
import { serverNow, useNow } from '../components/clock.ts';
import { CopyButton } from '../components/CopyButton.tsx';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { shortDate, timeAgo } from '../components/format.ts';
import { Icon } from '../components/Icon.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { useNotice } from './Section.tsx';
import './devices.css';
import { RevokeCell, ShowRevokedToggle } from './revocable.tsx';

/** "9:58" left until `expiresAt`, ticking every second; "expired" at zero. */
function useCountdown(expiresAt: string): string {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
  if (left === 0) return 'expired';
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

function CodeCard({ code, teamUrl, shared, onDone }: { code: PairingCode; teamUrl: string; shared: boolean; onDone: () => void }) {
  const left = useCountdown(code.expiresAt);
  const command = `localdesk serve --join ${teamUrl} --pair ${code.code}`;
  return (
    <div className="st-pair-code" role="region" aria-label="Pairing code">
      <div className="st-pair-code-row">
        <code className="ui-mono st-pair-code-value" aria-label="Code">
          {code.code}
        </code>
        <CopyButton text={code.code} label="Copy code" />
      </div>
      <p className="muted small" aria-live="polite">
        {left === 'expired' ? 'This code has expired: make a new one.' : `Single use, valid for ${left} more.`}
      </p>
      <p className="small">On the other computer, run:</p>
      <div className="st-lan-url">
        <code className="ui-mono">{command}</code>
        <CopyButton text={command} label="Copy command" />
      </div>
      {shared ? null : <p className="muted small">This desk is only reachable from this computer: share it on your network first (above), then use its network address.</p>}
      <button type="button" className="ui-ghost ui-btn-small" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

/** Admins pair other installs with this host, and see and revoke the ones paired. */
export function DevicesPanel({ teamUrl, shared }: { teamUrl: string; shared: boolean }) {
  const now = useNow();
  const devices = useDevices();
  const users = useUserMap();
  const { api, queryClient } = useTeamApi();
  const notice = useNotice();
  const [code, setCode] = useState<PairingCode | null>(null);
  const [revoking, setRevoking] = useState<Device | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);

  const makeCode = useMutation({
    mutationFn: () => createPairingCode(api),
    onSuccess: (created) => {
      notice.clear();
      setCode(created);
    },
    onError: notice.report,
  });

  const revoke = useMutation({
    mutationFn: async (device: Device) => api.delete(`/devices/${device.id}`),
    onMutate: async (device) => ({
      rollback: await optimisticList<Device>(queryClient, queryKeys.devices, patchById<Device>(device.id, { revokedAt: new Date().toISOString() })),
    }),
    onError: (err, _device, context) => {
      context?.rollback();
      notice.report(err);
    },
    onSuccess: (_data, device) => toast(`Revoked “${device.name}”`, 'success'),
    onSettled: () => {
      setRevoking(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.devices });
    },
  });

  const all = devices.data ?? [];
  const live = all.filter((d) => d.revokedAt === null);
  const visible = showRevoked ? all : live;
  const revokedCount = all.length - live.length;

  return (
    <div className="card st-lan-card st-devices">
      <div className="st-devices-head">
        <div>
          <h3>Team sync devices</h3>
          <p className="muted">
            Another LocalDesk install can keep a full copy of this desk and work offline. Pair it with a one-time code.
          </p>
        </div>
        <button type="button" className="primary" disabled={makeCode.isPending} onClick={() => makeCode.mutate()}>
          <Icon name="plus" /> Pair a device
        </button>
      </div>
      {notice.banner}
      {code ? <CodeCard code={code} teamUrl={teamUrl} shared={shared} onDone={() => setCode(null)} /> : null}
      {devices.isPending ? (
        <SkeletonRows rows={2} />
      ) : devices.isError ? (
        <ErrorState error={devices.error} onRetry={() => void devices.refetch()} />
      ) : visible.length === 0 ? (
        <EmptyState icon="wifi" title="No paired devices">
          Paired installs appear here, each revocable on its own.
        </EmptyState>
      ) : (
        <table className="grid st-table" aria-label="Paired devices">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">User</th>
              <th scope="col">Paired</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span className="ui-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {visible.map((d) => (
              <tr key={d.id} className={d.revokedAt ? 'revoked' : undefined}>
                <td>
                  <strong>{d.name}</strong>
                  {d.revokedAt ? <span className="ui-chip">Revoked {shortDate(d.revokedAt, now)}</span> : null}
                </td>
                <td>{users.get(d.userId)?.name ?? d.userId}</td>
                <td className="muted">{shortDate(d.createdAt, now)}</td>
                <td className="muted">{d.lastSeenAt ? timeAgo(d.lastSeenAt, now) : 'Never'}</td>
                <RevokeCell name={d.name} revoked={d.revokedAt !== null} onRevoke={() => setRevoking(d)} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ShowRevokedToggle count={revokedCount} noun={['device', 'devices']} checked={showRevoked} onChange={setShowRevoked} />
      {revoking ? (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke device"
          busy={revoke.isPending}
          onCancel={() => setRevoking(null)}
          onConfirm={() => revoke.mutate(revoking)}
        >
          <p>Its key stops working at once: it can no longer sync with this desk. Changes it has not pushed yet stay on it. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
