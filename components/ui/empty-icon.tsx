// Inline icons: emoji glyphs depend on the viewer's fonts and render as boxes on many servers.
const PATHS = {
  chat: 'M4 5h16v10H8l-4 4V5z',
  inbox: 'M3 13l3-8h12l3 8v6H3v-6zm0 0h5l1 2h6l1-2h5',
} as const;

export function EmptyIcon({ name }: { name: keyof typeof PATHS }) {
  return (
    <svg className="empty-state__icon" width="40" height="40" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" aria-hidden="true">
      <path d={PATHS[name]} />
    </svg>
  );
}
