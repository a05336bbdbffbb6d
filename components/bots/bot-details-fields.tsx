'use client';

import { TextAreaField } from '@/components/ui/text-area-field';
import { TextField } from '@/components/ui/text-field';

export interface BotDetails {
  name: string;
  description: string;
}

interface BotDetailsFieldsProps {
  value: BotDetails;
  onChange: (value: BotDetails) => void;
  /** Messages keyed by field ('name', 'description'), from zod or a 422's details. */
  errors?: Record<string, string | undefined>;
}

// Limits mirror lib/validation/bot.ts; maxLength stops typing past them, the schema still decides.
const NAME_MAX = 80;
const DESCRIPTION_MAX = 500;

/** A bot's name and description, controlled; the wizard's first step and the bot page's "Details" wrap it in their own form. */
export function BotDetailsFields({ value, onChange, errors = {} }: BotDetailsFieldsProps) {
  return (
    <>
      <TextField
        label="Bot name"
        name="name"
        value={value.name}
        required
        maxLength={NAME_MAX}
        autoComplete="off"
        hint="Shown on the dashboard and in the inbox."
        error={errors.name}
        onChange={(e) => onChange({ ...value, name: e.target.value })}
      />
      <TextAreaField
        label="Description"
        name="description"
        maxLength={DESCRIPTION_MAX}
        value={value.description}
        hint={`Optional. Only your team sees it. Up to ${DESCRIPTION_MAX} characters.`}
        error={errors.description}
        onChange={(e) => onChange({ ...value, description: e.target.value })}
      />
    </>
  );
}
