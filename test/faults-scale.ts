// FAULTS_SCALE=short (npm test) runs the fault suite with smaller counts; same assertions.
export const SHORT = process.env.FAULTS_SCALE === 'short';
export function scaled(full: number, short: number): number {
  return SHORT ? short : full;
}
