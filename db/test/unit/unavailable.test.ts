import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { isDatabaseUnavailable, retryWhileUnavailable } from '../../src/unavailable.ts';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('knows the server going away, not being up yet, and connections refused or cut', () => {
    for (const e of [
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('57P03', 'the database system is starting up'),
      pgError('08006'),
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')], ''),
      Object.assign(new Error('wrapped'), { cause: pgError('57P01') }),
    ]) {
      assert.equal(isDatabaseUnavailable(e), true, String((e as Error).message));
    }
  });

  it('leaves query errors and everything else alone', () => {
    for (const e of [pgError('23505', 'duplicate key'), pgError('42P01', 'relation does not exist'), new Error('boom'), 'ECONNREFUSED', null, undefined]) {
      assert.equal(isDatabaseUnavailable(e), false, String(e));
    }
  });

  it('retries a write while the database is unavailable, not when the write itself is wrong', async () => {
    let tries = 0;
    const value = await retryWhileUnavailable(async () => {
      if (++tries < 3) throw pgError('57P03', 'the database system is starting up');
      return 'stored';
    }, 10_000);
    assert.deepEqual([value, tries], ['stored', 3]);
    let wrong = 0;
    await assert.rejects(retryWhileUnavailable(async () => {
      wrong++;
      throw pgError('23505', 'duplicate key');
    }, 10_000), /duplicate key/);
    assert.equal(wrong, 1);
    await assert.rejects(retryWhileUnavailable(async () => {
      throw pgError('ECONNREFUSED', 'still down');
    }, 100), /still down/);
  });
});
