; JavaScript and TypeScript outline (ECMAScript, shared): matched at depth 0 on each top-level
; statement, each member of a class body and each statement of a describe block.
; See queries/README.md.

; Comments attach to what follows (JSDoc is a function's doc; `// reason:` explains a skip).
(comment) @attach

; Containers: classes, and describe blocks whose callback bodies hold more tests.
((class_declaration
   name: (_) @container.name
   (class_heritage (_) @container.base)?
   body: (class_body) @container.body) @container
  (#set! kind "class"))

((export_statement
   declaration: (class_declaration
     name: (_) @container.name
     (class_heritage (_) @container.base)?
     body: (class_body) @container.body)) @container
  (#set! kind "class"))

; `describe("name", () => { ... })`, `describe.only(...)`, `describe.skip(...)`, `context`, `suite`,
; `fdescribe`, `xdescribe`, and the table form `describe.each(table)("name %s", () => { ... })`.
((expression_statement
   (call_expression
     function: [
       (identifier) @_fn
       (member_expression object: (identifier) @_fn)
     ]
     arguments: (arguments
       .
       (_) @container.name
       .
       [(arrow_function body: (statement_block) @container.body)
        (function_expression body: (statement_block) @container.body)]))) @container
  (#any-of? @_fn "describe" "context" "suite" "fdescribe" "xdescribe" "xcontext")
  (#set! kind "describe"))

((expression_statement
   (call_expression
     function: (call_expression
       function: (member_expression
         object: [(identifier) @_fn (member_expression object: (identifier) @_fn)]
         property: (property_identifier) @_each))
     arguments: (arguments
       .
       (_) @container.name
       .
       [(arrow_function body: (statement_block) @container.body)
        (function_expression body: (statement_block) @container.body)]))) @container @parametrized
  (#any-of? @_fn "describe" "context" "suite")
  (#any-of? @_each "each" "for")
  (#set! kind "describe"))

; Markers on a describe block: `describe.only`, `describe.skip`, `fdescribe`, `xdescribe`.
((expression_statement
   (call_expression
     function: [
       (member_expression object: (identifier) @_fn property: (property_identifier) @marker.focus)
       (call_expression function: (member_expression
         object: (member_expression object: (identifier) @_fn property: (property_identifier) @marker.focus)))
     ])) @container
  (#any-of? @_fn "describe" "context" "suite")
  (#eq? @marker.focus "only")
  (#set! kind "describe"))

((expression_statement
   (call_expression
     function: [
       (member_expression object: (identifier) @_fn property: (property_identifier) @marker.skip)
       (call_expression function: (member_expression
         object: (member_expression object: (identifier) @_fn property: (property_identifier) @marker.skip)))
     ])) @container
  (#any-of? @_fn "describe" "context" "suite")
  (#eq? @marker.skip "skip")
  (#set! kind "describe"))

((expression_statement (call_expression function: (identifier) @marker.focus)) @container
  (#eq? @marker.focus "fdescribe")
  (#set! kind "describe"))

((expression_statement (call_expression function: (identifier) @marker.skip)) @container
  (#any-of? @marker.skip "xdescribe" "xcontext")
  (#set! kind "describe"))

; Items: functions, methods, and every other top-level statement that can hold code (a test call,
; a loop that declares tests, `const f = () => ...`).
(function_declaration) @item
(generator_function_declaration) @item
(export_statement) @item
(lexical_declaration) @item
(variable_declaration) @item
(expression_statement) @item
(method_definition) @item

; File facts: what the file imports, ESM or CommonJS.
(import_statement source: (string) @import)
((lexical_declaration
   (variable_declarator
     value: (call_expression
       function: (identifier) @_require
       arguments: (arguments . (string) @import))))
  (#eq? @_require "require"))

; Records: classes, built through their constructor. `export`ed ones are public.
((class_declaration
   name: (_) @record.name
   body: (class_body) @record.body) @record
  (#set! record "class"))

((export_statement
   declaration: (class_declaration
     name: (_) @record.name
     body: (class_body) @record.body) @record) @record.public
  (#set! record "class"))
