; Rust tests: attributes that make a function a test, and what a test does.

; --- Test attributes (attached above the function) ---------------------------------------------

((attribute_item (attribute (identifier) @_name)) @test.attribute
  (#eq? @_name "test")
  (#set! framework "rust test"))

((attribute_item (attribute (identifier) @_name)) @test.attribute
  (#eq? @_name "bench")
  (#set! framework "rust test")
  (#set! kind "benchmark"))

((attribute_item
   (attribute (scoped_identifier path: (identifier) @_crate name: (identifier) @_name))) @test.attribute
  (#eq? @_crate "tokio")
  (#eq? @_name "test")
  (#set! framework "tokio"))

((attribute_item
   (attribute (scoped_identifier path: (identifier) @_crate name: (identifier) @_name))) @test.attribute
  (#eq? @_crate "async_std")
  (#eq? @_name "test")
  (#set! framework "async-std"))

((attribute_item (attribute (identifier) @_name)) @test.attribute
  (#eq? @_name "rstest")
  (#set! framework "rstest"))

((attribute_item (attribute (identifier) @_name)) @test.attribute @parametrized
  (#eq? @_name "test_case")
  (#set! framework "test-case"))

; rstest cases: `#[case(...)]` on the function or `#[case]`/`#[values(...)]` on a parameter.
((attribute_item (attribute (identifier) @_name)) @parametrized
  (#any-of? @_name "case" "values"))

((attribute_item (attribute (identifier) @_name)) @expects_failure
  (#eq? @_name "should_panic"))

; `#[ignore]` and `#[ignore = "why"]`.
((attribute_item
   (attribute
     (identifier) @_name
     value: (string_literal)? @marker.reason)) @marker.skip
  (#eq? @_name "ignore"))

; --- Assertions ---------------------------------------------------------------------------------

((macro_invocation macro: (identifier) @_name) @assertion
  (#match? @_name "^(debug_)?assert(_eq|_ne|_matches)?$|^prop_assert|^assert_"))

; `insta::assert_snapshot!`, `pretty_assertions::assert_eq!`, `similar_asserts::assert_eq!`.
((macro_invocation macro: (scoped_identifier name: (identifier) @_name)) @assertion
  (#match? @_name "^(debug_)?assert|^prop_assert"))

; Helper functions named like assertions.
((call_expression function: (identifier) @_name) @assertion
  (#match? @_name "^(assert|expect|verify)_"))

; `panic!` inside a test fails it on purpose.
((macro_invocation macro: (identifier) @_name) @assertion
  (#any-of? @_name "panic" "unreachable"))

; --- Sleeps -------------------------------------------------------------------------------------

; `std::thread::sleep`, `thread::sleep`, `tokio::time::sleep`, `time::sleep`,
; `async_std::task::sleep`.
((call_expression function: (scoped_identifier) @sleep.callee) @sleep
  (#match? @sleep.callee "(^|::)(thread|time|task)::sleep$"))

((call_expression function: (identifier) @sleep.callee) @sleep
  (#eq? @sleep.callee "sleep"))
