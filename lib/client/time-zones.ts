import { isTimeZone } from '@/lib/validation/bot-settings';

/** The browser's IANA zone if the schema accepts it, else UTC. */
export function browserTimeZone(): string {
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return tz && isTimeZone(tz) ? tz : 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every zone the engine knows, UTC first. */
export function timeZones(): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    // Older engines: the current value and UTC are still offered.
  }
  // V8 leaves UTC out of the list, but it is the schema's default.
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}
