import { test as base } from '@playwright/test';
import { AppShell } from './pages/app-shell';
import { DashboardPage } from './pages/dashboard-page';
import { SettingsPage } from './pages/settings-page';
import { SignInPage } from './pages/sign-in-page';
import { SignUpPage } from './pages/sign-up-page';

let counter = 0;

export const test = base.extend<{
  signUpPage: SignUpPage;
  signInPage: SignInPage;
  shell: AppShell;
  dashboard: DashboardPage;
  settings: SettingsPage;
  newUser: { name: string; email: string; password: string };
}>({
  signUpPage: async ({ page }, use) => use(new SignUpPage(page)),
  signInPage: async ({ page }, use) => use(new SignInPage(page)),
  shell: async ({ page }, use) => use(new AppShell(page)),
  dashboard: async ({ page }, use) => use(new DashboardPage(page)),
  settings: async ({ page }, use) => use(new SettingsPage(page)),
  newUser: async ({}, use) => {
    counter += 1;
    await use({ name: `Dana Test${counter}`, email: `dana.${Date.now()}.${counter}@example.com`, password: 'correct-horse-battery' });
  },
});

export { expect } from '@playwright/test';
