import { expect, test } from './fixtures';
import { AppShell } from './pages/app-shell';

test('sign up → empty dashboard with a live connection → sign out → back at sign-in', async ({ page, signUpPage, shell, dashboard, signInPage, newUser }) => {
  await signUpPage.goto();
  await signUpPage.signUp(newUser);

  await dashboard.expectEmpty();
  await shell.expectLive();
  await expect(shell.workspaceName()).toHaveText(`Dana's workspace`);

  await shell.signOut();
  await signInPage.expectVisible();

  // The signed-in area is closed again.
  await page.goto('/dashboard');
  await signInPage.expectVisible();
});

test('sign in: a wrong password is explained, the right one lands on the dashboard', async ({ page, signUpPage, signInPage, shell, dashboard, newUser }) => {
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
  await shell.signOut();
  await signInPage.expectVisible();

  await signInPage.signIn(newUser.email, 'not-my-password');
  await expect(signInPage.errorAlert()).toHaveText('Incorrect email or password.');
  await expect(page).toHaveURL(/\/sign-in/);

  await signInPage.signIn(newUser.email.toUpperCase(), newUser.password);
  await dashboard.expectEmpty();
  await shell.expectLive();
});

test('sign-up form explains invalid input before sending it', async ({ page, signUpPage }) => {
  await signUpPage.goto();
  await signUpPage.signUp({ name: 'Short', email: 'not-an-email', password: 'short' });
  await expect(page.getByText('Enter a valid email address.')).toBeVisible();
  await expect(page.getByText('Password must be at least 8 characters.')).toBeVisible();
  await expect(page.getByLabel('Email')).toBeFocused();
  await expect(page).toHaveURL(/\/sign-up/);
});

test('one WebSocket per tab across client-side navigation', async ({ page, signUpPage, shell, dashboard, newUser }) => {
  const sockets: string[] = [];
  page.on('websocket', (ws) => {
    if (ws.url().includes('/socket.io/')) sockets.push(ws.url());
  });
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();
  await shell.expectLive();

  for (let i = 0; i < 3; i++) {
    await shell.navigate('Inbox');
    await shell.navigate('Settings');
    await shell.navigate('Dashboard');
  }
  await shell.expectLive();
  expect(sockets).toHaveLength(1);
});

test('renaming the workspace updates another open tab live, without reload', async ({ context, signUpPage, dashboard, settings, shell, newUser }) => {
  await signUpPage.goto();
  await signUpPage.signUp(newUser);
  await dashboard.expectEmpty();

  const other = await context.newPage();
  const otherShell = new AppShell(other);
  await other.goto('/inbox');
  await otherShell.expectLive();

  await settings.goto();
  await settings.renameWorkspace('Front desk');
  await expect(otherShell.workspaceName()).toHaveText('Front desk');
  await expect(shell.workspaceName()).toHaveText('Front desk');
});
