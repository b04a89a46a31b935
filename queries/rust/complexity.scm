; Rust decision points. Each capture adds one to the innermost function's cyclomatic complexity.
; See docs/complexity.md. `?` is not a branch, and neither is `loop` (its exits are the `if`s
; or `match`es inside it, which count).

(if_expression) @branch
(while_expression) @branch
(for_expression) @branch

; Every match arm but the catch-all `_` arm (like `default` in a switch).
((match_arm
   pattern: (match_pattern) @_pattern) @branch
  (#not-eq? @_pattern "_"))

; A guard is one more condition.
(match_pattern condition: (_) @branch)

(binary_expression operator: ["&&" "||"] @branch)
(let_chain ["&&" "||"] @branch)
