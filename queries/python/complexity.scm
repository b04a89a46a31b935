; Python decision points. Each capture adds one to the innermost function's cyclomatic
; complexity. See docs/complexity.md.

(if_statement) @branch
(elif_clause) @branch
(for_statement) @branch
(while_statement) @branch
(except_clause) @branch
(conditional_expression) @branch
(boolean_operator) @branch

; Comprehensions decide once per `for` and once per `if`.
(for_in_clause) @branch
(if_clause) @branch

; Every `case` but the catch-all `case _:`.
((case_clause (case_pattern) @_pattern) @branch
  (#not-eq? @_pattern "_"))

; A guard (`case x if x > 0:`) is one more condition.
(case_clause guard: (if_clause) @branch)
