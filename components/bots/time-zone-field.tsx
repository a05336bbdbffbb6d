'use client';

import { useMemo } from 'react';
import { SelectField } from '@/components/ui/select-field';
import { timeZones } from '@/lib/client/time-zones';

/** The away message's time zone; a stored zone this browser does not list is still offered. */
export function TimeZoneField({ value, error, onChange }: { value: string; error?: string; onChange: (zone: string) => void }) {
  const zones = useMemo(() => timeZones(), []);
  const options = zones.includes(value) ? zones : [value, ...zones];
  return (
    <SelectField label="Time zone" value={value} hint="The business hours below are in this time zone." error={error} onChange={(e) => onChange(e.target.value)}>
      {options.map((zone) => (
        <option key={zone} value={zone}>
          {zone.replaceAll('_', ' ')}
        </option>
      ))}
    </SelectField>
  );
}
