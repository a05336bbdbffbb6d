import { env, type Env } from '@/lib/env';

/**
 * What the browser needs to sign in with the active provider. Built on the server from the
 * validated environment at request time and handed to client components as props, so one build
 * runs with any provider (nothing provider-specific is inlined into the bundle).
 */
export type ClientAuthConfig =
  | { provider: 'local' }
  | { provider: 'clerk'; publishableKey: string }
  | { provider: 'firebase'; firebase: FirebaseWebConfig; google: boolean };

export interface FirebaseWebConfig {
  apiKey: string;
  authDomain: string;
  projectId: string;
}

export function clientAuthConfig(e: Env = env()): ClientAuthConfig {
  switch (e.AUTH_PROVIDER) {
    case 'clerk':
      return { provider: 'clerk', publishableKey: e.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY! };
    case 'firebase': {
      const projectId = e.FIREBASE_PROJECT_ID!;
      return {
        provider: 'firebase',
        firebase: { apiKey: e.NEXT_PUBLIC_FIREBASE_API_KEY!, authDomain: e.NEXT_PUBLIC_FIREBASE_AUTH_DOMAIN ?? `${projectId}.firebaseapp.com`, projectId },
        google: e.FIREBASE_GOOGLE_SIGN_IN,
      };
    }
    default:
      return { provider: 'local' };
  }
}
