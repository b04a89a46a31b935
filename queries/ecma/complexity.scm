; JavaScript and TypeScript decision points. Each capture adds one to the innermost function's cyclomatic
; complexity. Callbacks count for the named function they sit in. See docs/complexity.md.

(if_statement) @branch
(for_statement) @branch
(for_in_statement) @branch
(while_statement) @branch
(do_statement) @branch
(catch_clause) @branch
(ternary_expression) @branch

; Every `case`; `default` is a separate node and does not count.
(switch_case) @branch

(binary_expression operator: ["&&" "||" "??"] @branch)
(augmented_assignment_expression operator: ["&&=" "||=" "??="] @branch)
