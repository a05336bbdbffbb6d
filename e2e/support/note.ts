import { test } from '@playwright/test';

/** A measurement worth keeping: a test annotation (HTML/JSON reports) and a line in the output. */
export function note(type: string, description: string) {
  test.info().annotations.push({ type, description });
  console.log(`${test.info().title.slice(0, 40)}… ${type}: ${description}`);
}
