import { type ReactElement, type ReactNode, cloneElement } from 'react';
import './components.css';

export interface FieldProps {
  id: string;
  label: ReactNode;
  /** The API's message for this field; shown under it and linked with aria-describedby. */
  error?: string | undefined;
  hint?: ReactNode;
  /** One input, select or textarea: it gets `id`, `aria-invalid` and `aria-describedby`. */
  children: ReactElement<{ id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }>;
  className?: string;
}

export function Field({ id, label, error, hint, children, className }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`ui-field${error ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {error ? (
        <p id={errorId} className="ui-field-error" role="alert">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="ui-field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A banner for the error that belongs to no single field. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="ui-form-error" role="alert">
      {message}
    </p>
  );
}
