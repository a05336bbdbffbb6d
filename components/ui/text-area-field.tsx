import { useId, type ReactNode, type TextareaHTMLAttributes } from 'react';
import { FieldNote } from './field-note';

interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: ReactNode;
  error?: string;
  hint?: string;
  /** On the wrapper, e.g. to span a grid row; the textarea keeps the global field style. */
  fieldClassName?: string;
}

/** TextField's multi-line sibling: same label, hint and error wiring. */
export function TextAreaField({ label, error, hint, id, fieldClassName, rows = 3, ...textarea }: TextAreaFieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const noteId = `${inputId}-note`;
  return (
    <div className={fieldClassName ? `field ${fieldClassName}` : 'field'}>
      <label className="field__label" htmlFor={inputId}>
        {label}
      </label>
      <textarea
        id={inputId}
        className="field__input"
        rows={rows}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? noteId : undefined}
        {...textarea}
      />
      <FieldNote id={noteId} hint={hint} error={error} />
    </div>
  );
}
