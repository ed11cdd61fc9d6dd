import type { CSSProperties } from 'react';
import './components.css';

/** Up to two initials from a name, else the first letter of an e-mail address. */
export function initials(nameOrEmail: string): string {
  const clean = nameOrEmail.trim();
  if (!clean) return '?';
  if (clean.includes('@') && !clean.includes(' ')) return clean[0]!.toUpperCase();
  const parts = clean.split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** A stable hue (0..359) for a string, so the same person always gets the same colour. */
export function hueOf(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}

/** Initials on a colour derived from the name: the one avatar of the app. */
export function Avatar({ name, size = 32, className }: { name: string; size?: number; className?: string }) {
  const style = { '--hue': hueOf(name), width: size, height: size, fontSize: Math.round(size * 0.4) } as CSSProperties;
  return (
    <span className={className ? `ui-avatar ${className}` : 'ui-avatar'} aria-hidden="true" style={style}>
      {initials(name)}
    </span>
  );
}
