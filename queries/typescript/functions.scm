; inherits: ecma
; TypeScript additions: parameters with types, return types, typed class fields.

(formal_parameters
  (required_parameter
    pattern: (_) @param.name
    type: (type_annotation)? @param.type
    value: (_)? @param.default) @param)

(formal_parameters
  (optional_parameter
    pattern: (_) @param.name
    type: (type_annotation)? @param.type
    value: (_)? @param.default) @param)

(function_declaration return_type: (type_annotation) @function.return_type) @function
(generator_function_declaration return_type: (type_annotation) @function.return_type) @function
(method_definition return_type: (type_annotation) @function.return_type) @function

(variable_declarator
  value: [
    (arrow_function return_type: (type_annotation) @function.return_type)
    (function_expression return_type: (type_annotation) @function.return_type)
  ]) @function

((public_field_definition
   name: (property_identifier) @function.name
   value: [
     (arrow_function parameters: (formal_parameters) @function.params)
     (arrow_function parameter: (identifier) @function.params)
     (function_expression parameters: (formal_parameters) @function.params)
   ]) @function
  (#set! kind "method"))

(public_field_definition
  value: (arrow_function return_type: (type_annotation) @function.return_type)) @function
