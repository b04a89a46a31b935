; JavaScript and TypeScript tests for Jest, Vitest, Mocha, Jasmine and node:test.

; --- Test calls ---------------------------------------------------------------------------------

; `it("name", fn)`, `test(...)`, `specify(...)`, `fit(...)`, `xit(...)`, `xtest(...)`.
((call_expression
   function: (identifier) @_fn
   arguments: (arguments . (_) @test.name)) @test
  (#any-of? @_fn "it" "test" "specify" "fit" "xit" "xtest" "xspecify"))

; `it.only(...)`, `it.skip(...)`, `it.todo(...)`, `test.concurrent(...)`, `it.fails(...)`.
((call_expression
   function: (member_expression
     object: (identifier) @_fn
     property: (property_identifier) @_modifier)
   arguments: (arguments . (_) @test.name)) @test
  (#any-of? @_fn "it" "test" "specify")
  (#any-of? @_modifier "only" "skip" "todo" "concurrent" "sequential" "fails" "failing"))

; Table-driven: `it.each(table)("name %s", fn)`, `` test.each`table`("name", fn) ``,
; `it.only.each(...)(...)`, Vitest's `test.for(...)`.
((call_expression
   function: (call_expression
     function: (member_expression
       object: [(identifier) @_fn (member_expression object: (identifier) @_fn)]
       property: (property_identifier) @_each))
   arguments: (arguments . (_) @test.name)) @test @parametrized
  (#any-of? @_fn "it" "test" "specify")
  (#any-of? @_each "each" "for"))

; Conditional: `it.skipIf(cond)("name", fn)`, `it.runIf(cond)(...)`.
((call_expression
   function: (call_expression
     function: (member_expression
       object: (identifier) @_fn
       property: (property_identifier) @_if))
   arguments: (arguments . (_) @test.name)) @test
  (#any-of? @_fn "it" "test")
  (#any-of? @_if "skipIf" "runIf"))

; node:test subtests: `await t.test("name", (t) => { ... })`.
((call_expression
   function: (member_expression
     object: (identifier) @_t
     property: (property_identifier) @_test)
   arguments: (arguments
     .
     [(string) (template_string)] @test.name
     .
     [(object) (arrow_function) (function_expression)])) @test
  (#not-any-of? @_t "it" "test" "describe")
  (#eq? @_test "test")
  (#set! kind "subtest")
  (#set! framework "node:test"))

; Describe blocks that are not at the top of a file (inside a loop or a helper).
((call_expression
   function: [(identifier) @_fn (member_expression object: (identifier) @_fn)]
   arguments: (arguments
     .
     (_) @suite.name
     .
     [(arrow_function) (function_expression)])) @suite
  (#any-of? @_fn "describe" "context" "suite" "fdescribe" "xdescribe"))

; --- Markers ------------------------------------------------------------------------------------

; `.only` and `.skip` and `.todo` on a test or describe call, however chained.
((member_expression
   object: (_) @_object
   property: (property_identifier) @marker.focus)
  (#eq? @marker.focus "only")
  (#match? @_object "^(it|test|specify|describe|context|suite)(\\.|$)"))

((member_expression
   object: (_) @_object
   property: (property_identifier) @marker.skip)
  (#eq? @marker.skip "skip")
  (#match? @_object "^(it|test|specify|describe|context|suite)(\\.|$)"))

((member_expression
   object: (_) @_object
   property: (property_identifier) @marker.todo)
  (#eq? @marker.todo "todo")
  (#match? @_object "^(it|test|specify)(\\.|$)"))

((call_expression function: (identifier) @marker.focus)
  (#any-of? @marker.focus "fit" "fdescribe"))

((call_expression function: (identifier) @marker.skip)
  (#any-of? @marker.skip "xit" "xtest" "xspecify" "xdescribe" "xcontext"))

; node:test options: `test("name", { skip: "why" }, fn)`, `{ skip: true }`, `{ only: true }`,
; `{ todo: true }`.
((pair key: (property_identifier) @_key value: (string) @marker.reason) @marker.skip
  (#eq? @_key "skip"))
((pair key: (property_identifier) @_key value: (true)) @marker.skip
  (#eq? @_key "skip"))
((pair key: (property_identifier) @_key value: (true)) @marker.focus
  (#eq? @_key "only"))
((pair key: (property_identifier) @_key) @marker.todo
  (#eq? @_key "todo"))

; In the body: node:test's `t.skip("why")`, Mocha's `this.skip()`.
((call_expression
   function: (member_expression
     object: [(identifier) (this)] @_object
     property: (property_identifier) @_skip)
   arguments: (arguments . (string)? @marker.reason)) @marker.skip
  (#not-any-of? @_object "it" "test" "specify" "describe" "context" "suite")
  (#eq? @_skip "skip"))

; --- Assertions ---------------------------------------------------------------------------------

; `expect(x)...`, `expectTypeOf(x)`, `assert(x)`, and helpers named like assertions.
((call_expression function: (identifier) @_fn) @assertion
  (#match? @_fn "^(expect|assert|verify)"))

; `expect.assertions(2)`, `assert.equal(...)`, `t.assert.ok(...)`, `sinon.assert.calledOnce(...)`.
((call_expression function: (member_expression object: (_) @_object)) @assertion
  (#match? @_object "(^|\\.)(assert|expect)$"))

; Chai's should: `x.should.equal(1)`.
((member_expression property: (property_identifier) @_should) @assertion
  (#eq? @_should "should"))

; Mocha's `done(err)` with an error, and explicit failures: `expect.fail()`, `assert.fail()`.
((call_expression function: (member_expression property: (property_identifier) @_fail)) @assertion
  (#eq? @_fail "fail"))

; --- Tests that pass by throwing ----------------------------------------------------------------

((call_expression function: (member_expression property: (property_identifier) @_throw)) @expects_failure
  (#any-of? @_throw "toThrow" "toThrowError" "toThrowErrorMatchingSnapshot" "toThrowErrorMatchingInlineSnapshot" "throws" "rejects" "doesNotThrow"))

((member_expression property: (property_identifier) @_rejects) @expects_failure
  (#eq? @_rejects "rejects"))

; --- Sleeps -------------------------------------------------------------------------------------

; `await new Promise(r => setTimeout(r, 100))`, with any body shape.
((new_expression
   constructor: (identifier) @_promise
   arguments: (arguments
     [(arrow_function
        body: [
          (call_expression function: (identifier) @sleep.callee)
          (statement_block (expression_statement (call_expression function: (identifier) @sleep.callee)))
        ])
      (function_expression
        body: (statement_block (expression_statement (call_expression function: (identifier) @sleep.callee))))])) @sleep
  (#eq? @_promise "Promise")
  (#eq? @sleep.callee "setTimeout"))

; `await setTimeout(100)` from `node:timers/promises`, `await sleep(100)`, `await delay(100)`.
((await_expression
   (call_expression
     function: (identifier) @sleep.callee
     arguments: (arguments . [(number) (binary_expression)]))) @sleep
  (#any-of? @sleep.callee "setTimeout" "sleep" "delay" "wait" "timeout"))

; Playwright's `page.waitForTimeout(500)`, Cypress's `cy.wait(500)`.
((call_expression
   function: (member_expression property: (property_identifier) @_wait) @sleep.callee
   arguments: (arguments . (number))) @sleep
  (#any-of? @_wait "waitForTimeout" "wait"))
