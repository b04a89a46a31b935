; JavaScript and TypeScript functions (shared): declarations, methods, and functions bound to a
; name. The doc comment is the JSDoc block attached above the item.

(function_declaration
  name: (identifier) @function.name
  parameters: (formal_parameters) @function.params) @function

(generator_function_declaration
  name: (identifier) @function.name
  parameters: (formal_parameters) @function.params) @function

((method_definition
   name: (_) @function.name
   parameters: (formal_parameters) @function.params) @function
  (#set! kind "method"))

; `const add = (a, b) => a + b`, `const f = function () {}`, `const g = x => x`.
(variable_declarator
  name: (identifier) @function.name
  value: [
    (arrow_function parameters: (formal_parameters) @function.params)
    (arrow_function parameter: (identifier) @function.params)
    (function_expression parameters: (formal_parameters) @function.params)
  ]) @function

; A single parameter without parentheses: `x => x`.
(arrow_function parameter: (identifier) @param @param.name)
