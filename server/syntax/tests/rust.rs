//! The Rust code model, case by case.

mod common;

use expect_test::{Expect, expect};
use syntax::Language;

fn check(src: &str, expect: Expect) {
    expect.assert_eq(&common::render(Language::Rust, "src/lib.rs", src));
}

#[test]
fn functions_with_params_return_types_and_docs() {
    check(
        r#"
/// Adds two numbers.
/// Wraps on overflow.
#[inline]
pub fn add(a: i32, b: &mut Vec<u8>) -> Option<i32> {
    helper(a);
    Some(a)
}

// Not a doc comment.
fn helper(x: i32) {}
"#,
        expect![[r#"
            fn add @5:8 cx=1 (a: i32, b: &mut Vec<u8>) -> Option<i32> calls=[helper, Some]
              doc: "Adds two numbers.\nWraps on overflow."
            fn helper @11:4 cx=1 (x: i32)
        "#]],
    );
}

#[test]
fn complexity_counts_each_decision_point() {
    check(
        r#"
fn straight() -> u8 { 1 }

fn branches(a: i32, b: bool, v: Vec<i32>) -> i32 {
    if a > 0 && b {            // if, &&
        return 1;
    } else if a < -5 || !b {   // if, ||
        return 2;
    }
    for x in &v {}             // for
    while a > 3 {}             // while
    loop { break; }            // not a decision
    let r: Result<i32, ()> = Ok(1);
    let _ = r?;                // `?` is not a branch
    match a {
        1 | 2 => 1,            // arm
        n if n > 9 => 2,       // arm, guard
        _ => 3,                // catch-all: not counted
    }
}

fn let_chains(x: Option<i32>, y: bool) {
    if let Some(v) = x && y {} // if, &&
    let f = |z: i32| if z > 0 { 1 } else { 0 }; // a closure's ifs count for the function
}
"#,
        expect![[r#"
            fn straight @2:4 cx=1 () -> u8
            fn branches @4:4 cx=10 (a: i32, b: bool, v: Vec<i32>) -> i32 calls=[Ok]
            fn let_chains @22:4 cx=4 (x: Option<i32>, y: bool)
        "#]],
    );
}

#[test]
fn methods_are_named_after_their_impl_and_modules() {
    check(
        r#"
struct Cart;
impl Cart {
    pub fn total(&self, tax: f64) -> f64 { 0.0 }
}
impl std::fmt::Display for Cart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) }
}
trait Priced {
    fn price(&self) -> u32 { 0 }
}
mod pricing {
    pub fn discount(p: u32) -> u32 {
        fn inner(q: u32) -> u32 { if q > 1 { q } else { 1 } }
        inner(p)
    }
}
"#,
        expect![[r#"
            method Cart::total @4:12 cx=1 (&self, tax: f64) -> f64
            method Cart::fmt @7:8 cx=1 (&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result calls=[Ok]
            method Priced::price @10:8 cx=1 (&self) -> u32
            fn pricing::discount @13:12 cx=1 (p: u32) -> u32 calls=[inner]
            fn pricing::discount::inner @14:12 cx=2 (q: u32) -> u32
            suite Impl "Cart" @3:6
            suite Impl "Cart" @6:28
            suite Trait "Priced" @9:7
            suite Module "pricing" @12:5
        "#]],
    );
}

#[test]
fn tests_in_cfg_test_modules_with_every_attribute() {
    check(
        r#"
pub fn add(a: i32, b: i32) -> i32 { a + b }

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        assert_eq!(add(2, 3), 5);
        assert!(add(0, 0) == 0, "zero");
    }

    #[tokio::test]
    async fn adds_later() {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        assert_eq!(add(1, 1), 2);
    }

    #[test]
    #[ignore = "needs a network"]
    fn online() { assert!(true); }

    #[test]
    #[ignore]
    fn skipped_without_reason() { assert!(true); }

    #[test]
    #[should_panic(expected = "overflow")]
    fn overflows() { add(i32::MAX, 1); }

    #[test]
    fn sleeps_then_checks() {
        std::thread::sleep(std::time::Duration::from_millis(50));
        thread::sleep(d);
        assert_sum(add(1, 2));
    }

    #[test]
    fn asserts_nothing() {
        let _ = add(1, 2);
    }

    #[rstest]
    #[case(1, 2)]
    #[case(2, 3)]
    fn cases(#[case] a: i32, #[case] b: i32) { assert!(a < b); }

    #[bench]
    fn bench_add(b: &mut Bencher) { b.iter(|| add(1, 2)); }

    fn assert_sum(x: i32) { assert!(x > 0); }
}
"#,
        expect![[r#"
            fn add @2:8 cx=1 (a: i32, b: i32) -> i32
            fn tests::adds @9:8 cx=1 () calls=[add, add]
            fn tests::adds_later @15:14 cx=1 () calls=[sleep, from_millis, add]
            fn tests::online @22:8 cx=1 ()
            fn tests::skipped_without_reason @26:8 cx=1 ()
            fn tests::overflows @30:8 cx=1 () calls=[add]
            fn tests::sleeps_then_checks @33:8 cx=1 () calls=[sleep, from_millis, sleep, assert_sum, add]
            fn tests::asserts_nothing @40:8 cx=1 () calls=[add]
            fn tests::cases @47:8 cx=1 (a: i32, b: i32)
            fn tests::bench_add @50:8 cx=1 (b: &mut Bencher) calls=[iter, add]
            fn tests::assert_sum @52:8 cx=1 (x: i32)
            test "tests > adds" @9:8 [rust test] asserts=2 fn=tests::adds
            test "tests > adds_later" @15:14 [tokio] asserts=1 fn=tests::adds_later sleep=tokio::time::sleep@16:9
            test "tests > online" @22:8 [rust test] asserts=1 fn=tests::online skip("needs a network")@21:5
            test "tests > skipped_without_reason" @26:8 [rust test] asserts=1 fn=tests::skipped_without_reason skip@25:5
            test "tests > overflows" @30:8 [rust test] asserts=0 fn=tests::overflows expects-failure
            test "tests > sleeps_then_checks" @33:8 [rust test] asserts=1 fn=tests::sleeps_then_checks sleep=std::thread::sleep@34:9 sleep=thread::sleep@35:9
            test "tests > asserts_nothing" @40:8 [rust test] asserts=0 fn=tests::asserts_nothing
            test "tests > cases" @47:8 [rstest] asserts=1 fn=tests::cases parametrized
            benchmark "tests > bench_add" @50:8 [rust test] asserts=0 fn=tests::bench_add
            suite Module "tests" @5:5 tests
        "#]],
    );
}

#[test]
fn integration_test_files_have_tests_outside_modules() {
    check(
        r#"
use mycrate::add;

#[test]
fn top_level() {
    insta::assert_snapshot!(add(1, 2).to_string());
}

#[test_case(1, 2 ; "small")]
#[test_case(5, 6 ; "large")]
fn cased(a: i32, b: i32) { pretty_assertions::assert_eq!(a + 1, b); }
"#,
        expect![[r#"
            fn top_level @5:4 cx=1 () calls=[add, to_string]
            fn cased @11:4 cx=1 (a: i32, b: i32)
            test "top_level" @5:4 [rust test] asserts=1 fn=top_level
            test "cased" @11:4 [test-case] asserts=1 fn=cased parametrized
        "#]],
    );
}

#[test]
fn syntax_errors_keep_the_valid_parts() {
    check(
        r#"
fn ok(a: i32) -> i32 { if a > 0 { 1 } else { 2 } }

fn broken(a: i32 {
    let x = ;
}

#[test]
fn still_here() { assert!(ok(1) == 1); }
"#,
        expect![[r#"
            (syntax errors)
            fn ok @2:4 cx=2 (a: i32) -> i32
            fn broken @4:4 cx=1 (a: i32)
            fn still_here @9:4 cx=1 () calls=[ok]
            test "still_here" @9:4 [rust test] asserts=1 fn=still_here
        "#]],
    );
}
