; Python: what a function reads of its (untyped) parameters, and the names it binds to their
; elements. Only reads of the function's own parameters and of those names are kept; a member
; that is called (`items.append(x)`) is a method, not a read.

(attribute object: (identifier) @read.object attribute: (identifier) @read.member)

; `for item in items:` and `... for item in items` in a comprehension.
(for_statement left: (identifier) @element.name right: (identifier) @element.collection)
(for_in_clause left: (identifier) @element.name right: (identifier) @element.collection)
