/** The Latchkey mark and name. The mark is inline and drawn in the accent colour, so it keeps its contrast in both themes. */
export function Brand() {
  return (
    <div className="brand">
      <svg className="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
        <circle cx="7.5" cy="12" r="4.5" />
        <path d="M12 12h10M18 12v3.5M21 12v2.5" />
      </svg>
      <span>Latchkey</span>
    </div>
  );
}
