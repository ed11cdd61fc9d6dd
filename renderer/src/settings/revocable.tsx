// The two pieces every list of revocable credentials (API keys, paired devices) shows the same way.

/** The row's Revoke button; nothing once it is revoked. */
export function RevokeCell({ name, revoked, onRevoke }: { name: string; revoked: boolean; onRevoke: () => void }) {
  return (
    <td className="st-actions">
      {revoked ? null : (
        <button type="button" className="ui-ghost ui-btn-small danger" onClick={onRevoke} aria-label={`Revoke ${name}`}>
          Revoke
        </button>
      )}
    </td>
  );
}

/** "Show 3 revoked keys": revoked entries are hidden until asked for. */
export function ShowRevokedToggle(props: { count: number; noun: [string, string]; checked: boolean; onChange: (checked: boolean) => void }) {
  if (props.count === 0) return null;
  return (
    <label className="check st-toggle">
      <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      Show {props.count} revoked {props.count === 1 ? props.noun[0] : props.noun[1]}
    </label>
  );
}
