/**
 * The contract repeats a few of the database's value sets because the web bundle must not
 * import @proctor/db; these checks keep the copies equal.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VIOLATION_WEIGHTS, VIOLATION_TYPES } from '@proctor/db';
import { ADMIN_DEFAULT_WEIGHTS, ADMIN_VIOLATION_TYPES } from '../src/contract/api/admin.ts';

describe('contract copies of database value sets', () => {
  it('has the same violation types and default weights', () => {
    assert.deepEqual([...ADMIN_VIOLATION_TYPES].sort(), [...VIOLATION_TYPES].sort());
    assert.deepEqual(ADMIN_DEFAULT_WEIGHTS, DEFAULT_VIOLATION_WEIGHTS);
  });
});
