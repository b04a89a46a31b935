; Python outline: matched at depth 0 on each top-level statement and on each statement of a class
; body. See queries/README.md for the capture vocabulary.

; Comments attach to the next definition (Python docs are docstrings, found by functions.scm).
(comment) @attach

; Items: functions, with or without decorators.
(function_definition) @item
(decorated_definition definition: (function_definition)) @item

; Containers: classes, with or without decorators. Their bases tell unittest classes apart.
((class_definition
   name: (identifier) @container.name
   superclasses: (argument_list [(identifier) (attribute)]* @container.base)?
   body: (block) @container.body) @container
  (#set! kind "class"))

((decorated_definition
   definition: (class_definition
     name: (identifier) @container.name
     superclasses: (argument_list [(identifier) (attribute)]* @container.base)?
     body: (block) @container.body)) @container
  (#set! kind "class"))

; A whole test class skipped: `@pytest.mark.skip(...)`, `@unittest.skip("why")`.
((decorated_definition
   (decorator
     [(attribute attribute: (identifier) @_skip)
      (call
        function: (attribute attribute: (identifier) @_skip)
        arguments: (argument_list
          [(string) @marker.reason
           (keyword_argument name: (identifier) @_kw value: (string) @marker.reason)]?))]) @marker.skip
   definition: (class_definition)) @container
  (#any-of? @_skip "skip" "skipIf" "skipUnless" "skipif"))

; File facts: the modules the file imports.
(import_statement name: (dotted_name) @import)
(import_from_statement module_name: (dotted_name) @import)

; Records: every class (built through its `__init__`), and dataclasses and named tuples (built
; from their annotated fields, which fields.scm reads). The most specific kind wins.
((class_definition
   name: (identifier) @record.name
   body: (block) @record.body) @record
  (#set! record "class"))

((decorated_definition
   definition: (class_definition
     name: (identifier) @record.name
     body: (block) @record.body) @record)
  (#set! record "class"))

((decorated_definition
   (decorator
     [(identifier) @_dataclass
      (attribute attribute: (identifier) @_dataclass)
      (call function: [(identifier) @_dataclass (attribute attribute: (identifier) @_dataclass)])])
   definition: (class_definition
     name: (identifier) @record.name
     body: (block) @record.body) @record)
  (#eq? @_dataclass "dataclass")
  (#set! record "dataclass"))

((class_definition
   name: (identifier) @record.name
   superclasses: (argument_list [(identifier) @_base (attribute attribute: (identifier) @_base)])
   body: (block) @record.body) @record
  (#eq? @_base "NamedTuple")
  (#set! record "namedtuple"))
