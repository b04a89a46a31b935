; Go tests: what `go test` runs from a `_test.go` file, and what each test does.

; --- Test functions -----------------------------------------------------------------------------

((function_declaration
   name: (identifier) @_name
   parameters: (parameter_list
     .
     (parameter_declaration
       type: (pointer_type (qualified_type package: (package_identifier) @_pkg name: (type_identifier) @_type)))
     .)) @test.function
  (#match? @_name "^Test([^a-z]|$)")
  (#eq? @_pkg "testing")
  (#eq? @_type "T")
  (#set! kind "test"))

((function_declaration
   name: (identifier) @_name
   parameters: (parameter_list
     .
     (parameter_declaration
       type: (pointer_type (qualified_type package: (package_identifier) @_pkg name: (type_identifier) @_type)))
     .)) @test.function
  (#match? @_name "^Benchmark([^a-z]|$)")
  (#eq? @_pkg "testing")
  (#eq? @_type "B")
  (#set! kind "benchmark"))

((function_declaration
   name: (identifier) @_name
   parameters: (parameter_list
     .
     (parameter_declaration
       type: (pointer_type (qualified_type package: (package_identifier) @_pkg name: (type_identifier) @_type)))
     .)) @test.function
  (#match? @_name "^Fuzz([^a-z]|$)")
  (#eq? @_pkg "testing")
  (#eq? @_type "F")
  (#set! kind "fuzz"))

((function_declaration
   name: (identifier) @_name
   parameters: (parameter_list) @_params) @test.function
  (#match? @_name "^Example([^a-z]|$)")
  (#eq? @_params "()")
  (#set! kind "example"))

; Subtests: `t.Run("name", func(t *testing.T) { ... })`, the name literal or computed.
((call_expression
   function: (selector_expression field: (field_identifier) @_run)
   arguments: (argument_list . (_) @test.name . (func_literal) .)) @test
  (#eq? @_run "Run")
  (#set! kind "subtest"))

; --- Assertions ---------------------------------------------------------------------------------

; `t.Error`, `t.Errorf`, `t.Fatal`, `t.Fatalf`, `t.Fail`, `t.FailNow`.
((call_expression function: (selector_expression field: (field_identifier) @_name)) @assertion
  (#any-of? @_name "Error" "Errorf" "Fatal" "Fatalf" "Fail" "FailNow"))

; testify: `assert.Equal(t, ...)`, `require.NoError(t, ...)`.
((call_expression function: (selector_expression operand: (identifier) @_pkg)) @assertion
  (#any-of? @_pkg "assert" "require"))

; A testify suite's own assertions: `s.Equal(...)`, `s.Require().NoError(...)`.
((call_expression
   function: (selector_expression
     operand: (call_expression function: (selector_expression field: (field_identifier) @_via)))) @assertion
  (#any-of? @_via "Require" "Assert"))

; --- Skips --------------------------------------------------------------------------------------

((call_expression
   function: (selector_expression field: (field_identifier) @_name)
   arguments: (argument_list . (_)? @marker.reason)) @marker.skip
  (#any-of? @_name "Skip" "Skipf" "SkipNow"))

; --- Sleeps -------------------------------------------------------------------------------------

((call_expression
   function: (selector_expression operand: (identifier) @_pkg field: (field_identifier) @_name) @sleep.callee) @sleep
  (#eq? @_pkg "time")
  (#eq? @_name "Sleep"))
