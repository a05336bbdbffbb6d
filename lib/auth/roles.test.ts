import { describe, expect, it } from 'vitest';
import { assignableRoles, canManage, canRemove } from './roles';

describe('workspace roles', () => {
  it('lets owners and admins manage, nobody else', () => {
    expect([canManage('owner'), canManage('admin'), canManage('agent'), canManage(undefined), canManage(null)]).toEqual([true, true, false, false, false]);
  });

  it.each([
    ['owner', 'owner', ['owner', 'admin', 'agent']],
    ['owner', 'agent', ['owner', 'admin', 'agent']],
    ['admin', 'owner', []],
    ['admin', 'admin', ['admin', 'agent']],
    ['admin', 'agent', ['admin', 'agent']],
    ['agent', 'agent', []],
    ['agent', 'admin', []],
  ] as const)('%s may give a current %s: %j', (actor, target, expected) => {
    expect(assignableRoles(actor, target)).toEqual(expected);
  });

  it.each([
    ['owner', 'owner', true],
    ['owner', 'admin', true],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
    ['admin', 'agent', true],
    ['agent', 'agent', false],
  ] as const)('%s removing a %s: %s', (actor, target, expected) => {
    expect(canRemove(actor, target)).toBe(expected);
  });
});
