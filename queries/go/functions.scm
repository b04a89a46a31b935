; Go functions and methods: name, parameters with their types, results, receiver type.

(function_declaration
  name: (identifier) @function.name
  parameters: (parameter_list) @function.params
  result: (_)? @function.return_type) @function

((method_declaration
  receiver: (parameter_list (parameter_declaration type: (_) @function.receiver))
  name: (field_identifier) @function.name
  parameters: (parameter_list) @function.params
  result: (_)? @function.return_type) @function
  (#set! kind "method"))

; `a, b int` is two parameters of one type: one match per name.
(parameter_declaration
  name: (identifier) @param.name
  type: (_) @param.type) @param

(variadic_parameter_declaration
  name: (identifier) @param.name
  type: (_) @param.type) @param
