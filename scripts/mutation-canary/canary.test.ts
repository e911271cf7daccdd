import { describe, expect, it } from 'vitest';
import { greet, isAdult, isPrivate, unchecked } from './canary.ts';

describe('canary', () => {
  it('greets', () => {
    expect(greet('ada')).toBe('hello, ada');
  });

  describe('age', () => {
    describe('at the boundary', () => {
      it('18 is adult, 17 is not', () => {
        expect(isAdult(18)).toBe(true);
        expect(isAdult(17)).toBe(false);
      });
    });
  });

  it('knows a private address', () => {
    expect(isPrivate('10.1.2.3')).toBe(true);
    expect(isPrivate('8.8.8.8')).toBe(false);
  });

  it('calls unchecked without looking at the result', () => {
    unchecked('x');
  });
});
