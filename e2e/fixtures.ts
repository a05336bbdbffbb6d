import { test as base } from '@playwright/test';
import { AppShell } from './pages/app-shell';
import { BotPage } from './pages/bot-page';
import { DashboardPage } from './pages/dashboard-page';
import { LinkStep } from './pages/link-step';
import { SettingsPage } from './pages/settings-page';
import { SignInPage } from './pages/sign-in-page';
import { SignUpPage } from './pages/sign-up-page';
import { WizardPage } from './pages/wizard-page';

let counter = 0;

/** A fresh account's details (unique email per call). */
export function makeUser(first = 'Dana') {
  counter += 1;
  return { name: `${first} Test${counter}`, email: `${first.toLowerCase()}.${Date.now()}.${counter}@example.com`, password: 'correct-horse-battery' };
}

export const test = base.extend<{
  signUpPage: SignUpPage;
  signInPage: SignInPage;
  shell: AppShell;
  dashboard: DashboardPage;
  settings: SettingsPage;
  wizard: WizardPage;
  linkStep: LinkStep;
  botPage: BotPage;
  newUser: { name: string; email: string; password: string };
}>({
  signUpPage: async ({ page }, use) => use(new SignUpPage(page)),
  signInPage: async ({ page }, use) => use(new SignInPage(page)),
  shell: async ({ page }, use) => use(new AppShell(page)),
  dashboard: async ({ page }, use) => use(new DashboardPage(page)),
  settings: async ({ page }, use) => use(new SettingsPage(page)),
  wizard: async ({ page }, use) => use(new WizardPage(page)),
  linkStep: async ({ page }, use) => use(new LinkStep(page)),
  botPage: async ({ page }, use) => use(new BotPage(page)),
  newUser: async ({}, use) => use(makeUser()),
});

export { expect } from '@playwright/test';
