/**
 * The hint or the error under a field, in one element: `id` is what the field's
 * aria-describedby points at, so a screen reader reads whichever is showing.
 */
export function FieldNote({ id, hint, error }: { id: string; hint?: string; error?: string }) {
  if (error) {
    return (
      <span id={id} className="field__error" role="alert">
        {error}
      </span>
    );
  }
  return hint ? (
    <span id={id} className="field__hint">
      {hint}
    </span>
  ) : null;
}
