'use client';

import { useState, type FormEvent, type ReactNode } from 'react';
import { fieldErrors } from '@/lib/api/fetcher';
import { errorMessage } from '@/lib/errors';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { updateBotBody } from '@/lib/validation/bot';
import { issuesByPath } from '@/lib/validation/issues-by-path';
import { BotDetailsFields, type BotDetails } from './bot-details-fields';
import styles from './bot-page.module.css';

interface BotDetailsFormProps {
  initial: BotDetails;
  /** Creates or updates the bot; its result goes to `onSaved`. */
  save: (details: BotDetails) => Promise<BotView>;
  onSaved: (bot: BotView) => void;
  submitLabel: string;
  /** The bot page disables saving until something changed and confirms with "Saved"; the wizard moves on instead. */
  editing?: boolean;
  /** Extra actions beside the submit button (the wizard's Cancel). */
  actions?: ReactNode;
}

/** A bot's name and description with validation and save: the wizard's first step and the bot page's "Details". */
export function BotDetailsForm({ initial, save, onSaved, submitLabel, editing = false, actions }: BotDetailsFormProps) {
  const [value, setValue] = useState<BotDetails>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  function change(next: BotDetails) {
    setErrors((e) => {
      const rest = { ...e };
      if (next.name !== value.name) delete rest.name;
      if (next.description !== value.description) delete rest.description;
      return rest;
    });
    setValue(next);
    setSaved(false);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    setFormError(null);
    setSaved(false);
    const parsed = updateBotBody.safeParse(value);
    if (!parsed.success) {
      setErrors(issuesByPath(parsed.error.issues));
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const result = await save({ name: parsed.data.name ?? value.name, description: parsed.data.description ?? '' });
      onSaved(result);
      setValue({ name: result.name, description: result.description });
      setSaved(editing);
    } catch (err) {
      const byField = fieldErrors(err);
      if (byField.name || byField.description) setErrors(byField);
      else setFormError(errorMessage(err, 'Could not save the bot. Try again.'));
    } finally {
      setSaving(false);
    }
  }

  const unchanged = value.name.trim() === initial.name && value.description.trim() === initial.description;
  return (
    <form className="form" onSubmit={submit} noValidate>
      <BotDetailsFields value={value} onChange={change} errors={errors} />
      {formError ? (
        <p className="alert alert--error" role="alert">
          {formError}
        </p>
      ) : null}
      <div className={styles.actions}>
        <button type="submit" className="button" disabled={saving || (editing && unchanged)}>
          {saving ? 'Saving…' : submitLabel}
        </button>
        {actions}
        {editing ? (
          <span role="status" className="muted">
            {saved ? 'Saved' : null}
          </span>
        ) : null}
      </div>
    </form>
  );
}
