; inherits: ecma
; JavaScript only: callbacks with parenthesised parameters (TypeScript wraps each parameter).

((call_expression
   function: (member_expression
     object: (identifier) @element.collection
     property: (property_identifier) @_method)
   arguments: (arguments
     .
     [(arrow_function parameters: (formal_parameters . (identifier) @element.name))
      (function_expression parameters: (formal_parameters . (identifier) @element.name))]))
  (#any-of? @_method "filter" "map" "forEach" "some" "every" "find" "findIndex" "findLast" "findLastIndex" "flatMap"))

; `items.reduce((sum, item) => ...)`: the element is the second parameter.
((call_expression
   function: (member_expression
     object: (identifier) @element.collection
     property: (property_identifier) @_method)
   arguments: (arguments
     .
     [(arrow_function parameters: (formal_parameters . (_) . (identifier) @element.name))
      (function_expression parameters: (formal_parameters . (_) . (identifier) @element.name))]))
  (#eq? @_method "reduce"))
