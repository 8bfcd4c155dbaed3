import { describe, expect, it } from 'vitest';
import { ExpressionBuilder } from '../../../functions/adapters/dynamodb/ExpressionBuilder.js';

describe('ExpressionBuilder', () => {
  it('is empty until a clause is added', () => {
    const e = new ExpressionBuilder();

    expect(e.updateExpression()).toBe('');
    expect(e.attributes()).toEqual({ ExpressionAttributeNames: {} });
  });

  it('joins SET, REMOVE and ADD clauses in that order, each with its own placeholders', () => {
    const e = new ExpressionBuilder()
      .add('count', { N: '1' })
      .remove('lease', 'error')
      .setValue('status', { S: 'QUEUED' })
      .setValue('skipped', undefined)
      .setIfAbsent('createdAt', { N: '5' })
      .setIfAbsent('unset', undefined);

    expect(e.updateExpression()).toBe(
      'SET #status = :v1, #createdAt = if_not_exists(#createdAt, :v2) REMOVE #lease, #error ADD #count :v0',
    );
    expect(e.attributes()).toEqual({
      ExpressionAttributeNames: {
        '#count': 'count',
        '#lease': 'lease',
        '#error': 'error',
        '#status': 'status',
        '#createdAt': 'createdAt',
      },
      ExpressionAttributeValues: { ':v0': { N: '1' }, ':v1': { S: 'QUEUED' }, ':v2': { N: '5' } },
    });
  });

  it('writes a clause alone without stray separators', () => {
    expect(new ExpressionBuilder().remove('a').updateExpression()).toBe('REMOVE #a');
    expect(new ExpressionBuilder().add('a', { N: '2' }).updateExpression()).toBe('ADD #a :v0');
    expect(
      new ExpressionBuilder().add('a', { N: '2' }).add('b', { N: '3' }).updateExpression(),
    ).toBe('ADD #a :v0, #b :v1');
    expect(new ExpressionBuilder().setValue('a', { S: 'x' }).updateExpression()).toBe(
      'SET #a = :v0',
    );
  });

  it('hands out a fresh value placeholder each time, even for the same value', () => {
    const e = new ExpressionBuilder();

    expect([e.value({ N: '1' }), e.value({ N: '1' })]).toEqual([':v0', ':v1']);
  });

  it('refuses an attribute name that is not a plain identifier', () => {
    const e = new ExpressionBuilder();

    expect(() => e.name('a b')).toThrow('invalid attribute name: a b');
    expect(() => e.name('1a')).toThrow('invalid attribute name');
    expect(e.name('a_1')).toBe('#a_1');
  });
});
