'use client';

import { useEffect, useRef } from 'react';
import { MAX_RULES, type RuleRow } from '@/lib/client/bot-behaviour-form-state';
import type { AutoReplyRule } from '@/lib/validation/bot-settings';
import { AutoReplyRow } from './auto-reply-row';
import styles from './bot-page.module.css';

interface AutoReplyEditorProps {
  rules: RuleRow[];
  /** The form's errors: `rule.{key}.{field}` per row, `autoReplies` for the list. */
  errors: Record<string, string>;
  onAdd: (rule: RuleRow) => void;
  onEdit: (key: number, patch: Partial<AutoReplyRule>) => void;
  onRemove: (key: number) => void;
}

/** The keyword auto-reply rows with Add and Remove; focus follows the row added or removed. */
export function AutoReplyEditor({ rules, errors, onAdd, onEdit, onRemove }: AutoReplyEditorProps) {
  const addRef = useRef<HTMLButtonElement>(null);
  // Keys are never reused, so a removed row's errors cannot reappear on a new one.
  const nextKey = useRef(rules.reduce((max, r) => Math.max(max, r.key + 1), 0));
  const focusRuleKey = useRef<number | null>(null);
  const focusAdd = useRef(false);

  // After a row is removed its button is gone; Add may only now be enabled again (at the limit).
  useEffect(() => {
    if (!focusAdd.current) return;
    focusAdd.current = false;
    addRef.current?.focus();
  });

  function add() {
    const key = nextKey.current++;
    focusRuleKey.current = key;
    onAdd({ key, pattern: '', reply: '', match: 'contains' });
  }

  function remove(key: number) {
    onRemove(key);
    focusAdd.current = true;
  }

  return (
    <fieldset className={styles.section}>
      <legend>Keyword auto-replies</legend>
      <p className="field__hint" style={{ margin: 0 }}>
        When a contact&rsquo;s message matches a keyword or phrase, the bot sends the reply. Rules are tried in order, and only the
        first match replies.
      </p>
      {rules.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          No auto-replies yet.
        </p>
      ) : (
        <ol className={styles.rules}>
          {rules.map((rule, index) => (
            <AutoReplyRow
              key={rule.key}
              rule={rule}
              number={index + 1}
              errors={{
                pattern: errors[`rule.${rule.key}.pattern`],
                match: errors[`rule.${rule.key}.match`],
                reply: errors[`rule.${rule.key}.reply`],
              }}
              keywordRef={(el) => {
                if (el && focusRuleKey.current === rule.key) {
                  focusRuleKey.current = null;
                  el.focus();
                }
              }}
              onChange={(patch) => onEdit(rule.key, patch)}
              onRemove={() => remove(rule.key)}
            />
          ))}
        </ol>
      )}
      {errors.autoReplies ? (
        <span className="field__error" role="alert">
          {errors.autoReplies}
        </span>
      ) : null}
      <div>
        <button ref={addRef} type="button" className="button button--secondary" onClick={add} disabled={rules.length >= MAX_RULES}>
          Add auto-reply
        </button>
        {rules.length >= MAX_RULES ? <span className="field__hint"> At most {MAX_RULES} auto-replies.</span> : null}
      </div>
    </fieldset>
  );
}
