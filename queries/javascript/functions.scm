; inherits: ecma
; JavaScript only: parameters (TypeScript wraps each in a typed node), and class fields holding
; functions (TypeScript calls them public_field_definition).

((field_definition
   property: (property_identifier) @function.name
   value: [
     (arrow_function parameters: (formal_parameters) @function.params)
     (arrow_function parameter: (identifier) @function.params)
     (function_expression parameters: (formal_parameters) @function.params)
   ]) @function
  (#set! kind "method"))

; Parameters, one match each. JavaScript writes no types.
(formal_parameters (identifier) @param @param.name)
(formal_parameters (assignment_pattern left: (_) @param.name right: (_) @param.default) @param)
(formal_parameters (rest_pattern) @param @param.name)
(formal_parameters (object_pattern) @param @param.name)
(formal_parameters (array_pattern) @param @param.name)
