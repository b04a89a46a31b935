; Rust calls: the called name, without path or receiver.

(call_expression function: (identifier) @call)
(call_expression function: (scoped_identifier name: (identifier) @call))
(call_expression function: (field_expression field: (field_identifier) @call))
(call_expression
  function: (generic_function
    function: [
      (identifier) @call
      (scoped_identifier name: (identifier) @call)
      (field_expression field: (field_identifier) @call)
    ]))

; Inside a macro's arguments (`assert_eq!(add(1, 2), 3)`) tree-sitter sees tokens, not calls:
; a name right before a parenthesised group is taken as a call.
(token_tree
  (identifier) @call
  .
  (token_tree))
