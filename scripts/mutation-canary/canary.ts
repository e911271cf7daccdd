import { BlockList } from 'node:net';

/**
 * The mutation-testing canary: a module whose mutants have known fates, mutated before every
 * `npm run test:mutation` so a broken Stryker/vitest pairing shows up as a failed run instead of as scores.
 * `scripts/mutation.mjs` checks each expectation below; the reason for each is next to its line.
 */

// Evaluated once, while the test file loads. Killed only when Stryker activates static mutants before the module
// is imported (its core plans them as "runtime" when the global test filter is set; see stryker.config.mjs).
const GREETING = 'hello';

// Mutating 'ipv4' makes `addSubnet` throw while the module loads, so the test file cannot load at all:
// that must never count as a surviving (or passing) mutant.
const PRIVATE = new BlockList();
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');

export function greet(name: string): string {
  return `${GREETING}, ${name}`;
}

/** Runs only inside a nested `describe`: killed only when the runner's test names match vitest's `a > b > c`. */
export function isAdult(age: number): boolean {
  return age >= 18;
}

export function isPrivate(address: string): boolean {
  return PRIVATE.check(address, 'ipv4');
}

/** Called by a test that asserts nothing about it: its mutants must survive (nothing may loosen "killed"). */
export function unchecked(label: string): string {
  return label.toUpperCase();
}
