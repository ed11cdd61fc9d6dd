import { Fragment } from 'react';
import { displayKeys } from './keys.ts';

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** A binding drawn as key caps: "g i" → [g] then [i]; "mod+k" → [Ctrl][K]. */
export function Keys({ keys }: { keys: string }) {
  const steps = displayKeys(keys, isMac);
  return (
    <span className="keys">
      {steps.map((step, i) => (
        <Fragment key={i}>
          {i > 0 ? <span className="keys-then">then</span> : null}
          {step.map((cap, j) => (
            <kbd key={j}>{cap}</kbd>
          ))}
        </Fragment>
      ))}
    </span>
  );
}
