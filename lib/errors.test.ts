import { describe, expect, it } from 'vitest';
import { AppError, ERROR_STATUS, errorBody, toAppError } from './errors';

describe('error mapping', () => {
  it.each(Object.entries(ERROR_STATUS))('%s maps to HTTP %i', (code, status) => {
    expect(new AppError(code as keyof typeof ERROR_STATUS, 'm').status).toBe(status);
  });

  it('turns unknown errors into a generic 500 that does not leak the original message', () => {
    const internal = toAppError(new Error('connection string postgres://secret@db failed'));
    expect(internal.code).toBe('internal');
    expect(internal.status).toBe(500);
    expect(JSON.stringify(errorBody(internal))).not.toContain('secret');
  });

  it('keeps AppErrors as they are', () => {
    const e = new AppError('conflict', 'taken');
    expect(toAppError(e)).toBe(e);
    expect(errorBody(e)).toEqual({ error: { code: 'conflict', message: 'taken' } });
  });

  it('includes details only when present', () => {
    const e = new AppError('validation_failed', 'bad', { details: [{ path: 'email', message: 'bad' }] });
    expect(errorBody(e).error.details).toEqual([{ path: 'email', message: 'bad' }]);
  });
});
