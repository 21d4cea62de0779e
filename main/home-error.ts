/** A home that cannot be opened as asked (home.ts); the message says what to do. Nothing was changed. Kept apart so the CLI can catch it without loading SQLite. */
export class HomeError extends Error {}
