import { describe, expect, it } from '@jest/globals';
import { inspectInput } from './input-guard.js';

const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe('inspectInput', () => {
  it('accepts ordinary bodies, NUL-free text, and nesting up to the limit', () => {
    expect(inspectInput({ entries: [{ kpiKey: 'selling', rating: 3, comment: '签约 🌟' }], version: 2 }, 32)).toBeNull();
    expect(inspectInput(nested(31), 32)).toBeNull();
    expect(inspectInput(undefined, 32)).toBeNull();
    expect(inspectInput('plain', 32)).toBeNull();
  });

  it('names where nesting passes the limit, without recursing (2,000 and 200,000 levels)', () => {
    expect(inspectInput(nested(33), 32)).toEqual({ kind: 'depth', field: `${'[0]'.repeat(32)}`, maxDepth: 32 });
    expect(inspectInput({ a: { b: nested(2000) } }, 4)).toEqual({ kind: 'depth', field: 'a.b[0][0]', maxDepth: 4 });
    expect(inspectInput(nested(200_000), 32)?.kind).toBe('depth');
  });

  it('names the field holding a NUL, in values and in keys', () => {
    expect(inspectInput({ name: 'ok', entries: [{ comment: 'a\u0000b' }] }, 32)).toEqual({ kind: 'nul', field: 'entries[0].comment' });
    expect(inspectInput({ q: '\u0000' }, 32)).toEqual({ kind: 'nul', field: 'q' });
    expect(inspectInput({ ['x\u0000y']: 1 }, 32)).toEqual({ kind: 'nul', field: 'x\\u0000y' });
    expect(inspectInput('\u0000', 32, 'email')).toEqual({ kind: 'nul', field: 'email' });
  });

  it('names prototype keys at any depth', () => {
    expect(inspectInput(JSON.parse('{"a":{"__proto__":{"admin":true}}}'), 32)).toEqual({ kind: 'prototype', field: 'a.__proto__' });
    expect(inspectInput({ list: [{ constructor: 1 }] }, 32)).toEqual({ kind: 'prototype', field: 'list[0].constructor' });
  });
});
