; Python tests. pytest collects `test*` functions at module level and in `Test*` classes; unittest
; collects `test*` methods of `TestCase` subclasses. Which of these a function is depends on its
; class, so the query only marks candidates and the rules in `lang.rs` decide.

((function_definition name: (identifier) @_name) @test.function
  (#match? @_name "^test"))

; --- Decorators ---------------------------------------------------------------------------------

; `@pytest.mark.parametrize(...)`
((decorator
   (call function: (attribute attribute: (identifier) @_name))) @parametrized
  (#eq? @_name "parametrize"))

; `@pytest.mark.skip`, `@pytest.mark.skip(reason="...")`, `@pytest.mark.skipif(cond, reason=...)`,
; `@unittest.skip("...")`, `@unittest.skipIf(cond, "...")`.
((decorator (attribute attribute: (identifier) @_name)) @marker.skip
  (#any-of? @_name "skip" "skipif"))

((decorator
   (call
     function: (attribute attribute: (identifier) @_name)
     arguments: (argument_list
       (keyword_argument name: (identifier) @_kw value: (string) @marker.reason)))) @marker.skip
  (#any-of? @_name "skip" "skipif")
  (#eq? @_kw "reason"))

((decorator
   (call
     function: (attribute attribute: (identifier) @_name)
     arguments: (argument_list . (string) @marker.reason))) @marker.skip
  (#eq? @_name "skip"))

((decorator
   (call
     function: (attribute attribute: (identifier) @_name)
     arguments: (argument_list (_) . (string) @marker.reason))) @marker.skip
  (#any-of? @_name "skipIf" "skipUnless"))

((decorator
   (call
     function: (attribute attribute: (identifier) @_name)
     arguments: (argument_list . (_) .))) @marker.skip
  (#any-of? @_name "skipif" "skipIf" "skipUnless"))

((decorator
   (call
     function: (attribute attribute: (identifier) @_name)
     arguments: (argument_list) @_args)) @marker.skip
  (#eq? @_name "skip")
  (#eq? @_args "()"))

; `pytest.skip("why")` and `self.skipTest("why")` in the body.
((call
   function: (attribute object: (identifier) @_obj attribute: (identifier) @_name)
   arguments: (argument_list . [(string) (keyword_argument value: (string))]? @marker.reason)) @marker.skip
  (#eq? @_obj "pytest")
  (#eq? @_name "skip"))

((call
   function: (attribute attribute: (identifier) @_name)
   arguments: (argument_list . (string)? @marker.reason)) @marker.skip
  (#eq? @_name "skipTest"))

; --- Assertions ---------------------------------------------------------------------------------

(assert_statement) @assertion

; `self.assertEqual(...)` and the rest of unittest's `assert*`; `mock.assert_called_once_with`.
((call function: (attribute attribute: (identifier) @_name)) @assertion
  (#match? @_name "^(assert|fail$)"))

; Helper functions named like assertions: `assert_valid(x)`, `expect_ok(r)`.
((call function: (identifier) @_name) @assertion
  (#match? @_name "^(assert|expect|verify)_"))

; `pytest.fail("...")`
((call function: (attribute object: (identifier) @_obj attribute: (identifier) @_name)) @assertion
  (#eq? @_obj "pytest")
  (#eq? @_name "fail"))

; --- Tests that pass by raising -----------------------------------------------------------------

((call function: (attribute attribute: (identifier) @_name)) @expects_failure
  (#any-of? @_name "raises" "assertRaises" "assertRaisesRegex" "warns" "assertWarns"))

((decorator (call function: (attribute attribute: (identifier) @_name))) @expects_failure
  (#eq? @_name "xfail"))
((decorator (attribute attribute: (identifier) @_name)) @expects_failure
  (#eq? @_name "xfail"))

; --- Sleeps -------------------------------------------------------------------------------------

; `time.sleep(...)`, `asyncio.sleep(...)`, `sleep(...)` after `from time import sleep`.
((call function: (attribute object: (identifier) @_module attribute: (identifier) @_name) @sleep.callee) @sleep
  (#any-of? @_module "time" "asyncio" "trio" "anyio" "gevent")
  (#eq? @_name "sleep"))

((call function: (identifier) @sleep.callee) @sleep
  (#eq? @sleep.callee "sleep"))
