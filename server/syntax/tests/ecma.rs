//! The JavaScript and TypeScript code model, case by case.

mod common;

use expect_test::{Expect, expect};
use syntax::Language;

fn check(language: Language, file_name: &str, src: &str, expect: Expect) {
    expect.assert_eq(&common::render(language, file_name, src));
}

#[test]
fn javascript_functions_methods_and_arrows() {
    check(
        Language::JavaScript,
        "src/cart.js",
        r#"
/**
 * Sums the cart.
 * @example total([1, 2]) // 3
 */
export function total(items, { tax = 0 } = {}, ...rest) {
  return items.reduce((a, b) => a + b, 0) * (1 + tax);
}

// not JSDoc
const double = x => x * 2;
const half = function (x) { return x / 2; };

class Cart extends Base {
  add(item, qty = 1) { this.items.push(item); }
  handle = (event) => { this.add(event.item); };
  static create() { return new Cart(); }
}

module.exports = { total, double };
"#,
        expect![[r#"
            fn total @6:17 cx=1 (items, { tax = 0 }, ...rest) calls=[reduce]
              doc: "Sums the cart.\n@example total([1, 2]) // 3"
            fn double @11:7 cx=1 (x)
            fn half @12:7 cx=1 (x)
            method Cart.add @15:3 cx=1 (item, qty) calls=[push]
            method Cart.handle @16:3 cx=1 (event) calls=[add]
            method Cart.create @17:10 cx=1 () calls=[Cart]
            suite Class "Cart" @14:7
        "#]],
    );
}

#[test]
fn typescript_types_and_return_types() {
    check(
        Language::TypeScript,
        "src/cart.ts",
        r#"
export function total(items: number[], tax?: number, ...rest: string[]): number {
  return 0;
}
export const mul = (a: number, b = 2): number => a * b;
export abstract class Shape {
  abstract area(): number;
  scale(by: number): Shape { return this; }
  private onResize = (w: number): void => {};
}
"#,
        expect![[r#"
            fn total @2:17 cx=1 (items: number[], tax: number, ...rest: string[]) -> number
            fn mul @5:14 cx=1 (a: number, b) -> number
            method Shape.scale @8:3 cx=1 (by: number) -> Shape
            method Shape.onResize @9:11 cx=1 (w: number) -> void
            suite Class "Shape" @6:23
        "#]],
    );
}

#[test]
fn complexity_counts_each_decision_point() {
    check(
        Language::TypeScript,
        "src/price.ts",
        r#"
export function straight() { return 1; }

export function branchy(a: number, b: boolean, xs: number[], o: object): number {
  if (a > 0 && b) {                  // if, &&
  } else if (a < 0 || !b) {          // if, ||
  }
  for (let i = 0; i < a; i++) {}     // for
  for (const x of xs) {}             // for-of
  for (const k in o) {}              // for-in
  while (a > 9) { a--; }             // while
  do { a++; } while (a < 0);         // do-while
  switch (a) {
    case 1:                          // case
    case 2: break;                   // case
    default: break;                  // not counted
  }
  try { JSON.parse("x"); } catch (e) {} finally {} // catch
  const c = a > 1 ? 1 : 2;           // ?:
  const d = o ?? {};                 // ??
  b ||= true;                        // ||=
  xs.forEach((x) => { if (x) {} });  // a callback's if counts here
  return c;
}
"#,
        expect![[r#"
            fn straight @2:17 cx=1 ()
            fn branchy @4:17 cx=17 (a: number, b: boolean, xs: number[], o: object) -> number calls=[parse, forEach]
        "#]],
    );
}

#[test]
fn vitest_suites_tests_markers_and_smells() {
    check(
        Language::TypeScript,
        "src/cart.test.ts",
        r#"
import { describe, it, test, expect, vi } from 'vitest';
import { total } from './cart';

describe('Cart', () => {
  it('adds two numbers', () => {
    expect(total([1, 2])).toBe(3);
  });

  describe('with tax', () => {
    it.each([[1, 1.2], [2, 2.4]])('taxes %i', (a, b) => {
      expect(total([a], { tax: 0.2 })).toBeCloseTo(b);
    });
  });

  it('waits', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(total([])).toBe(0);
  });

  it('checks nothing', () => {
    total([1]);
  });

  it('throws', () => {
    expect(() => total(null)).toThrow();
  });

  // reason: the tax table is being rewritten
  it.skip('skipped with a reason', () => {
    expect(1).toBe(2);
  });

  it.skip('skipped without one', () => {
    expect(1).toBe(2);
  });

  it.todo('handles refunds');

  test.skipIf(process.env.CI)('local only', () => { expect(1).toBe(1); });

  it(`dynamic ${name}`, () => { expect(1).toBe(1); });
});
"#,
        expect![[r#"
            test "Cart > adds two numbers" @6:6 [vitest] asserts=1
            test "Cart > with tax > taxes %i" @11:35 [vitest] asserts=1 parametrized
            test "Cart > waits" @16:6 [vitest] asserts=1 sleep=setTimeout@17:11
            test "Cart > checks nothing" @21:6 [vitest] asserts=0
            test "Cart > throws" @25:6 [vitest] asserts=1 expects-failure
            test "Cart > skipped with a reason" @30:11 [vitest] asserts=1 skip("the tax table is being rewritten")@30:6
            test "Cart > skipped without one" @34:11 [vitest] asserts=1 skip@34:6
            test "Cart > handles refunds" @38:11 [vitest] asserts=0 todo@38:6 no-body
            test "Cart > local only" @40:31 [vitest] asserts=1
            test "Cart > dynamic ${name}" @42:6 [vitest] asserts=1 dynamic-name
            suite Describe "Cart" @5:10 tests
            suite Describe "Cart > with tax" @10:12 tests
        "#]],
    );
}

#[test]
fn focused_tests_and_suites_in_jest() {
    check(
        Language::JavaScript,
        "__tests__/focus.test.js",
        r#"
const { total } = require('../src/cart');

describe.only('focused suite', () => {
  it('inside', () => { expect(total([])).toBe(0); });
});

fdescribe('jasmine focus', () => {
  fit('focused too', () => { expect(1).toBe(1); });
});

xdescribe('skipped suite', () => {
  it('never', () => { expect(1).toBe(1); });
});

test.only('focused test', () => {
  expect(total([1])).toBe(1);
});

[1, 2].forEach((n) => {
  describe(`case ${n}`, () => {
    it('loops', () => { expect(n).toBeGreaterThan(0); });
  });
});
"#,
        expect![[r#"
            test "focused suite > inside" @5:6 [describe/it] asserts=1
            test "jasmine focus > focused too" @9:7 [describe/it] asserts=1 focus@9:3
            test "skipped suite > never" @13:6 [describe/it] asserts=1
            test "focused test" @16:11 [describe/it] asserts=1 focus@16:6
            test "case ${n} > loops" @22:8 [describe/it] asserts=1
            suite Describe "focused suite" @4:15 tests focus@4:10
            suite Describe "jasmine focus" @8:11 tests focus@8:1
            suite Describe "skipped suite" @12:11 tests skip@12:1
            suite Describe "case ${n}" @21:12 tests
        "#]],
    );
}

#[test]
fn node_test_runner() {
    check(
        Language::JavaScript,
        "test/cart.test.mjs",
        r#"
import { test, describe, it } from 'node:test';
import assert from 'node:assert/strict';

test('top level', async (t) => {
  await t.test('subtest', () => {
    assert.equal(1, 1);
  });
});

test('skipped by option', { skip: 'not on windows' }, () => {
  assert.ok(true);
});

test('skips itself', (t) => {
  t.skip('later');
});

describe('suite', () => {
  it('works', () => { assert.strictEqual(2, 2); });
});
"#,
        expect![[r#"
            test "top level" @5:6 [node:test] asserts=1
            subtest "top level > subtest" @6:16 [node:test] asserts=1
            test "skipped by option" @11:6 [node:test] asserts=1 skip("not on windows")@11:29
            test "skips itself" @15:6 [node:test] asserts=0 skip("later")@16:3
            test "suite > works" @20:6 [node:test] asserts=1
            suite Describe "suite" @19:10 tests
        "#]],
    );
}
