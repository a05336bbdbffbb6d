// How the bot page words a session's status history.

// Reasons the engines report (server/whatsapp); "code: explanation" reasons are keyed by code.
const REASON_LABEL: Record<string, string> = {
  paired: 'Phone accepted the link',
  restart_required: 'WhatsApp restarted the session',
  logged_out: 'Logged out from the phone',
  user_logout: 'Logged out from Parley',
  qr_timeout: 'QR code expired before a scan',
  connection_lost: 'Connection lost',
  connection_failed: 'Connection failed',
  connection_replaced: 'Opened on another computer',
  whatsapp_unreachable: 'WhatsApp unreachable',
  whatsapp_version_outdated: 'WhatsApp Web version outdated',
  forbidden: 'WhatsApp refused this account',
  server_restarted: 'Parley restarted',
};

export function reasonText(reason: string): string {
  const code = reason.split(':')[0]?.trim() ?? reason;
  return REASON_LABEL[code] ?? reason.replaceAll('_', ' ');
}

/** To the second: one linking writes several rows within a second or two. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
