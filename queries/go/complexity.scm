; Go decision points. Each capture adds one to the innermost function's cyclomatic complexity
; (the rule of gocyclo). See docs/complexity.md.

(if_statement) @branch
(for_statement) @branch

; Every `case`; `default` is the catch-all and does not count.
(expression_case) @branch
(type_case) @branch
(communication_case) @branch

(binary_expression operator: ["&&" "||"] @branch)
