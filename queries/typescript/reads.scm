; inherits: ecma
; TypeScript only: callbacks with parenthesised parameters, each wrapped in a typed node.

((call_expression
   function: (member_expression
     object: (identifier) @element.collection
     property: (property_identifier) @_method)
   arguments: (arguments
     .
     [(arrow_function parameters: (formal_parameters . (required_parameter pattern: (identifier) @element.name)))
      (function_expression parameters: (formal_parameters . (required_parameter pattern: (identifier) @element.name)))]))
  (#any-of? @_method "filter" "map" "forEach" "some" "every" "find" "findIndex" "findLast" "findLastIndex" "flatMap"))

; `items.reduce((sum, item) => ...)`: the element is the second parameter.
((call_expression
   function: (member_expression
     object: (identifier) @element.collection
     property: (property_identifier) @_method)
   arguments: (arguments
     .
     [(arrow_function parameters: (formal_parameters . (_) . (required_parameter pattern: (identifier) @element.name)))
      (function_expression parameters: (formal_parameters . (_) . (required_parameter pattern: (identifier) @element.name)))]))
  (#eq? @_method "reduce"))
