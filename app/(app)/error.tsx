'use client';

export default function SignedInError({ reset }: { error: Error; reset: () => void }) {
  return (
    <section className="card empty-state" role="alert">
      <h2>Something went wrong</h2>
      <p>This page could not load. Your data is safe; try again.</p>
      <button className="button" type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
