; JavaScript and TypeScript (shared): what a function reads of its parameters, and the names it
; binds to their elements. Only reads of the function's own parameters and of those names are
; kept; a member that is called (`items.filter(...)`) is a method, not a read.

(member_expression object: (identifier) @read.object property: (property_identifier) @read.member)

; `for (const item of items)`.
(for_in_statement
  left: (identifier) @element.name
  operator: "of"
  right: (identifier) @element.collection)

; `items.filter(i => ...)`: the callback's parameter is each element in turn.
((call_expression
   function: (member_expression
     object: (identifier) @element.collection
     property: (property_identifier) @_method)
   arguments: (arguments . (arrow_function parameter: (identifier) @element.name)))
  (#any-of? @_method "filter" "map" "forEach" "some" "every" "find" "findIndex" "findLast" "findLastIndex" "flatMap"))
