// The fault suite's size (issue 9): `npm run test:faults` runs it at full scale, `npm test` with
// FAULTS_SCALE=short (smaller counts, the same assertions).

export const SHORT = process.env.FAULTS_SCALE === 'short';

/** `full` normally, `short` under FAULTS_SCALE=short. */
export function scaled(full: number, short: number): number {
  return SHORT ? short : full;
}
