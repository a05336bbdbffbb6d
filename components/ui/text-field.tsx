import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';
import { FieldNote } from './field-note';

interface TextFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  /** Usually plain text; a node when part of the name is for screen readers only ("Keyword 2"). */
  label: ReactNode;
  error?: string;
  hint?: string;
  ref?: Ref<HTMLInputElement>;
}

export function TextField({ label, error, hint, id, ref, ...input }: TextFieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const noteId = `${inputId}-note`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={inputId}>
        {label}
      </label>
      <input
        ref={ref}
        id={inputId}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? noteId : undefined}
        {...input}
      />
      <FieldNote id={noteId} hint={hint} error={error} />
    </div>
  );
}
