'use client';

import { useId } from 'react';
import { FieldNote } from '@/components/ui/field-note';
import { CLOSED_DAY, WEEK, type DayRow } from '@/lib/client/bot-behaviour-form-state';
import styles from './bot-page.module.css';

interface BusinessHoursEditorProps {
  days: Record<number, DayRow>;
  /** The form's errors: `day.{day}.start|end` per day, `away.hours` for the whole week. */
  errors: Record<string, string>;
  onEditDay: (day: number, patch: Partial<DayRow>) => void;
}

/** Open or closed, and one opening range, for each day of the week. */
export function BusinessHoursEditor({ days, errors, onEditDay }: BusinessHoursEditorProps) {
  const uid = useId();
  const titleId = `${uid}-title`;
  return (
    <div role="group" aria-labelledby={titleId} className="field">
      <span id={titleId} className="field__label">
        Business hours
      </span>
      <ul className={styles.days}>
        {WEEK.map(({ day, name }) => {
          const row = days[day] ?? CLOSED_DAY;
          const startError = errors[`day.${day}.start`];
          const endError = errors[`day.${day}.end`];
          const startId = `${uid}-${day}-start`;
          const endId = `${uid}-${day}-end`;
          return (
            <li key={day} className={styles.day}>
              <span className={styles.dayName} aria-hidden="true">
                {name}
              </span>
              <label className={styles.dayCheck}>
                <input type="checkbox" checked={row.open} onChange={(e) => onEditDay(day, { open: e.target.checked })} />
                Open<span className="visually-hidden"> on {name}</span>
              </label>
              {row.open ? (
                <span className={styles.times}>
                  <label className="visually-hidden" htmlFor={startId}>
                    {name} opening time
                  </label>
                  <input
                    id={startId}
                    type="time"
                    className="field__input"
                    value={row.start}
                    required
                    aria-invalid={startError ? true : undefined}
                    aria-describedby={startError ? `${startId}-note` : undefined}
                    onChange={(e) => onEditDay(day, { start: e.target.value })}
                  />
                  <span aria-hidden="true">to</span>
                  <label className="visually-hidden" htmlFor={endId}>
                    {name} closing time
                  </label>
                  <input
                    id={endId}
                    type="time"
                    className="field__input"
                    value={row.end}
                    required
                    aria-invalid={endError ? true : undefined}
                    aria-describedby={endError ? `${endId}-note` : undefined}
                    onChange={(e) => onEditDay(day, { end: e.target.value })}
                  />
                </span>
              ) : (
                <span className="muted">Closed</span>
              )}
              {startError || endError ? (
                <span className={styles.dayError}>
                  <FieldNote id={`${startId}-note`} error={startError} />
                  {startError && endError ? ' ' : null}
                  <FieldNote id={`${endId}-note`} error={endError} />
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      <FieldNote id={`${uid}-note`} hint="Outside these hours the bot sends the away message." error={errors['away.hours']} />
    </div>
  );
}
