'use client';

import type { Ref } from 'react';
import { SelectField } from '@/components/ui/select-field';
import { TextAreaField } from '@/components/ui/text-area-field';
import { TextField } from '@/components/ui/text-field';
import { KEYWORD_MAX, TEXT_MAX } from '@/lib/client/bot-behaviour-form-state';
import type { AutoReplyRule } from '@/lib/validation/bot-settings';
import styles from './bot-page.module.css';

const MATCH_LABEL: Record<AutoReplyRule['match'], string> = {
  contains: 'Contains',
  exact: 'Is exactly',
  starts_with: 'Starts with',
  regex: 'Matches pattern (regex)',
};

interface AutoReplyRowProps {
  rule: AutoReplyRule;
  /** 1-based position: screen readers hear "Keyword 2", and it renumbers when a row above goes. */
  number: number;
  errors: Partial<Record<keyof AutoReplyRule, string>>;
  keywordRef?: Ref<HTMLInputElement>;
  onChange: (patch: Partial<AutoReplyRule>) => void;
  onRemove: () => void;
}

/** One keyword → reply rule. */
export function AutoReplyRow({ rule, number, errors, keywordRef, onChange, onRemove }: AutoReplyRowProps) {
  const n = <span className="visually-hidden"> {number}</span>;
  const regex = rule.match === 'regex';
  return (
    <li className={styles.rule}>
      <TextField
        ref={keywordRef}
        label={<>Keyword{n}</>}
        value={rule.pattern}
        maxLength={KEYWORD_MAX}
        autoComplete="off"
        placeholder={regex ? 'e.g. order\\s*#?\\d+' : 'e.g. opening hours'}
        hint={regex ? 'A JavaScript regular expression, not case-sensitive. Checked when you save.' : undefined}
        error={errors.pattern}
        onChange={(e) => onChange({ pattern: e.target.value })}
      />
      {/* The pattern rides along unchanged so its error clears too: it was judged under the old match. */}
      <SelectField label={<>Match{n}</>} value={rule.match} error={errors.match} onChange={(e) => onChange({ match: e.target.value as AutoReplyRule['match'], pattern: rule.pattern })}>
        {Object.entries(MATCH_LABEL).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </SelectField>
      <TextAreaField
        fieldClassName={styles.wide}
        label={<>Reply{n}</>}
        rows={2}
        value={rule.reply}
        maxLength={TEXT_MAX}
        error={errors.reply}
        onChange={(e) => onChange({ reply: e.target.value })}
      />
      <div className={styles.ruleActions}>
        <button type="button" className="button button--ghost" aria-label={`Remove auto-reply ${number}`} onClick={onRemove}>
          Remove
        </button>
      </div>
    </li>
  );
}
