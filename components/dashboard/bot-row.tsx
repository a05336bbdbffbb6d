import Link from 'next/link';
import { StatusBadge } from '@/components/bots/status-badge';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import styles from './dashboard.module.css';
import { RelativeTime } from './relative-time';

interface BotRowProps {
  bot: BotView;
  /** The list's shared clock (ms), so every "2 min ago" ticks together from one timer. */
  now: number;
  /** Messages in and out over the last 24 hours; a dash when unknown (never a made-up 0). */
  messagesToday?: number | null;
  /** Owners and admins link, log out and delete; agents only open the bot (read-only). */
  canManage: boolean;
  onLogout: (bot: BotView) => void;
  onDelete: (bot: BotView) => void;
}

/** Stored as digits with the country code (WhatsApp's JID user part). */
function formatPhone(phone: string): string {
  return phone.startsWith('+') ? phone : `+${phone}`;
}

/** Only QR-linked bots have a WhatsApp device to link, relink or log out; Cloud API bots do not. */
function linksByQr(bot: BotView): boolean {
  return bot.channel === 'whatsapp_web';
}

/**
 * One bot in the dashboard table. Every action's accessible name starts with its visible
 * label and adds the bot's name ("Delete Support bot"), so a screen reader's list of buttons
 * is not seven identical "Delete"s.
 */
export function BotRow({ bot, now, messagesToday, canManage, onLogout, onDelete }: BotRowProps) {
  const connected = bot.status === 'CONNECTED';
  const canLogOut = canManage && linksByQr(bot) && (connected || bot.status === 'RECONNECTING');
  // Once a bot has been linked, linking again is a "relink" (same page, different expectation).
  const linkLabel = bot.lastConnectedAt || bot.status === 'LOGGED_OUT' ? 'Relink' : 'Link WhatsApp';

  return (
    <tr data-testid="bot-row" data-bot-id={bot.id}>
      <th scope="row">
        <Link className={styles.name} href={`/bots/${bot.id}`}>
          {bot.name}
        </Link>
        {bot.description ? <span className={styles.description}>{bot.description}</span> : null}
      </th>
      <td>
        <StatusBadge status={bot.status} testId="bot-status" />
      </td>
      <td className={styles.nowrap}>{bot.phoneNumber ? formatPhone(bot.phoneNumber) : <span className="muted">—</span>}</td>
      <td>{bot.displayName ?? <span className="muted">—</span>}</td>
      <td className={styles.nowrap} data-testid="bot-last-connected">
        {bot.lastConnectedAt ? <RelativeTime iso={bot.lastConnectedAt} now={now} /> : <span className="muted">Never</span>}
      </td>
      <td className={styles.number} data-testid="bot-messages-today">
        {typeof messagesToday === 'number' ? (
          messagesToday.toLocaleString()
        ) : (
          <span className="muted">
            <span aria-hidden="true">—</span>
            <span className="visually-hidden">Not available yet</span>
          </span>
        )}
      </td>
      <td>
        <div className={styles.actions}>
          <Link className="button button--secondary" href={`/bots/${bot.id}`} aria-label={`Open ${bot.name}`}>
            Open
          </Link>
          {canManage && linksByQr(bot) && !connected ? (
            <Link className="button button--secondary" href={`/bots/${bot.id}/link`} aria-label={`${linkLabel} ${bot.name}`}>
              {linkLabel}
            </Link>
          ) : null}
          {bot.channel === 'cloud_api' && !connected ? (
            <Link className="button button--secondary" href={`/bots/${bot.id}/link`} aria-label={`Set up Cloud API for ${bot.name}`}>
              Set up Cloud API
            </Link>
          ) : null}
          {canLogOut ? (
            <button type="button" className="button button--ghost" onClick={() => onLogout(bot)} aria-label={`Log out ${bot.name}`}>
              Log out
            </button>
          ) : null}
          {canManage ? (
            <button type="button" className="button button--ghost" onClick={() => onDelete(bot)} aria-label={`Delete ${bot.name}`}>
              Delete
            </button>
          ) : null}
        </div>
      </td>
    </tr>
  );
}
