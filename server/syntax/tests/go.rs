//! The Go code model, case by case.

mod common;

use expect_test::{Expect, expect};
use syntax::Language;

fn check(file_name: &str, src: &str, expect: Expect) {
    expect.assert_eq(&common::render(Language::Go, file_name, src));
}

#[test]
fn functions_methods_receivers_and_docs() {
    check(
        "shop/cart.go",
        r#"
// Package shop sells things.
package shop

// Total returns the sum of the items,
// with tax added.
func (c *Cart[T]) Total(tax float64, items ...Item) (float64, error) {
	return c.sum(items) * (1 + tax), nil
}

func (c Cart) sum(items []Item) float64 { return 0 }

// Unrelated comment.

func Discount(a, b int, name string) int {
	return helper(a) + b
}
"#,
        expect![[r#"
            method Cart.Total @7:19 cx=1 (tax: float64, items: ...Item) -> (float64, error) calls=[sum]
              doc: "Total returns the sum of the items,\nwith tax added."
            method Cart.sum @11:15 cx=1 (items: []Item) -> float64
            fn Discount @15:6 cx=1 (a: int, b: int, name: string) -> int calls=[helper]
        "#]],
    );
}

#[test]
fn complexity_counts_each_decision_point() {
    check(
        "shop/price.go",
        r#"
package shop

func Straight() int { return 1 }

func Branchy(a int, b bool, xs []int, v any, ch chan int) int {
	if a > 0 && b {        // if, &&
	} else if a < 0 || !b { // if, ||
	} else {
	}
	for i := 0; i < a; i++ {} // for
	for range xs {}           // for
	switch a {
	case 1, 2:                // case
	case 3:                   // case
	default:                  // not counted
	}
	switch v.(type) {
	case int:                 // case
	default:
	}
	select {
	case <-ch:                // case
	default:
	}
	f := func(x int) int {    // a func literal counts for the function it is in
		if x > 0 { return 1 } // if
		return 0
	}
	return f(a)
}
"#,
        expect![[r#"
            fn Straight @4:6 cx=1 () -> int
            fn Branchy @6:6 cx=12 (a: int, b: bool, xs: []int, v: any, ch: chan int) -> int calls=[f]
        "#]],
    );
}

#[test]
fn tests_subtests_benchmarks_fuzz_and_examples() {
    check(
        "shop/cart_test.go",
        r#"
package shop

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTotal(t *testing.T) {
	cases := []struct{ name string; in []Item; want float64 }{{"empty", nil, 0}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Total(tc.in); got != tc.want {
				t.Errorf("Total() = %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("literal name", func(t *testing.T) {
		assert.Equal(t, 1, Discount(1, 0, ""))
	})
}

func TestSlow(t *testing.T) {
	time.Sleep(10 * time.Millisecond)
	require.NoError(t, nil)
}

func TestNothing(t *testing.T) {
	Total(nil)
}

func TestSkipped(t *testing.T) {
	t.Skip("needs a database")
}

func TestSkippedNow(t *testing.T) {
	t.SkipNow()
}

func BenchmarkTotal(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Total(nil)
	}
}

func FuzzDiscount(f *testing.F) {
	f.Fuzz(func(t *testing.T, a int) { Discount(a, 0, "") })
}

func ExampleTotal() {
	fmt.Println(Total(nil))
	// Output: 0
}

func Testlowercase(t *testing.T) {}

func helper(t *testing.T) {}
"#,
        expect![[r#"
            fn TestTotal @12:6 cx=3 (t: *testing.T) calls=[Run, Total, Errorf, Run, Equal, Discount]
            fn TestSlow @26:6 cx=1 (t: *testing.T) calls=[Sleep, NoError]
            fn TestNothing @31:6 cx=1 (t: *testing.T) calls=[Total]
            fn TestSkipped @35:6 cx=1 (t: *testing.T) calls=[Skip]
            fn TestSkippedNow @39:6 cx=1 (t: *testing.T) calls=[SkipNow]
            fn BenchmarkTotal @43:6 cx=2 (b: *testing.B) calls=[Total]
            fn FuzzDiscount @49:6 cx=1 (f: *testing.F) calls=[Fuzz, Discount]
            fn ExampleTotal @53:6 cx=1 () calls=[Println, Total]
            fn Testlowercase @58:6 cx=1 (t: *testing.T)
            fn helper @60:6 cx=1 (t: *testing.T)
            test "TestTotal" @12:6 [go test] asserts=2 fn=TestTotal
            subtest "TestTotal > tc.name" @15:9 [go test] asserts=1 dynamic-name
            subtest "TestTotal > literal name" @21:8 [go test] asserts=1
            test "TestSlow" @26:6 [go test] asserts=1 fn=TestSlow sleep=time.Sleep@27:2
            test "TestNothing" @31:6 [go test] asserts=0 fn=TestNothing
            test "TestSkipped" @35:6 [go test] asserts=0 fn=TestSkipped skip("needs a database")@36:2
            test "TestSkippedNow" @39:6 [go test] asserts=0 fn=TestSkippedNow skip@40:2
            benchmark "BenchmarkTotal" @43:6 [go test] asserts=0 fn=BenchmarkTotal
            fuzz "FuzzDiscount" @49:6 [go test] asserts=0 fn=FuzzDiscount
            example "ExampleTotal" @53:6 [go test] asserts=0 fn=ExampleTotal
        "#]],
    );
}

#[test]
fn test_functions_outside_test_files_are_not_tests() {
    check(
        "shop/cart.go",
        r#"
package shop

import "testing"

func TestLooksLikeOne(t *testing.T) { t.Error("x") }
"#,
        expect![[r#"
            fn TestLooksLikeOne @6:6 cx=1 (t: *testing.T) calls=[Error]
        "#]],
    );
}
