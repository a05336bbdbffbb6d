import type { Metadata } from 'next';
import Link from 'next/link';
import { AcceptInviteButton } from '@/components/invites/accept-invite-button';
import { OpenWorkspaceButton } from '@/components/invites/open-workspace-button';
import { SwitchAccountButton } from '@/components/invites/switch-account-button';
import { clientAuthConfig } from '@/lib/auth/client-auth-config';
import { currentAccount } from '@/lib/auth/current-principal';
import { invitePath } from '@/lib/auth/invite-token';
import { ROLE_LABEL } from '@/lib/auth/roles';
import { getInvitePreview, type InvitePreview } from '@/lib/services/invites/get-invite-preview';

// The link is a secret: never sent on as a Referer, never indexed.
export const metadata: Metadata = { title: 'Invitation', referrer: 'no-referrer', robots: { index: false, follow: false } };

const PROBLEM_TITLE: Record<NonNullable<InvitePreview['problem']>, string> = {
  expired: 'This invitation has expired',
  revoked: 'This invitation was withdrawn',
  used: 'This invitation has already been used',
};

/**
 * /invite/{token}: whose workspace, who invited whom, and the one next step — accept (signed in
 * with the invited address), sign in or create an account first (coming back here afterwards),
 * or switch accounts. Expired, used, withdrawn and unknown links each say so.
 */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [preview, current] = await Promise.all([getInvitePreview({ token }), currentAccount()]);
  const here = invitePath(token);
  const home = current ? '/dashboard' : '/sign-in';

  let body;
  if (!preview) {
    body = (
      <>
        <h1>Invitation not found</h1>
        <p className="muted">This invitation link is not valid. Check that you copied all of it, or ask for a new one.</p>
        <Link className="button button--block" href={home}>
          Go to Parley
        </Link>
      </>
    );
  } else if (preview.problem) {
    body = (
      <>
        <h1>{PROBLEM_TITLE[preview.problem]}</h1>
        <p className="muted">
          {preview.problem === 'used'
            ? `It was accepted already. If that was you, ${preview.workspaceName} is in your workspace menu.`
            : `Ask ${preview.inviterName ?? `an owner or admin of ${preview.workspaceName}`} for a new link.`}
        </p>
        <Link className="button button--block" href={home}>
          Go to Parley
        </Link>
      </>
    );
  } else {
    const intro = (
      <>
        <h1>Join {preview.workspaceName}</h1>
        <p className="muted" data-testid="invite-summary">
          {preview.inviterName ?? 'Someone'} invited <strong>{preview.email}</strong> to join <strong>{preview.workspaceName}</strong> as{' '}
          an <strong>{ROLE_LABEL[preview.role]}</strong>.
        </p>
      </>
    );
    const member = current?.account.workspaces.find((w) => w.id === preview.workspaceId);
    if (!current) {
      const next = encodeURIComponent(here);
      body = (
        <>
          {intro}
          <p className="muted">Sign in or create an account with {preview.email} to accept.</p>
          <div className="invite-page__actions">
            <Link className="button button--block" href={`/sign-in?next=${next}`}>
              Sign in to accept
            </Link>
            <Link className="button button--secondary button--block" href={`/sign-up?next=${next}`}>
              Create an account
            </Link>
          </div>
        </>
      );
    } else if (member) {
      body = (
        <>
          {intro}
          <p className="alert alert--success" role="status">
            You are already a member of {preview.workspaceName}.
          </p>
          <OpenWorkspaceButton workspaceId={preview.workspaceId} workspaceName={preview.workspaceName} />
        </>
      );
    } else if (current.account.user.email !== preview.email) {
      body = (
        <>
          {intro}
          <p className="alert alert--error" role="alert">
            This invitation is for {preview.email}, but you are signed in as {current.account.user.email}.
          </p>
          {clientAuthConfig().provider === 'local' ? (
            <SwitchAccountButton next={here} />
          ) : (
            <p className="muted">
              Sign out from the <Link href="/dashboard">app header</Link>, then sign in with {preview.email} and open this link again.
            </p>
          )}
        </>
      );
    } else {
      body = (
        <>
          {intro}
          <AcceptInviteButton token={token} workspaceName={preview.workspaceName} />
        </>
      );
    }
  }

  return (
    <main className="auth">
      <div className="auth__card">
        <Link href="/" className="auth__brand">
          <span className="brand-mark" aria-hidden="true">
            P
          </span>{' '}
          Parley
        </Link>
        {body}
      </div>
    </main>
  );
}
