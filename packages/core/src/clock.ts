/** Where Gatehouse reads the time: injected, so every timing rule is testable without sleeping. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
