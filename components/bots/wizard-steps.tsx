export const WIZARD_STEPS = [
  { id: 'details', label: 'Name' },
  { id: 'behaviour', label: 'Behaviour' },
  { id: 'link', label: 'Link WhatsApp' },
  { id: 'done', label: 'Done' },
] as const;

export type WizardStepId = (typeof WIZARD_STEPS)[number]['id'];

/** The wizard's progress, as an ordered list with the current step marked for assistive tech. */
export function WizardSteps({ current }: { current: WizardStepId }) {
  const index = WIZARD_STEPS.findIndex((s) => s.id === current);
  return (
    <ol className="wizard-steps" aria-label="Progress">
      {WIZARD_STEPS.map((step, i) => (
        <li
          key={step.id}
          className="wizard-steps__item"
          data-state={i < index ? 'done' : i === index ? 'current' : 'todo'}
          aria-current={i === index ? 'step' : undefined}
        >
          <span className="wizard-steps__number" aria-hidden="true">
            {i < index ? '✓' : i + 1}
          </span>
          <span>
            <span className="visually-hidden">Step {i + 1}: </span>
            {step.label}
          </span>
        </li>
      ))}
    </ol>
  );
}
