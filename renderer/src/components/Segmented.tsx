import type { ReactNode } from 'react';
import './components.css';

export interface SegmentOption<V extends string> {
  value: V;
  label: ReactNode;
  /** Accessible name when the label is not plain text. */
  name?: string;
}

/** A row of mutually exclusive choices (a radio group drawn as a segmented control). */
export function Segmented<V extends string>({
  label,
  options,
  value,
  onChange,
  size = 'normal',
  variant = 'pill',
}: {
  label: string;
  options: readonly SegmentOption<V>[];
  value: V;
  onChange: (value: V) => void;
  size?: 'normal' | 'small';
  /** `tabs` draws an underlined tab row instead of a pill. */
  variant?: 'pill' | 'tabs';
}) {
  function onKeyDown(event: React.KeyboardEvent, index: number) {
    const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = options[(index + step + options.length) % options.length];
    if (!next) return;
    onChange(next.value);
    const group = event.currentTarget.parentElement;
    requestAnimationFrame(() => group?.querySelector<HTMLElement>('[aria-checked="true"]')?.focus());
  }
  return (
    <div className={`ui-segmented ${size} ${variant}`} role="radiogroup" aria-label={label}>
      {options.map((option, index) => {
        const checked = option.value === value;
        return (
          <button
            key={option.value}
            type="button"
            role="radio"
            aria-checked={checked}
            aria-label={option.name}
            tabIndex={checked ? 0 : -1}
            className={checked ? 'on' : undefined}
            onClick={() => onChange(option.value)}
            onKeyDown={(e) => onKeyDown(e, index)}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}
