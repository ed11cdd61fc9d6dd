import type { CSSProperties } from 'react';
import { hueOf, initials } from './format.ts';
import './components.css';

/** Initials on a colour derived from the name, so a person is recognisable at a glance. */
export function Avatar({ name, size = 32 }: { name: string; size?: number }) {
  const style = { '--hue': hueOf(name), width: size, height: size, fontSize: size * 0.4 } as CSSProperties;
  return (
    <span className="ui-avatar" aria-hidden="true" style={style}>
      {initials(name)}
    </span>
  );
}
