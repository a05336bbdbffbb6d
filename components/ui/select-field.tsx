import { useId, type ReactNode, type SelectHTMLAttributes } from 'react';
import { FieldNote } from './field-note';

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: ReactNode;
  error?: string;
  hint?: string;
}

/** A native select with TextField's label, hint and error wiring; options are the children. */
export function SelectField({ label, error, hint, id, children, ...select }: SelectFieldProps) {
  const generated = useId();
  const selectId = id ?? generated;
  const noteId = `${selectId}-note`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={selectId}>
        {label}
      </label>
      <select
        id={selectId}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? noteId : undefined}
        {...select}
      >
        {children}
      </select>
      <FieldNote id={noteId} hint={hint} error={error} />
    </div>
  );
}
