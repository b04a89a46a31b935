//! The Python code model, case by case.

mod common;

use expect_test::{Expect, expect};
use syntax::Language;

fn check(src: &str, expect: Expect) {
    expect.assert_eq(&common::render(Language::Python, "tests/test_shop.py", src));
}

#[test]
fn functions_params_annotations_and_docstrings() {
    check(
        r#"
def total(items: list[int], tax: float = 0.2, *extra, discount=None, **options) -> float:
    """Sum the items.

    Tax is added last.
    """
    return helper(items) * (1 + tax)

async def fetch(url):
    # a comment is not a docstring
    return await get(url)

class Cart:
    """A cart."""
    def add(self, item: "Item") -> None:
        self.items.append(item)

    @staticmethod
    def empty() -> "Cart":
        return Cart()

    class Line:
        def price(self):
            return 1
"#,
        expect![[r#"
            fn total @2:5 cx=1 (items: list[int], tax: float, *extra, discount, **options) -> float calls=[helper]
              doc: "Sum the items.\n\nTax is added last."
            fn fetch @9:11 cx=1 (url) calls=[get]
            method Cart.add @15:9 cx=1 (self, item: "Item") -> None calls=[append]
            method Cart.empty @19:9 cx=1 () -> "Cart" calls=[Cart]
            method Cart.Line.price @23:13 cx=1 (self)
            suite Class "Cart" @13:7
            suite Class "Cart > Line" @22:11
        "#]],
    );
}

#[test]
fn complexity_counts_each_decision_point() {
    check(
        r#"
def straight():
    return 1

def branchy(a, b, xs):
    if a > 0 and b:                         # if, and
        pass
    elif a < 0 or not b:                    # elif, or
        pass
    else:
        pass
    for x in xs:                            # for
        while x:                            # while
            x -= 1
    ys = [y for y in xs if y]               # comprehension for, if
    z = 1 if a else 2                       # conditional expression
    try:
        pass
    except ValueError:                      # except
        pass
    except (KeyError, TypeError):           # except
        pass
    finally:
        pass
    match a:
        case 1 | 2:                         # case
            pass
        case n if n > 9:                    # case, guard
            pass
        case _:                             # catch-all: not counted
            pass

def outer(a):
    def inner(b):                           # a nested def has its own count
        return b if b else 0
    return [inner(x) for x in a]            # comprehension for
"#,
        expect![[r#"
            fn straight @2:5 cx=1 ()
            fn branchy @5:5 cx=15 (a, b, xs)
            fn outer @33:5 cx=2 (a) calls=[inner]
            fn outer.inner @34:9 cx=2 (b)
        "#]],
    );
}

#[test]
fn pytest_functions_classes_and_unittest() {
    check(
        r#"
import time
import asyncio
import unittest
import pytest
from time import sleep

from shop.cart import total

def test_total():
    assert total([1, 2]) == 3

@pytest.mark.parametrize("items,expected", [([1], 1), ([2, 3], 5)])
def test_total_cases(items, expected):
    assert total(items) == expected

def test_slow():
    time.sleep(0.05)
    sleep(1)
    assert total([]) == 0

async def test_async_wait():
    await asyncio.sleep(0.01)
    assert True

def test_nothing_checked():
    total([1])

def test_raises():
    with pytest.raises(TypeError):
        total(None)

@pytest.mark.skip
def test_skipped_bare():
    assert False

@pytest.mark.skip(reason="needs the network")
def test_skipped_with_reason():
    assert False

@pytest.mark.skipif(sys.platform == "win32", reason="posix only")
def test_posix():
    assert True

def test_skips_itself():
    pytest.skip("not today")

def helper_not_a_test():
    assert True

class TestCart:
    def test_add(self):
        cart = Cart()
        cart.add(1)
        assert cart.items == [1]

    def helper(self):
        pass

class CartTests(unittest.TestCase):
    def test_equal(self):
        self.assertEqual(total([1]), 1)

    def test_mock(self):
        m.assert_called_once_with(1)

    @unittest.skip("broken upstream")
    def test_skipped(self):
        self.fail("never")

class NotTests:
    def test_looks_like_one(self):
        assert True

def test_outer():
    def test_inner():
        assert True
    test_inner()
"#,
        expect![[r#"
            fn test_total @10:5 cx=1 () calls=[total]
            fn test_total_cases @14:5 cx=1 (items, expected) calls=[total]
            fn test_slow @17:5 cx=1 () calls=[sleep, sleep, total]
            fn test_async_wait @22:11 cx=1 () calls=[sleep]
            fn test_nothing_checked @26:5 cx=1 () calls=[total]
            fn test_raises @29:5 cx=1 () calls=[raises, total]
            fn test_skipped_bare @34:5 cx=1 ()
            fn test_skipped_with_reason @38:5 cx=1 ()
            fn test_posix @42:5 cx=1 ()
            fn test_skips_itself @45:5 cx=1 () calls=[skip]
            fn helper_not_a_test @48:5 cx=1 ()
            method TestCart.test_add @52:9 cx=1 (self) calls=[Cart, add]
            method TestCart.helper @57:9 cx=1 (self)
            method CartTests.test_equal @61:9 cx=1 (self) calls=[assertEqual, total]
            method CartTests.test_mock @64:9 cx=1 (self) calls=[assert_called_once_with]
            method CartTests.test_skipped @68:9 cx=1 (self) calls=[fail]
            method NotTests.test_looks_like_one @72:9 cx=1 (self)
            fn test_outer @75:5 cx=1 () calls=[test_inner]
            fn test_outer.test_inner @76:9 cx=1 ()
            test "test_total" @10:5 [pytest] asserts=1 fn=test_total
            test "test_total_cases" @14:5 [pytest] asserts=1 fn=test_total_cases parametrized
            test "test_slow" @17:5 [pytest] asserts=1 fn=test_slow sleep=time.sleep@18:5 sleep=sleep@19:5
            test "test_async_wait" @22:11 [pytest] asserts=1 fn=test_async_wait sleep=asyncio.sleep@23:11
            test "test_nothing_checked" @26:5 [pytest] asserts=0 fn=test_nothing_checked
            test "test_raises" @29:5 [pytest] asserts=0 fn=test_raises expects-failure
            test "test_skipped_bare" @34:5 [pytest] asserts=1 fn=test_skipped_bare skip@33:1
            test "test_skipped_with_reason" @38:5 [pytest] asserts=1 fn=test_skipped_with_reason skip("needs the network")@37:1
            test "test_posix" @42:5 [pytest] asserts=1 fn=test_posix skip("posix only")@41:1
            test "test_skips_itself" @45:5 [pytest] asserts=0 fn=test_skips_itself skip("not today")@46:5
            test "TestCart > test_add" @52:9 [pytest] asserts=1 fn=TestCart.test_add
            test "CartTests > test_equal" @61:9 [unittest] asserts=1 fn=CartTests.test_equal
            test "CartTests > test_mock" @64:9 [unittest] asserts=1 fn=CartTests.test_mock
            test "CartTests > test_skipped" @68:9 [unittest] asserts=1 fn=CartTests.test_skipped skip("broken upstream")@67:5
            test "test_outer" @75:5 [pytest] asserts=1 fn=test_outer
            suite Class "TestCart" @51:7 tests
            suite Class "CartTests" @60:7 tests
            suite Class "NotTests" @71:7
        "#]],
    );
}

#[test]
fn syntax_errors_keep_the_valid_parts() {
    // Half-typed code, as an editor sees it between keystrokes.
    check(
        r#"
def ok(a):
    return a if a else 0

def broken(a):
    x = = 1
    if

def test_after():
    assert ok(1) == 1
"#,
        expect![[r#"
            (syntax errors)
            fn ok @2:5 cx=2 (a)
            fn broken @5:5 cx=1 (a)
            fn test_after @9:5 cx=1 () calls=[ok]
            test "test_after" @9:5 [pytest] asserts=1 fn=test_after
        "#]],
    );
    // An unclosed parenthesis makes tree-sitter read the rest of the file as the parameter list:
    // only what comes before it can be modelled. This is the grammar's recovery, asserted as is.
    check(
        r#"
def ok(a):
    return a if a else 0

def broken(a:
    return

def test_after():
    assert ok(1) == 1
"#,
        expect![[r#"
            (syntax errors)
            fn ok @2:5 cx=2 (a)
        "#]],
    );
}
