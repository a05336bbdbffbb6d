import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { botSettings, type BotSettings } from '@/lib/validation/bot-settings';
import { BotBehaviourForm } from './bot-behaviour-form';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const settings = (input: unknown = {}): BotSettings => botSettings.parse(input);

function setup(initial: BotSettings = settings(), props: Partial<Parameters<typeof BotBehaviourForm>[0]> = {}) {
  const onSubmit = vi.fn<(s: BotSettings) => Promise<void>>().mockResolvedValue(undefined);
  render(<BotBehaviourForm initial={initial} submitLabel="Save behaviour" onSubmit={onSubmit} {...props} />);
  return { onSubmit: (props.onSubmit as typeof onSubmit | undefined) ?? onSubmit };
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });
const submit = () => fireEvent.click(screen.getByRole('button', { name: 'Save behaviour' }));

/** The message the field points at through aria-describedby, as a screen reader would read it. */
function describedError(label: string): string | null {
  const el = field(label);
  const ids = el.getAttribute('aria-describedby')?.split(' ') ?? [];
  const note = ids.map((id) => document.getElementById(id)).find((n) => n?.getAttribute('role') === 'alert');
  return el.getAttribute('aria-invalid') === 'true' && note ? note.textContent : null;
}

describe('BotBehaviourForm', () => {
  it('shows the initial settings in their fields', () => {
    setup(
      settings({
        welcomeMessage: 'Hi there!',
        autoReplies: [
          { pattern: 'price', reply: 'From 10 EUR.', match: 'contains' },
          { pattern: 'hours', reply: '9 to 5.', match: 'exact' },
        ],
        fallbackReply: 'Sorry?',
        away: { enabled: true, message: 'We are closed.', timezone: 'Europe/Berlin', hours: [{ day: 1, start: '08:30', end: '18:00' }] },
        handoffKeyword: 'human',
      }),
    );
    expect(field('Welcome message').value).toBe('Hi there!');
    expect(field('Keyword 1').value).toBe('price');
    expect(field('Reply 1').value).toBe('From 10 EUR.');
    expect(field('Match 1').value).toBe('contains');
    expect(field('Keyword 2').value).toBe('hours');
    expect(field('Match 2').value).toBe('exact');
    expect(field('Fallback reply').value).toBe('Sorry?');
    expect(field('Handoff keyword').value).toBe('human');
    expect(field('Send an away message outside business hours').checked).toBe(true);
    expect(field('Away message').value).toBe('We are closed.');
    expect(field('Time zone').value).toBe('Europe/Berlin');
    expect(field('Open on Monday').checked).toBe(true);
    expect(field('Monday opening time').value).toBe('08:30');
    expect(field('Monday closing time').value).toBe('18:00');
    expect(field('Open on Tuesday').checked).toBe(false);
    expect(screen.queryByLabelText('Tuesday opening time')).toBeNull();
    expect(screen.getByText(/When a contact sends this word, the bot stops replying/).textContent).toContain('waits for a person');
  });

  it('hides the away message fields until the away message is turned on', () => {
    setup();
    expect(field('Send an away message outside business hours').checked).toBe(false);
    expect(screen.queryByLabelText('Away message')).toBeNull();
    expect(screen.queryByLabelText('Time zone')).toBeNull();
    fireEvent.click(field('Send an away message outside business hours'));
    expect(field('Away message').value).toBe('');
    // The schema's default hours: Monday to Friday, 09:00–17:00.
    expect(field('Friday opening time').value).toBe('09:00');
    expect(field('Open on Saturday').checked).toBe(false);
  });

  it("starts the time zone at the browser's zone when the away message is first turned on", () => {
    const real = Intl.DateTimeFormat.prototype.resolvedOptions;
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockImplementation(function (this: Intl.DateTimeFormat) {
      return { ...real.call(this), timeZone: 'America/Sao_Paulo' };
    });
    setup();
    fireEvent.click(field('Send an away message outside business hours'));
    const select = field('Time zone') as unknown as HTMLSelectElement;
    expect(select.value).toBe('America/Sao_Paulo');
    expect(select.options.length).toBeGreaterThan(100);
  });

  it('adds rows (focusing the new keyword) and removes the chosen row', () => {
    setup(settings({ autoReplies: [{ pattern: 'first', reply: 'one' }] }));
    fireEvent.click(screen.getByRole('button', { name: 'Add auto-reply' }));
    expect(document.activeElement).toBe(field('Keyword 2'));
    type('Keyword 2', 'second');
    type('Reply 2', 'two');

    fireEvent.click(screen.getByRole('button', { name: 'Remove auto-reply 1' }));
    expect(screen.queryByLabelText('Keyword 2')).toBeNull();
    // The remaining row is renumbered and keeps its own values.
    expect(field('Keyword 1').value).toBe('second');
    expect(field('Reply 1').value).toBe('two');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add auto-reply' }));

    fireEvent.click(screen.getByRole('button', { name: 'Remove auto-reply 1' }));
    expect(screen.queryByLabelText('Keyword 1')).toBeNull();
    expect(screen.getByText('No auto-replies yet.')).toBeTruthy();
  });

  it('stops adding rows at 50', () => {
    const rules = Array.from({ length: 50 }, (_, i) => ({ pattern: `k${i}`, reply: `r${i}` }));
    setup(settings({ autoReplies: rules }));
    // Plain DOM lookups: Testing Library's label and role queries are slow over 50 rows in jsdom.
    expect(screen.getByDisplayValue('k49')).toBeTruthy();
    expect(screen.getAllByRole('listitem')).toHaveLength(50);
    expect((screen.getByText('Add auto-reply') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/At most 50 auto-replies/)).toBeTruthy();
  });

  it('blocks the submit and shows the error by the empty reply', async () => {
    const { onSubmit } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Add auto-reply' }));
    type('Keyword 1', 'price');
    submit();

    await waitFor(() => expect(describedError('Reply 1')).toBe('Enter the reply.'));
    expect(describedError('Keyword 1')).toBeNull();
    expect(onSubmit).not.toHaveBeenCalled();
    // Focus moves to the first invalid field.
    expect(document.activeElement).toBe(field('Reply 1'));

    // Fixing the field clears its error.
    type('Reply 1', 'From 10 EUR.');
    expect(describedError('Reply 1')).toBeNull();
  });

  it('requires the away message while the away message is on', async () => {
    const { onSubmit } = setup();
    fireEvent.click(field('Send an away message outside business hours'));
    submit();
    await waitFor(() => expect(describedError('Away message')).toBe('Enter the away message, or turn it off.'));
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('shows an opening-hours error on the day it belongs to', async () => {
    const { onSubmit } = setup(settings({ away: { enabled: true, message: 'Closed now.', timezone: 'UTC' } }));
    // Monday closed: Wednesday becomes the second submitted range (away.hours.1).
    fireEvent.click(field('Open on Monday'));
    type('Wednesday closing time', '08:00');
    submit();
    await waitFor(() => expect(describedError('Wednesday closing time')).toBe('Closing time must be after opening time.'));
    expect(describedError('Tuesday closing time')).toBeNull();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('submits the parsed settings, showing Saving… meanwhile', async () => {
    let finish!: () => void;
    const onSubmit = vi.fn<(s: BotSettings) => Promise<void>>(() => new Promise<void>((resolve) => (finish = resolve)));
    setup(settings(), { onSubmit, savedMessage: 'Saved' });

    type('Welcome message', '  Hello!  ');
    fireEvent.click(screen.getByRole('button', { name: 'Add auto-reply' }));
    type('Keyword 1', 'price');
    fireEvent.change(field('Match 1'), { target: { value: 'starts_with' } });
    type('Reply 1', 'From 10 EUR.');
    type('Fallback reply', 'Sorry, I did not get that.');
    fireEvent.click(field('Send an away message outside business hours'));
    type('Away message', 'We are closed.');
    fireEvent.change(field('Time zone'), { target: { value: 'Europe/Lisbon' } });
    fireEvent.click(field('Open on Saturday'));
    type('Saturday opening time', '10:00');
    type('Saturday closing time', '14:00');
    fireEvent.click(field('Open on Friday'));
    type('Handoff keyword', 'agent');
    submit();

    const busy = await screen.findByRole('button', { name: 'Saving…' });
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0]).toEqual({
      welcomeMessage: 'Hello!',
      autoReplies: [{ pattern: 'price', reply: 'From 10 EUR.', match: 'starts_with' }],
      fallbackReply: 'Sorry, I did not get that.',
      away: {
        enabled: true,
        message: 'We are closed.',
        timezone: 'Europe/Lisbon',
        hours: [
          { day: 1, start: '09:00', end: '17:00' },
          { day: 2, start: '09:00', end: '17:00' },
          { day: 3, start: '09:00', end: '17:00' },
          { day: 4, start: '09:00', end: '17:00' },
          { day: 6, start: '10:00', end: '14:00' },
        ],
      },
      handoffKeyword: 'agent',
    });

    await act(async () => finish());
    expect((screen.getByRole('button', { name: 'Save behaviour' }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByRole('status').textContent).toBe('Saved');
    // Any edit makes "Saved" stale.
    type('Handoff keyword', 'person');
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it("shows a server 422's field errors beside the same fields", async () => {
    const onSubmit = vi.fn(async () => {
      throw new AppError('validation_failed', 'X', { details: [{ path: 'autoReplies.0.pattern', message: 'X' }] });
    });
    setup(settings({ autoReplies: [{ pattern: 'price', reply: 'From 10 EUR.' }] }), { onSubmit });
    submit();
    await waitFor(() => expect(describedError('Keyword 1')).toBe('X'));
    expect(describedError('Reply 1')).toBeNull();
    // Placed by its field, so not repeated in the form's alert.
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual(['X']);
  });

  it('shows other failures as an alert and lets the user try again', async () => {
    const onSubmit = vi.fn(async () => {
      throw new AppError('rate_limited', 'Too many changes. Wait a moment.');
    });
    setup(settings(), { onSubmit });
    submit();
    expect((await screen.findByRole('alert')).textContent).toBe('Too many changes. Wait a moment.');
    expect((screen.getByRole('button', { name: 'Save behaviour' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('offers Back and an extra action when given', () => {
    const onBack = vi.fn();
    setup(settings(), { onBack, backLabel: 'Previous step', secondaryAction: <a href="/later">Skip for now</a> });
    fireEvent.click(screen.getByRole('button', { name: 'Previous step' }));
    expect(onBack).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('link', { name: 'Skip for now' })).toBeTruthy();
  });
});
