import { type ReactNode, useId } from 'react';
import { Dialog, type DialogProps } from './Dialog.tsx';

export interface FormDialogProps extends Omit<DialogProps, 'footer' | 'children'> {
  /** The submit button's text, and its text while the request is on its way. */
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
  onSubmit: () => void;
  /** The form's fields. */
  children: ReactNode;
}

/** A dialog holding one form, with Cancel and a submit button that is disabled while pending. */
export function FormDialog({ submitLabel, pendingLabel, pending, onSubmit, children, ...dialog }: FormDialogProps) {
  const formId = useId();
  return (
    <Dialog
      {...dialog}
      footer={
        <>
          <button type="button" onClick={dialog.onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="primary" disabled={pending}>
            {pending ? pendingLabel : submitLabel}
          </button>
        </>
      }
    >
      <form
        id={formId}
        className="st-form"
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {children}
      </form>
    </Dialog>
  );
}
