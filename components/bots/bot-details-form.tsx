'use client';

import { useState, type FormEvent } from 'react';
import { apiRequest, fieldErrors } from '@/lib/api/fetcher';
import { errorMessage } from '@/lib/errors';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { updateBotBody } from '@/lib/validation/bot';
import { issuesByPath } from '@/lib/validation/issues-by-path';
import { BotDetailsFields, type BotDetails } from './bot-details-fields';
import styles from './bot-page.module.css';

/** The bot page's "Details": rename or redescribe, saved with its own button. */
export function BotDetailsForm({ bot, onSaved }: { bot: BotView; onSaved: (bot: BotView) => void }) {
  const [value, setValue] = useState<BotDetails>({ name: bot.name, description: bot.description });
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
      const result = await apiRequest<BotView>('PATCH', `/api/v1/bots/${bot.id}`, { name: parsed.data.name, description: parsed.data.description });
      onSaved(result);
      setValue({ name: result.name, description: result.description });
      setSaved(true);
    } catch (err) {
      const byField = fieldErrors(err);
      if (byField.name || byField.description) setErrors(byField);
      else setFormError(errorMessage(err, 'Could not save. Try again.'));
    } finally {
      setSaving(false);
    }
  }

  const unchanged = value.name.trim() === bot.name && value.description.trim() === bot.description;
  return (
    <form className="form" onSubmit={submit} noValidate>
      <BotDetailsFields value={value} onChange={change} errors={errors} />
      {formError ? (
        <p className="alert alert--error" role="alert">
          {formError}
        </p>
      ) : null}
      <div className={styles.actions}>
        <button type="submit" className="button" disabled={saving || unchanged}>
          {saving ? 'Saving…' : 'Save details'}
        </button>
        <span role="status" className="muted">
          {saved ? 'Saved' : null}
        </span>
      </div>
    </form>
  );
}
